"""Weighted k-means with stable cluster ids and Polis's warm start (spec §3.5).

Used at both levels of the opinion map: participants into base clusters (§3.6)
and base-cluster centres into groups (§3.7). Clusters carry integer ids that
survive warm starts, so a cluster keeps its lineage from one update to the
next; a new cluster takes the largest id so far plus one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt

from coproduce.analytics.errors import InputError

ColdInit = Literal["first-distinct", "kmeans++"]

#: Centres closer than this on every coordinate count as unchanged (spec constant).
KMEANS_TOL = 0.01
#: Restarts of the optional k-means++ mode; the lowest weighted inertia wins.
KMEANS_PLUS_PLUS_RESTARTS = 10
#: Points per block when computing distances: keeps the n × k block in cache.
_BLOCK = 512
#: Relative slack on the distance bounds, far above rounding (see `_iterate`).
_SLACK = 1e-9


@dataclass(frozen=True, slots=True)
class Partition:
    """Which cluster each point belongs to, by point id (a warm-start input)."""

    point_ids: npt.NDArray[np.int64]
    cluster_ids: npt.NDArray[np.int64]  # one per point id

    def members(self) -> dict[int, npt.NDArray[np.int64]]:
        """Point ids per cluster id, clusters in ascending id order."""
        order = np.argsort(self.cluster_ids, kind="stable")
        ids, starts = np.unique(self.cluster_ids[order], return_index=True)
        groups = np.split(self.point_ids[order], starts[1:])
        return {int(c): g for c, g in zip(ids, groups, strict=True)}


@dataclass(frozen=True, slots=True)
class KMeansResult:
    """Clusters in ascending id order, and each point's cluster id."""

    cluster_ids: npt.NDArray[np.int64]  # (c,) ascending
    centres: npt.NDArray[np.float64]  # (c, d) weighted means of the members
    weights: npt.NDArray[np.float64]  # (c,) total weight of the members
    sizes: npt.NDArray[np.int64]  # (c,) number of member points
    labels: npt.NDArray[np.int64]  # (n,) cluster id of each point
    n_iterations: int
    is_converged: bool  # stopped on the tolerance, not on max_iter

    @property
    def n_clusters(self) -> int:
        """Number of (non-empty) clusters."""
        return int(self.cluster_ids.shape[0])

    def partition(self, point_ids: npt.NDArray[np.int64]) -> Partition:
        """This clustering as a warm-start input, naming points by `point_ids`."""
        return Partition(np.asarray(point_ids, dtype=np.int64), self.labels.copy())


