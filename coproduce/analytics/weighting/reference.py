"""An independent, plain raking used as the tests' reference (spec §7)."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from coproduce.analytics.errors import InputError
from coproduce.analytics.weighting.ipf import FloatArray


def rake_reference(
    codes: Sequence[Sequence[int]],
    targets: Sequence[Sequence[float]],
    *,
    tolerance: float = 1e-6,
    max_sweeps: int = 100,
) -> tuple[FloatArray, int]:
    """Textbook raking, written plainly as the tests' reference.

    Parameters
    ----------
    codes
        Per characteristic, each participant's category index 0..K−1.
    targets
        Per characteristic, each category's target total T_k; all sum to N.
    tolerance, max_sweeps
        As `RakingWeighter`.

    Returns
    -------
    (weights, sweeps)
        Weights summing to N in input order, and the sweeps used.

    Raises
    ------
    InputError
        When the margins are not met within `max_sweeps`.

    Notes
    -----
    w_i = N/n; each sweep, for each characteristic and category k:
    w_i ← w_i·T_k / Σ_{j∈k} w_j. It loops over categories with boolean masks
    and shares no code with the production engines, so agreement is evidence.

    References
    ----------
    Deming, W. E. and Stephan, F. F. (1940). "On a least squares adjustment of a
    sampled frequency table when the expected marginal totals are known".
    Annals of Mathematical Statistics 11(4): 427–444.
    """
    columns = [np.asarray(column) for column in codes]
    population = math.fsum(targets[0])
    weights = np.full(len(columns[0]), population / len(columns[0]))

    def worst_error() -> float:
        worst = 0.0
        for column, column_targets in zip(columns, targets, strict=True):
            for k, target in enumerate(column_targets):
                if target > 0:
                    total = weights[column == k].sum()
                    worst = max(worst, abs(total - target) / target)
        return worst

    for sweep in range(1, max_sweeps + 1):
        for column, column_targets in zip(columns, targets, strict=True):
            for k, target in enumerate(column_targets):
                members = column == k
                if members.any():
                    weights[members] *= target / weights[members].sum()
        if worst_error() < tolerance:
            return weights, sweep
    raise InputError(f"Raking did not converge in {max_sweeps} sweeps.")
