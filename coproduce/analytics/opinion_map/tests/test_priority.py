"""Routing priority (spec §3.12): the formula, its bounds and the weighted draw."""

from __future__ import annotations

import random
from collections import Counter

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from coproduce.analytics.errors import InputError
from coproduce.analytics.opinion_map.priority import (
    META_PRIORITY,
    UNVOTED_PRIORITY,
    choose_next_statement,
    statement_priority,
)


def _by_hand(a: int, d: int, s: int, e: float) -> float:
    p = s - a - d
    importance = (1 - (p + 1) / (s + 2)) * (e + 1) * (a + 1) / (s + 2)
    return (importance * (1 + 8 * 2 ** (-s / 5))) ** 2


def test_unvoted_statement_gets_the_spec_value() -> None:
    assert abs(UNVOTED_PRIORITY - 5.0625) < 1e-15


def test_worked_example_matches_the_formula_by_hand() -> None:
    # 10 votes: 6 agree, 2 disagree, 2 pass, extremity 0.5.
    # importance = (1 − 3/12) · 1.5 · 7/12 = 0.65625; boost = 1 + 8/4 = 3.
    got = statement_priority([6], [2], [10], [0.5])
    assert got[0] == pytest.approx((0.65625 * 3) ** 2, rel=1e-12)


def test_meta_statements_get_seven_squared() -> None:
    got = statement_priority(
        [6, 6], [2, 2], [10, 10], [0.5, 0.5], is_meta=[True, False]
    )
    assert got[0] == META_PRIORITY == 49.0
    assert got[1] != 49.0


def test_more_passes_lower_the_priority() -> None:
    engaged, passed = statement_priority([5, 1], [5, 1], [10, 10], [0.0, 0.0])
    assert engaged > passed


@given(
    st.lists(
        st.tuples(
            st.integers(0, 500),
            st.integers(0, 500),
            st.integers(0, 500),
            st.floats(0, 20),
        ),
        min_size=1,
        max_size=30,
    )
)
def test_priority_is_positive_and_matches_the_scalar_formula(
    rows: list[tuple[int, int, int, float]],
) -> None:
    a = [r[0] for r in rows]
    d = [r[1] for r in rows]
    s = [r[0] + r[1] + r[2] for r in rows]
    e = [r[3] for r in rows]
    got = statement_priority(a, d, s, e)
    assert (got > 0).all()
    want = [_by_hand(ai, di, si, ei) for ai, di, si, ei in zip(a, d, s, e, strict=True)]
    np.testing.assert_allclose(got, want, rtol=1e-12)


@pytest.mark.parametrize(
    ("a", "d", "s", "e", "message"),
    [
        ([1, 2], [0], [3], [0.0], "same length"),
        ([-1], [0], [3], [0.0], "negative"),
        ([3], [2], [4], [0.0], "position 0"),
    ],
)
def test_bad_input_is_named(
    a: list[int], d: list[int], s: list[int], e: list[float], message: str
) -> None:
    with pytest.raises(InputError, match=message):
        statement_priority(a, d, s, e)


def test_draw_follows_the_priorities() -> None:
    rng = random.Random(20261123)
    counts = Counter(
        choose_next_statement([1, 2, 3], {1: 1.0, 2: 3.0}, rng, unvoted_priority=0.0)
        for _ in range(8000)
    )
    assert counts[3] == 0
    assert counts[2] / counts[1] == pytest.approx(3.0, rel=0.1)


def test_draw_uses_the_unvoted_priority_for_statements_without_one() -> None:
    rng = random.Random(7)
    counts = Counter(
        choose_next_statement([1, 2], {1: UNVOTED_PRIORITY}, rng) for _ in range(4000)
    )
    assert counts[1] / counts[2] == pytest.approx(1.0, rel=0.15)


def test_draw_is_reproducible_and_handles_empty_candidates() -> None:
    first = [
        choose_next_statement([4, 5, 6], {4: 2.0}, random.Random(3)) for _ in range(5)
    ]
    again = [
        choose_next_statement([4, 5, 6], {4: 2.0}, random.Random(3)) for _ in range(5)
    ]
    assert first == again
    assert choose_next_statement([], {}, random.Random(1)) is None
