"""k-means (spec §3.5): hand-worked steps, warm-start rules, and a brute-force
reference that checks the bound-pruned assignment against all-pairs distances."""

from __future__ import annotations

import doctest

import numpy as np
import pytest

from coproduce.analytics.errors import InputError
from coproduce.analytics.opinion_map import kmeans as kmeans_module
from coproduce.analytics.opinion_map.kmeans import Partition, kmeans


def test_docstring_examples_hold() -> None:
    failed, attempted = doctest.testmod(kmeans_module, verbose=False)
    assert attempted > 0
    assert failed == 0


def _partition(clusters: dict[int, list[int]]) -> Partition:
    points = [p for members in clusters.values() for p in members]
    ids = [c for c, members in clusters.items() for _ in members]
    return Partition(np.array(points, dtype=np.int64), np.array(ids, dtype=np.int64))


def test_equidistant_point_goes_to_the_lowest_cluster_id() -> None:
    # Cold start, k = 2: centres 0 (id 0) and 2 (id 1). Point 1 is at distance 1
    # from both and goes to id 0. Step 1 centres: 0.5 and 2 (moved by 0.5 > 0.01).
    # Step 2: point 1 is 0.5 from id 0 and 1 from id 1: same assignment, stop.
    result = kmeans([[0.0], [2.0], [1.0]], k=2)
    assert result.labels.tolist() == [0, 1, 0]
    assert result.centres.ravel().tolist() == [0.5, 2.0]
    assert result.n_iterations == 2
    assert result.is_converged


def test_cold_start_takes_the_first_distinct_points_in_row_order() -> None:
    # Rows 0 and 1 are the same point, so the centres are rows 0, 2 and 3.
    points = [[1.0, 1.0], [1.0, 1.0], [5.0, 5.0], [9.0, 0.0], [9.0, 1.0]]
    result = kmeans(points, k=3, max_iter=1)
    assert result.cluster_ids.tolist() == [0, 1, 2]
    assert result.labels.tolist() == [0, 0, 1, 2, 2]
    assert result.centres.tolist() == [[1.0, 1.0], [5.0, 5.0], [9.0, 0.5]]


def test_k_above_the_distinct_points_gives_one_cluster_per_distinct_point() -> None:
    result = kmeans([[0.0, 0.0], [3.0, 0.0], [0.0, 0.0]], k=5)
    assert result.n_clusters == 2
    assert result.labels.tolist() == [0, 1, 0]
    assert result.sizes.tolist() == [2, 1]


def test_weighted_centres() -> None:
    # One cluster: (0·1 + 4·3) / (1 + 3) = 3.
    result = kmeans([[0.0], [4.0]], k=1, weights=[1.0, 3.0])
    assert result.centres.ravel().tolist() == [3.0]
    assert result.weights.tolist() == [4.0]


def test_an_empty_cluster_is_dropped_and_the_others_keep_their_ids() -> None:
    # Warm start: id 5 = {0, 10} has centre 5; id 7 = {4}; id 9 = {6}.
    # Step 1: 0 → 7 (4 < 5), 10 → 9 (4 < 5), 4 → 7, 6 → 9; id 5 is empty and
    # dropped. Centres 2 and 8. Truncated pairing compares sorted [4, 5, 6] with
    # [2, 8] as (4, 2), (5, 8): moved, go on. Step 2: same assignment, stop.
    points = [[0.0], [10.0], [4.0], [6.0]]
    previous = _partition({5: [0, 1], 7: [2], 9: [3]})
    result = kmeans(points, k=3, previous=previous)
    assert result.cluster_ids.tolist() == [7, 9]
    assert result.labels.tolist() == [7, 9, 7, 9]
    assert result.centres.ravel().tolist() == [2.0, 8.0]
    assert result.n_iterations == 2


