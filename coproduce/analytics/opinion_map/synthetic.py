"""Synthetic conversations with planted opinion groups (opinion-map spec §6a).

Used by tests (does the map find the planted groups?), demo data and the
benchmarks. Everything is drawn from one seeded NumPy generator and built with
array operations, so the 20,000 × 2,000 benchmark conversation (about a million
votes) takes well under a few seconds.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy.special import ndtri

from coproduce.analytics.errors import InputError
from coproduce.analytics.opinion_map.votes import AGREE, DISAGREE, PASS, VoteLog

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]

#: Agree probabilities a group's view of a statement is drawn near.
AGREE_LEVELS = (0.85, 0.5, 0.15)
#: How often a group's view of a divisive statement is drawn at each level.
LEVEL_WEIGHTS = (0.45, 0.1, 0.45)
#: Shares of statements everyone agrees with, everyone rejects, or that divide.
CONSENSUS_AGREE_SHARE = 0.08
CONSENSUS_DISAGREE_SHARE = 0.04
#: Spread of the agree probabilities around their level.
LEVEL_JITTER = 0.03
#: Pass probability per statement, uniform in this range.
PASS_RANGE = (0.10, 0.25)
#: Share of participants who leave after 1–6 votes (never in-conv by votes).
DROPOUT_SHARE = 0.3
#: Spread of log(votes) of the others: heavy-tailed.
VOTES_LOG_SIGMA = 0.6
#: Share of statements already there when the conversation opens.
OPENING_SHARE = 0.1
#: Conversation length and the gap between one participant's votes, in seconds.
DURATION_S = 30 * 24 * 3600.0
VOTE_GAP_S = 12.0


@dataclass(frozen=True, slots=True)
class SyntheticConversation:
    """A generated conversation and the truth behind it.

    `moderated_out` is M = rejected ∪ meta (spec §2), so it can be passed as is;
    `meta` is the meta part of it.
    """

    votes: VoteLog  # events in increasing cast_at (seconds from the opening)
    planted_group: dict[int, int]  # participant -> latent group (0-based)
    moderated_out: frozenset[int]  # rejected ∪ meta statement numbers
    meta: frozenset[int]
    authors: dict[int, int]  # statement -> author participant
    n_participants: int
    n_statements: int


def generate_conversation(
    *,
    n_participants: int,
    n_statements: int,
    group_shares: Sequence[float] = (0.5, 0.3, 0.2),
    median_votes: float = 25,
    noise: float = 0.05,
    rejected_share: float = 0.03,
    meta_share: float = 0.01,
    random_state: int,
) -> SyntheticConversation:
    """Draw a conversation with planted groups and Polis-like missingness.

    Parameters
    ----------
    n_participants, n_statements
        Sizes; participants are numbered in arrival order, statements in
        creation order.
    group_shares
        Share of participants in each latent group (normalised to sum to 1);
        group sizes are the shares rounded by largest remainder.
    median_votes
        Median number of votes a participant casts before capping at the
        statements they could see.
    noise
        Probability ε that a vote is replaced by a uniformly random one.
    rejected_share, meta_share
        Shares of statements that are rejected or meta.
    random_state
        Seed of the single `numpy.random.Generator` used.

    Returns
    -------
    SyntheticConversation

    Raises
    ------
    InputError
        Sizes below 1, fewer statements than groups need, shares that are
        negative or sum to 0, or probabilities outside [0, 1].

    Notes
    -----
    Opinions: each statement is a consensus-agree statement (share 0.15: every
    group agrees with probability near 0.85), a consensus-disagree one (0.10:
    near 0.15 for every group) or divisive (each group near 0.85, 0.5 or 0.15,
    not all the same); levels are jittered by N(0, 0.03²). Each statement has a
    pass probability uniform in [0.10, 0.25]; a vote passes with it, else
    agrees with the group's probability, else disagrees; with probability ε
    the vote is replaced by a uniform draw from {−1, 0, 1}.

    Missingness: statements arrive over 30 days (10 % at the opening, the rest
    front-loaded), and participants arrive uniformly. A participant sees only
    statements that exist when they arrive, and votes on k of them chosen at
    random: a quarter drop out after 1–6 votes, the others cast a log-normal
    number (σ = 0.8) set so that the overall median is `median_votes`,
    capped at what they can see; later statements therefore get fewer
    votes. Votes follow 12 s apart from the participant's arrival.

    Authors: each statement is written by a participant of the group that likes
    it most (one who has arrived by then, when there is one), who agrees with
    it automatically when it is created, as in Polis; their random votes never
    include their own statement.

    References
    ----------
    Coproduce opinion-map spec §2 (authors' automatic agree, moderation) and
    §6a (planted groups).

    Examples
    --------
    >>> conv = generate_conversation(
    ...     n_participants=50, n_statements=20, random_state=1
    ... )
    >>> sorted(set(conv.planted_group.values()))
    [0, 1, 2]
    >>> sorted(set(conv.votes.values.tolist())) == [-1, 0, 1]
    True
    >>> bool(np.all(np.diff(conv.votes.cast_at) >= 0))
    True
    """
    shares = _check(
        n_participants,
        n_statements,
        group_shares,
        median_votes,
        noise,
        rejected_share,
        meta_share,
    )
    rng = np.random.default_rng(random_state)
    n, m, k = n_participants, n_statements, shares.shape[0]

    group = _planted_groups(rng, n, shares)
    arrival = np.sort(rng.random(n)) * DURATION_S  # participant i arrives i-th
    created = _creation_times(rng, m)
    p_agree = _agree_probabilities(rng, m, k)  # (m, k)
    p_pass = rng.uniform(*PASS_RANGE, size=m)
    authors = _authors(rng, p_agree, group, arrival, created)

    participants, statements, order = _sample_votes(rng, arrival, created, median_votes)
    not_own = authors[statements] != participants
    participants, statements = participants[not_own], statements[not_own]
    cast_at = arrival[participants] + VOTE_GAP_S * (order[not_own] + 1)
    values = _vote_values(
        rng, p_agree[statements, group[participants]], p_pass[statements], noise
    )

    # The authors' automatic agrees, at creation time.
    participants = np.concatenate([authors, participants])
    statements = np.concatenate([np.arange(m, dtype=np.int64), statements])
    values = np.concatenate([np.full(m, AGREE, dtype=np.int8), values])
    cast_at = np.concatenate([created, cast_at])
    events = np.lexsort((statements, participants, cast_at))

    moderated = rng.permutation(m)
    n_rejected = round(rejected_share * m)
    n_meta = round(meta_share * m)
    meta = frozenset(moderated[n_rejected : n_rejected + n_meta].tolist())
    rejected = frozenset(moderated[:n_rejected].tolist())
    return SyntheticConversation(
        votes=VoteLog.from_arrays(
            participant_ids=participants[events],
            statement_ids=statements[events],
            values=values[events],
            cast_at=cast_at[events],
        ),
        planted_group=dict(enumerate(group.tolist())),
        moderated_out=rejected | meta,
        meta=meta,
        authors=dict(enumerate(authors.tolist())),
        n_participants=n,
        n_statements=m,
    )


def _check(
    n: int,
    m: int,
    group_shares: Sequence[float],
    median_votes: float,
    noise: float,
    rejected_share: float,
    meta_share: float,
) -> FloatArray:
    if n < 1 or m < 1:
        raise InputError(
            f"n_participants and n_statements must be at least 1, not {n} and {m}."
        )
    shares = np.asarray(group_shares, dtype=np.float64)
    if shares.ndim != 1 or shares.size == 0 or (shares < 0).any() or shares.sum() <= 0:
        raise InputError(
            "group_shares must be one or more non-negative numbers with a positive sum."
        )
    if median_votes < 1:
        raise InputError(f"median_votes must be at least 1, not {median_votes}.")
    for name, value in (
        ("noise", noise),
        ("rejected_share", rejected_share),
        ("meta_share", meta_share),
    ):
        if not 0.0 <= value <= 1.0:
            raise InputError(f"{name} must be between 0 and 1, not {value}.")
    if rejected_share + meta_share > 1.0:
        raise InputError("rejected_share + meta_share cannot exceed 1.")
    return np.asarray(shares / shares.sum(), dtype=np.float64)


def _planted_groups(rng: np.random.Generator, n: int, shares: FloatArray) -> IntArray:
    """Group sizes by largest remainder, then shuffled over participants."""
    exact = shares * n
    sizes = np.floor(exact).astype(np.int64)
    remainder_order = np.argsort(-(exact - sizes), kind="stable")
    sizes[remainder_order[: n - int(sizes.sum())]] += 1
    labels = np.repeat(np.arange(shares.shape[0], dtype=np.int64), sizes)
    return np.asarray(rng.permutation(labels), dtype=np.int64)


def _creation_times(rng: np.random.Generator, m: int) -> FloatArray:
    """Sorted creation times: a few at the opening, the rest front-loaded."""
    n_opening = max(1, round(OPENING_SHARE * m))
    later = 0.8 * DURATION_S * rng.random(m - n_opening) ** 2
    return np.sort(np.concatenate([np.zeros(n_opening), later]))


def _agree_probabilities(rng: np.random.Generator, m: int, k: int) -> FloatArray:
    """(m, k) agree probabilities near 0.85, 0.5 or 0.15."""
    levels = np.asarray(AGREE_LEVELS)
    choice = rng.choice(levels.size, size=(m, k), p=LEVEL_WEIGHTS)
    kind = rng.random(m)
    is_agreed = kind < CONSENSUS_AGREE_SHARE
    is_rejected = (kind >= CONSENSUS_AGREE_SHARE) & (
        kind < CONSENSUS_AGREE_SHARE + CONSENSUS_DISAGREE_SHARE
    )
    choice[is_agreed] = 0
    choice[is_rejected] = levels.size - 1
    # A divisive statement must divide: some group near 0.85 and another near
    # 0.15. Where the draw lacks one, the group numbered by the statement
    # takes the missing end (and the next group the other, if needed).
    if k > 1:
        divisive = np.flatnonzero(~is_agreed & ~is_rejected)
        rows = choice[divisive]
        first = divisive % k
        second = (first + 1) % k
        lacks_high = ~(rows == 0).any(axis=1)
        choice[divisive[lacks_high], first[lacks_high]] = 0
        rows = choice[divisive]
        lacks_low = ~(rows == levels.size - 1).any(axis=1)
        low_col = np.where(rows[np.arange(rows.shape[0]), first] == 0, second, first)
        choice[divisive[lacks_low], low_col[lacks_low]] = levels.size - 1
    jitter = rng.normal(0.0, LEVEL_JITTER, size=(m, k))
    return np.asarray(np.clip(levels[choice] + jitter, 0.01, 0.99), dtype=np.float64)


def _authors(
    rng: np.random.Generator,
    p_agree: FloatArray,
    group: IntArray,
    arrival: FloatArray,
    created: FloatArray,
) -> IntArray:
    """An author per statement from the group that likes it most, present by then."""
    m, k = p_agree.shape
    liked = np.argmax(p_agree + rng.random((m, k)) * 1e-9, axis=1)  # random ties
    authors = np.zeros(m, dtype=np.int64)
    for g in range(k):
        members = np.flatnonzero(group == g)  # in arrival order
        statements = np.flatnonzero(liked == g)
        if statements.size == 0:
            continue
        if members.size == 0:  # a group with share 0 writes nothing
            members = np.arange(group.shape[0])
        present = np.searchsorted(arrival[members], created[statements], side="right")
        pool = np.maximum(present, np.minimum(5, members.size))
        pick = (rng.random(statements.size) * pool).astype(np.int64)
        authors[statements] = members[pick]
    return authors


def _sample_votes(
    rng: np.random.Generator,
    arrival: FloatArray,
    created: FloatArray,
    median_votes: float,
) -> tuple[IntArray, IntArray, IntArray]:
    """(participant, statement, position in their session) of every random vote.

    Participant i draws k_i distinct statements among the n_i created before
    they arrived (statements 0 … n_i − 1). Light voters (k_i ≤ n_i/4) are
    sampled together: 1.5·k_i + 8 draws with replacement, first occurrences
    kept, the first k_i of those (a shortfall is vanishingly rare and only
    costs a vote). Heavy voters are sampled one by one without replacement.
    """
    n = arrival.shape[0]
    available = np.searchsorted(created, arrival, side="right").astype(np.int64)
    wanted = _votes_wanted(rng, n, median_votes)
    k = np.clip(wanted, 1, np.maximum(available, 1))
    is_light = 4 * k <= available

    light = np.flatnonzero(is_light)
    draws = (1.5 * k[light]).astype(np.int64) + 8
    who = np.repeat(light, draws)
    what = (rng.random(who.shape[0]) * available[who]).astype(np.int64)
    m = int(created.shape[0])
    _, first = np.unique(who * m + what, return_index=True)
    first.sort()  # back to draw order, participants contiguous
    who, what = who[first], what[first]
    start = np.searchsorted(who, who, side="left")
    position = np.arange(who.shape[0]) - start
    keep = position < k[who]
    parts = [(who[keep], what[keep], position[keep])]

    for i in np.flatnonzero(~is_light).tolist():
        chosen = rng.permutation(int(available[i]))[: int(k[i])]
        parts.append((np.full(chosen.shape[0], i), chosen, np.arange(chosen.shape[0])))
    return (
        np.concatenate([p[0] for p in parts]).astype(np.int64),
        np.concatenate([p[1] for p in parts]).astype(np.int64),
        np.concatenate([p[2] for p in parts]).astype(np.int64),
    )


def _votes_wanted(rng: np.random.Generator, n: int, median_votes: float) -> IntArray:
    """Votes each participant would cast: drop-outs 1–6, the rest log-normal.

    Stratified: the quantiles (r + ½)/n in random order, so the median is
    `median_votes` exactly rather than up to sampling noise. A share d of
    drop-outs puts the overall median at the log-normal's (½ − d)/(1 − d)
    quantile, so its median is set to reach `median_votes` there.
    """
    u = (rng.permutation(n) + 0.5) / n
    d = DROPOUT_SHARE
    at_median = float(ndtri((0.5 - d) / (1.0 - d)))
    log_median = np.log(median_votes) - VOTES_LOG_SIGMA * at_median
    stayer = np.clip((u - d) / (1.0 - d), 1e-12, 1.0 - 1e-12)
    active = np.rint(np.exp(log_median + VOTES_LOG_SIGMA * ndtri(stayer)))
    dropout = 1 + np.floor(6 * u / d)
    return np.where(u < d, dropout, np.maximum(active, 1)).astype(np.int64)


def _vote_values(
    rng: np.random.Generator,
    p_agree: FloatArray,
    p_pass: FloatArray,
    noise: float,
) -> npt.NDArray[np.int8]:
    u = rng.random(p_agree.shape[0])
    values = np.where(
        u < p_pass,
        PASS,
        np.where(rng.random(p_agree.shape[0]) < p_agree, AGREE, DISAGREE),
    ).astype(np.int8)
    noisy = rng.random(values.shape[0]) < noise
    values[noisy] = rng.integers(-1, 2, size=int(np.count_nonzero(noisy))).astype(
        np.int8
    )
    return values


#: Named parameter sets (spec §6a, §7). "clear" is for tests (right k and
#: ARI ≥ 0.9 expected), "hard" and "benchmark" for benchmarks.
PRESETS: dict[str, dict[str, Any]] = {
    "clear": {
        "n_participants": 600,
        "n_statements": 120,
        "group_shares": (0.5, 0.3, 0.2),
        "median_votes": 25,
        "noise": 0.05,
    },
    "hard": {
        "n_participants": 1500,
        "n_statements": 300,
        "group_shares": (0.4, 0.25, 0.2, 0.1, 0.05),
        "median_votes": 9,
        "noise": 0.2,
    },
    "benchmark": {
        "n_participants": 20_000,
        "n_statements": 2_000,
        "group_shares": (0.5, 0.3, 0.2),
        "median_votes": 40,
        "noise": 0.05,
    },
}
