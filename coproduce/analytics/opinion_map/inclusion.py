"""Which participants are "in the conversation" and get clustered (spec §3.1).

PCA uses every row (§3.3); only in-conv participants are clustered later.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from coproduce.analytics.errors import InputError
from coproduce.analytics.opinion_map.votes import VoteMatrix

#: A participant joins after this many votes, or after voting on every statement.
MIN_VOTES = 7
#: When fewer than this many are in, the most active others are added (greedy fill).
GREEDY_FILL = 15


@dataclass(frozen=True, slots=True)
class InConv:
    """The in-conv set: a flag per matrix row, and how it was reached."""

    is_in_conv: npt.NDArray[np.bool_]  # per row of the VoteMatrix
    participant_ids: tuple[int, ...]  # in-conv participants, in row order
    threshold: int  # min(min_votes, m)
    n_by_threshold: int  # rows with votes_i ≥ threshold (not excluded)
    n_sticky: int  # kept only because they were in before
    n_greedy: int  # added by the greedy fill

    @property
    def n_in_conv(self) -> int:
        """Number of in-conv participants."""
        return len(self.participant_ids)


def select_in_conv(
    matrix: VoteMatrix,
    *,
    previous_in_conv: Collection[int] = (),
    excluded: Collection[int] = (),
    min_votes: int = MIN_VOTES,
    greedy_fill: int = GREEDY_FILL,
) -> InConv:
    """Apply the in-conv rule of spec §3.1 to the rows of `matrix`.

    Parameters
    ----------
    matrix
        Latest votes; votes_i = `matrix.n_votes[i]` counts passes and votes on
        moderated-out statements.
    previous_in_conv
        Participant numbers in-conv at the previous update: membership is
        sticky (numbers that are no longer rows are ignored).
    excluded
        Banned or erased participant numbers: never in-conv (Polis keeps banned
        participants, quirk Q1; we do not).
    min_votes, greedy_fill
        Spec constants 7 and 15.

    Returns
    -------
    InConv

    Raises
    ------
    InputError
        `min_votes` below 1 or `greedy_fill` below 0.

    Notes
    -----
    With m columns, row i joins when votes_i ≥ min(min_votes, m) and stays in
    once in. If fewer than `greedy_fill` rows are then in, the others with the
    most votes are added until `greedy_fill` are in (ties by row order, which
    is encounter order).

    References
    ----------
    Coproduce opinion-map spec §3.1; Polis `conversation.clj` (in-conv,
    greedy fill) and upstream `delphi/docs/CLOJURE_QUIRKS.md` Q1.

    Examples
    --------
    Three statements, so the threshold is min(7, 3) = 3. Votes per row: 3, 1, 2,
    2. Only row 0 meets it. With greedy_fill = 3, two more are needed: rows 2
    and 3 (2 votes each) join and row 1 (1 vote) stays out. With
    greedy_fill = 2, one more is needed, and row 2 beats row 3 on encounter
    order.

    >>> from coproduce.analytics.opinion_map.votes import (
    ...     Vote, VoteLog, build_vote_matrix,
    ... )
    >>> log = VoteLog.from_votes([
    ...     Vote(0, 0, 1, 0), Vote(0, 1, 1, 0), Vote(0, 2, 0, 0),
    ...     Vote(1, 0, 1, 1), Vote(2, 0, -1, 2), Vote(2, 1, 1, 2),
    ...     Vote(3, 1, -1, 3), Vote(3, 2, -1, 3),
    ... ])
    >>> result = select_in_conv(build_vote_matrix(log), greedy_fill=3)
    >>> result.threshold, result.participant_ids, result.n_greedy
    (3, (0, 2, 3), 2)
    >>> select_in_conv(build_vote_matrix(log), greedy_fill=2).participant_ids
    (0, 2)
    """
    if min_votes < 1:
        raise InputError(f"min_votes must be at least 1, not {min_votes}.")
    if greedy_fill < 0:
        raise InputError(f"greedy_fill must be 0 or more, not {greedy_fill}.")
    ids = matrix.participant_ids
    votes = matrix.n_votes
    threshold = min(min_votes, matrix.n_statements)
    allowed = ~np.isin(ids, np.fromiter(excluded, dtype=np.int64, count=len(excluded)))
    by_threshold = allowed & (votes >= threshold)
    previous = np.fromiter(
        previous_in_conv, dtype=np.int64, count=len(previous_in_conv)
    )
    sticky = allowed & np.isin(ids, previous) & ~by_threshold
    is_in = by_threshold | sticky
    n_greedy = 0
    shortfall = greedy_fill - int(is_in.sum())
    if shortfall > 0:
        candidates = np.flatnonzero(allowed & ~is_in)
        # Stable sort on −votes keeps encounter (row) order among equals.
        best = candidates[np.argsort(-votes[candidates], kind="stable")][:shortfall]
        is_in[best] = True
        n_greedy = int(best.shape[0])
    is_in.flags.writeable = False
    return InConv(
        is_in_conv=is_in,
        participant_ids=tuple(int(i) for i in ids[is_in]),
        threshold=threshold,
        n_by_threshold=int(by_threshold.sum()),
        n_sticky=int(sticky.sum()),
        n_greedy=n_greedy,
    )
