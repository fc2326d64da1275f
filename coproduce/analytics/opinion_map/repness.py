"""Representative statements per group (opinion-map spec §3.9; Polis `repness.clj`).

A statement represents a group when the group agrees (or disagrees) with it
clearly more than everyone else does. The statistics are computed per group
over all columns at once from `Tallies`; the selection then walks the columns
in order, as Polis does, because its "best" and "best agree" rules depend on
what came before.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from coproduce.analytics.errors import InputError
from coproduce.analytics.opinion_map.statistics import (
    PICK,
    Z_STAR,
    Direction,
    FloatArray,
    IntArray,
    Tallies,
    _column_flags,
    _one_prop_test,
)


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
