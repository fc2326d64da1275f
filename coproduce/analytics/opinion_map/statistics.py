"""Vote tallies, consensus statements and group-informed consensus
(opinion-map spec §3.8, §3.10, §3.11); representative statements (§3.9) are
in `repness.py`, on the same tallies.

Everything here works on counts: A (agrees), D (disagrees) and S (all votes,
passes included) per group and statement, taken from the *raw* latest votes
(moderated-out statements are tallied, not zeroed). The representative and
consensus lists then skip moderated-out statements; GIC gives them a value
that the app does not display.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from coproduce.analytics.errors import InputError
from coproduce.analytics.opinion_map.votes import AGREE, DISAGREE, VoteMatrix

Direction = Literal["agree", "disagree"]
IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]

#: One-sided 90 % critical value of the standard normal (Polis `z-sig-90?`).
Z_STAR = 1.2816
#: Most representative statements per group, and consensus statements per side.
PICK = 5
#: A consensus statement needs more than this smoothed share on its side.
CONSENSUS_THRESHOLD = 0.5


@dataclass(frozen=True, slots=True, eq=False)
class Tallies:
    """A, D and S per group and statement, from raw latest votes (spec §3.8).

    Row r of `agree`, `disagree` and `seen` is group `group_ids[r]`; column j is
    statement `statement_ids[j]`, in the VoteMatrix's column order. S counts
    every vote (passes included), so passes are P = S − A − D.
    """

    statement_ids: IntArray  # column order of the VoteMatrix
    group_ids: IntArray  # sorted distinct labels ≥ 0
    agree: IntArray  # (n_groups, m)
    disagree: IntArray  # (n_groups, m)
    seen: IntArray  # (n_groups, m)

    @property
    def n_groups(self) -> int:
        """Number of groups (rows)."""
        return int(self.group_ids.shape[0])

    @property
    def n_statements(self) -> int:
        """Number of statements (columns)."""
        return int(self.statement_ids.shape[0])

    @property
    def passes(self) -> IntArray:
        """P = S − A − D per group and statement."""
        return self.seen - self.agree - self.disagree


@dataclass(frozen=True, slots=True)
class ConsensusStatement:
    """One consensus statement on one side (spec §3.10)."""

    statement_id: int
    direction: Direction
    n_success: int  # A or D over all rows
    n_trials: int  # S over all rows
    p_success: float  # pa or pd
    p_test: float  # pat or pdt


@dataclass(frozen=True, slots=True)
class Consensus:
    """Up to `pick` agree and `pick` disagree consensus statements, best first."""

    agree: tuple[ConsensusStatement, ...]
    disagree: tuple[ConsensusStatement, ...]


def tally_votes(matrix: VoteMatrix, row_groups: npt.ArrayLike) -> Tallies:
    """Count agrees, disagrees and votes per group and statement (spec §3.8).

    Parameters
    ----------
    matrix
        Latest votes; its raw values are used, moderated-out columns included.
    row_groups
        One integer label per matrix row; −1 means "not counted" (for example
        not in-conv). Labels may be base-cluster ids or group ids.

    Returns
    -------
    Tallies
        One row per distinct label ≥ 0, in ascending label order.

    Raises
    ------
    InputError
        Wrong length, non-integer labels, or labels below −1.

    Notes
    -----
    With G the groups × participants indicator matrix and one-hot sparse
    matrices 1[R = +1], 1[R = −1] and 1[R voted] on the votes' support,
    A = G·1[R = +1], D = G·1[R = −1], S = G·1[R voted]. Only the groups × m
    products are dense; the n × m matrix never is.

    References
    ----------
    Coproduce opinion-map spec §3.8; Polis `math/src/polismath/math/repness.clj`
    (`comment-stats`: na, nd, ns) and `conversation.clj` (group votes).

    Examples
    --------
    Rows 0 and 1 in group 4, row 2 in group 7, row 3 not counted:

    >>> from coproduce.analytics.opinion_map.votes import (
    ...     Vote, VoteLog, build_vote_matrix,
    ... )
    >>> log = VoteLog.from_votes([
    ...     Vote(0, 0, 1, 0), Vote(0, 1, 0, 0), Vote(1, 0, -1, 1),
    ...     Vote(2, 0, 1, 2), Vote(2, 1, -1, 2), Vote(3, 0, 1, 3),
    ... ])
    >>> tallies = tally_votes(build_vote_matrix(log), [4, 4, 7, -1])
    >>> tallies.group_ids.tolist()
    [4, 7]
    >>> tallies.agree.tolist(), tallies.disagree.tolist(), tallies.seen.tolist()
    ([[1, 0], [1, 0]], [[1, 0], [0, 1]], [[2, 1], [1, 1]])
    """
    n, m = matrix.n_participants, matrix.n_statements
    labels = _labels(row_groups, n)
    group_ids, group_index = np.unique(labels[labels >= 0], return_inverse=True)
    counted_rows = np.flatnonzero(labels >= 0)
    indicator = sp.csr_array(
        (
            np.ones(counted_rows.shape[0], dtype=np.int64),
            (group_index.astype(np.int64), counted_rows),
        ),
        shape=(group_ids.shape[0], n),
    )
    raw = matrix.raw

    def per_group(cells: npt.NDArray[np.bool_]) -> IntArray:
        one_hot = sp.csr_array(
            (cells.astype(np.int64), raw.indices, raw.indptr), shape=(n, m)
        )
        return np.asarray((indicator @ one_hot).toarray(), dtype=np.int64)

    agree = per_group(raw.data == AGREE)
    disagree = per_group(raw.data == DISAGREE)
    seen = per_group(np.ones(raw.data.shape[0], dtype=bool))
    group_ids = group_ids.astype(np.int64)
    for array in (group_ids, agree, disagree, seen):
        array.flags.writeable = False
    return Tallies(matrix.statement_ids, group_ids, agree, disagree, seen)


def overall_counts(
    matrix: VoteMatrix, rows: npt.NDArray[np.bool_] | None = None
) -> tuple[IntArray, IntArray, IntArray]:
    """A, D and S per statement over all rows, or over the rows flagged in `rows`.

    Parameters
    ----------
    matrix
        Latest votes (raw, moderated-out columns included).
    rows
        Optional flag per matrix row; None counts every row.

    Returns
    -------
    (agree, disagree, seen)
        int64 arrays with one entry per column.

    Raises
    ------
    InputError
        `rows` of the wrong length.

    References
    ----------
    Coproduce opinion-map spec §3.8 and §3.10 (consensus over all rows).
    """
    n, m = matrix.n_participants, matrix.n_statements
    raw = matrix.raw
    cols = raw.indices
    values = raw.data
    if rows is not None:
        flags = np.asarray(rows, dtype=bool)
        if flags.shape != (n,):
            raise InputError(
                f"rows must have one flag per matrix row ({n}), not {flags.shape}."
            )
        keep = np.repeat(flags, np.diff(raw.indptr))
        cols, values = cols[keep], values[keep]
    agree = np.bincount(cols[values == AGREE], minlength=m).astype(np.int64)
    disagree = np.bincount(cols[values == DISAGREE], minlength=m).astype(np.int64)
    seen = np.bincount(cols, minlength=m).astype(np.int64)
    return agree, disagree, seen


def _one_prop_test(success: IntArray, trials: IntArray) -> FloatArray:
    """pat = 2√(n+1)·((s+1)/(n+1) − ½) (Polis `prop-test`)."""
    n = trials.astype(np.float64) + 1.0
    return np.asarray(
        2.0 * np.sqrt(n) * ((success.astype(np.float64) + 1.0) / n - 0.5),
        dtype=np.float64,
    )


def consensus_statements(
    agree: npt.ArrayLike,
    disagree: npt.ArrayLike,
    seen: npt.ArrayLike,
    *,
    statement_ids: npt.ArrayLike,
    moderated_out: npt.ArrayLike,
    z_star: float = Z_STAR,
    pick: int = PICK,
    threshold: float = CONSENSUS_THRESHOLD,
) -> Consensus:
    """Statements most participants agree (or disagree) with, clearly (spec §3.10).

    Parameters
    ----------
    agree, disagree, seen
        A, D and S per column over *all* rows (`overall_counts(matrix)`), as
        Polis computes consensus on the whole matrix, not only in-conv rows.
    statement_ids
        Statement number per column.
    moderated_out
        One flag per column: statements in M are never consensus.
    z_star, pick, threshold
        1.2816, 5 and 0.5.

    Returns
    -------
    Consensus

    Raises
    ------
    InputError
        Arrays of different lengths, negative counts or A + D > S.

    Notes
    -----
    pa = (A+1)/(S+2), pat = 2√(S+1)·((A+1)/(S+1) − ½). Agree side: pa > 0.5 and
    pat > Z*, sorted by pa·pat descending (stable, so ties keep column order),
    the first `pick`. Disagree side likewise with D. The test is one-sided at
    90 %: "more than half agreed, and clearly so"; Polis's report text claims
    60 %, which its maths never tests.

    References
    ----------
    Coproduce opinion-map spec §3.10; Polis `repness.clj` (`consensus-stats`,
    `select-consensus-comments`).

    Examples
    --------
    Statement 5: A = 8, D = 1, S = 10: pa = 9/12 = 0.75, pat = 2√11·(9/11 − ½)
    = 2.1106 > 1.2816, so it is an agree consensus statement. Statement 6:
    A = 6, D = 4, S = 10: pa = 7/12, pat = 2√11·(7/11 − ½) = 0.9045, not clear.

    >>> cons = consensus_statements(
    ...     [8, 6], [1, 4], [10, 10], statement_ids=[5, 6],
    ...     moderated_out=[False, False],
    ... )
    >>> [(c.statement_id, round(c.p_test, 4)) for c in cons.agree], cons.disagree
    ([(5, 2.1106)], ())
    """
    a, d, s = _counts(agree, disagree, seen)
    ids = np.asarray(statement_ids, dtype=np.int64)
    if ids.shape != a.shape:
        raise InputError("statement_ids must have one number per column.")
    is_out = _column_flags(moderated_out, a.shape[0], "moderated_out")

    def side(success: IntArray, direction: Direction) -> tuple[ConsensusStatement, ...]:
        p = (success + 1.0) / (s + 2.0)
        test = _one_prop_test(success, s)
        chosen = np.flatnonzero(~is_out & (p > threshold) & (test > z_star))
        ordered = chosen[np.argsort(-(p[chosen] * test[chosen]), kind="stable")]
        return tuple(
            ConsensusStatement(
                statement_id=int(ids[j]),
                direction=direction,
                n_success=int(success[j]),
                n_trials=int(s[j]),
                p_success=float(p[j]),
                p_test=float(test[j]),
            )
            for j in ordered[:pick]
        )

    if pick < 0:
        raise InputError(f"pick must be 0 or more, not {pick}.")
    return Consensus(agree=side(a, "agree"), disagree=side(d, "disagree"))


def group_informed_consensus(tallies: Tallies) -> tuple[FloatArray, FloatArray]:
    """Group-informed consensus per statement, agree and disagree (spec §3.11).

    Parameters
    ----------
    tallies
        Tallies of the published groups over in-conv participants, raw votes,
        so moderated-out statements get a (undisplayed) value too.

    Returns
    -------
    (gic_agree, gic_disagree)
        float64 arrays, one value per column, each in (0, 1).

    Raises
    ------
    InputError
        No groups: without groups there is no GIC.

    Notes
    -----
    GIC_j = Π_g (A_gj + 1)/(S_gj + 2); the disagree variant uses D (as
    red-dwarf). Each factor is below 1, so the value shrinks with the number
    of groups: show ranks, not percentages.

    References
    ----------
    Coproduce opinion-map spec §3.11; Polis `conversation.clj`
    (`group-aware-consensus`); red-dwarf `utils/stats.py` (disagree variant).

    Examples
    --------
    Two groups: A = 3 of S = 4, and A = 1 of S = 2 give (4/6)·(2/4) = 1/3.

    >>> t = Tallies(
    ...     np.array([0]), np.array([0, 1]), np.array([[3], [1]]),
    ...     np.array([[0], [1]]), np.array([[4], [2]]),
    ... )
    >>> agree, disagree = group_informed_consensus(t)
    >>> round(float(agree[0]), 12), round(float(disagree[0]), 12)
    (0.333333333333, 0.083333333333)
    """
    if tallies.n_groups == 0:
        raise InputError("Group-informed consensus needs at least one group.")
    seen = tallies.seen + 2.0
    gic_agree = np.prod((tallies.agree + 1.0) / seen, axis=0)
    gic_disagree = np.prod((tallies.disagree + 1.0) / seen, axis=0)
    return np.asarray(gic_agree, dtype=np.float64), np.asarray(
        gic_disagree, dtype=np.float64
    )


def _labels(row_groups: npt.ArrayLike, n: int) -> IntArray:
    labels = np.asarray(row_groups)
    if labels.shape != (n,):
        raise InputError(
            f"row_groups must have one label per matrix row ({n}), "
            f"not shape {labels.shape}."
        )
    if n and labels.dtype.kind not in "iu":
        raise InputError("row_groups must be whole numbers (−1 = not counted).")
    labels = labels.astype(np.int64)
    bad = np.flatnonzero(labels < -1)
    if bad.size:
        row = int(bad[0])
        raise InputError(
            f"Row {row}: group label {int(labels[row])} is below −1; use −1 for "
            "participants who are not counted.",
            row=row,
        )
    return labels


def _column_flags(flags: npt.ArrayLike, m: int, name: str) -> npt.NDArray[np.bool_]:
    array = np.asarray(flags, dtype=bool)
    if array.shape != (m,):
        raise InputError(f"{name} must have one flag per column ({m}).")
    return array


def _counts(
    agree: npt.ArrayLike, disagree: npt.ArrayLike, seen: npt.ArrayLike
) -> tuple[IntArray, IntArray, IntArray]:
    a = np.asarray(agree, dtype=np.int64)
    d = np.asarray(disagree, dtype=np.int64)
    s = np.asarray(seen, dtype=np.int64)
    if a.ndim != 1 or a.shape != d.shape or a.shape != s.shape:
        raise InputError("agree, disagree and seen must be lists of the same length.")
    if (a < 0).any() or (d < 0).any() or (a + d > s).any():
        bad = np.flatnonzero((a < 0) | (d < 0) | (a + d > s))
        column = int(bad[0])
        raise InputError(
            f"Column {column}: counts must be 0 or more with agree + disagree "
            "at most seen.",
            row=column,
        )
    return a, d, s
