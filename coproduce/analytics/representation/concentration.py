"""How concentrated contributions are: Gini, Lorenz curve and top shares."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

import numpy as np
import numpy.typing as npt

from coproduce.analytics.errors import InputError
from coproduce.analytics.representation._validate import check_count

FloatArray = npt.NDArray[np.float64]

#: [D] top shares are shown only from these numbers of participants (spec §4).
MIN_PARTICIPANTS_FOR_TOP_10: Final = 20
MIN_PARTICIPANTS_FOR_TOP_1: Final = 200
#: Lorenz curves with more vertices than this are given at every 1 % instead.
MAX_LORENZ_POINTS: Final = 101


@dataclass(frozen=True, slots=True)
class ConcentrationResult:
    """Gini, top shares and Lorenz curve of contributions in one period."""

    n_participants: int  # people counted (zeros only when `includes_zeros`)
    n_zeros_left_out: int  # people with no contribution, left out
    includes_zeros: bool  # silent members counted, as a panel can
    total_contributions: float
    gini: float  # G, 0 to (n − 1)/n
    gini_corrected: float  # G* = G·n/(n − 1), 1 when one person holds everything
    top_10_share: float  # T(0.10), 0–1
    top_1_share: float  # T(0.01), 0–1
    ratio_10_90: float | None  # T(0.10)/(1 − T(0.10)); None when the top hold all
    is_top_10_shown: bool  # n ≥ 20
    is_top_1_shown: bool  # n ≥ 200
    # (population share, contribution share), poorest first, from (0, 0) to (1, 1).
    lorenz_points: tuple[tuple[float, float], ...]


def concentration(
    contributions: Sequence[float] | npt.NDArray[np.generic],
    *,
    includes_zeros: bool = False,
) -> ConcentrationResult:
    """Measure how unevenly contributions are spread over participants.

    Parameters
    ----------
    contributions
        x_i ≥ 0, contributions of each participant in the period (responses,
        comments, votes, statements or hours).
    includes_zeros
        Count people with no contribution, for channels that know their silent
        members (a panel). Otherwise zeros are left out and counted.

    Returns
    -------
    ConcentrationResult

    Raises
    ------
    InputError
        For a negative or non-finite contribution (naming the row), all
        contributions zero ("the Gini coefficient is undefined"), or fewer than
        two participants counted ("Not enough participants").

    Notes
    -----
    G = Σ_iΣ_j |x_i − x_j| / (2n²x̄) = 2·Σ_i i·x_(i) / (n·Σx) − (n + 1)/n with
    x_(i) ascending; G* = G·n/(n − 1). Top shares as in `top_share`; the
    10:90 ratio is T(0.10)/(1 − T(0.10)). The Lorenz curve joins
    (i/n, Σ_{j≤i} x_(j) / Σx) for i = 0…n; above 100 participants it is given
    at every 1 % of participants, read off those straight segments.

    References
    ----------
    Gini, C. (1912), "Variabilità e mutabilità" (the mean-difference form).
    Lorenz, M. O. (1905), "Methods of measuring the concentration of wealth",
    Publications of the American Statistical Association 9(70): 209–219.
    Deltas, G. (2003), "The small-sample bias of the Gini coefficient", Review
    of Economics and Statistics 85(1): 226–234 (the n/(n − 1) correction).
    Coproduce inclusion-metrics design, §4.
    """
    values = _values(contributions)
    if values.size and not np.any(values > 0):
        raise InputError(
            "All contributions are zero, so the Gini coefficient is undefined: "
            "there is nothing to share out. Choose a period or measure with "
            "contributions."
        )
    n_zeros = 0
    if not includes_zeros:
        n_zeros = int(np.count_nonzero(values == 0))
        values = values[values > 0]
    n = int(values.size)
    if n < 2:
        raise InputError(
            "Not enough participants: concentration needs at least two people "
            f"with contributions, and there {'is' if n == 1 else 'are'} {n}."
        )
    ascending = np.sort(values)
    total = float(math.fsum(ascending))
    g = gini(ascending)
    top_10 = top_share(ascending, 0.10)
    return ConcentrationResult(
        n_participants=n,
        n_zeros_left_out=n_zeros,
        includes_zeros=includes_zeros,
        total_contributions=total,
        gini=g,
        gini_corrected=g * n / (n - 1),
        top_10_share=top_10,
        top_1_share=top_share(ascending, 0.01),
        ratio_10_90=None if top_10 >= 1.0 else top_10 / (1.0 - top_10),
        is_top_10_shown=n >= MIN_PARTICIPANTS_FOR_TOP_10,
        is_top_1_shown=n >= MIN_PARTICIPANTS_FOR_TOP_1,
        lorenz_points=_lorenz(ascending),
    )


def gini(contributions: Sequence[float] | npt.NDArray[np.generic]) -> float:
    """Gini coefficient G of non-negative contributions (not corrected).

    Raises
    ------
    InputError
        For negative or non-finite values, fewer than two values, or a zero
        total (Gini undefined).

    Notes
    -----
    G = 2·Σ_i i·x_(i) / (n·Σx) − (n + 1)/n = Σ_i (2i − n − 1)·x_(i) / (n·Σx),
    x_(i) ascending and i from 1, which equals Σ_iΣ_j |x_i − x_j| / (2n²x̄).

    References
    ----------
    Gini, C. (1912), "Variabilità e mutabilità"; Coproduce inclusion-metrics
    design, §4.
    """
    ascending = np.sort(_values(contributions))
    n = ascending.size
    total = float(math.fsum(ascending))
    if n < 2:
        raise InputError("Not enough participants: the Gini needs at least two.")
    if total <= 0:
        raise InputError("All contributions are zero, so the Gini is undefined.")
    # Σ_i (2i − n − 1)·x_(i) is the same sum regrouped. Its weights cancel in
    # pairs, so equal contributions give exactly 0, and the sum cannot go
    # below 0 by rounding (the subtraction form gave −1e-17 for equal values).
    weights = 2.0 * np.arange(1, n + 1, dtype=np.float64) - (n + 1)
    g = math.fsum(weights * ascending) / (n * total)
    return min(max(g, 0.0), 1.0)


def top_share(
    contributions: Sequence[float] | npt.NDArray[np.generic], share: float
) -> float:
    """Share of all contributions made by the top `share` of participants.

    Parameters
    ----------
    contributions
        x_i ≥ 0, not all zero.
    share
        p, between 0 and 1 (0.10 for the top 10 %).

    Raises
    ------
    InputError
        For `share` outside [0, 1], negative or non-finite contributions, no
        contributions or a zero total.

    Notes
    -----
    With x_[1] ≥ x_[2] ≥ … and m = p·n:
    T(p) = (Σ_{i≤⌊m⌋} x_[i] + (m − ⌊m⌋)·x_[⌊m⌋+1]) / Σx,
    the Lorenz curve read with straight lines between people, so small n works.

    References
    ----------
    Coproduce inclusion-metrics design, §4 (top share [D]).
    """
    if not (isinstance(share, int | float) and 0.0 <= share <= 1.0):
        raise InputError(f"The top share must be between 0 and 1, not {share!r}.")
    descending = np.sort(_values(contributions))[::-1]
    total = float(math.fsum(descending))
    if total <= 0:
        raise InputError("All contributions are zero, so no one holds a share.")
    m = share * descending.size
    whole = min(math.floor(m), descending.size)
    part = m - whole
    held = math.fsum(descending[:whole])
    if whole < descending.size:
        held += part * float(descending[whole])
    return min(held / total, 1.0)


def _lorenz(ascending: FloatArray) -> tuple[tuple[float, float], ...]:
    n = ascending.size
    cumulative = np.concatenate([[0.0], np.cumsum(ascending)]) / float(
        math.fsum(ascending)
    )
    population = np.arange(n + 1, dtype=np.float64) / n
    if n + 1 > MAX_LORENZ_POINTS:
        population = np.linspace(0.0, 1.0, MAX_LORENZ_POINTS)
        cumulative = np.interp(population, np.arange(n + 1) / n, cumulative)
    cumulative[-1] = 1.0
    return tuple(
        (float(u), float(c)) for u, c in zip(population, cumulative, strict=True)
    )


def _values(contributions: Sequence[float] | npt.NDArray[np.generic]) -> FloatArray:
    items = list(np.asarray(contributions, dtype=object).reshape(-1))
    return np.array(
        [
            check_count(
                value,
                what=f"Row {row + 1}: the contribution",
                row=row + 1,
                column="contributions",
                whole=False,
            )
            for row, value in enumerate(items)
        ],
        dtype=np.float64,
    )
