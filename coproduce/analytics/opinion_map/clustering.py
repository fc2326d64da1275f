"""Base clusters of participants and opinion groups of base clusters (spec §3.6, §3.7).

Participants are first grouped into up to 100 small *base clusters*; groups are
then formed by clustering the base clusters' centres for k = 2..K_max, choosing
k by silhouette and steadying it with a smoother, as Polis does.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from coproduce.analytics.opinion_map.kmeans import (
    KMEANS_TOL,
    ColdInit,
    KMeansResult,
    Partition,
    kmeans,
    n_distinct,
)

#: Base clusters (spec constants).
BASE_K = 100
BASE_ITERS = 100
#: Group clusterings.
GROUP_ITERS = 20
MAX_GROUPS = 5
BASE_CLUSTERS_PER_K = 12
#: Updates a new k must win in a row before it is published.
SMOOTHER_BUFFER = 4


@dataclass(frozen=True, slots=True)
class Smoother:
    """The k-smoother's state (spec §3.7): None before the first update."""

    last_k: int | None = None
    count: int = 0
    smoothed_k: int | None = None

    def step(self, this_k: int, *, buffer: int = SMOOTHER_BUFFER) -> Smoother:
        """The state after an update whose best k is `this_k`.

        Examples
        --------
        The first update takes its k at once; a new k must then be best `buffer`
        times in a row:

        >>> s = Smoother().step(3)
        >>> s.smoothed_k, s.count
        (3, 1)
        >>> for k in (2, 2, 2):
        ...     s = s.step(k)
        >>> s.smoothed_k, s.count
        (3, 3)
        >>> s.step(2).smoothed_k
        2
        """
        count = self.count + 1 if this_k == self.last_k else 1
        if self.smoothed_k is None or count >= buffer:
            smoothed = this_k
        else:
            smoothed = self.smoothed_k
        return Smoother(last_k=this_k, count=count, smoothed_k=smoothed)


@dataclass(frozen=True, slots=True)
class GroupSelection:
    """Group clusterings for each k tried, the choice of k, and the smoother."""

    clusterings: dict[int, KMeansResult]  # k -> clustering of base clusters
    silhouette_by_k: dict[int, float]  # k with at least 2 clusters
    this_k: int | None  # best silhouette now; None when there are no groups
    k: int | None  # published k: smoothed_k if computed now, else this_k
    smoother: Smoother

    @property
    def published(self) -> KMeansResult | None:
        """The published clustering of base clusters, or None (no groups)."""
        return None if self.k is None else self.clusterings[self.k]


def base_clusters(
    points: npt.NDArray[np.float64],
    participant_ids: npt.NDArray[np.int64],
    *,
    previous: Partition | None = None,
    k: int = BASE_K,
    max_iter: int = BASE_ITERS,
    tol: float = KMEANS_TOL,
    cold_init: ColdInit = "first-distinct",
    random_state: int | None = None,
) -> KMeansResult:
    """Cluster in-conv participants' projections into base clusters (spec §3.6).

    Parameters
    ----------
    points
        (n, 2) projections of the in-conv participants, n ≥ 1.
    participant_ids
        Participant number per row of `points` (warm starts name them).
    previous
        Last update's base clusters (participant -> base cluster id).
    k, max_iter, tol, cold_init, random_state
        Spec constants 100, 100 and 0.01; see `kmeans`.

    Returns
    -------
    KMeansResult
        `labels` is each participant's base cluster id.

    Notes
    -----
    With at most k distinct points every distinct point is its own base
    cluster and identical points share one. k-means gives that from a cold
    start; a warm start can leave two distinct points in one cluster, which is
    then split: the heaviest distinct point (ties: first in row order) keeps
    the id and the others take new ids (largest + 1) in row order.

    References
    ----------
    Coproduce opinion-map spec §3.6; Polis `conversation.clj` (base-clusters).
    """
    result = kmeans(
        points,
        k=k,
        point_ids=participant_ids,
        previous=previous,
        max_iter=max_iter,
        tol=tol,
        cold_init=cold_init,
        random_state=random_state,
    )
    distinct = n_distinct(points)
    if distinct <= k and result.n_clusters < distinct:
        result = _one_cluster_per_distinct_point(points, result)
    return result


