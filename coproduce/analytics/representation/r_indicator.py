"""R-indicator, coefficient of variation and partial R-indicators of taking part.

Three routes estimate each resident's propensity ρ to take part (spec §3):

(a) `r_indicator_from_population_table`: a joint population table, cell counts
    N_c with n_c participants, fitted by a main-effects binomial GLM (logit);
(b) `r_indicator_from_weights`: margins only, through the untrimmed raking
    weights of the participants, ρ_i = 1/w_i ("margin-based");
(c) `r_indicator_from_invited_frame`: everyone invited with a 0/1 taking-part
    flag, fitted by a main-effects logistic regression; R then describes the
    invited, not all residents.

All three feed one calculation over "units" (cells, participants or invited
people), each standing for w_i residents (N = Σ w_i) with one propensity ρ_i:

- ρ̄ = n / N; S² = Σ_i w_i·(ρ_i − ρ̄)² / (N − 1); R = 1 − 2S; CV = S / ρ̄.
- Unconditional partials, with ρ̄_k = Σ_{i∈k} w_i ρ_i / N_k:
  P_u(X) = √(Σ_k (N_k/N)·(ρ̄_k − ρ̄)²) and P_u(X, k) = √(N_k/N)·(ρ̄_k − ρ̄).
- Conditional partials (routes a and c), with ρ̄_Z(i) the mean propensity in
  i's cell on all the other variables: P_c(X) = √(Σ_i w_i·(ρ_i − ρ̄_Z(i))² / N),
  and P_c(X, k) the same sum over i in k only.
- Partial CVs divide by ρ̄. Since Σ_i w_i·(ρ_i − ρ̄)² ≤ N·ρ̄·(1 − ρ̄), R is at
  least 1 − 2·√(N/(N − 1)·ρ̄·(1 − ρ̄)), reported as `r_indicator_floor`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt

from coproduce.analytics.errors import InputError
from coproduce.analytics.representation._propensity import (
    FloatArray,
    Units,
    check_cells,
    check_totals,
    checked_counts,
    checked_flags,
    encode,
    fit_cells,
)

Basis = Literal["population table", "margin-based", "invited frame"]


@dataclass(frozen=True, slots=True)
class CategoryPartial:
    """Partial R-indicators of one category of one variable."""

    label: str
    n_population: float  # N_k
    n_participants: float  # n_k
    mean_propensity: float  # ρ̄_k
    unconditional: float  # P_u(X, k); negative means under-represented
    unconditional_cv: float  # P_u(X, k) / ρ̄
    conditional: float | None  # P_c(X, k) ≥ 0; None for the margin-based route
    conditional_cv: float | None  # P_c(X, k) / ρ̄


@dataclass(frozen=True, slots=True)
class VariablePartial:
    """Partial R-indicators of one variable, with its categories."""

    variable: str
    unconditional: float  # P_u(X) ≥ 0
    unconditional_cv: float  # P_u(X) / ρ̄
    conditional: float | None  # P_c(X); None for the margin-based route
    conditional_cv: float | None  # P_c(X) / ρ̄
    categories: tuple[CategoryPartial, ...]


@dataclass(frozen=True, slots=True)
class RIndicatorResult:
    """R, CV and partial indicators of how participation varies with the variables.

    `basis` says how propensities were estimated: "population table" (route a),
    "margin-based" (route b) or "invited frame" (route c, describing the invited).
    """

    basis: Basis
    variables: tuple[str, ...]
    n_population: float  # N
    n_participants: float  # n
    mean_propensity: float  # ρ̄ = n / N
    propensity_sd: float  # S, with N − 1 in the denominator
    r_indicator: float  # R = 1 − 2S
    coefficient_of_variation: float  # CV = S / ρ̄, the headline
    r_indicator_floor: float  # the lowest R possible at this ρ̄ and N
    partials: tuple[VariablePartial, ...]
    notices: tuple[str, ...]


def r_indicator_from_population_table(
    covariates: Mapping[str, Sequence[str]],
    population_counts: Sequence[float] | FloatArray,
    participant_counts: Sequence[int] | npt.NDArray[np.int_],
) -> RIndicatorResult:
    """R-indicator from a joint population table (route a).

    Parameters
    ----------
    covariates
        Variable name → each cell's category label, one entry per cell.
    population_counts
        N_c, residents in each cell.
    participant_counts
        n_c, participants in each cell (with known values on every variable).

    Returns
    -------
    RIndicatorResult
        With conditional partials; basis "population table".

    Raises
    ------
    InputError
        For no variables, cells of different lengths, a blank label, negative or
        non-finite counts, a cell with participants but no residents or with
        more participants than residents, N ≤ 1 or no participants.

    Notes
    -----
    ρ_c is the fitted probability of a main-effects binomial GLM with logit
    link, n_c successes out of N_c (statsmodels `GLM(Binomial)`, endog
    [n_c, N_c − n_c]). Cells with N_c = 0 carry no residents and are dropped.
    Each cell is a unit with w_c = N_c; R, CV and the partials follow the
    formulas in this module's docstring (S² = Σ_c N_c·(ρ_c − ρ̄)² / (N − 1)).

    References
    ----------
    Schouten, B., Cobben, F. and Bethlehem, J. (2009), "Indicators for the
    representativeness of survey response", Survey Methodology 35(1): 101–113
    (propensities estimated by a logistic model). Coproduce inclusion-metrics
    design, §3 route (a).
    """
    variables, labels, codes = encode(covariates)
    n_rows = len(codes[0])
    big_n = checked_counts(population_counts, n_rows, "residents", whole=False)
    small_n = checked_counts(participant_counts, n_rows, "participants", whole=True)
    check_cells(variables, labels, codes, big_n, small_n)
    units = fit_cells(variables, labels, codes, big_n, small_n)
    return _indicators(units, basis="population table", has_conditional=True)


def r_indicator_from_invited_frame(
    covariates: Mapping[str, Sequence[str]],
    took_part: Sequence[bool | int] | npt.NDArray[np.bool_] | npt.NDArray[np.int_],
) -> RIndicatorResult:
    """R-indicator of the invited, from everyone invited and who took part (route c).

    Parameters
    ----------
    covariates
        Variable name → each invited person's category label.
    took_part
        1 (or True) for each invited person who took part, else 0.

    Returns
    -------
    RIndicatorResult
        With conditional partials; basis "invited frame". N is the number
        invited, so R describes the invited, not all residents.

    Raises
    ------
    InputError
        For no variables, columns of different lengths, a blank label, a flag
        other than 0 or 1 (naming the row), fewer than 2 invited or nobody
        taking part.

    Notes
    -----
    ρ_i is the fitted probability of a main-effects logistic regression of
    taking part on the covariates. With categorical covariates the likelihood
    is that of a binomial GLM on the covariate patterns (n_c of N_c invited
    took part), which is what is fitted: the same estimates, one row per
    pattern. Each person is a unit with w_i = 1; R, CV and the partials follow
    the formulas in this module's docstring.

    References
    ----------
    Schouten, B., Shlomo, N. and Skinner, C. (2011), "Indicators for monitoring
    and improving representativeness of response", Journal of Official
    Statistics 27(2): 231–253. Coproduce inclusion-metrics design, §3 route (c).
    """
    variables, labels, codes = encode(covariates)
    flags = checked_flags(took_part, len(codes[0]))
    if len(flags) < 2:
        raise InputError("Not enough people invited: the R-indicator needs at least 2.")
    patterns, inverse = np.unique(np.column_stack(codes), axis=0, return_inverse=True)
    inverse = inverse.reshape(-1)
    big_n = np.bincount(inverse).astype(np.float64)
    small_n = np.asarray(np.bincount(inverse, weights=flags), dtype=np.float64)
    cell_codes = tuple(patterns[:, j].astype(np.intp) for j in range(len(variables)))
    units = fit_cells(variables, labels, cell_codes, big_n, small_n)
    return _indicators(units, basis="invited frame", has_conditional=True)


def r_indicator_from_weights(
    covariates: Mapping[str, Sequence[str]],
    weights: Sequence[float] | FloatArray,
) -> RIndicatorResult:
    """Margin-based R-indicator from participants' raking weights (route b).

    Parameters
    ----------
    covariates
        Variable name → each participant's category label (the characteristics
        the weights were raked on).
    weights
        Each participant's untrimmed raking weight w_i: the residents they stand
        for, so Σ w_i = N and Σ_{i∈k} w_i = N_k.

    Returns
    -------
    RIndicatorResult
        Basis "margin-based"; conditional partials are None because margins
        alone do not say who lives in each cell of the other variables.

    Raises
    ------
    InputError
        For no variables, columns of different lengths, a blank label, a
        weight that is not finite or is below 1 (naming the row: a participant
        cannot stand for fewer than one resident), or N ≤ 1.

    Notes
    -----
    ρ_i = 1 / w_i, the multiplicative response model that raking assumes.
    S² = Σ_{i∈participants} w_i·(1/w_i − ρ̄)² / (N − 1), ρ̄ = n / N and
    ρ̄_k = Σ_{i∈k} w_i·ρ_i / Σ_{i∈k} w_i = n_k / N_k.

    References
    ----------
    Schouten, B., Cobben, F. and Bethlehem, J. (2009), "Indicators for the
    representativeness of survey response", Survey Methodology 35(1): 101–113
    (S and R). Deming, W. E. and Stephan, F. F. (1940), "On a least squares
    adjustment of a sampled frequency table when the expected marginal totals
    are known", Annals of Mathematical Statistics 11(4): 427–444 (raking).
    Coproduce inclusion-metrics design, §3 route (b).
    """
    variables, labels, codes = encode(covariates)
    w = checked_counts(
        weights, len(codes[0]), "weight", whole=False, unit="Participant"
    )
    for row in np.flatnonzero(w < 1):
        raise InputError(
            f"Participant {row + 1} has weight {w[row]:g}, below 1: nobody can "
            "stand for fewer than one resident. Check the margins' area and age "
            "base, and pass untrimmed raking weights.",
            row=int(row) + 1,
            column="weight",
        )
    check_totals(float(math.fsum(w)), float(len(w)))
    units = Units(
        variables=variables,
        labels=labels,
        codes=codes,
        weights=w,
        participants=np.ones_like(w),
        propensities=1.0 / w,
    )
    return _indicators(units, basis="margin-based", has_conditional=False)


def _indicators(
    units: Units, *, basis: Basis, has_conditional: bool
) -> RIndicatorResult:
    """R, CV and partial indicators from units' weights and propensities.

    Notes
    -----
    With w_i the residents unit i stands for (N = Σ w_i) and ρ̄ = n / N:
    S² = Σ_i w_i·(ρ_i − ρ̄)² / (N − 1), R = 1 − 2S, CV = S / ρ̄.
    Unconditional partials: ρ̄_k = Σ_{i∈k} w_i ρ_i / N_k,
    P_u(X) = √(Σ_k (N_k/N)·(ρ̄_k − ρ̄)²), P_u(X, k) = √(N_k/N)·(ρ̄_k − ρ̄).
    Conditional partials, with ρ̄_Z(i) the weighted mean propensity in i's cell
    on all other variables: P_c(X) = √(Σ_i w_i·(ρ_i − ρ̄_Z(i))² / N), and
    P_c(X, k) the same sum over i in k only. Partial CVs divide by ρ̄.
    Because Σ (ρ_i − ρ̄)² ≤ N·ρ̄·(1 − ρ̄), R ≥ 1 − 2·√(N/(N − 1)·ρ̄·(1 − ρ̄)).

    References
    ----------
    Schouten, B., Cobben, F. and Bethlehem, J. (2009), "Indicators for the
    representativeness of survey response", Survey Methodology 35(1): 101–113:
    R(ρ) = 1 − 2S(ρ) and the maximal absolute standardised bias (1 − R)/(2ρ̄).
    Schouten, B., Shlomo, N. and Skinner, C. (2011), "Indicators for monitoring
    and improving representativeness of response", Journal of Official
    Statistics 27(2): 231–253: the unconditional and conditional partial
    R-indicators at variable and category level. The RISQ project's R and SAS
    tools (Representativity Indicators for Survey Quality) for the N_k/N
    weights in the partials. Coproduce inclusion-metrics design, §3.
    """
    w = units.weights
    rho = units.propensities
    big_n = float(math.fsum(w))
    n_participants = float(math.fsum(units.participants))
    mean = n_participants / big_n
    sd = math.sqrt(float(np.sum(w * (rho - mean) ** 2)) / (big_n - 1))
    floor = 1 - 2 * math.sqrt(big_n / (big_n - 1) * mean * (1 - mean))
    partials = []
    notices: list[str] = []
    for j in range(len(units.variables)):
        partials.append(
            _variable_partial(units, j, big_n, mean, has_conditional, notices)
        )
    if basis == "margin-based":
        notices.append(
            "Propensities come from raking weights on the margins (ρ = 1/w), so "
            "they assume participation multiplies across characteristics."
        )
    if basis == "invited frame":
        notices.append("These figures describe the people invited, not all residents.")
    return RIndicatorResult(
        basis=basis,
        variables=units.variables,
        n_population=big_n,
        n_participants=n_participants,
        mean_propensity=mean,
        propensity_sd=sd,
        r_indicator=1 - 2 * sd,
        coefficient_of_variation=sd / mean,
        r_indicator_floor=floor,
        partials=tuple(partials),
        notices=tuple(notices),
    )


def _variable_partial(
    units: Units,
    j: int,
    big_n: float,
    mean: float,
    has_conditional: bool,
    notices: list[str],
) -> VariablePartial:
    w = units.weights
    rho = units.propensities
    codes = units.codes[j]
    n_categories = len(units.labels[j])
    big_n_k = np.bincount(codes, weights=w, minlength=n_categories)
    small_n_k = np.bincount(codes, weights=units.participants, minlength=n_categories)
    # ρ̄_k is the mean fitted propensity in k; at the GLM's solution (and always
    # in route b) it equals n_k / N_k, but it is computed from its definition.
    mass_k = np.bincount(codes, weights=w * rho, minlength=n_categories)
    deviations = None
    if has_conditional:
        deviations = w * (rho - _mean_within_other_cells(units, j)) ** 2
    categories = []
    between = 0.0
    for k, label in enumerate(units.labels[j]):
        if big_n_k[k] <= 0:
            notices.append(
                f"{units.variables[j]} '{label}' has no residents in the table, "
                "so it is left out of the partial indicators."
            )
            continue
        mean_k = float(mass_k[k] / big_n_k[k])
        share = float(big_n_k[k]) / big_n
        between += share * (mean_k - mean) ** 2
        conditional_k = None
        if deviations is not None:
            conditional_k = math.sqrt(float(np.sum(deviations[codes == k])) / big_n)
        unconditional_k = math.sqrt(share) * (mean_k - mean)
        categories.append(
            CategoryPartial(
                label=label,
                n_population=float(big_n_k[k]),
                n_participants=float(small_n_k[k]),
                mean_propensity=mean_k,
                unconditional=unconditional_k,
                unconditional_cv=unconditional_k / mean,
                conditional=conditional_k,
                conditional_cv=None if conditional_k is None else conditional_k / mean,
            )
        )
    conditional = None
    if deviations is not None:
        conditional = math.sqrt(float(np.sum(deviations)) / big_n)
    return VariablePartial(
        variable=units.variables[j],
        unconditional=math.sqrt(between),
        unconditional_cv=math.sqrt(between) / mean,
        conditional=conditional,
        conditional_cv=None if conditional is None else conditional / mean,
        categories=tuple(categories),
    )


def _mean_within_other_cells(units: Units, j: int) -> FloatArray:
    """ρ̄_Z(i): weighted mean propensity in i's cell on every variable but j."""
    others = [codes for index, codes in enumerate(units.codes) if index != j]
    if not others:
        cell = np.zeros(len(units.weights), dtype=np.intp)
    else:
        _, cell = np.unique(np.column_stack(others), axis=0, return_inverse=True)
        cell = cell.reshape(-1)
    w = units.weights
    cell_weight = np.bincount(cell, weights=w)
    cell_mass = np.bincount(cell, weights=w * units.propensities)
    cell_mean = np.divide(
        cell_mass, cell_weight, out=np.zeros_like(cell_mass), where=cell_weight > 0
    )
    result: FloatArray = cell_mean[cell]
    return result
