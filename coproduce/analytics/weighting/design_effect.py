"""Kish's design effect of weighting, and weighted shares with an interval (§7)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist
from typing import Any

import numpy as np
import numpy.typing as npt

from coproduce.analytics.errors import InputError

#: Spec §7 [D]: warn above this design effect …
DEFF_WARNING = 2.0
#: … or below this effective sample size.
N_EFF_WARNING = 30.0


@dataclass(frozen=True, slots=True)
class DesignEffectResult:
    n_participants: int
    deff: float  # n·Σw²/(Σw)², 1 for equal weights
    n_eff: float  # n/deff: participants that unweighted answers would equal
    warnings: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class WeightedShareResult:
    share: float  # Σw_i·y_i / Σw_i, 0–1
    interval: tuple[float, float]  # Wilson interval using n_eff, 0–1
    confidence: float  # e.g. 0.95
    n_participants: int
    n_eff: float
    method: str  # "wilson-kish": Wilson score interval with n replaced by n_eff


def design_effect(weights: npt.ArrayLike) -> DesignEffectResult:
    """Kish's design effect of unequal weights and the effective sample size.

    Parameters
    ----------
    weights
        One non-negative weight per participant, at least 2, not all zero.

    Returns
    -------
    DesignEffectResult
        With a warning when deff > 2 or n_eff < 30 (spec §7).

    Raises
    ------
    InputError
        Fewer than 2 weights, a negative or non-numeric weight, or all zero.

    Notes
    -----
    deff = n·Σw²/(Σw)² = 1 + CV_w², where CV_w is the coefficient of variation
    of the weights (population standard deviation over mean); n_eff = n/deff =
    (Σw)²/Σw². Spec example: weights 100, 100, 75, 75, 75, 75, 200, 150, 150
    have Σw² = 127,500, so deff = 9·127,500/1,000² = 1.1475 and n_eff = 7.84.

    References
    ----------
    Kish, L. (1965). *Survey Sampling*. New York: Wiley (the design effect).
    Kish, L. (1992). "Weighting for unequal P_i". Journal of Official
    Statistics 8(2): 183–200 (the weighting effect 1 + CV² of haphazard
    weights).
    """
    array = _weights(weights)
    n_eff = effective_sample_size(array)
    deff = array.size / n_eff
    return DesignEffectResult(
        n_participants=int(array.size),
        deff=deff,
        n_eff=n_eff,
        warnings=design_effect_warnings(int(array.size), deff, n_eff),
    )


def design_effect_warnings(
    n_participants: int, deff: float, n_eff: float
) -> tuple[str, ...]:
    """Plain-English warnings for a large design effect or a small n_eff."""
    warnings = []
    if deff > DEFF_WARNING:
        warnings.append(
            f"The weights have a design effect of {deff:.2f} (above "
            f"{DEFF_WARNING:g}): weighted figures are only as precise as "
            f"{n_eff:,.0f} unweighted answers, not {n_participants:,}. Consider "
            "weighting by fewer characteristics or merging small categories."
        )
    if n_eff < N_EFF_WARNING:
        warnings.append(
            f"After weighting there are only {n_eff:,.1f} effective participants "
            f"(fewer than {N_EFF_WARNING:g}): treat weighted figures as indicative."
        )
    return tuple(warnings)


def weighted_share(
    weights: npt.ArrayLike,
    outcomes: npt.ArrayLike,
    *,
    confidence: float = 0.95,
) -> WeightedShareResult:
    """Weighted share of participants with an outcome, with a Wilson interval
    that uses the effective sample size.

    Parameters
    ----------
    weights
        One non-negative weight per participant (at least 2, not all zero).
    outcomes
        1 (or True) where the participant has the outcome, 0 (or False) where
        not; leave out participants whose answer is unknown.
    confidence
        Coverage of the interval, between 0 and 1.

    Returns
    -------
    WeightedShareResult

    Raises
    ------
    InputError
        Bad weights (as `design_effect`), outcomes that are not 0/1, lengths
        that differ, or a confidence outside (0, 1).

    Notes
    -----
    p̂ = Σw_i·y_i / Σw_i. The interval is Wilson's score interval with n
    replaced by n_eff = (Σw)²/Σw², z = Φ⁻¹(1 − α/2):

        (p̂ + z²/(2m) ± z·√(p̂(1 − p̂)/m + z²/(4m²))) / (1 + z²/m),  m = n_eff.

    Wilson rather than the normal (Wald) interval because engagement results
    are often small or lopsided: at p̂ = 0 or 1 Wald has zero width, and for
    small n it covers far less often than it says, while Wilson stays inside
    [0, 1] and near its nominal coverage. Using n_eff carries the precision
    lost to weighting into the interval (Kish's design-effect adjustment).

    References
    ----------
    Wilson, E. B. (1927). "Probable inference, the law of succession, and
    statistical inference". Journal of the American Statistical Association
    22(158): 209–212.
    Brown, L. D., Cai, T. T. and DasGupta, A. (2001). "Interval estimation for
    a binomial proportion". Statistical Science 16(2): 101–133 (why Wilson).
    Korn, E. L. and Graubard, B. I. (1998). "Confidence intervals for
    proportions with small expected number of positive counts estimated from
    survey data". Survey Methodology 24(2): 193–201 (effective sample size).
    """
    array = _weights(weights)
    y = np.asarray(outcomes)
    if y.shape != array.shape:
        raise InputError(
            f"There are {array.size:,} weights but {y.size:,} outcomes: give one "
            "outcome per weighted participant."
        )
    as_float = y.astype(np.float64) if y.dtype.kind in "biuf" else _object_outcomes(y)
    bad = np.flatnonzero((as_float != 0) & (as_float != 1))
    if bad.size:
        row = int(bad[0])
        raise InputError(
            f"Row {row}: the outcome {y[row]!r} is not 0 or 1. Mark each "
            "participant 1 if they have the outcome and 0 if not, and leave out "
            "those whose answer is unknown.",
            row=row,
        )
    if not (0 < confidence < 1):
        raise InputError(
            f"The confidence level must be between 0 and 1 (such as 0.95), not "
            f"{confidence!r}."
        )
    share = float(np.dot(array, as_float) / array.sum())
    m = effective_sample_size(array)
    return WeightedShareResult(
        share=share,
        interval=wilson_interval(share, m, confidence=confidence),
        confidence=confidence,
        n_participants=int(array.size),
        n_eff=m,
        method="wilson-kish",
    )


def wilson_interval(
    share: float, n_eff: float, *, confidence: float = 0.95
) -> tuple[float, float]:
    """Wilson's score interval for a weighted `share` (0–1), with n = `n_eff`.

    The formula of `weighted_share`, for callers that have the sums already
    (Σw_i·y_i / Σw_i and n_eff = (Σw)²/Σw², e.g. from a database GROUP BY).

    Raises
    ------
    InputError
        A share outside [0, 1], n_eff not above 0, or confidence outside (0, 1).
    """
    if not (math.isfinite(share) and 0 <= share <= 1):
        raise InputError(f"A share must be between 0 and 1, not {share!r}.")
    if not (math.isfinite(n_eff) and n_eff > 0):
        raise InputError(f"The effective sample size must be above 0, not {n_eff!r}.")
    if not (0 < confidence < 1):
        raise InputError(
            f"The confidence level must be between 0 and 1 (such as 0.95), not "
            f"{confidence!r}."
        )
    z = NormalDist().inv_cdf(1 - (1 - confidence) / 2)
    denominator = 1 + z * z / n_eff
    centre = (share + z * z / (2 * n_eff)) / denominator
    half = (
        z
        * math.sqrt(share * (1 - share) / n_eff + z * z / (4 * n_eff * n_eff))
        / denominator
    )
    return (max(0.0, centre - half), min(1.0, centre + half))


def checked_weights(
    weights: npt.ArrayLike, *, needed_for: str
) -> npt.NDArray[np.float64]:
    """`weights` as a float array: at least two, none negative or NaN.

    `needed_for` completes "Not enough participants: … needs at least 2
    weights." (e.g. "a design effect"). Zero weights are allowed; whether all
    of them may be zero is the caller's rule.
    """
    try:
        array = np.asarray(weights, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise InputError("Weights must be numbers, one per participant.") from exc
    if array.ndim != 1 or array.size < 2:
        raise InputError(
            f"Not enough participants: {needed_for} needs at least 2 weights."
        )
    bad = np.flatnonzero(~np.isfinite(array) | (array < 0))
    if bad.size:
        row = int(bad[0])
        raise InputError(
            f"Row {row}: the weight {array[row]} is negative or not a number. "
            "Weights must be zero or more.",
            row=row,
        )
    return array


def _weights(weights: npt.ArrayLike) -> npt.NDArray[np.float64]:
    array = checked_weights(weights, needed_for="a design effect")
    if not array.sum() > 0:
        raise InputError("The weights are all zero, so nothing is weighted.")
    return array


def effective_sample_size(weights: npt.NDArray[np.float64]) -> float:
    """Kish's n_eff = (Σw)²/Σw² of checked weights (non-negative, not all zero).

    The weights are scaled by their maximum first so that huge or tiny weights
    cannot overflow or underflow the squares.
    """
    scaled = weights / weights.max()
    return float(scaled.sum() ** 2 / np.dot(scaled, scaled))


def _object_outcomes(outcomes: npt.NDArray[Any]) -> npt.NDArray[np.float64]:
    values = np.full(outcomes.size, np.nan)
    for index, value in enumerate(outcomes.tolist()):
        if isinstance(value, bool | int | float) and value in (0, 1):
            values[index] = float(value)
    return values
