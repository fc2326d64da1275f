"""Base clusters and groups (spec §3.6, §3.7): silhouette against scikit-learn,
K_max, the k-smoother, planted blobs, and stable labels (spec §4)."""

from __future__ import annotations

import doctest
from types import ModuleType

import numpy as np
import pytest
from sklearn.metrics import adjusted_rand_score, silhouette_score

from coproduce.analytics.errors import InputError
from coproduce.analytics.opinion_map import clustering, labels
from coproduce.analytics.opinion_map.clustering import (
    Smoother,
    base_clusters,
    group_clusterings,
    silhouette,
)
from coproduce.analytics.opinion_map.kmeans import KMeansResult, Partition, kmeans
from coproduce.analytics.opinion_map.labels import assign_labels


@pytest.mark.parametrize("module", [clustering, labels], ids=lambda m: m.__name__)
def test_docstring_examples_hold(module: ModuleType) -> None:
    failed, attempted = doctest.testmod(module, verbose=False)
    assert attempted > 0
    assert failed == 0


@pytest.mark.parametrize("seed", range(20))
def test_silhouette_equals_scikit_learn(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = int(rng.integers(3, 100))
    points = rng.normal(size=(n, 2))
    k = int(rng.integers(2, min(n, 6) + 1))
    labels_ = rng.integers(0, k, size=n)
    labels_[:2] = [0, 1]  # at least two clusters; singletons are likely too
    want = silhouette_score(points, labels_, metric="euclidean")
    assert silhouette(points, labels_) == pytest.approx(want, abs=1e-12)


def test_silhouette_of_singletons_is_zero() -> None:
    assert silhouette(np.array([[0.0, 0.0], [1.0, 1.0]]), [0, 1]) == 0.0


def _base(centres: list[list[float]], sizes: list[int] | None = None) -> KMeansResult:
    """Base clusters with ids 0.. and the given centres and sizes."""
    xy = np.array(centres, dtype=float)
    count = np.array(sizes or [1] * len(centres))
    return KMeansResult(
        cluster_ids=np.arange(len(centres)),
        centres=xy,
        weights=count.astype(float),
        sizes=count,
        labels=np.repeat(np.arange(len(centres)), count),
        n_iterations=1,
        is_converged=True,
    )


@pytest.mark.parametrize(
    ("n_base", "k_max"), [(2, 2), (11, 2), (12, 3), (35, 4), (36, 5), (100, 5)]
)
def test_k_max_grows_by_one_per_twelve_base_clusters(n_base: int, k_max: int) -> None:
    rng = np.random.default_rng(n_base)
    selection = group_clusterings(_base(rng.normal(size=(n_base, 2)).tolist()))
    assert sorted(selection.clusterings) == list(range(2, k_max + 1))


def test_fewer_than_two_distinct_centres_give_no_groups() -> None:
    selection = group_clusterings(_base([[1.0, 1.0]]))
    assert selection.k is None
    assert selection.published is None
    assert selection.clusterings == {}


def test_three_blobs_of_base_centres_choose_k_3() -> None:
    rng = np.random.default_rng(0)
    blob = np.repeat([[0.0, 0.0], [8.0, 0.0], [0.0, 8.0]], 12, axis=0)
    selection = group_clusterings(_base((blob + rng.normal(size=blob.shape)).tolist()))
    assert sorted(selection.silhouette_by_k) == [2, 3, 4, 5]
    assert selection.this_k == 3
    assert selection.k == 3
    published = selection.published
    assert published is not None
    truth = np.repeat([0, 1, 2], 12)
    assert adjusted_rand_score(truth, published.labels) == 1.0


def test_equal_silhouettes_go_to_the_larger_k(monkeypatch: pytest.MonkeyPatch) -> None:
    # 40 base clusters: K_max = min(5, 2 + 40 // 12) = 5. Every k scores the
    # same, so the largest k wins (Clojure's max-key).
    monkeypatch.setattr(clustering, "silhouette", lambda points, labels_: 0.25)
    rng = np.random.default_rng(1)
    selection = group_clusterings(_base(rng.normal(size=(40, 2)).tolist()))
    assert selection.silhouette_by_k == {2: 0.25, 3: 0.25, 4: 0.25, 5: 0.25}
    assert selection.this_k == 5


@pytest.mark.parametrize(
    ("sequence", "smoothed"),
    [
        # First update takes its k at once.
        ([3], [3]),
        # A new k is adopted on its 4th best in a row.
        ([3, 2, 2, 2, 2], [3, 3, 3, 3, 2]),
        # An interruption resets the count.
        ([3, 2, 2, 4, 2, 2, 2, 2], [3, 3, 3, 3, 3, 3, 3, 2]),
        # The current k being best again keeps it.
        ([2, 2, 2, 2, 5, 2], [2, 2, 2, 2, 2, 2]),
    ],
)
def test_k_smoother_sequences(sequence: list[int], smoothed: list[int]) -> None:
    state = Smoother()
    got = []
    for k in sequence:
        state = state.step(k)
        got.append(state.smoothed_k)
    assert got == smoothed


def test_smoothed_k_not_computed_now_publishes_this_k() -> None:
    # The smoother holds k = 5, but 11 base clusters only allow k = 2.
    rng = np.random.default_rng(2)
    selection = group_clusterings(
        _base(rng.normal(size=(11, 2)).tolist()),
        smoother=Smoother(last_k=5, count=7, smoothed_k=5),
    )
    assert selection.this_k == 2
    assert selection.smoother.smoothed_k == 5
    assert selection.k == 2


def test_groups_warm_start_from_the_previous_clustering_for_each_k() -> None:
    rng = np.random.default_rng(4)
    base = _base(rng.normal(size=(30, 2)).tolist())
    first = group_clusterings(base)
    previous = {
        k: result.partition(base.cluster_ids) for k, result in first.clusterings.items()
    }
    again = group_clusterings(base, previous=previous, smoother=first.smoother)
    for k, result in first.clusterings.items():
        assert again.clusterings[k].labels.tolist() == result.labels.tolist()


def test_at_most_k_distinct_points_give_one_base_cluster_each() -> None:
    points = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 0.0], [2.0, 2.0], [1.0, 0.0]])
    ids = np.array([10, 11, 12, 13, 14])
    result = base_clusters(points, ids)
    assert result.n_clusters == 3
    assert result.labels.tolist() == [0, 1, 0, 2, 1]


