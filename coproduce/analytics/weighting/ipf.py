"""Vectorised iterative proportional fitting and margin checks.

This is the NumPy engine behind `RakingWeighter`: it checks the margins that
weightipy achieved, finishes raking when weightipy stops short of the spec's
tolerance, and re-rakes between trimming rounds. `rake_reference` in
`raking.py` is a separate, deliberately plain implementation used only as the
tests' reference.

Every function takes optional `sizes`: when rows are the distinct combinations
of categories that occur (`collapse`) rather than participants, `sizes[r]` is
how many participants share row r. Raking and trimming treat everyone in a
combination alike (same factors, same cap), so working on the combinations is
exact and, for 100,000 participants in a few thousand combinations, much faster.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
CodeArray = npt.NDArray[np.intp]


@dataclass(frozen=True)
class MarginCheck:
    """How far weights are from the targets: the worst cell and its error."""

    max_relative_error: float
    characteristic: int  # index of the worst characteristic
    cell: int  # index of the worst cell within it


@dataclass(frozen=True)
class Collapsed:
    """Participants grouped by their combination of cells."""

    codes: tuple[CodeArray, ...]  # per characteristic, each combination's cell
    sizes: FloatArray  # participants per combination
    row_of: CodeArray  # per participant, the index of their combination


def collapse(codes: Sequence[CodeArray]) -> Collapsed:
    """Group participants with the same cell on every characteristic."""
    # Mixed-radix numbering of the combinations; renumbered densely whenever the
    # next digit could overflow int64 (many characteristics with many cells).
    combined = np.zeros(codes[0].size, dtype=np.int64)
    span = 1
    for cells in codes:
        n_cells = int(cells.max()) + 1
        if span * n_cells >= 2**62:
            combined = np.unique(combined, return_inverse=True)[1].astype(np.int64)
            span = int(combined.max()) + 1
        combined = combined * n_cells + cells
        span *= n_cells
    _, row_of, sizes = np.unique(combined, return_inverse=True, return_counts=True)
    row_of = np.asarray(row_of, dtype=np.intp).reshape(-1)
    member = np.empty(sizes.size, dtype=np.intp)
    member[row_of] = np.arange(row_of.size)  # any one participant per combination
    return Collapsed(
        codes=tuple(np.ascontiguousarray(cells[member]) for cells in codes),
        sizes=sizes.astype(np.float64),
        row_of=row_of,
    )


@dataclass(frozen=True)
class IpfOutcome:
    weights: FloatArray
    sweeps: int
    check: MarginCheck


def weighted_totals(
    weights: FloatArray,
    codes: CodeArray,
    n_cells: int,
    sizes: FloatArray | None = None,
) -> FloatArray:
    """Σ_{j∈k} w_j for every cell k of one characteristic."""
    mass = weights if sizes is None else weights * sizes
    totals = np.bincount(codes, weights=mass, minlength=n_cells)
    return totals.astype(np.float64, copy=False)


def check_margins(
    weights: FloatArray,
    codes: Sequence[CodeArray],
    targets: Sequence[FloatArray],
    sizes: FloatArray | None = None,
) -> MarginCheck:
    """The largest |Σ_{j∈k} w_j − T_k| / T_k over every cell with T_k > 0.

    Cells with T_k = 0 have no participants (validation refuses any that do), so
    they are met whatever the weights.
    """
    worst = MarginCheck(0.0, 0, 0)
    mass = weights if sizes is None else weights * sizes
    for index, (cells, target) in enumerate(zip(codes, targets, strict=True)):
        totals = weighted_totals(mass, cells, len(target))
        errors = np.divide(
            np.abs(totals - target),
            target,
            out=np.zeros_like(target),
            where=target > 0,
        )
        cell = int(np.argmax(errors))
        if errors[cell] > worst.max_relative_error:
            worst = MarginCheck(float(errors[cell]), index, cell)
    return worst


def ipf(
    weights: FloatArray,
    codes: Sequence[CodeArray],
    targets: Sequence[FloatArray],
    *,
    tolerance: float,
    max_sweeps: int,
    sizes: FloatArray | None = None,
) -> IpfOutcome:
    """Rake `weights` to the targets, sweeping the characteristics in order.

    Parameters
    ----------
    weights
        Starting weights (not changed).
    codes, targets
        Per characteristic, each participant's cell and each cell's target.
    tolerance
        Stop once every |Σ_{j∈k} w_j − T_k| / T_k is below this.
    max_sweeps
        Stop after this many sweeps whatever the error. Zero sweeps are run when
        the starting weights already meet the tolerance.
    sizes
        Participants per row when rows are combinations (`collapse`).

    Returns
    -------
    IpfOutcome
        The weights, the sweeps run and the final margin check; the caller
        decides whether a miss is an error.

    Notes
    -----
    One sweep sets, for each characteristic X in order and each category k,
    w_i ← w_i · T_k / Σ_{j∈k} w_j for every i in k. Each characteristic costs
    two `bincount`s over the rows, so a sweep is O(r·m) for r rows and m
    characteristics.

    References
    ----------
    Deming, W. E. and Stephan, F. F. (1940). "On a least squares adjustment of a
    sampled frequency table when the expected marginal totals are known".
    Annals of Mathematical Statistics 11(4): 427–444 (the iterative
    proportional adjustment of one margin after another).
    """
    current = np.array(weights, dtype=np.float64, copy=True)
    check = check_margins(current, codes, targets, sizes)
    sweeps = 0
    while check.max_relative_error >= tolerance and sweeps < max_sweeps:
        for cells, target in zip(codes, targets, strict=True):
            totals = weighted_totals(current, cells, len(target), sizes)
            factors = np.divide(
                target, totals, out=np.ones_like(target), where=totals > 0
            )
            current *= factors[cells]
        sweeps += 1
        check = check_margins(current, codes, targets, sizes)
    return IpfOutcome(current, sweeps, check)
