"""Bad input raises InputError naming the vote and the fix (spec §8)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coproduce.analytics.errors import InputError
from coproduce.analytics.opinion_map import (
    VoteLog,
    build_vote_matrix,
    centre_votes,
    fit_pca,
    select_in_conv,
)


def _log(**overrides: Any) -> VoteLog:
    arrays: dict[str, Any] = {
        "participant_ids": [0, 1, 2],
        "statement_ids": [0, 0, 1],
        "values": [1, -1, 0],
        "cast_at": [1.0, 2.0, 3.0],
    }
    arrays.update(overrides)
    return VoteLog.from_arrays(**arrays)


@pytest.mark.parametrize("bad", [math.nan, 0.5, 2, -2, "1", None, True])
def test_a_value_outside_minus_one_zero_one_is_refused(bad: object) -> None:
    with pytest.raises(InputError, match=r"Vote 1: value .* is not a vote") as caught:
        _log(values=[1, bad, 0])
    assert caught.value.row == 1
    assert caught.value.column == "vote"


@pytest.mark.parametrize("bad", [1.5, -1, "x", math.nan, False])
def test_an_id_that_is_not_a_non_negative_whole_number_is_refused(bad: object) -> None:
    with pytest.raises(InputError, match="Vote 2: statement id") as caught:
        _log(statement_ids=[0, 0, bad])
    assert caught.value.row == 2


def test_whole_float_ids_are_accepted() -> None:
    assert _log(participant_ids=[0.0, 1.0, 2.0]).participant_ids.tolist() == [0, 1, 2]


@pytest.mark.parametrize("bad", [math.inf, math.nan])
def test_a_time_that_is_not_finite_is_refused(bad: float) -> None:
    with pytest.raises(InputError, match="Vote 0: time") as caught:
        _log(cast_at=[bad, 2.0, 3.0])
    assert caught.value.column == "time"


def test_arrays_of_different_lengths_are_refused() -> None:
    with pytest.raises(InputError, match="same length"):
        _log(values=[1, -1])


def test_bad_settings_are_refused() -> None:
    mat = build_vote_matrix(_log())
    with pytest.raises(InputError, match="min_votes"):
        select_in_conv(mat, min_votes=0)
    with pytest.raises(InputError, match="greedy_fill"):
        select_in_conv(mat, greedy_fill=-1)
    with pytest.raises(InputError, match="method"):
        fit_pca(mat, centre_votes(mat), method="svd")  # type: ignore[arg-type]
    with pytest.raises(InputError, match="tol"):
        fit_pca(mat, centre_votes(mat), tol=-1.0)


@settings(max_examples=60, deadline=None, derandomize=True)
@given(
    values=st.lists(
        st.one_of(st.integers(-3, 3), st.floats(allow_nan=True), st.text(max_size=2)),
        min_size=1,
        max_size=6,
    )
)
def test_any_values_either_work_or_raise_input_error(values: list[object]) -> None:
    n = len(values)
    try:
        log = VoteLog.from_arrays(
            participant_ids=list(range(n)),
            statement_ids=[0] * n,
            values=np.array(values, dtype=object),
            cast_at=[float(i) for i in range(n)],
        )
    except InputError:
        return
    assert set(log.values.tolist()) <= {-1, 0, 1}