def kmeans(
    points: npt.ArrayLike,
    *,
    k: int,
    weights: npt.ArrayLike | None = None,
    point_ids: npt.ArrayLike | None = None,
    previous: Partition | None = None,
    max_iter: int = 100,
    tol: float = KMEANS_TOL,
    cold_init: ColdInit = "first-distinct",
    random_state: int | None = None,
) -> KMeansResult:
    """Weighted k-means with Polis's initialisation and stopping rule (spec §3.5).

    Parameters
    ----------
    points
        (n, d) coordinates, n ≥ 1.
    k
        Largest number of clusters; fewer when there are fewer distinct points
        or when clusters empty out.
    weights
        Positive weight per point (default 1).
    point_ids
        Stable id per point (default 0..n−1); `previous` names points by them.
    previous
        Last update's clustering (warm start). Points it does not name are new.
    max_iter, tol
        At most `max_iter` assignment steps; stop earlier when the centres
        move less than `tol` on every coordinate.
    cold_init
        "first-distinct" (Polis): the first k distinct points in row order.
        "kmeans++": 10 seeded k-means++ starts, the lowest weighted inertia
        kept; a robust mode that callers must report, never a silent default.
    random_state
        Seed for "kmeans++"; unused otherwise.

    Returns
    -------
    KMeansResult

    Raises
    ------
    InputError
        No points, points not (n, d), non-finite coordinates, non-positive
        weights, duplicate point ids, k < 1 or max_iter < 1, unknown cold_init.

    Notes
    -----
    One step: (1) each point goes to the centre at the least squared distance,
    computed from coordinate differences (Polis expands |a|² + |b|² − 2a·b,
    which loses digits, quirk Q11); exact ties go to the lowest cluster id
    (Polis: hash-map order, Q17). (2) Clusters with no points are dropped.
    (3) Each centre becomes the weighted mean of its points. Stop when the old
    and new centre lists, each sorted lexicographically and paired in order,
    agree within `tol` on every coordinate; after a drop the lists differ in
    length and, as in Polis, only the first min(len) pairs are compared.

    Warm start: each previous cluster is recentred on its members that are
    still points (clusters left empty are dropped; if none is left, one cluster
    of all points, id = previous largest + 1); clusters with identical centres
    merge and keep the id of the heavier (ties: the lower id); then, while
    there are fewer than min(k, distinct points) clusters, the point farthest
    from its nearest centre, if that distance is > 0, moves into a new singleton
    cluster with id = largest + 1 (ties: first in row order). Centres are
    recomputed after each change.

    References
    ----------
    Coproduce opinion-map spec §3.5; Polis `math/src/polismath/math/clusters.clj`
    (kmeans, clean-start-clusters, same-clustering?), `CLOJURE_QUIRKS.md` Q11,
    Q17. Arthur & Vassilvitskii (2007), "k-means++: the advantages of careful
    seeding", SODA, §2.2.

    Examples
    --------
    Points 0, 1, 10, 11 on a line, k = 2: the cold start takes points 0 and 1
    as centres. Step 1: 0 → centre 0; 1, 10, 11 → centre 1; new centres 0 and
    22/3. Step 2: 0, 1 → centre 0 (1 is nearer 0 than 22/3); 10, 11 → centre
    1; centres 0.5 and 10.5. Step 3: same assignment, centres unchanged: stop.

    >>> result = kmeans([[0.0], [1.0], [10.0], [11.0]], k=2)
    >>> result.labels.tolist(), result.centres.ravel().tolist()
    ([0, 0, 1, 1], [0.5, 10.5])
    >>> result.n_iterations, result.is_converged
    (3, True)
    """
    xy, w, ids = _checked(points, weights, point_ids)
    if k < 1 or max_iter < 1:
        raise InputError(f"k and max_iter must be at least 1, not {k} and {max_iter}.")
    if cold_init not in ("first-distinct", "kmeans++"):
        raise InputError(
            f"cold_init must be 'first-distinct' or 'kmeans++', not {cold_init!r}."
        )
    if previous is not None:
        cluster_ids, centres = _warm_start(xy, w, ids, previous, k)
        return _iterate(xy, w, cluster_ids, centres, max_iter=max_iter, tol=tol)
    if cold_init == "first-distinct":
        centres = _first_distinct(xy, k)
        cluster_ids = np.arange(centres.shape[0], dtype=np.int64)
        return _iterate(xy, w, cluster_ids, centres, max_iter=max_iter, tol=tol)
    rng = np.random.default_rng(random_state)
    best: KMeansResult | None = None
    best_inertia = np.inf
    for _ in range(KMEANS_PLUS_PLUS_RESTARTS):
        centres = _kmeans_plus_plus(xy, w, k, rng)
        cluster_ids = np.arange(centres.shape[0], dtype=np.int64)
        result = _iterate(xy, w, cluster_ids, centres, max_iter=max_iter, tol=tol)
        inertia = _inertia(xy, w, result)
        if inertia < best_inertia:
            best, best_inertia = result, inertia
    if best is None:  # pragma: no cover - KMEANS_PLUS_PLUS_RESTARTS ≥ 1
        raise InputError("k-means++ made no restart.")
    return best


def n_distinct(points: npt.NDArray[np.float64]) -> int:
    """Number of distinct rows of `points`."""
    return int(_first_rows(points).shape[0])


