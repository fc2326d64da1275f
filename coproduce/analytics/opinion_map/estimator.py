"""The opinion-map estimator: votes and previous state in, frozen result out.

Runs spec §3 end to end, cold or warm (§4): vote matrix → in-conv → centring
→ PCA → projections → base clusters → groups → stable labels → tallies,
representative and consensus statements, GIC → priorities. `update` extends
the cached matrix with new vote events only; `fit` rebuilds it from the whole
log. Replaying `fit` over growing logs, each warm from the last state, gives
exactly what `update` gives over the same batches.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from coproduce.analytics.errors import InputError
from coproduce.analytics.opinion_map.clustering import (
    GroupSelection,
    Smoother,
    base_clusters,
    group_clusterings,
)
from coproduce.analytics.opinion_map.figures import (
    assemble_result,
    statement_statistics,
)
from coproduce.analytics.opinion_map.inclusion import select_in_conv
from coproduce.analytics.opinion_map.kmeans import KMeansResult, Partition, n_distinct
from coproduce.analytics.opinion_map.labels import assign_labels
from coproduce.analytics.opinion_map.pca import PCAResult, centre_votes, fit_pca
from coproduce.analytics.opinion_map.priority import (
    UNVOTED_PRIORITY,
    statement_priority,
)
from coproduce.analytics.opinion_map.projection import project
from coproduce.analytics.opinion_map.result import (
    OpinionMapResult,
)
from coproduce.analytics.opinion_map.state import OpinionMapState, VoteCache
from coproduce.analytics.opinion_map.votes import VoteLog

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class OpinionMapParams:
    """Spec constants and the flags the spec names (§3, "Constants")."""

    min_votes: int = 7
    greedy_fill: int = 15
    base_k: int = 100
    base_iters: int = 100
    group_iters: int = 20
    max_groups: int = 5
    base_clusters_per_k: int = 12
    smoother_buffer: int = 4
    kmeans_tol: float = 0.01
    z_star: float = 1.2816
    pick: int = 5
    pca_method: Literal["power", "exact"] = "power"
    pca_tol: float = 1e-10
    # Spec §3.12 and its "Fixed" list: current tallies by default; "previous"
    # restores Polis (quirk Q2).
    priority_counts: Literal["previous", "current"] = "current"
    unvoted_priority: float = UNVOTED_PRIORITY
    fallback_requires_votes: bool = False
    cold_init: Literal["first-distinct", "kmeans++"] = "first-distinct"

    def check(self) -> None:
        """Raise InputError naming the first parameter out of range."""
        for name in ("min_votes", "base_k", "base_iters", "group_iters", "pick"):
            if getattr(self, name) < 1:
                raise InputError(
                    f"{name} must be at least 1, not {getattr(self, name)}."
                )
        if not 2 <= self.max_groups <= 5:
            raise InputError(
                f"max_groups must be 2 to 5 (labels A–E), not {self.max_groups}."
            )
        if self.base_clusters_per_k < 1 or self.smoother_buffer < 1:
            raise InputError("base_clusters_per_k and smoother_buffer must be ≥ 1.")
        if self.greedy_fill < 0 or self.kmeans_tol < 0 or self.pca_tol < 0:
            raise InputError("greedy_fill, kmeans_tol and pca_tol cannot be negative.")
        choices = {
            "pca_method": ("power", "exact"),
            "priority_counts": ("previous", "current"),
            "cold_init": ("first-distinct", "kmeans++"),
        }
        for name, allowed in choices.items():
            if getattr(self, name) not in allowed:
                raise InputError(
                    f"{name} must be one of {', '.join(allowed)}, "
                    f"not {getattr(self, name)!r}."
                )


class OpinionMap:
    """Polis-compatible opinion map (spec §3, §4), scikit-learn style.

    Parameters
    ----------
    random_state
        Seed of the conversation: cold PCA starts and the k-means++ mode.
    params
        Spec constants and flags.

    Attributes
    ----------
    result_
        The result of the last `fit` or `update`.

    Examples
    --------
    >>> from coproduce.analytics.opinion_map.votes import Vote
    >>> log = VoteLog.from_votes([Vote(0, 0, 1, 0.0)])
    >>> OpinionMap(random_state=0).fit(log).status
    'not_enough_votes'
    """

    def __init__(
        self, *, random_state: int, params: OpinionMapParams = OpinionMapParams()
    ) -> None:
        self.random_state = random_state
        self.params = params
        self.result_: OpinionMapResult | None = None

    def fit(
        self,
        votes: VoteLog,
        *,
        moderated_out: Collection[int] = (),
        meta: Collection[int] = (),
        excluded: Collection[int] = (),
        previous: OpinionMapState | None = None,
        reference: OpinionMapState | None = None,
    ) -> OpinionMapResult:
        """Compute the map from the whole vote log, cold or warm.

        Parameters
        ----------
        votes
            Every vote event of the conversation so far, in event order.
        moderated_out
            Rejected statement numbers (M also includes `meta`).
        meta
            Meta statement numbers: routed with priority 49, not analysed.
        excluded
            Banned or erased participant numbers: never in-conv.
        previous
            The last update's state: warm start, keeping its row and column
            orders (participants and statements no longer in `votes` drop out).
            None: a cold run.
        reference
            For a cold rebuild (spec §4: state missing or stale, an erasure, or
            on demand), the last published state: cold components are turned
            to agree with its components and its group labels carry over.
            Ignored when `previous` is given (it plays that part).

        Returns
        -------
        OpinionMapResult

        Raises
        ------
        InputError
            Parameters out of range.
        """
        self.params.check()
        if previous is None:
            cache = VoteCache.empty()
        else:
            cache = VoteCache.empty(
                _kept(previous.votes.participant_ids, votes.participant_ids),
                _kept(previous.votes.statement_ids, votes.statement_ids),
            )
        return self._run(
            cache.extend(votes),
            previous,
            moderated_out,
            meta,
            excluded,
            reference=reference,
        )

    def update(
        self,
        previous: OpinionMapState,
        new_votes: VoteLog,
        *,
        moderated_out: Collection[int] = (),
        meta: Collection[int] = (),
        excluded: Collection[int] = (),
    ) -> OpinionMapResult:
        """Apply the vote events after `previous`'s high-water mark, then run
        §3 warm (spec §4).

        Parameters
        ----------
        previous
            The last update's state.
        new_votes
            Only the events after `previous.n_events`, in event order.
        moderated_out, meta, excluded
            As in `fit`, for the whole conversation now.

        Returns
        -------
        OpinionMapResult
            Equal to `fit(all votes, previous=previous)`.
        """
        self.params.check()
        cache = previous.votes.extend(new_votes)
        return self._run(cache, previous, moderated_out, meta, excluded)

    def _run(
        self,
        cache: VoteCache,
        previous: OpinionMapState | None,
        moderated_out: Collection[int],
        meta: Collection[int],
        excluded: Collection[int],
        *,
        reference: OpinionMapState | None = None,
    ) -> OpinionMapResult:
        params = self.params
        published_before = previous if previous is not None else reference
        last_labels = (
            None if published_before is None else published_before.label_members
        )
        meta_ids = _ids(meta)
        matrix = cache.matrix(np.union1d(_ids(moderated_out), meta_ids))
        in_conv = select_in_conv(
            matrix,
            previous_in_conv=(
                () if previous is None else previous.in_conv_ids.tolist()
            ),
            excluded=excluded,
            min_votes=params.min_votes,
            greedy_fill=params.greedy_fill,
        )
        centred = centre_votes(matrix)
        pca = fit_pca(
            matrix,
            centred,
            random_state=self.random_state,
            previous=_previous_pca(previous),
            # A component started cold (a cold rebuild, or the last one was 0)
            # is turned to agree with the last components (spec §3.3).
            reference=_previous_pca(published_before),
            method=params.pca_method,
            tol=params.pca_tol,
        )
        projection = project(matrix, centred, pca)
        xy = _two_columns(projection.participant_xy)
        in_rows = np.flatnonzero(in_conv.is_in_conv)
        has_spread = pca.eigenvalues.size > 0 and pca.eigenvalues[0] > 0
        is_enough = has_spread and n_distinct(xy[in_rows]) >= 2

        base: KMeansResult | None = None
        selection: GroupSelection | None = None
        if is_enough:
            base = base_clusters(
                xy[in_rows],
                matrix.participant_ids[in_rows],
                previous=None if previous is None else previous.base,
                k=params.base_k,
                max_iter=params.base_iters,
                tol=params.kmeans_tol,
                cold_init=params.cold_init,
                random_state=self.random_state,
            )
            selection = group_clusterings(
                base,
                previous=None if previous is None else previous.group_partitions,
                smoother=None if previous is None else previous.smoother,
                max_groups=params.max_groups,
                base_clusters_per_k=params.base_clusters_per_k,
                max_iter=params.group_iters,
                tol=params.kmeans_tol,
                smoother_buffer=params.smoother_buffer,
                cold_init=params.cold_init,
                random_state=self.random_state,
            )
        published = None if selection is None else selection.published

        # Rows' base cluster and public label (−1: none).
        row_base = np.full(matrix.n_participants, -1, dtype=np.int64)
        row_label = np.full(matrix.n_participants, -1, dtype=np.int64)
        group_labels: dict[int, int] = {}
        if base is not None:
            row_base[in_rows] = base.labels
        if base is not None and published is not None:
            group_of_base = dict(
                zip(base.cluster_ids.tolist(), published.labels.tolist(), strict=True)
            )
            row_group = np.array(
                [group_of_base[b] for b in base.labels.tolist()], dtype=np.int64
            )
            members = {
                int(g): matrix.participant_ids[in_rows][row_group == g]
                for g in published.cluster_ids
            }
            previous_members = (
                None
                if last_labels is None
                else {int(label): ids for label, ids in last_labels.members().items()}
            )
            group_labels = assign_labels(members, previous_members)
            row_label[in_rows] = [group_labels[int(g)] for g in row_group]

        figures = statement_statistics(
            matrix,
            row_label,
            z_star=params.z_star,
            pick=params.pick,
            fallback_requires_votes=params.fallback_requires_votes,
        )
        group_agree = figures.tallies.agree.sum(axis=0).astype(np.int64)
        group_disagree = figures.tallies.disagree.sum(axis=0).astype(np.int64)
        group_seen = figures.tallies.seen.sum(axis=0).astype(np.int64)
        is_meta = np.isin(matrix.statement_ids, meta_ids)
        if params.priority_counts == "current":
            counts = (group_agree, group_disagree, group_seen)
        else:
            counts = _previous_counts(previous, matrix.statement_ids)
        priority = statement_priority(*counts, projection.extremity, is_meta=is_meta)

        state = OpinionMapState(
            random_state=self.random_state,
            votes=cache,
            column_means=np.asarray(centred.column_means, dtype=np.float64),
            components=np.asarray(pca.components, dtype=np.float64),
            in_conv_ids=matrix.participant_ids[in_rows].astype(np.int64),
            base=(
                base.partition(matrix.participant_ids[in_rows])
                if base is not None
                else (None if previous is None else previous.base)
            ),
            group_partitions=(
                {
                    k: clustering.partition(base.cluster_ids)
                    for k, clustering in selection.clusterings.items()
                }
                if selection is not None and base is not None
                else ({} if previous is None else previous.group_partitions)
            ),
            smoother=(
                selection.smoother
                if selection is not None
                else (Smoother() if previous is None else previous.smoother)
            ),
            tally_agree=group_agree,
            tally_disagree=group_disagree,
            tally_seen=group_seen,
            label_members=(
                Partition(
                    matrix.participant_ids[row_label >= 0],
                    row_label[row_label >= 0],
                )
                if group_labels
                else last_labels
            ),
            group_labels=(
                group_labels
                if group_labels
                else ({} if published_before is None else published_before.group_labels)
            ),
        )
        return assemble_result(
            params=dataclasses.asdict(params),
            random_state=self.random_state,
            state=state,
            matrix=matrix,
            xy=xy,
            in_conv_rows=in_rows,
            row_base=row_base,
            row_label=row_label,
            group_labels=group_labels,
            selection=selection,
            explained=tuple(float(s) for s in pca.explained_share),
            statement_xy=_two_columns(projection.statement_xy),
            extremity=projection.extremity,
            priority=priority,
            is_meta=is_meta,
            figures=figures,
        )


def _ids(values: Collection[int]) -> IntArray:
    return np.fromiter((int(v) for v in values), dtype=np.int64, count=len(values))


def _kept(order: IntArray, present: IntArray) -> IntArray:
    """`order` without the ids absent from `present` (e.g. erased voters)."""
    return order[np.isin(order, present)]


def _two_columns(xy: npt.NDArray[Any]) -> FloatArray:
    """(n, K) coordinates padded with zeros to (n, 2): K < 2 when n or m < 2."""
    out = np.zeros((xy.shape[0], 2))
    out[:, : xy.shape[1]] = xy
    return out


def _previous_pca(previous: OpinionMapState | None) -> PCAResult | None:
    """The state's components as a warm start for `fit_pca`."""
    if previous is None or previous.components.shape[0] == 0:
        return None
    n_components = previous.components.shape[0]
    return PCAResult(
        statement_ids=previous.votes.statement_ids,
        components=previous.components,
        eigenvalues=np.zeros(n_components),
        explained_share=np.zeros(n_components),
        n_iterations=(0,) * n_components,
        is_converged=(True,) * n_components,
        is_warm=(False,) * n_components,
        method="power",
    )


def _previous_counts(
    previous: OpinionMapState | None, statement_ids: IntArray
) -> tuple[IntArray, IntArray, IntArray]:
    """Last update's group-summed A, D, S on today's columns (new ones: 0)."""
    m = statement_ids.shape[0]
    counts = (np.zeros(m, np.int64), np.zeros(m, np.int64), np.zeros(m, np.int64))
    if previous is None:
        return counts
    shared, here, there = np.intersect1d(
        statement_ids, previous.votes.statement_ids, return_indices=True
    )
    if shared.size and previous.tally_seen.shape[0]:
        counts[0][here] = previous.tally_agree[there]
        counts[1][here] = previous.tally_disagree[there]
        counts[2][here] = previous.tally_seen[there]
    return counts