def test_a_warm_start_that_merges_distinct_points_is_split_again() -> None:
    # Previously everyone was in cluster 4; now three distinct points and k = 3.
    # The warm start adds clusters for far points, but if k-means leaves two
    # distinct points together the split keeps one per distinct point.
    points = np.array([[0.0, 0.0], [0.1, 0.0], [5.0, 0.0], [0.0, 0.0]])
    ids = np.array([1, 2, 3, 4])
    previous = Partition(ids, np.array([4, 4, 4, 4]))
    result = base_clusters(points, ids, previous=previous, k=3)
    assert result.n_clusters == 3
    assert len(set(result.labels.tolist())) == 3
    assert result.labels[0] == result.labels[3]


def test_split_keeps_the_id_for_the_heaviest_distinct_point() -> None:
    points = np.array([[0.0], [1.0], [1.0]])
    merged = kmeans(points, k=1)
    split = clustering._one_cluster_per_distinct_point(points, merged)
    # Point 1.0 has two copies: it keeps id 0; point 0.0 takes id 1.
    assert split.labels.tolist() == [1, 0, 0]
    assert split.centres.ravel().tolist() == [1.0, 0.0]
    assert split.sizes.tolist() == [2, 1]


def test_planted_blobs_of_participants_are_recovered_as_groups() -> None:
    rng = np.random.default_rng(7)
    truth = rng.choice(3, size=900, p=[0.5, 0.3, 0.2])
    centres = np.array([[-3.0, 0.0], [3.0, 1.0], [0.0, 4.0]])
    points = centres[truth] + rng.normal(scale=0.7, size=(900, 2))
    base = base_clusters(points, np.arange(900))
    assert base.n_clusters == 100
    selection = group_clusterings(base)
    published = selection.published
    assert selection.k == 3
    assert published is not None
    group_of_base = dict(
        zip(base.cluster_ids.tolist(), published.labels.tolist(), strict=True)
    )
    groups = [group_of_base[b] for b in base.labels.tolist()]
    assert adjusted_rand_score(truth, groups) >= 0.9


def test_labels_carry_over_by_largest_overlap() -> None:
    # Old A = {1..10}, B = {11..20}. New group 3 = mostly old B, new group 8 =
    # mostly old A: 3 → B, 8 → A.
    previous = {0: list(range(1, 11)), 1: list(range(11, 21))}
    got = assign_labels({3: list(range(12, 22)), 8: list(range(1, 9))}, previous)
    assert got == {3: 1, 8: 0}


def test_hungarian_beats_greedy_matching() -> None:
    # Overlaps: g0–A 5, g0–B 4, g1–A 4, g1–B 0. Greedy (largest first) gives
    # g0 → A and leaves g1 unmatched with B (overlap 0): total 5. The Hungarian
    # method gives g0 → B, g1 → A: total 8.
    previous = {0: [1, 2, 3, 4, 5, 10, 11, 12, 13], 1: [6, 7, 8, 9]}
    groups = {0: [1, 2, 3, 4, 5, 6, 7, 8, 9], 1: [10, 11, 12, 13]}
    assert assign_labels(groups, previous) == {0: 1, 1: 0}


def test_unmatched_groups_take_the_lowest_free_label() -> None:
    # Old C (2) matches group 5; groups 1 and 9 share nobody with old labels and
    # take A (0) and B (1) in internal-id order. Old D is unused.
    previous = {2: [1, 2], 3: [40]}
    got = assign_labels({5: [1, 2, 3], 1: [10], 9: [20]}, previous)
    assert got == {1: 0, 5: 2, 9: 1}


def test_first_publication_labels_in_internal_id_order() -> None:
    assert assign_labels({7: [1], 2: [2], 4: [3]}) == {2: 0, 4: 1, 7: 2}


def test_more_groups_than_labels_is_refused() -> None:
    with pytest.raises(InputError, match="labels"):
        assign_labels({g: [g] for g in range(6)})
