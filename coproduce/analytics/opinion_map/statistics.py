"""Vote tallies, representative and consensus statements, and group-informed
consensus (opinion-map spec §3.8–§3.11).

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
class RepresentativeStatement:
    """One entry of a group's representative list (spec §3.9; Polis `repness`).

    The fields come from the statement's stronger side: agree when rat > rdt,
    else disagree. `repness_test` is the exact float64 statistic; `metric` is
    the sort key as Polis computes it, from repness_test rounded to float32.
    """

    statement_id: int
    direction: Direction
    n_success: int  # na or nd, in-group
    n_trials: int  # ns, in-group votes including passes
    p_success: float  # pa or pd
    p_test: float  # pat or pdt
    repness: float  # ra or rd
    repness_test: float  # rat or rdt
    metric: float  # repness · float32(repness_test) · p_success · p_test
    is_best_agree: bool
    n_agree: int | None  # na, only on the best-agree entry


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


@dataclass(frozen=True, slots=True)
class _GroupStats:
    """Per-column statistics of one group against the rest (all float64)."""

    na: IntArray
    nd: IntArray
    ns: IntArray
    pa: FloatArray
    pd: FloatArray
    pat: FloatArray
    pdt: FloatArray
    ra: FloatArray
    rd: FloatArray
    rat: FloatArray
    rdt: FloatArray


def _one_prop_test(success: IntArray, trials: IntArray) -> FloatArray:
    """pat = 2√(n+1)·((s+1)/(n+1) − ½) (Polis `prop-test`)."""
    n = trials.astype(np.float64) + 1.0
    return np.asarray(
        2.0 * np.sqrt(n) * ((success.astype(np.float64) + 1.0) / n - 0.5),
        dtype=np.float64,
    )


def _two_prop_test(
    success_in: IntArray,
    success_out: IntArray,
    trials_in: IntArray,
    trials_out: IntArray,
) -> FloatArray:
    """Two-proportion z with +1 pseudo-counts; 0 where p̂ = 1 (Polis `two-prop-test`)."""
    a1 = success_in.astype(np.float64) + 1.0
    a2 = success_out.astype(np.float64) + 1.0
    n1 = trials_in.astype(np.float64) + 1.0
    n2 = trials_out.astype(np.float64) + 1.0
    pooled = (a1 + a2) / (n1 + n2)
    spread = np.sqrt(pooled * (1.0 - pooled) * (1.0 / n1 + 1.0 / n2))
    is_certain = pooled == 1.0
    safe = np.where(is_certain, 1.0, spread)
    return np.where(is_certain, 0.0, (a1 / n1 - a2 / n2) / safe)


def _group_stats(
    na: IntArray,
    nd: IntArray,
    ns: IntArray,
    na_out: IntArray,
    nd_out: IntArray,
    ns_out: IntArray,
) -> _GroupStats:
    """pa, pd, pat, pdt, ra, rd, rat, rdt of one group against the rest."""
    pa = (na + 1.0) / (ns + 2.0)
    pd = (nd + 1.0) / (ns + 2.0)
    return _GroupStats(
        na=na,
        nd=nd,
        ns=ns,
        pa=pa,
        pd=pd,
        pat=_one_prop_test(na, ns),
        pdt=_one_prop_test(nd, ns),
        ra=pa / ((na_out + 1.0) / (ns_out + 2.0)),
        rd=pd / ((nd_out + 1.0) / (ns_out + 2.0)),
        rat=_two_prop_test(na, na_out, ns, ns_out),
        rdt=_two_prop_test(nd, nd_out, ns, ns_out),
    )


def representative_statements(
    tallies: Tallies,
    *,
    moderated_out: npt.ArrayLike,
    z_star: float = Z_STAR,
    pick: int = PICK,
    fallback_requires_votes: bool = False,
) -> dict[int, tuple[RepresentativeStatement, ...]]:
    """Each group's representative statements (spec §3.9).

    Parameters
    ----------
    tallies
        Group tallies of the in-conv participants (`tally_votes` with −1 for
        everyone else): for group g, *out* is every other row of `tallies`.
    moderated_out
        One flag per column: statements in M are never representative.
    z_star
        One-sided critical value (1.2816, 90 %).
    pick
        Most statements per group.
    fallback_requires_votes
        When True, the fallback *best* statement must have an agree or a
        disagree in the group (spec §8: drops all-pass statements that only
        the pseudo-counts make "representative"); False is Polis's behaviour.

    Returns
    -------
    dict
        Group id → representative statements, agrees before disagrees.

    Raises
    ------
    InputError
        `moderated_out` of the wrong length, or `pick` below 0.

    Notes
    -----
    In-group counts na, nd, ns; out-group counts na_out, nd_out, ns_out.

    - pa = (na+1)/(ns+2), pd = (nd+1)/(ns+2);
      pat = 2√(ns+1)·((na+1)/(ns+1) − ½), pdt likewise;
    - ra = pa / ((na_out+1)/(ns_out+2)), rd likewise;
    - rat: a₁ = na+1, n₁ = ns+1, a₂ = na_out+1, n₂ = ns_out+1,
      p̂ = (a₁+a₂)/(n₁+n₂), rat = (a₁/n₁ − a₂/n₂)/√(p̂(1−p̂)(1/n₁+1/n₂)), and
      0 when p̂ = 1; rdt likewise.

    An entry takes the agree side when rat > rdt, else the disagree side;
    metric = repness·repness_test·p_success·p_test. The walk over statements
    in column order keeps: *sufficient* ones, (rat > Z* and pat > Z*) or
    (rdt > Z* and pdt > Z*); the *best* by max(rat, rdt) (replaced only by a
    strictly larger value); and the *best agree*, never with na = nd = 0:
    against a current best with ra > 1 a statement wins on ra·rat·pa·pat,
    against one with ra ≤ 1 on pa·pat, and with none yet it is taken when
    pat > Z* or (ra > 1 and pa > 0.5). Nothing sufficient gives [best agree],
    else [best], else []. Otherwise: sufficient minus the best agree, sorted
    by metric descending (stable), the best agree in front, the first `pick`,
    then agrees before disagrees (stable).

    Float32: Polis stores repness_test as a float32 (`(float repness-test)` in
    `finalize-cmt-stats`), and its decisions read that stored value: the
    *best* walk compares a candidate's float64 max(rat, rdt) with the float32
    of the current best's, and the metric multiplies the float32 value. We do
    the same for both decisions, so orderings match Polis even at near-ties;
    the reported `repness_test` stays the exact float64 (Polis's published
    value agrees with it to about 1e-7 relative).

    References
    ----------
    Coproduce opinion-map spec §3.9 and §8 (all-pass statements); Polis
    `math/src/polismath/math/repness.clj` (`add-comparitive-stats`,
    `beats-best-by-test?`, `beats-best-agr?`, `passes-by-test?`,
    `finalize-cmt-stats`, `select-rep-comments`) and `stats.clj`
    (`prop-test`, `two-prop-test`).

    Examples
    --------
    Two groups, one statement. Group 0: na = 9, nd = 1, ns = 10; group 1:
    na = 1, nd = 9, ns = 10. For group 0, pa = 10/12, pat = 2√11·(10/11 − ½)
    = 2.7136 > Z*, and a₁ = 10, n₁ = 11, a₂ = 2, n₂ = 11, p̂ = 12/22:
    rat = (10/11 − 2/11)/√(12/22 · 10/22 · 2/11) = 0.7273/0.2123 = 3.4254
    > Z*. Sufficient and the best agree, so it is group 0's only entry.

    >>> t = Tallies(
    ...     np.array([30]), np.array([0, 1]), np.array([[9], [1]]),
    ...     np.array([[1], [9]]), np.array([[10], [10]]),
    ... )
    >>> rep = representative_statements(t, moderated_out=[False])
    >>> entry = rep[0][0]
    >>> entry.direction, entry.is_best_agree, entry.n_agree
    ('agree', True, 9)
    >>> round(entry.p_test, 4), round(entry.repness_test, 4)
    (2.7136, 3.4254)
    >>> rep[1][0].direction, rep[1][0].is_best_agree
    ('disagree', False)
    """
    is_out = _column_flags(moderated_out, tallies.n_statements, "moderated_out")
    if pick < 0:
        raise InputError(f"pick must be 0 or more, not {pick}.")
    total_a = tallies.agree.sum(axis=0)
    total_d = tallies.disagree.sum(axis=0)
    total_s = tallies.seen.sum(axis=0)
    result: dict[int, tuple[RepresentativeStatement, ...]] = {}
    for row, group_id in enumerate(tallies.group_ids.tolist()):
        na, nd, ns = tallies.agree[row], tallies.disagree[row], tallies.seen[row]
        stats = _group_stats(na, nd, ns, total_a - na, total_d - nd, total_s - ns)
        result[int(group_id)] = _select_representative(
            stats,
            tallies.statement_ids,
            ~is_out,
            z_star=z_star,
            pick=pick,
            fallback_requires_votes=fallback_requires_votes,
        )
    return result


def _select_representative(
    stats: _GroupStats,
    statement_ids: IntArray,
    is_candidate: npt.NDArray[np.bool_],
    *,
    z_star: float,
    pick: int,
    fallback_requires_votes: bool,
) -> tuple[RepresentativeStatement, ...]:
    """One group's list: the walk of spec §3.9, vectorised over columns."""
    is_agree_side = stats.rat > stats.rdt
    repness_test = np.where(is_agree_side, stats.rat, stats.rdt)
    # Decisions read the float32 Polis stores (see the public docstring).
    test_f32 = repness_test.astype(np.float32).astype(np.float64)
    repness = np.where(is_agree_side, stats.ra, stats.rd)
    p_success = np.where(is_agree_side, stats.pa, stats.pd)
    p_test = np.where(is_agree_side, stats.pat, stats.pdt)
    metric = repness * test_f32 * p_success * p_test
    has_votes = (stats.na > 0) | (stats.nd > 0)

    sufficient_mask = is_candidate & (
        ((stats.rat > z_star) & (stats.pat > z_star))
        | ((stats.rdt > z_star) & (stats.pdt > z_star))
    )
    best_agree = _walk_best_agree(stats, is_candidate & has_votes, z_star)

    def entry(j: int, *, is_best_agree: bool) -> RepresentativeStatement:
        agree_side = bool(is_agree_side[j])
        return RepresentativeStatement(
            statement_id=int(statement_ids[j]),
            direction="agree" if agree_side else "disagree",
            n_success=int(stats.na[j] if agree_side else stats.nd[j]),
            n_trials=int(stats.ns[j]),
            p_success=float(p_success[j]),
            p_test=float(p_test[j]),
            repness=float(repness[j]),
            repness_test=float(repness_test[j]),
            metric=float(metric[j]),
            is_best_agree=is_best_agree,
            n_agree=int(stats.na[j]) if is_best_agree else None,
        )

    head = [] if best_agree is None else [entry(best_agree, is_best_agree=True)]
    sufficient = np.flatnonzero(sufficient_mask)
    if sufficient.size == 0:
        if head:
            return tuple(head[:pick])
        best_pool = (
            is_candidate & has_votes if fallback_requires_votes else is_candidate
        )
        best = _walk_best(np.maximum(stats.rat, stats.rdt), test_f32, best_pool)
        return () if best is None else (entry(best, is_best_agree=False),)[:pick]
    if best_agree is not None:
        sufficient = sufficient[sufficient != best_agree]
    ordered = sufficient[np.argsort(-metric[sufficient], kind="stable")]
    kept = ordered[: max(pick - len(head), 0)]
    chosen = (head + [entry(int(j), is_best_agree=False) for j in kept])[:pick]
    return tuple(
        [e for e in chosen if e.direction == "agree"]
        + [e for e in chosen if e.direction == "disagree"]
    )