def group_clusterings(
    base: KMeansResult,
    *,
    previous: Mapping[int, Partition] | None = None,
    smoother: Smoother | None = None,
    max_groups: int = MAX_GROUPS,
    base_clusters_per_k: int = BASE_CLUSTERS_PER_K,
    max_iter: int = GROUP_ITERS,
    tol: float = KMEANS_TOL,
    smoother_buffer: int = SMOOTHER_BUFFER,
    cold_init: ColdInit = "first-distinct",
    random_state: int | None = None,
) -> GroupSelection:
    """Cluster base-cluster centres for each k and choose k (spec §3.7).

    Parameters
    ----------
    base
        Base clusters; their centres are clustered, weighted by their sizes.
    previous
        Last update's group clustering for each k (base cluster id -> group id).
    smoother
        Last update's k-smoother (None: first update).
    max_groups, base_clusters_per_k, max_iter, tol, smoother_buffer
        Spec constants 5, 12, 20, 0.01 and 4.
    cold_init, random_state
        See `kmeans`.

    Returns
    -------
    GroupSelection
        With fewer than 2 distinct base centres: no clusterings, k None and the
        smoother unchanged.

    Notes
    -----
    B = number of base clusters, K_max = min(max_groups, 2 + ⌊B / 12⌋). For
    each k = 2..K_max, weighted k-means on the base centres (warm from the
    previous clustering for that k; cold: first k distinct centres by base
    id). Clusterings with fewer than 2 clusters are skipped; the others are
    scored by the unweighted silhouette of the base centres (`silhouette`).
    this_k maximises it, exact ties going to the larger k. The smoother then
    gives smoothed_k; its clustering is published if it was computed now,
    otherwise this_k's.

    References
    ----------
    Coproduce opinion-map spec §3.7; Polis `conversation.clj` (group-clusterings,
    group-k-smoother) and `clusters.clj` (silhouette); `CLOJURE_QUIRKS.md` Q3.
    """
    smoother = smoother or Smoother()
    centres = np.asarray(base.centres, dtype=np.float64)
    if base.n_clusters < 2 or n_distinct(centres) < 2:
        return GroupSelection({}, {}, None, None, smoother)
    k_max = min(max_groups, 2 + base.n_clusters // base_clusters_per_k)
    previous = previous or {}
    clusterings: dict[int, KMeansResult] = {}
    scores: dict[int, float] = {}
    for k in range(2, k_max + 1):
        result = kmeans(
            centres,
            k=k,
            weights=base.sizes.astype(np.float64),
            point_ids=base.cluster_ids,
            previous=previous.get(k),
            max_iter=max_iter,
            tol=tol,
            cold_init=cold_init,
            random_state=random_state,
        )
        clusterings[k] = result
        if result.n_clusters >= 2:
            scores[k] = silhouette(centres, result.labels)
    if not scores:
        return GroupSelection(clusterings, {}, None, None, smoother)
    best = max(scores.values())
    this_k = max(k for k, score in scores.items() if score == best)
    smoother = smoother.step(this_k, buffer=smoother_buffer)
    smoothed = smoother.smoothed_k
    k = smoothed if smoothed in scores else this_k
    return GroupSelection(clusterings, scores, this_k, k, smoother)


def silhouette(points: npt.NDArray[np.float64], labels: npt.ArrayLike) -> float:
    """Mean silhouette of unweighted points (spec §3.7).

    Parameters
    ----------
    points
        (n, d) points (base-cluster centres).
    labels
        Cluster of each point; at least 2 distinct labels.

    Returns
    -------
    float in [−1, 1].

    Notes
    -----
    a_i = mean distance from i to the other points of its cluster, b_i = the
    least mean distance from i to the points of another cluster,
    s_i = (b_i − a_i) / max(a_i, b_i), and s_i = 0 when i is alone in its
    cluster (or a_i = b_i = 0). Score = mean of s_i. Dense n × n distances:
    n is at most the number of base clusters (100).

    References
    ----------
    Rousseeuw (1987), "Silhouettes: a graphical aid to the interpretation and
    validation of cluster analysis", J. Comput. Appl. Math. 20, eq. (1)–(3);
    Polis `clusters.clj` (silhouette).

    Examples
    --------
    Points 0, 1 (cluster 0) and 5 (cluster 1). Point 0: a = 1, b = 5,
    s = 4/5. Point 1: a = 1, b = 4, s = 3/4. Point 5: alone, s = 0.
    Mean (0.8 + 0.75 + 0) / 3 = 0.5166…

    >>> round(silhouette(np.array([[0.0], [1.0], [5.0]]), [0, 0, 1]), 4)
    0.5167
    """
    xy = np.asarray(points, dtype=np.float64)
    _, label_index = np.unique(np.asarray(labels), return_inverse=True)
    label_index = label_index.ravel()
    n_labels = int(label_index.max()) + 1
    difference = xy[:, None, :] - xy[None, :, :]
    distance = np.sqrt(np.sum(difference * difference, axis=2))
    one_hot = np.zeros((xy.shape[0], n_labels))
    one_hot[np.arange(xy.shape[0]), label_index] = 1.0
    sizes = one_hot.sum(axis=0)
    sums = distance @ one_hot  # (n, labels): total distance to each cluster
    own_size = sizes[label_index]
    rows = np.arange(xy.shape[0])
    a = np.divide(
        sums[rows, label_index],
        own_size - 1,
        out=np.zeros(xy.shape[0]),
        where=own_size > 1,
    )
    mean_to = sums / sizes
    mean_to[rows, label_index] = np.inf
    b = mean_to.min(axis=1)
    denominator = np.maximum(a, b)
    s = np.divide(
        b - a,
        denominator,
        out=np.zeros(xy.shape[0]),
        where=(own_size > 1) & (denominator > 0),
    )
    return float(s.mean())


def _one_cluster_per_distinct_point(
    points: npt.NDArray[np.float64], result: KMeansResult
) -> KMeansResult:
    """Split clusters holding several distinct points (see `base_clusters`)."""
    _, first, value_of = np.unique(
        points, axis=0, return_index=True, return_inverse=True
    )
    value_of = value_of.ravel()
    count = np.bincount(value_of).astype(np.int64)
    labels = result.labels.copy()
    next_id = int(result.cluster_ids.max()) + 1
    for cluster in result.cluster_ids.tolist():
        values = np.unique(value_of[labels == cluster])
        if values.shape[0] < 2:
            continue
        # Row order of first appearance, then the most points first.
        values = values[np.argsort(first[values], kind="stable")]
        keeper = values[np.argsort(-count[values], kind="stable")[0]]
        for value in values:
            if value != keeper:
                labels[value_of == value] = next_id
                next_id += 1
    cluster_ids, position = np.unique(labels, return_inverse=True)
    position = position.ravel()
    sizes = np.bincount(position).astype(np.int64)
    # Every cluster now holds copies of one point, which is its centre.
    first_member = np.unique(position, return_index=True)[1]
    centres = points[first_member].astype(np.float64)
    for array in (cluster_ids, centres, sizes, labels):
        array.flags.writeable = False
    return KMeansResult(
        cluster_ids=cluster_ids.astype(np.int64),
        centres=centres,
        weights=sizes.astype(np.float64),
        sizes=sizes,
        labels=labels,
        n_iterations=result.n_iterations,
        is_converged=result.is_converged,
    )