def test_after_a_drop_only_the_first_min_len_sorted_pairs_are_compared() -> None:
    same = kmeans_module._same_centres
    # Sorted lists [0, 5, 9] and [0, 5]: pairs (0, 0) and (5, 5) agree; the
    # vanished 9 is never compared (Polis's truncated pairing).
    assert same(np.array([[9.0], [0.0], [5.0]]), np.array([[5.0], [0.0]]), 0.01)
    assert not same(np.array([[0.0], [5.0], [9.0]]), np.array([[0.0], [9.0]]), 0.01)
    # Lexicographic: by x, then y; 0.01 on every coordinate.
    old = np.array([[1.0, 2.0], [1.0, 0.0]])
    assert same(old, np.array([[1.0, 0.005], [1.005, 2.0]]), 0.01)
    assert not same(old, np.array([[1.0, 0.02], [1.0, 2.0]]), 0.01)


def test_warm_start_recentres_on_current_members_and_drops_vanished_ones() -> None:
    # Participant 99 left; cluster 4 held only 99 and is dropped. Cluster 2 is
    # recentred on its remaining members 10 and 11: (0 + 2) / 2 = 1.
    points = [[0.0], [2.0], [50.0]]
    ids = [10, 11, 12]
    previous = _partition({2: [10, 11, 99], 4: [99 + 1], 6: [12]})
    result = kmeans(points, k=2, point_ids=ids, previous=previous)
    assert result.cluster_ids.tolist() == [2, 6]
    assert result.labels.tolist() == [2, 2, 6]
    assert result.centres.ravel().tolist() == [1.0, 50.0]


def test_warm_start_with_no_member_left_is_one_cluster_of_all_points() -> None:
    # Previous clusters 3 and 5 named only people who left: one cluster of
    # everyone, id 5 + 1 = 6.
    previous = _partition({3: [100], 5: [101]})
    result = kmeans([[0.0], [1.0]], k=1, previous=previous)
    assert result.cluster_ids.tolist() == [6]
    assert result.centres.ravel().tolist() == [0.5]


def test_warm_start_merges_identical_centres_into_the_heavier_id() -> None:
    # Clusters 3 = {row 0} and 8 = {rows 1, 2} are both centred at 1; 8 is
    # heavier and keeps its id. Cluster 4 = {row 3} at 5. k = 2 = distinct
    # points, so nothing is added.
    points = [[1.0], [1.0], [1.0], [5.0]]
    previous = _partition({3: [0], 8: [1, 2], 4: [3]})
    result = kmeans(points, k=2, previous=previous)
    assert result.cluster_ids.tolist() == [4, 8]
    assert result.labels.tolist() == [8, 8, 8, 4]


def test_merge_of_equal_weights_keeps_the_lower_id() -> None:
    previous = _partition({6: [0], 2: [1]})
    result = kmeans([[1.0], [1.0]], k=2, previous=previous)
    assert result.cluster_ids.tolist() == [2]


def test_warm_start_adds_the_farthest_point_as_a_new_cluster() -> None:
    # Cluster 2 = {0, 1}, centre 0.5; point 10 is new. One cluster, k = 2 and
    # 3 distinct points: the farthest point from its nearest centre (10, at 9.5)
    # becomes cluster 2 + 1 = 3.
    previous = _partition({2: [0, 1]})
    result = kmeans([[0.0], [1.0], [10.0]], k=2, previous=previous)
    assert result.cluster_ids.tolist() == [2, 3]
    assert result.labels.tolist() == [2, 2, 3]


def test_warm_start_moves_a_member_out_and_recentres_its_old_cluster() -> None:
    # Cluster 0 = {0, 1, 12}: centre 13/3 ≈ 4.33. Farthest point: 12 (7.67).
    # It leaves cluster 0 (recentred to 0.5) for new cluster 1. k = 3, so one
    # more: points 0 and 1 are both 0.5 from their centre and row 0 comes
    # first, so 0 becomes cluster 2 and cluster 0 is recentred on 1. One step
    # of k-means keeps that assignment.
    previous = _partition({0: [0, 1, 2]})
    result = kmeans([[0.0], [1.0], [12.0]], k=3, previous=previous, max_iter=1)
    assert result.cluster_ids.tolist() == [0, 1, 2]
    assert result.labels.tolist() == [2, 0, 1]