def _walk_best(
    value: FloatArray, stored_f32: FloatArray, pool: npt.NDArray[np.bool_]
) -> int | None:
    """Column-order walk keeping the first maximum of `value` over `pool`.

    A later column replaces the current best when its value beats the current
    best's *stored* (float32-rounded) value, as in Polis. The current best is
    always within one float32 rounding of the running maximum, so only columns
    within 1e-6 (relative) of the running maximum of the columns before them
    can replace it; the Python loop visits only those.
    """
    order = np.flatnonzero(pool)
    if order.size == 0:
        return None
    values = value[order]
    before = np.empty_like(values)
    before[0] = -np.inf
    np.maximum.accumulate(values[:-1], out=before[1:])
    can_replace = values > before - (1e-6 * np.abs(before) + 1e-30)
    best, threshold = -1, -np.inf
    for column, x, stored in zip(
        order[can_replace].tolist(),
        values[can_replace].tolist(),
        stored_f32[order[can_replace]].tolist(),
        strict=True,
    ):
        if best < 0 or x > threshold:
            best, threshold = column, stored
    return best


def _walk_best_agree(
    stats: _GroupStats, pool: npt.NDArray[np.bool_], z_star: float
) -> int | None:
    """Column-order walk for the best-agree statement (Polis `beats-best-agr?`).

    Loops once per change of best, jumping with vectorised searches.
    """
    order = np.flatnonzero(pool)
    is_accepted = (stats.pat[order] > z_star) | (
        (stats.ra[order] > 1.0) & (stats.pa[order] > 0.5)
    )
    if not is_accepted.any():
        return None
    # Products in Polis's order: (* ra rat pa pat) and (* pa pat).
    by_repness = stats.ra * stats.rat * stats.pa * stats.pat
    by_share = stats.pa * stats.pat
    at = int(np.argmax(is_accepted))
    while True:
        best = int(order[at])
        score = by_repness if stats.ra[best] > 1.0 else by_share
        found = _next_above(order, at + 1, score, float(score[best]))
        if found is None:
            return best
        at = found


def _next_above(
    order: IntArray, start: int, score: FloatArray, threshold: float
) -> int | None:
    """First position p ≥ start with score[order[p]] > threshold, or None.

    Searches blocks of growing size, so a run of many small improvements costs
    little more than one long search.
    """
    width = 32
    while start < order.shape[0]:
        beats = score[order[start : start + width]] > threshold
        first = int(beats.argmax())
        if beats[first]:
            return start + first
        start += width
        width *= 4
    return None


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
