"""The pure "you said, we did" figures: property tests."""

from __future__ import annotations

import statistics

import pytest
from hypothesis import given
from hypothesis import strategies as st

from coproduce.apps.engagements.figures import response_figures_compute


@given(
    days=st.lists(st.integers(0, 2000), max_size=50),
    n_unanswered=st.integers(0, 50),
)
def test_share_is_answered_over_closed_and_median_lies_within_the_days(
    days, n_unanswered
):
    n_closed = len(days) + n_unanswered

    figures = response_figures_compute(n_closed=n_closed, days_to_answer=days)

    assert figures.n_answered == len(days)
    if n_closed == 0:
        assert figures.answered_share is None
    else:
        assert 0.0 <= figures.answered_share <= 1.0
        assert figures.answered_share == pytest.approx(len(days) / n_closed)
    if days:
        assert min(days) <= figures.median_days_to_answer <= max(days)
        assert figures.median_days_to_answer == statistics.median(days)
    else:
        assert figures.median_days_to_answer is None


@given(days=st.lists(st.integers(0, 2000), min_size=1, max_size=50))
def test_order_of_engagements_changes_nothing(days):
    forward = response_figures_compute(n_closed=len(days), days_to_answer=days)
    backward = response_figures_compute(
        n_closed=len(days), days_to_answer=list(reversed(days))
    )

    assert forward == backward
    assert forward.answered_share == 1.0


def test_impossible_input_is_refused():
    with pytest.raises(ValueError, match="more answered"):
        response_figures_compute(n_closed=1, days_to_answer=[1, 2])
    with pytest.raises(ValueError, match="negative"):
        response_figures_compute(n_closed=-1, days_to_answer=[])
