"""Checking and encoding the raking input: participants' categories and margins.

Spec: inclusion metrics §7 and §8. Everything a user can get wrong is
checked here, before any weight is computed, and reported as an `InputError`
that names the characteristic (`column`), the category and the fix.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from coproduce.analytics.errors import InputError
from coproduce.analytics.labels import label_key
from coproduce.analytics.weighting.labels import encode_labels

MarginUnit = Literal["count", "share", "percent"]
Participants = Mapping[str, Sequence[Any] | npt.NDArray[Any]]
Margins = Mapping[str, Mapping[Any, float]]

#: Display label of the raking cell that holds participants who did not say.
UNKNOWN_CELL = "not known"
#: Counts may total up to this far from the population before it is an error (§8).
COUNT_TOTAL_TOLERANCE = 0.005
#: No real population is near this; the limit keeps weights far from float overflow.
MAX_POPULATION = 1e12
#: Percentages must total 100 within this many points (§8); shares 1 within 1/100 of it.
PERCENT_TOTAL_TOLERANCE = 0.1


@dataclass(frozen=True)
class RakingInputs:
    """Validated, encoded input for raking; internal to the weighting package.

    Per characteristic j: `codes[j][i]` is participant i's cell; cells
    0..len(labels[j]) - 1 are the census categories in margin order, and, when
    someone did not say, one more cell at the end holds them (`UNKNOWN_CELL`).
    `targets[j]` gives each cell's target total in people; every characteristic's
    targets sum to `population_total`.
    """

    characteristics: tuple[str, ...]
    labels: tuple[tuple[str, ...], ...]
    codes: tuple[npt.NDArray[np.intp], ...]
    targets: tuple[npt.NDArray[np.float64], ...]
    population_total: float
    n_participants: int
    n_unknown: dict[str, int]
    left_out: tuple[str, ...]
    notices: tuple[str, ...]

    def cell_label(self, characteristic: int, cell: int) -> str:
        """The category a cell stands for, or `UNKNOWN_CELL`."""
        labels = self.labels[characteristic]
        return labels[cell] if cell < len(labels) else UNKNOWN_CELL


def is_real_number(value: object) -> bool:
    """True for a finite int or float (NumPy's too), False for bool, NaN, text."""
    return (
        isinstance(value, int | float | np.integer | np.floating)
        and not isinstance(value, bool | np.bool_)
        and math.isfinite(float(value))
    )


def prepare_raking_inputs(
    participants: Participants,
    margins: Margins,
    *,
    population_total: float | None,
    margin_unit: MarginUnit,
) -> RakingInputs:
    """Check participants and margins against spec §8 and encode them as cells.

    Parameters
    ----------
    participants
        Characteristic name -> one label per participant (all the same length).
        None, NaN or blank text means the participant did not say.
    margins
        Characteristic name -> category label -> population count, share (0–1)
        or percentage (0–100), as `margin_unit` says.
    population_total
        N, the residents the weights add up to. Needed for shares and
        percentages; for counts it defaults to the first used characteristic's
        total.
    margin_unit
        "count", "share" or "percent".

    Returns
    -------
    RakingInputs

    Raises
    ------
    InputError
        For every case in spec §8: no usable characteristic, a label missing
        from the margins, a category with residents but no participants (or the
        reverse, or more participants than residents), totals that disagree by
        more than 0.5 %, percentages not totalling 100 ± 0.1, negative or
        non-numeric margins, fewer than 2 participants.

    Notes
    -----
    For characteristic X with unknown share u = n_unknown / n, the census
    categories get targets T_k = N·q_k·(1 − u) and the unknown cell N·u: people
    who did not say keep their share of the sample, and those who did match the
    census shares q_k exactly (see `RakingWeighter` for why).
    """
    if margin_unit not in ("count", "share", "percent"):
        raise InputError(
            f"margin_unit must be 'count', 'share' or 'percent', not {margin_unit!r}."
        )
    n_participants = _participant_count(participants)
    notices: list[str] = []
    left_out: list[str] = []
    used: list[str] = []
    for name in participants:
        if name in margins:
            used.append(name)
        else:
            left_out.append(name)
            notices.append(
                f"'{name}' has no population margins, so it was left out of the "
                "weights."
            )
    for name in margins:
        if name not in participants:
            notices.append(
                f"Margins for '{name}' were given but the participants have no "
                f"'{name}' values, so it was left out of the weights."
            )

    encoded: list[tuple[str, tuple[str, ...], npt.NDArray[np.intp], int]] = []
    for name in used:
        labels, keys = _margin_labels(name, margins[name])
        codes, n_unknown = encode_labels(name, participants[name], labels, keys)
        if n_unknown == n_participants:
            left_out.append(name)
            notices.append(
                f"No participant gave their '{name}', so it was left out of the "
                "weights."
            )
            continue
        encoded.append((name, labels, codes, n_unknown))
    if not encoded:
        raise InputError(
            "None of the participants' characteristics has population margins "
            "and at least one known value, so there is nothing to weight by. "
            "Add margins for at least one characteristic."
        )

    totals = {
        name: _margin_total(name, margins[name], margin_unit) for name, *_ in encoded
    }
    first = encoded[0][0]
    if margin_unit == "count":
        reference = totals[first] if population_total is None else population_total
    elif population_total is None:
        raise InputError(
            f"Margins given as {margin_unit}s need the population total: pass "
            "population_total (the residents the weights should add up to)."
        )
    else:
        reference = population_total
    if not (is_real_number(reference) and 0 < float(reference) < MAX_POPULATION):
        raise InputError(
            "The population total must be a positive number of residents below "
            f"{MAX_POPULATION:,.0f}, not {reference!r}."
        )
    reference = float(reference)
    if margin_unit == "count":
        notices.extend(_check_count_totals(totals, reference))

    characteristics: list[str] = []
    all_labels: list[tuple[str, ...]] = []
    all_codes: list[npt.NDArray[np.intp]] = []
    all_targets: list[npt.NDArray[np.float64]] = []
    unknown: dict[str, int] = {}
    for name, labels, codes, n_unknown in encoded:
        values = np.array([float(v) for v in margins[name].values()])
        census = reference * values / totals[name]
        counts = np.bincount(codes, minlength=len(labels) + 1)[: len(labels)]
        _check_categories(name, labels, counts, census)
        unknown_share = n_unknown / n_participants
        targets = census * (1.0 - unknown_share)
        if n_unknown:
            targets = np.append(targets, reference * unknown_share)
            notices.append(
                f"{n_unknown:,} of {n_participants:,} participants did not give "
                f"their '{name}'. They keep their share of the sample "
                f"({unknown_share:.1%}) on it; the others match the census shares."
            )
        characteristics.append(name)
        all_labels.append(labels)
        all_codes.append(codes)
        all_targets.append(targets)
        unknown[name] = n_unknown
    return RakingInputs(
        characteristics=tuple(characteristics),
        labels=tuple(all_labels),
        codes=tuple(all_codes),
        targets=tuple(all_targets),
        population_total=reference,
        n_participants=n_participants,
        n_unknown=unknown,
        left_out=tuple(left_out),
        notices=tuple(notices),
    )


def _participant_count(participants: Participants) -> int:
    lengths = {name: len(values) for name, values in participants.items()}
    if not lengths:
        raise InputError(
            "No characteristics were given for the participants, so there is "
            "nothing to weight by."
        )
    n_participants = max(lengths.values())
    for name, length in lengths.items():
        if length != n_participants:
            raise InputError(
                f"Column '{name}' has {length:,} values but other characteristics "
                f"have {n_participants:,}: every characteristic needs one value per "
                "participant (None when unknown).",
                column=name,
            )
    if n_participants < 2:
        raise InputError(
            f"Not enough participants: weighting needs at least 2, and there "
            f"{'is' if n_participants == 1 else 'are'} {n_participants}."
        )
    return n_participants


def _margin_labels(
    name: str, margin: Mapping[Any, float]
) -> tuple[tuple[str, ...], dict[str, int]]:
    """Display labels in margin order, and normalised key -> category index."""
    if not margin:
        raise InputError(
            f"The margins for '{name}' have no categories. Add its categories or "
            "leave it out.",
            column=name,
        )
    labels: list[str] = []
    keys: dict[str, int] = {}
    for index, label in enumerate(margin):
        key = label_key(label)
        if key is None:
            raise InputError(
                f"The margins for '{name}' have a category without a name. Name "
                "it or remove it.",
                column=name,
            )
        if key in keys:
            raise InputError(
                f"The margins for '{name}' list '{labels[keys[key]]}' and "
                f"'{label}', which count as the same category (labels are "
                "compared ignoring case, surrounding spaces and how accents are "
                "encoded). Keep one of them.",
                column=name,
                category=str(label),
            )
        keys[key] = index
        labels.append(str(label))
    return tuple(labels), keys


def _margin_total(name: str, margin: Mapping[Any, float], unit: MarginUnit) -> float:
    for label, value in margin.items():
        if not is_real_number(value):
            raise InputError(
                f"The margin for '{label}' in '{name}' is not a number ({value!r}).",
                column=name,
                category=str(label),
            )
        if value < 0:
            raise InputError(
                f"The margin for '{label}' in '{name}' is negative ({value}). "
                "Population counts and shares cannot be below zero.",
                column=name,
                category=str(label),
            )
    try:
        total = math.fsum(float(v) for v in margin.values())
    except OverflowError:
        total = math.inf
    if not math.isfinite(total):
        raise InputError(
            f"The margins for '{name}' are too large to add up. Give them as "
            "population counts or shares.",
            column=name,
        )
    if total <= 0:
        raise InputError(
            f"The margins for '{name}' total zero. Give the population of each "
            "category.",
            column=name,
        )
    if unit == "percent" and abs(total - 100.0) > PERCENT_TOTAL_TOLERANCE:
        raise InputError(
            f"The percentages for '{name}' total {total:.2f}, not 100. Correct "
            f"them: they may differ from 100 by at most {PERCENT_TOTAL_TOLERANCE}.",
            column=name,
        )
    if unit == "share" and abs(total - 1.0) > PERCENT_TOTAL_TOLERANCE / 100:
        raise InputError(
            f"The shares for '{name}' total {total:.4f}, not 1. Correct them: they "
            f"may differ from 1 by at most {PERCENT_TOTAL_TOLERANCE / 100}.",
            column=name,
        )
    return total


def _check_count_totals(totals: Mapping[str, float], reference: float) -> list[str]:
    notices = []
    for name, total in totals.items():
        gap = abs(total - reference) / reference
        if gap > COUNT_TOTAL_TOLERANCE:
            raise InputError(
                f"The margins for '{name}' total {total:,.0f} but the population "
                f"is {reference:,.0f} ({gap:.1%} apart; at most 0.5 % is allowed). "
                "Check that every characteristic's margins use the same area and "
                "age base.",
                column=name,
            )
        if gap > 1e-12:
            notices.append(
                f"The margins for '{name}' total {total:,.0f}; they were rescaled "
                f"to the population of {reference:,.0f} ({gap:.2%} apart)."
            )
    return notices


def _check_categories(
    name: str,
    labels: tuple[str, ...],
    counts: npt.NDArray[np.intp],
    census: npt.NDArray[np.float64],
) -> None:
    for label, n_k, big_n_k in zip(
        labels, counts.tolist(), census.tolist(), strict=True
    ):
        if n_k == 0 and big_n_k > 0:
            raise InputError(
                f"No participants in '{label}'. Merge it with a neighbouring "
                "category or drop the characteristic.",
                column=name,
                category=label,
            )
        # A relative allowance keeps rounding in rescaled counts from tripping this.
        if n_k > big_n_k * (1 + 1e-9):
            residents = (
                "no residents" if big_n_k == 0 else f"only {big_n_k:,.1f} residents"
            )
            raise InputError(
                f"'{label}' in '{name}' has {n_k:,} participants but {residents} "
                "in the margins. Check that the margins cover the engagement's "
                "area and age base.",
                column=name,
                category=label,
            )