def _brute_force(
    points: np.ndarray, weights: np.ndarray, k: int, max_iter: int
) -> tuple[np.ndarray, np.ndarray, int]:
    """Spec §3.5 cold k-means with all-pairs distances, written plainly."""
    _, first = np.unique(points, axis=0, return_index=True)
    centres = points[np.sort(first)[:k]]
    ids = np.arange(centres.shape[0])
    labels = np.zeros(points.shape[0], dtype=int)
    step = 0
    for step in range(1, max_iter + 1):  # noqa: B007
        d = ((points[:, None, :] - centres[None, :, :]) ** 2).sum(axis=2)
        position = d.argmin(axis=1)
        kept = [c for c in range(centres.shape[0]) if np.any(position == c)]
        new = np.array(
            [
                (weights[position == c, None] * points[position == c]).sum(axis=0)
                / weights[position == c].sum()
                for c in kept
            ]
        )
        labels = ids[position]
        ids = ids[kept]
        old = centres
        centres = new
        length = min(len(old), len(new))
        a = old[np.lexsort(old.T[::-1])][:length]
        b = new[np.lexsort(new.T[::-1])][:length]
        if np.all(np.abs(a - b) <= 0.01):
            break
    return labels, centres, step


@pytest.mark.parametrize("seed", range(20))
def test_bound_pruning_gives_the_brute_force_assignment(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = int(rng.integers(5, 400))
    if seed % 2:
        # Integer grid: many exact ties, which must go to the lowest id.
        points = rng.integers(0, 6, size=(n, 2)).astype(float)
    else:
        points = rng.normal(size=(n, 2)) * rng.uniform(0.1, 10)
    weights = rng.integers(1, 5, size=n).astype(float)
    k = int(rng.integers(1, 30))
    got = kmeans(points, k=k, weights=weights, max_iter=40)
    labels, centres, steps = _brute_force(points, weights, k, 40)
    assert got.labels.tolist() == labels.tolist()
    np.testing.assert_allclose(got.centres, centres, rtol=0, atol=1e-12)
    assert got.n_iterations == steps


def test_kmeans_plus_plus_is_seeded_and_finds_separated_blobs() -> None:
    rng = np.random.default_rng(3)
    centres = np.array([[0.0, 0.0], [10.0, 0.0], [0.0, 10.0]])
    truth = np.repeat([0, 1, 2], 30)
    points = centres[truth] + rng.normal(scale=0.5, size=(90, 2))
    a = kmeans(points, k=3, cold_init="kmeans++", random_state=1)
    b = kmeans(points, k=3, cold_init="kmeans++", random_state=1)
    assert a.labels.tolist() == b.labels.tolist()
    # Each blob is exactly one cluster.
    assert len({(t, lab) for t, lab in zip(truth, a.labels, strict=True)}) == 3


def test_bad_input_is_named() -> None:
    with pytest.raises(InputError, match="non-empty"):
        kmeans(np.zeros((0, 2)), k=2)
    with pytest.raises(InputError, match="Point 1"):
        kmeans([[0.0, 0.0], [np.nan, 1.0]], k=2)
    with pytest.raises(InputError, match="weights"):
        kmeans([[0.0], [1.0]], k=2, weights=[1.0, 0.0])
    with pytest.raises(InputError, match="distinct"):
        kmeans([[0.0], [1.0]], k=2, point_ids=[4, 4])
    with pytest.raises(InputError, match="cold_init"):
        kmeans([[0.0]], k=1, cold_init="random")  # type: ignore[arg-type]
