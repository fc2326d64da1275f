"""The vote log and the sparse vote matrix (opinion-map spec §2 "Votes", §3 rows
and columns, §3.2 raw matrix R).

Coding (spec §2 "Sign convention"): agree = +1, disagree = −1, pass = 0, and a
missing cell means "not seen". The raw matrix is a CSR array whose *structure*
is the set of cells voted on, so a pass is an explicitly stored 0: never call
`eliminate_zeros` on it, and count votes with `indptr`, not `count_nonzero`.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from coproduce.analytics.errors import InputError

AGREE = 1
DISAGREE = -1
PASS = 0
VOTE_VALUES = (DISAGREE, PASS, AGREE)


@dataclass(frozen=True, slots=True)
class Vote:
    """One vote event: who, on what, which way and when.

    `cast_at` is any increasing time (seconds or milliseconds, but one unit per
    log); events with equal times are ordered by their position in the log.
    """

    participant: int
    statement: int
    value: int  # +1 agree, −1 disagree, 0 pass
    cast_at: float


@dataclass(frozen=True, slots=True)
class VoteLog:
    """Validated vote events as parallel arrays, in log (event sequence) order."""

    participant_ids: npt.NDArray[np.int64]
    statement_ids: npt.NDArray[np.int64]
    values: npt.NDArray[np.int8]
    cast_at: npt.NDArray[np.float64]

    @property
    def n_events(self) -> int:
        """Number of vote events, superseded ones included."""
        return int(self.values.shape[0])

    @classmethod
    def from_votes(cls, votes: Iterable[Vote]) -> VoteLog:
        """Build a log from `Vote` records, in the order given."""
        records = list(votes)
        return cls.from_arrays(
            participant_ids=[v.participant for v in records],
            statement_ids=[v.statement for v in records],
            values=[v.value for v in records],
            cast_at=[v.cast_at for v in records],
        )

    @classmethod
    def from_arrays(
        cls,
        *,
        participant_ids: Any,
        statement_ids: Any,
        values: Any,
        cast_at: Any,
    ) -> VoteLog:
        """Check and store parallel arrays of vote events (spec §8 bad input).

        Raises
        ------
        InputError
            Arrays of different lengths; an id that is not a non-negative
            integer; a value outside {−1, 0, 1} (NaN, 0.5 and 2 included); a time
            that is not a finite number. `row` is the event's position.
        """
        pids = _integer_ids(participant_ids, "participant")
        tids = _integer_ids(statement_ids, "statement")
        vals = _vote_values(values)
        times = _times(cast_at)
        lengths = {len(pids), len(tids), len(vals), len(times)}
        if len(lengths) != 1:
            raise InputError(
                "Participant ids, statement ids, values and times must have the "
                f"same length; got {len(pids)}, {len(tids)}, {len(vals)} and "
                f"{len(times)}."
            )
        for array in (pids, tids, vals, times):
            array.flags.writeable = False
        return cls(pids, tids, vals, times)


@dataclass(frozen=True, slots=True)
class VoteMatrix:
    """Latest votes as a sparse participants × statements matrix (spec §3, §3.2).

    Rows are participants with at least one vote, in encounter order; columns
    are statements with at least one vote, in first-vote order. `raw` holds the
    latest raw vote of each voted cell (moderated-out statements included, not
    zeroed: tallies need them); `is_moderated_out[j]` marks columns in M.
    """

    participant_ids: npt.NDArray[np.int64]  # row i -> participant number
    statement_ids: npt.NDArray[np.int64]  # column j -> statement number
    raw: sp.csr_array  # int8; structure = voted cells, passes stored as 0
    is_moderated_out: npt.NDArray[np.bool_]  # per column
    n_votes: npt.NDArray[np.int64]  # votes_i: voted cells of row i (all columns)

    @property
    def n_participants(self) -> int:
        """n, the number of rows."""
        return int(self.participant_ids.shape[0])

    @property
    def n_statements(self) -> int:
        """m, the number of columns (moderated-out ones included, spec §8)."""
        return int(self.statement_ids.shape[0])

    @property
    def n_moderated_out(self) -> int:
        """|M| among the columns."""
        return int(self.is_moderated_out.sum())


def build_vote_matrix(
    log: VoteLog, *, moderated_out: Collection[int] = ()
) -> VoteMatrix:
    """Keep each participant's latest vote per statement and lay them out sparse.

    Parameters
    ----------
    log
        Every vote event; superseded events may be included.
    moderated_out
        Statement numbers in M = rejected ∪ meta. Numbers without votes are
        ignored (they are not columns).

    Returns
    -------
    VoteMatrix

    Notes
    -----
    Latest wins (spec §2): per (participant, statement) the event with the
    largest `cast_at`, ties going to the later event in the log. Rows are
    ordered by first-vote time (the earliest event, superseded ones included),
    ties by participant number; columns likewise by statement.

    References
    ----------
    Coproduce opinion-map spec §2 (Votes, Sign convention) and §3 (rows,
    columns); Polis `math/src/polismath/math/conversation.clj` (vote matrix).

    Examples
    --------
    Participant 3 first votes at t = 2 and participant 5 at t = 3, so 3 is row
    0. Participant 3 changes their vote on statement 20 from agree (t = 2) to
    disagree (t = 4): the later event wins. Statement 20 is first voted at
    t = 2 and statement 10 at t = 3, so 20 is column 0. Participant 5's pass on
    20 is a stored 0; 3 never saw 10, a missing cell.

    >>> log = VoteLog.from_votes([
    ...     Vote(5, 10, 1, 3.0), Vote(5, 20, 0, 5.0), Vote(3, 20, 1, 2.0),
    ...     Vote(3, 20, -1, 4.0),
    ... ])
    >>> mat = build_vote_matrix(log, moderated_out={10, 99})
    >>> mat.participant_ids.tolist(), mat.statement_ids.tolist()
    ([3, 5], [20, 10])
    >>> mat.raw.toarray().tolist()
    [[-1, 0], [0, 1]]
    >>> mat.n_votes.tolist(), mat.raw.nnz, mat.is_moderated_out.tolist()
    ([1, 2], 3, [False, True])
    """
    if log.n_events == 0:
        return _empty_matrix()
    pids, tids = log.participant_ids, log.statement_ids
    sequence = np.arange(log.n_events)

    row_ids, row_of_event = _first_vote_order(pids, log.cast_at)
    col_ids, col_of_event = _first_vote_order(tids, log.cast_at)

    # Sort by cell, then time, then sequence: the last event of each cell wins.
    order = np.lexsort((sequence, log.cast_at, col_of_event, row_of_event))
    rows, cols = row_of_event[order], col_of_event[order]
    is_last = np.ones(order.shape[0], dtype=bool)
    is_last[:-1] = (rows[1:] != rows[:-1]) | (cols[1:] != cols[:-1])
    rows, cols = rows[is_last], cols[is_last]
    values = log.values[order][is_last]

    n, m = row_ids.shape[0], col_ids.shape[0]
    n_votes = np.bincount(rows, minlength=n).astype(np.int64)
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(n_votes, out=indptr[1:])
    # Built from (data, indices, indptr), already sorted and duplicate-free, so
    # the explicit zeros (passes) are kept.
    raw = sp.csr_array(
        (values.astype(np.int8), cols.astype(np.int32), indptr.astype(np.int32)),
        shape=(n, m),
    )
    is_moderated_out = np.isin(col_ids, np.fromiter(moderated_out, dtype=np.int64))
    for array in (row_ids, col_ids, is_moderated_out, n_votes):
        array.flags.writeable = False
    return VoteMatrix(row_ids, col_ids, raw, is_moderated_out, n_votes)


def _first_vote_order(
    ids: npt.NDArray[np.int64], cast_at: npt.NDArray[np.float64]
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Distinct ids ordered by earliest time, ties by id; and each event's rank."""
    unique_ids, inverse = np.unique(ids, return_inverse=True)
    first = np.full(unique_ids.shape[0], np.inf)
    np.minimum.at(first, inverse, cast_at)
    order = np.lexsort((unique_ids, first))
    rank = np.empty_like(order)
    rank[order] = np.arange(order.shape[0])
    return unique_ids[order].astype(np.int64), rank[inverse].astype(np.int64)


