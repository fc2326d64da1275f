"""Trimming: capping large weights and re-raking (spec §7)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from coproduce.analytics.errors import InputError
from coproduce.analytics.weighting.design_effect import checked_weights
from coproduce.analytics.weighting.ipf import (
    CodeArray,
    FloatArray,
    MarginCheck,
    check_margins,
    ipf,
)


def trim_weights(weights: npt.ArrayLike, cap_factor: float = 3.0) -> FloatArray:
    """Cap weights at `cap_factor` times their mean and share the excess out.

    Parameters
    ----------
    weights
        Non-negative weights, at least 2.
    cap_factor
        c in the cap c·w̄; above 1 (spec default 3).

    Returns
    -------
    numpy.ndarray
        Weights with the same total, none above the cap.

    Raises
    ------
    InputError
        Fewer than 2 weights, a negative or non-numeric weight, a zero total,
        or a cap factor of 1 or less.

    Notes
    -----
    Cap = c·w̄ with w̄ = Σw/n. Weights above the cap are set to it and their
    excess Σ(w_i − cap) is added to the uncapped weights in proportion to their
    size; this repeats until none exceed. Spec §7 example: (1, 1, 1, 1, 6) with
    c = 2.5 has cap 5; the excess 1 goes to the four 1s in equal parts, giving
    (1.25, 1.25, 1.25, 1.25, 5).

    References
    ----------
    Potter, F. J. (1990). "A study of procedures to identify and trim extreme
    sampling weights". Proceedings of the Survey Research Methods Section,
    American Statistical Association: 225–230.
    """
    array = checked_weights(weights, needed_for="trimming")
    total = float(array.sum())
    if total <= 0:
        raise InputError("The weights total zero, so they cannot be trimmed.")
    check_cap_factor(cap_factor)
    return cap_and_redistribute(array, cap_factor * total / array.size)


def cap_and_redistribute(
    weights: FloatArray, cap: float, sizes: FloatArray | None = None
) -> FloatArray:
    """Set weights above `cap` to it, sharing the excess over the rest in
    proportion, until none exceed. Needs cap·n ≥ Σw (true when c ≥ 1).

    With `sizes`, row r stands for sizes[r] participants of weight weights[r].
    """
    trimmed = np.array(weights, dtype=np.float64, copy=True)
    size = np.ones_like(trimmed) if sizes is None else sizes
    capped = np.zeros(trimmed.size, dtype=bool)
    over = trimmed > cap
    # Each pass caps at least one more row, so this ends within n passes.
    while over.any():
        excess = float(np.dot(trimmed[over] - cap, size[over]))
        trimmed[over] = cap
        capped |= over
        free = ~capped
        free_total = float(np.dot(trimmed[free], size[free]))
        if free_total <= 0:
            break
        trimmed[free] *= 1.0 + excess / free_total
        over = trimmed > cap
    return trimmed


@dataclass(frozen=True)
class TrimOutcome:
    weights: FloatArray
    check: MarginCheck
    rounds: int
    is_converged: bool  # cap holds and margins within the trimming tolerance


def trim_and_rake(
    weights: FloatArray,
    codes: Sequence[CodeArray],
    targets: Sequence[FloatArray],
    *,
    cap: float,
    margin_tolerance: float,
    rake_tolerance: float,
    max_sweeps: int,
    max_rounds: int,
    sizes: FloatArray | None = None,
) -> TrimOutcome:
    """Alternate capping and re-raking until the cap holds and the margins are
    within `margin_tolerance`, for at most `max_rounds` rounds.

    Notes
    -----
    A round caps (`cap_and_redistribute`), checks, re-rakes (`ipf`) and checks
    again. When no round succeeds the capped weights closest to the margins are
    kept: the cap is what trimming promises, and the achieved margins are
    reported rather than raised (spec §7).

    References
    ----------
    Battaglia, M. P., Izrael, D., Hoaglin, D. C. and Frankel, M. R. (2009).
    "Practical considerations in raking survey data". Survey Practice 2(5)
    (raking with weight trimming between iterations).
    """
    current = cap_and_redistribute(weights, cap, sizes)
    check = check_margins(current, codes, targets, sizes)
    best = (current, check)
    for round_number in range(1, max_rounds + 1):
        if round_number > 1:
            current = cap_and_redistribute(current, cap, sizes)
            check = check_margins(current, codes, targets, sizes)
            if check.max_relative_error < best[1].max_relative_error:
                best = (current, check)
        if check.max_relative_error < margin_tolerance:
            return TrimOutcome(current, check, round_number, is_converged=True)
        raked = ipf(
            current,
            codes,
            targets,
            tolerance=rake_tolerance,
            max_sweeps=max_sweeps,
            sizes=sizes,
        )
        current = raked.weights
        if (
            float(current.max()) <= cap
            and raked.check.max_relative_error < margin_tolerance
        ):
            return TrimOutcome(current, raked.check, round_number, is_converged=True)
    return TrimOutcome(best[0], best[1], max_rounds, is_converged=False)


def check_cap_factor(cap_factor: float) -> None:
    if not (math.isfinite(cap_factor) and cap_factor > 1):
        raise InputError(
            f"The cap factor must be a number above 1, not {cap_factor!r}: the cap "
            "is that many times the mean weight."
        )
