"""Propensity models for the R-indicator: input checks and the main-effects logit.

Private to `r_indicator`: turns covariate columns into category codes, checks
counts, flags and weights, and fits the binomial GLM on cells.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final

import numpy as np
import numpy.typing as npt
from statsmodels.genmod.families import Binomial  # type: ignore[import-untyped]
from statsmodels.genmod.generalized_linear_model import (  # type: ignore[import-untyped]
    GLM,
)

from coproduce.analytics.errors import InputError
from coproduce.analytics.representation._validate import check_count

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.intp]

#: IRLS stops when the deviance changes by less than this (statsmodels' `tol`).
GLM_TOLERANCE: Final = 1e-10
GLM_MAX_ITERATIONS: Final = 200


@dataclass(frozen=True, slots=True)
class Units:
    """Cells, participants or invited people: what the indicators are summed over."""

    variables: tuple[str, ...]
    labels: tuple[tuple[str, ...], ...]  # per variable, its categories
    codes: tuple[IntArray, ...]  # per variable, each unit's category index
    weights: FloatArray  # residents each unit stands for
    participants: FloatArray  # participants each unit holds (observed)
    propensities: FloatArray


def fit_cells(
    variables: tuple[str, ...],
    labels: tuple[tuple[str, ...], ...],
    codes: tuple[IntArray, ...],
    big_n: FloatArray,
    small_n: FloatArray,
) -> Units:
    """Fit the main-effects logit GLM on cells; drop cells without residents."""
    check_totals(float(math.fsum(big_n)), float(math.fsum(small_n)))
    keep = big_n > 0
    kept_codes = tuple(c[keep] for c in codes)
    design = _design(kept_codes)
    endog = np.column_stack([small_n[keep], big_n[keep] - small_n[keep]])
    # A category nobody in took part sends its coefficient to −∞ (perfect
    # separation); the fitted ρ tends to its limit 0, which is the right answer,
    # so statsmodels' warnings about it are expected and silenced.
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        fitted = GLM(endog, design, family=Binomial()).fit(
            maxiter=GLM_MAX_ITERATIONS, tol=GLM_TOLERANCE
        )
    rho = np.asarray(fitted.fittedvalues, dtype=np.float64)
    if not np.all(np.isfinite(rho)):  # pragma: no cover - statsmodels failure
        raise InputError("The participation model could not be fitted to this table.")
    return Units(
        variables=variables,
        labels=labels,
        codes=kept_codes,
        weights=big_n[keep],
        participants=small_n[keep],
        propensities=rho,
    )


def check_cells(
    variables: tuple[str, ...],
    labels: tuple[tuple[str, ...], ...],
    codes: tuple[IntArray, ...],
    big_n: FloatArray,
    small_n: FloatArray,
) -> None:
    """Participants where nobody lives, or more than live there: wrong base."""
    for row in np.flatnonzero((big_n == 0) & (small_n > 0)):
        raise InputError(
            f"Cell {row + 1} ({cell_name(variables, labels, codes, int(row))}) has "
            "participants but no residents. Check the table's area and age base.",
            row=int(row) + 1,
        )
    for row in np.flatnonzero(small_n > big_n):
        raise InputError(
            f"Cell {row + 1} ({cell_name(variables, labels, codes, int(row))}) has "
            f"{small_n[row]:,.0f} participants but {big_n[row]:,.0f} residents. "
            "Check the table's area and age base.",
            row=int(row) + 1,
        )


def check_totals(n_population: float, n_participants: float) -> None:
    if n_population <= 1:
        raise InputError(
            f"The population totals {n_population:g}; the R-indicator needs more "
            "than one resident. Check the table's area and age base."
        )
    if n_participants <= 0:
        raise InputError("Nobody took part, so there is no participation to describe.")


def _design(codes: tuple[IntArray, ...]) -> FloatArray:
    """Intercept plus treatment dummies for each variable's observed categories."""
    columns = [np.ones(len(codes[0]))]
    for c in codes:
        present = np.unique(c)
        columns.extend((c == k).astype(np.float64) for k in present[1:])
    return np.column_stack(columns)


def encode(
    covariates: Mapping[str, Sequence[str]],
) -> tuple[tuple[str, ...], tuple[tuple[str, ...], ...], tuple[IntArray, ...]]:
    """Variables, their categories (sorted, for row-order independence) and codes."""
    if not covariates:
        raise InputError("Choose at least one variable for the R-indicator.")
    variables = tuple(covariates)
    lengths = {len(values) for values in covariates.values()}
    if len(lengths) != 1:
        raise InputError(
            "Every variable needs one label per row, but the columns have "
            f"{', '.join(str(n) for n in sorted(lengths))} rows. Give them all "
            "the same rows."
        )
    if lengths == {0}:
        raise InputError("The table has no rows. Give at least two.")
    all_labels = []
    all_codes = []
    for variable in variables:
        values = list(covariates[variable])
        for row, value in enumerate(values):
            if not isinstance(value, str) or not value.strip():
                raise InputError(
                    f"Row {row + 1}, column '{variable}': the label is {value!r}. "
                    "Give every row a category; put unknown answers in a category "
                    "of their own or leave them out.",
                    row=row + 1,
                    column=variable,
                )
        categories = tuple(sorted(set(values)))
        index = {label: k for k, label in enumerate(categories)}
        all_labels.append(categories)
        all_codes.append(np.array([index[v] for v in values], dtype=np.intp))
    return variables, tuple(all_labels), tuple(all_codes)


def checked_counts(
    values: Sequence[float] | Sequence[int] | npt.NDArray[np.generic],
    length: int,
    what: str,
    *,
    whole: bool,
    unit: str = "Cell",
) -> FloatArray:
    items = (
        list(np.asarray(values, dtype=object).reshape(-1))
        if np.ndim(values)
        else [values]
    )
    if len(items) != length:
        raise InputError(
            f"There are {length} rows of labels but {len(items)} {what} figures. "
            "Give one for each row."
        )
    return np.array(
        [
            check_count(
                value, what=f"{unit} {row + 1}: the {what}", row=row + 1, whole=whole
            )
            for row, value in enumerate(items)
        ],
        dtype=np.float64,
    )


def checked_flags(
    took_part: Sequence[bool | int] | npt.NDArray[np.bool_] | npt.NDArray[np.int_],
    length: int,
) -> FloatArray:
    items = list(np.asarray(took_part, dtype=object).reshape(-1))
    if len(items) != length:
        raise InputError(
            f"There are {length} people invited but {len(items)} taking-part flags. "
            "Give one for each person."
        )
    flags = []
    for row, value in enumerate(items):
        if isinstance(value, bool | np.bool_):
            flags.append(float(bool(value)))
        elif isinstance(value, int | np.integer) and int(value) in (0, 1):
            flags.append(float(value))
        else:
            raise InputError(
                f"Row {row + 1}: the taking-part flag is {value!r}. Use 1 for took "
                "part and 0 for did not.",
                row=row + 1,
                column="took_part",
            )
    return np.array(flags, dtype=np.float64)


def cell_name(
    variables: tuple[str, ...],
    labels: tuple[tuple[str, ...], ...],
    codes: tuple[IntArray, ...],
    row: int,
) -> str:
    return ", ".join(
        f"{variable} '{labels[j][codes[j][row]]}'"
        for j, variable in enumerate(variables)
    )