def _empty_matrix() -> VoteMatrix:
    empty = np.zeros(0, dtype=np.int64)
    return VoteMatrix(
        empty,
        empty.copy(),
        sp.csr_array(np.zeros((0, 0), dtype=np.int8)),
        np.zeros(0, dtype=bool),
        empty.copy(),
    )


def _as_1d(values: Any, what: str) -> npt.NDArray[Any]:
    # Lists become object arrays so that a stray "1" or True is seen as such,
    # not silently coerced by NumPy; NumPy arrays keep their dtype (fast path).
    if isinstance(values, np.ndarray):
        array = values
    else:
        array = np.empty(len(values), dtype=object)
        array[:] = list(values)
    if array.ndim != 1:
        raise InputError(f"{what} must be a one-dimensional sequence.")
    return array


def _integer_ids(values: Any, kind: str) -> npt.NDArray[np.int64]:
    array = _as_1d(values, f"{kind.capitalize()} ids")
    if array.shape[0] == 0:
        return np.zeros(0, dtype=np.int64)
    if array.dtype.kind in "iu":
        ids = array.astype(np.int64)
    else:
        ids = np.zeros(array.shape[0], dtype=np.int64)
        for row, value in enumerate(array.tolist()):
            if isinstance(value, bool) or not (
                isinstance(value, int)
                or (isinstance(value, float) and value.is_integer())
            ):
                raise InputError(
                    f"Vote {row}: {kind} id {value!r} is not a whole number; "
                    f"{kind} ids are 0-based numbers.",
                    row=row,
                    column=f"{kind}_id",
                )
            ids[row] = int(value)
    negative = np.flatnonzero(ids < 0)
    if negative.size:
        row = int(negative[0])
        raise InputError(
            f"Vote {row}: {kind} id {int(ids[row])} is negative; "
            f"{kind} ids are 0-based numbers.",
            row=row,
            column=f"{kind}_id",
        )
    return ids


