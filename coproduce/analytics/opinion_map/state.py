"""Warm-start state of the opinion map and its cached vote matrix (spec §4).

The state is what one update hands to the next: row and column orders, the
sparse matrix of latest votes with the time of each cell's vote and the count
of events already applied (the high-water mark), the PCA components, the base
clusters, the group clustering for each k, the k-smoother, the in-conv set,
the tallies behind the priorities and the published groups behind the labels.
It travels as bytes: compressed `.npz` arrays plus a JSON header, never
pickle, so loading it cannot run code.
"""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from coproduce.analytics.errors import InputError
from coproduce.analytics.opinion_map.clustering import Smoother
from coproduce.analytics.opinion_map.kmeans import Partition
from coproduce.analytics.opinion_map.votes import VoteLog, VoteMatrix

#: Bumped whenever the byte layout changes; older states force a cold rebuild.
STATE_VERSION = 1

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True, eq=False)
class VoteCache:
    """Latest votes in CSR form with each cell's vote time (spec §4)."""

    participant_ids: IntArray  # row order (encounter order, then appended)
    statement_ids: IntArray  # column order (first-vote order, then appended)
    indptr: IntArray  # (n + 1,)
    indices: npt.NDArray[np.int32]  # column of each cell, ascending per row
    values: npt.NDArray[np.int8]  # latest vote of each cell
    cast_at: FloatArray  # time of that vote
    n_events: int  # vote events applied so far (the high-water mark)

    @classmethod
    def empty(
        cls,
        participant_ids: IntArray | None = None,
        statement_ids: IntArray | None = None,
    ) -> VoteCache:
        """No cells, optionally with rows and columns already in order."""
        rows = np.zeros(0, np.int64) if participant_ids is None else participant_ids
        cols = np.zeros(0, np.int64) if statement_ids is None else statement_ids
        return cls(
            participant_ids=rows.astype(np.int64),
            statement_ids=cols.astype(np.int64),
            indptr=np.zeros(rows.shape[0] + 1, dtype=np.int64),
            indices=np.zeros(0, dtype=np.int32),
            values=np.zeros(0, dtype=np.int8),
            cast_at=np.zeros(0, dtype=np.float64),
            n_events=0,
        )

    def matrix(self, moderated_out: npt.NDArray[np.int64]) -> VoteMatrix:
        """The cache as a `VoteMatrix`, with M given by statement numbers."""
        n, m = self.participant_ids.shape[0], self.statement_ids.shape[0]
        raw = sp.csr_array(
            (self.values, self.indices, self.indptr.astype(np.int32)), shape=(n, m)
        )
        is_moderated_out = np.isin(self.statement_ids, moderated_out)
        n_votes = np.diff(self.indptr).astype(np.int64)
        for array in (is_moderated_out, n_votes):
            array.flags.writeable = False
        return VoteMatrix(
            self.participant_ids, self.statement_ids, raw, is_moderated_out, n_votes
        )

    def extend(self, log: VoteLog) -> VoteCache:
        """Apply vote events that come after every event already applied.

        New participants and statements are appended as rows and columns in
        first-vote order within `log` (ties by number); existing ones keep
        their places. A cell takes the event with the latest time, ties going
        to the later event (and every event of `log` is later than the cache's),
        exactly as `build_vote_matrix` treats one log. Applying batches one by
        one therefore gives the matrix of their concatenation in these orders.
        """
        if log.n_events == 0:
            return self
        row_ids, rows = _append_ids(self.participant_ids, log.participant_ids, log)
        col_ids, cols = _append_ids(self.statement_ids, log.statement_ids, log)
        n, m = row_ids.shape[0], col_ids.shape[0]

        # The batch's latest event per cell: sort by cell, time, sequence.
        sequence = np.arange(log.n_events)
        order = np.lexsort((sequence, log.cast_at, cols, rows))
        rows, cols = rows[order], cols[order]
        is_last = np.ones(order.shape[0], dtype=bool)
        is_last[:-1] = (rows[1:] != rows[:-1]) | (cols[1:] != cols[:-1])
        new_keys = rows[is_last] * m + cols[is_last]
        new_values = log.values[order][is_last]
        new_times = log.cast_at[order][is_last]

        old_rows = np.repeat(
            np.arange(self.participant_ids.shape[0], dtype=np.int64),
            np.diff(self.indptr),
        )
        old_keys = old_rows * m + self.indices
        values, times = self.values.copy(), self.cast_at.copy()
        where = np.searchsorted(old_keys, new_keys)
        exists = where < old_keys.shape[0]
        exists[exists] = old_keys[where[exists]] == new_keys[exists]
        # Existing cells: the batch's vote wins unless it is strictly older.
        wins = exists.copy()
        wins[exists] = new_times[exists] >= times[where[exists]]
        values[where[wins]] = new_values[wins]
        times[where[wins]] = new_times[wins]
        fresh = ~exists
        keys = np.insert(old_keys, where[fresh], new_keys[fresh])
        values = np.insert(values, where[fresh], new_values[fresh])
        times = np.insert(times, where[fresh], new_times[fresh])
        indptr = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(np.bincount(keys // m, minlength=n), out=indptr[1:])
        return VoteCache(
            participant_ids=row_ids,
            statement_ids=col_ids,
            indptr=indptr,
            indices=(keys % m).astype(np.int32),
            values=values.astype(np.int8),
            cast_at=times.astype(np.float64),
            n_events=self.n_events + log.n_events,
        )


def _npz_bytes(arrays: dict[str, npt.NDArray[Any]]) -> bytes:
    """The layout of `np.savez_compressed` (read back with `np.load`), written
    with fast deflate and fixed entry dates so equal states give equal bytes.

    `np.savez_compressed` uses deflate level 6 and the current time: on a
    million votes level 6 takes seconds for a few per cent less size.
    """
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, array in arrays.items():
            member = io.BytesIO()
            np.lib.format.write_array(
                member, np.ascontiguousarray(array), allow_pickle=False
            )
            entry = zipfile.ZipInfo(f"{name}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            archive.writestr(
                entry,
                member.getvalue(),
                compress_type=zipfile.ZIP_DEFLATED,
                compresslevel=1,
            )
    return buffer.getvalue()


def _append_ids(
    known: IntArray, ids: IntArray, log: VoteLog
) -> tuple[IntArray, IntArray]:
    """Known ids then new ones (by earliest time in `log`, ties by id); each
    event's index in that order."""
    unique_ids, inverse = np.unique(ids, return_inverse=True)
    inverse = inverse.ravel()
    sorter = np.argsort(known, kind="stable")
    found = np.searchsorted(known, unique_ids, sorter=sorter)
    found = np.minimum(found, max(known.shape[0] - 1, 0))
    is_known = np.zeros(unique_ids.shape[0], dtype=bool)
    if known.shape[0]:
        is_known = known[sorter[found]] == unique_ids
    index = np.empty(unique_ids.shape[0], dtype=np.int64)
    index[is_known] = sorter[found[is_known]]
    new = np.flatnonzero(~is_known)
    first = np.full(unique_ids.shape[0], np.inf)
    np.minimum.at(first, inverse, log.cast_at)
    new = new[np.lexsort((unique_ids[new], first[new]))]
    index[new] = known.shape[0] + np.arange(new.shape[0])
    all_ids = np.concatenate([known, unique_ids[new]]).astype(np.int64)
    return all_ids, index[inverse]


@dataclass(frozen=True, eq=False)
class OpinionMapState:
    """Everything one update hands to the next (spec §4)."""

    random_state: int
    votes: VoteCache
    column_means: FloatArray  # c_j on votes.statement_ids
    components: FloatArray  # (K, m) on votes.statement_ids
    in_conv_ids: IntArray  # participant numbers in-conv now (sticky)
    base: Partition | None  # participant -> base cluster id
    group_partitions: dict[int, Partition]  # k -> base cluster id -> group id
    smoother: Smoother
    tally_agree: IntArray  # A, D, S summed over the groups, per column, for
    tally_disagree: IntArray  # priority_counts="previous"
    tally_seen: IntArray
    label_members: Partition | None  # published groups: participant -> label
    group_labels: dict[int, int]  # published internal group id -> label index

    @property
    def n_events(self) -> int:
        """Vote events applied so far: the next update starts after them."""
        return self.votes.n_events

    def to_bytes(self) -> bytes:
        """Compressed NumPy arrays plus a JSON header; loads without pickle."""
        header = {
            "version": STATE_VERSION,
            "random_state": self.random_state,
            "n_events": self.votes.n_events,
            "smoother": [
                self.smoother.last_k,
                self.smoother.count,
                self.smoother.smoothed_k,
            ],
            "group_ks": sorted(self.group_partitions),
            "has_base": self.base is not None,
            "has_labels": self.label_members is not None,
            "group_labels": [[g, label] for g, label in self.group_labels.items()],
        }
        arrays: dict[str, npt.NDArray[Any]] = {
            "header": np.frombuffer(
                json.dumps(header, sort_keys=True).encode("utf-8"), dtype=np.uint8
            ),
            "participant_ids": self.votes.participant_ids,
            "statement_ids": self.votes.statement_ids,
            "indptr": self.votes.indptr,
            "indices": self.votes.indices,
            "values": self.votes.values,
            "cast_at": self.votes.cast_at,
            "column_means": self.column_means,
            "components": self.components,
            "in_conv_ids": self.in_conv_ids,
            "tally_agree": self.tally_agree,
            "tally_disagree": self.tally_disagree,
            "tally_seen": self.tally_seen,
        }
        if self.base is not None:
            arrays["base_points"] = self.base.point_ids
            arrays["base_clusters"] = self.base.cluster_ids
        if self.label_members is not None:
            arrays["label_points"] = self.label_members.point_ids
            arrays["label_indices"] = self.label_members.cluster_ids
        for k, partition in self.group_partitions.items():
            arrays[f"group_{k}_points"] = partition.point_ids
            arrays[f"group_{k}_clusters"] = partition.cluster_ids
        return _npz_bytes(arrays)

    @classmethod
    def from_bytes(cls, data: bytes) -> OpinionMapState:
        """Load a state written by `to_bytes`.

        Raises
        ------
        InputError
            Not a state, or a state of another layout version (rebuild cold).
        """
        try:
            with np.load(io.BytesIO(data), allow_pickle=False) as stored:
                arrays = {name: stored[name] for name in stored.files}
            header = json.loads(arrays["header"].tobytes().decode("utf-8"))
        except (OSError, ValueError, KeyError) as error:
            raise InputError(f"Not an opinion-map state: {error}.") from None
        if header.get("version") != STATE_VERSION:
            raise InputError(
                f"Opinion-map state version {header.get('version')!r} is not "
                f"{STATE_VERSION}; rebuild the map cold."
            )
        last_k, count, smoothed_k = header["smoother"]
        votes = VoteCache(
            participant_ids=arrays["participant_ids"],
            statement_ids=arrays["statement_ids"],
            indptr=arrays["indptr"],
            indices=arrays["indices"],
            values=arrays["values"],
            cast_at=arrays["cast_at"],
            n_events=int(header["n_events"]),
        )
        return cls(
            random_state=int(header["random_state"]),
            votes=votes,
            column_means=arrays["column_means"],
            components=arrays["components"],
            in_conv_ids=arrays["in_conv_ids"],
            base=(
                Partition(arrays["base_points"], arrays["base_clusters"])
                if header["has_base"]
                else None
            ),
            group_partitions={
                int(k): Partition(
                    arrays[f"group_{k}_points"], arrays[f"group_{k}_clusters"]
                )
                for k in header["group_ks"]
            },
            smoother=Smoother(last_k=last_k, count=int(count), smoothed_k=smoothed_k),
            tally_agree=arrays["tally_agree"],
            tally_disagree=arrays["tally_disagree"],
            tally_seen=arrays["tally_seen"],
            label_members=(
                Partition(arrays["label_points"], arrays["label_indices"])
                if header["has_labels"]
                else None
            ),
            group_labels={int(g): int(label) for g, label in header["group_labels"]},
        )