def _first_rows(points: npt.NDArray[np.float64]) -> npt.NDArray[np.int64]:
    """Row of the first occurrence of each distinct point, ascending."""
    if points.shape[0] == 0:
        return np.zeros(0, dtype=np.int64)
    # lexsort is stable, so each run of equal points starts with its first row.
    order = np.lexsort(points.T[::-1])
    ordered = points[order]
    starts = np.ones(points.shape[0], dtype=bool)
    starts[1:] = np.any(ordered[1:] != ordered[:-1], axis=1)
    return np.sort(order[starts]).astype(np.int64)


def nearest(
    points: npt.NDArray[np.float64], centres: npt.NDArray[np.float64]
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float64]]:
    """Index of the nearest centre (ties: lowest index) and the squared distance."""
    index, best, _ = _nearest_two(points, centres)
    return index, best


def _nearest_two(
    points: npt.NDArray[np.float64], centres: npt.NDArray[np.float64]
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Nearest centre, its squared distance and the second-least squared distance.

    Distances are sums of squared coordinate differences, computed in blocks of
    points so that memory stays O(block × centres). With one centre the second
    distance is infinite.
    """
    n = points.shape[0]
    index = np.empty(n, dtype=np.int64)
    best = np.empty(n, dtype=np.float64)
    second = np.full(n, np.inf)
    distance = np.empty((min(n, _BLOCK), centres.shape[0]))
    difference = np.empty_like(distance)
    for start in range(0, n, _BLOCK):
        block = points[start : start + _BLOCK]
        size = block.shape[0]
        rows = np.arange(size)
        stop = start + size
        into, work = distance[:size], difference[:size]
        np.subtract(block[:, 0, None], centres[None, :, 0], out=into)
        np.multiply(into, into, out=into)
        for axis in range(1, points.shape[1]):
            np.subtract(block[:, axis, None], centres[None, :, axis], out=work)
            np.multiply(work, work, out=work)
            np.add(into, work, out=into)
        # argmin returns the first minimum: the lowest index, i.e. the lowest id.
        chosen = np.argmin(into, axis=1)
        index[start:stop] = chosen
        best[start:stop] = into[rows, chosen]
        if centres.shape[0] > 1:
            into[rows, chosen] = np.inf
            second[start:stop] = into.min(axis=1)
    return index, best, second


def _checked(
    points: npt.ArrayLike,
    weights: npt.ArrayLike | None,
    point_ids: npt.ArrayLike | None,
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64], npt.NDArray[np.int64]]:
    xy = np.asarray(points, dtype=np.float64)
    if xy.ndim != 2 or xy.shape[0] == 0:
        raise InputError("points must be a non-empty (n, d) array.")
    if not np.all(np.isfinite(xy)):
        row = int(np.flatnonzero(~np.all(np.isfinite(xy), axis=1))[0])
        raise InputError(f"Point {row} has a coordinate that is not finite.", row=row)
    n = xy.shape[0]
    w = np.ones(n) if weights is None else np.asarray(weights, dtype=np.float64)
    if w.shape != (n,) or not np.all(np.isfinite(w)) or np.any(w <= 0):
        raise InputError("weights must be one positive number per point.")
    ids = np.arange(n) if point_ids is None else np.asarray(point_ids)
    ids = ids.astype(np.int64)
    if ids.shape != (n,) or np.unique(ids).shape[0] != n:
        raise InputError("point_ids must be one distinct id per point.")
    return xy, w, ids


def _first_distinct(xy: npt.NDArray[np.float64], k: int) -> npt.NDArray[np.float64]:
    """The first k distinct points, in row order."""
    return xy[_first_rows(xy)[:k]].copy()


def _kmeans_plus_plus(
    xy: npt.NDArray[np.float64],
    w: npt.NDArray[np.float64],
    k: int,
    rng: np.random.Generator,
) -> npt.NDArray[np.float64]:
    """Weighted k-means++ seeding; stops early when every point is a centre."""
    chosen = [int(rng.choice(xy.shape[0], p=w / w.sum()))]
    squared = np.sum((xy - xy[chosen[0]]) ** 2, axis=1)
    while len(chosen) < k:
        mass = w * squared
        total = float(mass.sum())
        if total <= 0.0:
            break
        index = int(rng.choice(xy.shape[0], p=mass / total))
        chosen.append(index)
        squared = np.minimum(squared, np.sum((xy - xy[index]) ** 2, axis=1))
    return xy[chosen].copy()


def _inertia(
    xy: npt.NDArray[np.float64], w: npt.NDArray[np.float64], result: KMeansResult
) -> float:
    position = np.searchsorted(result.cluster_ids, result.labels)
    difference = xy - result.centres[position]
    return float(np.sum(w * np.sum(difference * difference, axis=1)))


def _weighted_means(
    xy: npt.NDArray[np.float64],
    w: npt.NDArray[np.float64],
    position: npt.NDArray[np.int64],
    n_clusters: int,
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64], npt.NDArray[np.int64]]:
    """Weighted mean, total weight and point count per cluster position."""
    mass = np.bincount(position, weights=w, minlength=n_clusters).astype(np.float64)
    sizes = np.bincount(position, minlength=n_clusters).astype(np.int64)
    centres = np.zeros((n_clusters, xy.shape[1]))
    for axis in range(xy.shape[1]):
        sums = np.bincount(position, weights=w * xy[:, axis], minlength=n_clusters)
        centres[:, axis] = np.divide(sums, mass, out=centres[:, axis], where=sizes > 0)
    return centres, mass, sizes


def _lexicographic(centres: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    # np.lexsort sorts by its last key first, so the first coordinate goes last.
    return centres[np.lexsort(centres.T[::-1])]


def _same_centres(
    old: npt.NDArray[np.float64], new: npt.NDArray[np.float64], tol: float
) -> bool:
    """Polis's stopping rule: sorted lists, paired in order, truncated to min(len)."""
    length = min(old.shape[0], new.shape[0])
    a, b = _lexicographic(old)[:length], _lexicographic(new)[:length]
    return bool(np.all(np.abs(a - b) <= tol))


def _iterate(
    xy: npt.NDArray[np.float64],
    w: npt.NDArray[np.float64],
    cluster_ids: npt.NDArray[np.int64],
    centres: npt.NDArray[np.float64],
    *,
    max_iter: int,
    tol: float,
) -> KMeansResult:
    """Lloyd steps from the given clusters (ids ascending, centres aligned).

    Assignments are exactly those of comparing every point with every centre,
    but most comparisons are skipped with Hamerly's bounds: an upper bound on
    the distance to the assigned centre and a lower bound on the distance to
    any other, moved by how far the centres moved. A point whose upper bound is
    clearly below its lower bound (with a relative slack far above rounding
    error) cannot change centre or be tied; every other point is compared with
    all centres again.
    """
    converged = False
    step = 0
    position, best, second = _nearest_two(xy, centres)
    upper, lower = np.sqrt(best), np.sqrt(second)
    mass = np.zeros(0)
    sizes = np.zeros(0, dtype=np.int64)
    for step in range(1, max_iter + 1):
        if step > 1:
            _reassign(xy, centres, position, upper, lower)
        new_centres, mass, sizes = _weighted_means(xy, w, position, len(cluster_ids))
        kept = sizes > 0
        previous_centres = centres
        if not np.all(kept):
            # Dropping empty clusters renumbers positions but keeps id order;
            # the lower bounds stay valid (fewer centres to be near).
            position = (np.cumsum(kept) - 1)[position]
            cluster_ids = cluster_ids[kept]
            new_centres, mass, sizes = new_centres[kept], mass[kept], sizes[kept]
        shift = np.sqrt(np.sum((new_centres - previous_centres[kept]) ** 2, axis=1))
        upper += shift[position]
        lower -= shift.max()
        centres = new_centres
        if _same_centres(previous_centres, centres, tol):
            converged = True
            break
    labels = cluster_ids[position]
    for array in (cluster_ids, centres, mass, sizes, labels):
        array.flags.writeable = False
    return KMeansResult(
        cluster_ids=cluster_ids,
        centres=centres,
        weights=mass,
        sizes=sizes,
        labels=labels,
        n_iterations=step,
        is_converged=converged,
    )


def _reassign(
    xy: npt.NDArray[np.float64],
    centres: npt.NDArray[np.float64],
    position: npt.NDArray[np.int64],
    upper: npt.NDArray[np.float64],
    lower: npt.NDArray[np.float64],
) -> None:
    """Nearest centre for every point, in place, skipping the provably settled."""
    unsure = np.flatnonzero(~_is_settled(upper, lower))
    if unsure.size == 0:
        return
    upper[unsure] = np.sqrt(
        np.sum((xy[unsure] - centres[position[unsure]]) ** 2, axis=1)
    )
    unsure = unsure[~_is_settled(upper[unsure], lower[unsure])]
    if unsure.size == 0:
        return
    index, best, second = _nearest_two(xy[unsure], centres)
    position[unsure] = index
    upper[unsure] = np.sqrt(best)
    lower[unsure] = np.sqrt(second)


def _is_settled(
    upper: npt.NDArray[np.float64], lower: npt.NDArray[np.float64]
) -> npt.NDArray[np.bool_]:
    return np.asarray(upper * (1.0 + _SLACK) < lower * (1.0 - _SLACK))


def _warm_start(
    xy: npt.NDArray[np.float64],
    w: npt.NDArray[np.float64],
    ids: npt.NDArray[np.int64],
    previous: Partition,
    k: int,
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float64]]:
    """Spec §3.5 warm initialisation: returns ids (ascending) and centres."""
    n = xy.shape[0]
    # Membership by position: -1 for points the previous clustering did not name.
    sorter = np.argsort(previous.point_ids, kind="stable")
    found = np.searchsorted(previous.point_ids, ids, sorter=sorter)
    found = np.minimum(found, max(previous.point_ids.shape[0] - 1, 0))
    member_of = np.full(n, -1, dtype=np.int64)
    if previous.point_ids.shape[0]:
        hit = previous.point_ids[sorter[found]] == ids
        member_of[hit] = previous.cluster_ids[sorter[found[hit]]]
    largest_before = (
        int(previous.cluster_ids.max()) if previous.cluster_ids.shape[0] else -1
    )
    if not np.any(member_of >= 0):
        member_of[:] = largest_before + 1
    cluster_ids, centres, mass = _recentre(xy, w, member_of)

    # Merge clusters with identical centres into the heavier (ties: lower id).
    _, first, group = np.unique(centres, axis=0, return_index=True, return_inverse=True)
    group = group.ravel()
    if first.shape[0] < cluster_ids.shape[0]:
        keeper = np.empty(first.shape[0], dtype=np.int64)
        for g in range(first.shape[0]):
            in_group = np.flatnonzero(group == g)
            # Positions ascend with ids, so argmax picks the lowest id on ties.
            keeper[g] = cluster_ids[in_group[int(np.argmax(mass[in_group]))]]
        position = np.searchsorted(cluster_ids, member_of)
        member_of = np.where(member_of >= 0, keeper[group[position]], -1)
        cluster_ids, centres, mass = _recentre(xy, w, member_of)

    target = min(k, n_distinct(xy))
    while cluster_ids.shape[0] < target:
        _, squared = nearest(xy, centres)
        farthest = int(np.argmax(squared))
        if squared[farthest] <= 0.0:
            break
        member_of[farthest] = int(cluster_ids.max()) + 1
        cluster_ids, centres, mass = _recentre(xy, w, member_of)
    return cluster_ids, centres


def _recentre(
    xy: npt.NDArray[np.float64],
    w: npt.NDArray[np.float64],
    member_of: npt.NDArray[np.int64],
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Ids of the non-empty clusters (ascending), their centres and weights."""
    is_member = member_of >= 0
    cluster_ids, position = np.unique(member_of[is_member], return_inverse=True)
    centres, mass, _ = _weighted_means(
        xy[is_member], w[is_member], position.ravel(), cluster_ids.shape[0]
    )
    return cluster_ids.astype(np.int64), centres, mass
