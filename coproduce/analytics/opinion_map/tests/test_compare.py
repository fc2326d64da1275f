"""Comparing our groups with Polis's (spec §5): the adjusted Rand index."""

from __future__ import annotations

from itertools import product

import pytest
from hypothesis import given
from hypothesis import strategies as st

from coproduce.analytics.opinion_map.compare import compare_groupings


def _ari_by_pair_counting(a: list[int], b: list[int]) -> float:
    """Hubert–Arabie ARI from its definition over pairs (brute force)."""
    from math import comb

    n = len(a)
    table: dict[tuple[int, int], int] = {}
    for x, y in zip(a, b, strict=True):
        table[(x, y)] = table.get((x, y), 0) + 1
    rows: dict[int, int] = {}
    cols: dict[int, int] = {}
    for (x, y), count in table.items():
        rows[x] = rows.get(x, 0) + count
        cols[y] = cols.get(y, 0) + count
    index = sum(comb(c, 2) for c in table.values())
    row_sum = sum(comb(c, 2) for c in rows.values())
    col_sum = sum(comb(c, 2) for c in cols.values())
    expected = row_sum * col_sum / comb(n, 2)
    maximum = (row_sum + col_sum) / 2
    if maximum == expected:
        return 1.0
    return (index - expected) / (maximum - expected)


def test_only_participants_grouped_on_both_sides_are_compared() -> None:
    result = compare_groupings({1: 0, 2: 0, 3: 1, 9: 1}, {1: 4, 2: 4, 3: 6, 5: 6})
    assert result.n_compared == 3
    assert result.adjusted_rand_index == pytest.approx(1.0)


def test_a_swapped_pair_lowers_the_index_by_the_pair_count() -> None:
    # ours: {1,2,3} {4,5,6}; reference: {1,2,4} {3,5,6}. Worked by pairs:
    # index = 2 (pairs 1–2 and 5–6), rows = cols = 6, expected 36/15 = 2.4,
    # maximum 6: ARI = (2 − 2.4)/(6 − 2.4) = −1/9.
    ours = {1: 0, 2: 0, 3: 0, 4: 1, 5: 1, 6: 1}
    reference = {1: 0, 2: 0, 4: 0, 3: 1, 5: 1, 6: 1}
    assert compare_groupings(ours, reference).adjusted_rand_index == pytest.approx(
        -1 / 9
    )


def test_fewer_than_two_shared_participants_gives_no_index() -> None:
    result = compare_groupings({1: 0}, {1: 0, 2: 1})
    assert result.n_compared == 1
    assert result.adjusted_rand_index is None


@given(
    st.lists(st.tuples(st.integers(0, 3), st.integers(0, 3)), min_size=2, max_size=40)
)
def test_matches_the_pair_counting_definition(pairs: list[tuple[int, int]]) -> None:
    ours = {i: a for i, (a, _) in enumerate(pairs)}
    reference = {i: b for i, (_, b) in enumerate(pairs)}
    got = compare_groupings(ours, reference).adjusted_rand_index
    assert got == pytest.approx(
        _ari_by_pair_counting([b for _, b in pairs], [a for a, _ in pairs]), abs=1e-12
    )


def test_relabelling_either_side_changes_nothing() -> None:
    ours = {i: i % 3 for i in range(30)}
    reference = {i: (i // 10) for i in range(30)}
    base = compare_groupings(ours, reference).adjusted_rand_index
    for shift_a, shift_b in product((1, 7), (2, 11)):
        renamed = compare_groupings(
            {p: g + shift_a for p, g in ours.items()},
            {p: g * shift_b for p, g in reference.items()},
        )
        assert renamed.adjusted_rand_index == pytest.approx(base)