def _vote_values(values: Any) -> npt.NDArray[np.int8]:
    array = _as_1d(values, "Vote values")
    if array.dtype.kind in "iuf":
        bad = np.flatnonzero(~np.isin(array, VOTE_VALUES))  # NaN is never in
        first_bad = int(bad[0]) if bad.size else None
    else:
        # NaN, 0.5, 2 and "1" are all "not in"; True would pass as 1, so refuse bools.
        first_bad = next(
            (
                row
                for row, value in enumerate(array.tolist())
                if isinstance(value, bool | str) or value not in VOTE_VALUES
            ),
            None,
        )
    if first_bad is not None:
        value = array[first_bad : first_bad + 1].tolist()[0]  # plain Python repr
        raise InputError(
            f"Vote {first_bad}: value {value!r} is not a vote; use 1 (agree), "
            "-1 (disagree) or 0 (pass).",
            row=first_bad,
            column="vote",
        )
    return array.astype(np.int8)


def _times(values: Any) -> npt.NDArray[np.float64]:
    array = _as_1d(values, "Vote times")
    try:
        times = array.astype(np.float64)
    except (TypeError, ValueError):
        raise InputError(
            "Vote times must be numbers (seconds or milliseconds).", column="time"
        ) from None
    bad = np.flatnonzero(~np.isfinite(times))
    if bad.size:
        row = int(bad[0])
        raise InputError(
            f"Vote {row}: time {array[row]!r} is not a finite number.",
            row=row,
            column="time",
        )
    return times
