"""Concentration of contributions: Gini, top shares, Lorenz curve (spec §4)."""

from __future__ import annotations

import dataclasses
import itertools
import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coproduce.analytics.errors import InputError
from coproduce.analytics.representation import concentration, gini, top_share
from coproduce.analytics.representation.tests.checks import assert_is_a_sentence

PROPERTY = settings(max_examples=80, derandomize=True, deadline=None)


def _gini_by_pairs(x: list[float]) -> float:
    """The double-sum definition: Σ_iΣ_j |x_i − x_j| / (2n²x̄)."""
    n = len(x)
    mean = sum(x) / n
    return sum(abs(a - b) for a, b in itertools.product(x, x)) / (2 * n * n * mean)


def _top_share_from_lorenz(x: list[float], p: float) -> float:
    """T(p) = 1 − L(1 − p), L the Lorenz curve joined by straight lines."""
    ascending = sorted(x)
    n = len(x)
    population = np.arange(n + 1) / n
    lorenz = np.concatenate([[0.0], np.cumsum(ascending)]) / sum(x)
    return float(1.0 - np.interp(1.0 - p, population, lorenz))


def test_spec_example() -> None:
    """Spec §4: x = (1, 1, 1, 1, 6), n = 5, Σx = 10, x̄ = 2.

    Ordered pairs: each 1 with the 6 differs by 5, 4·2 = 8 pairs → 40.
    G = 40/(2·25·2) = 0.40; sorted form 2·(1+2+3+4+5·6)/(5·10) − 6/5 =
    2·40/50 − 1.2 = 0.40; G* = 0.40·5/4 = 0.50.
    T(0.10): m = 0.5, T = 0.5·6/10 = 0.30; T(0.20): m = 1, T = 6/10 = 0.60.
    10:90 ratio = 0.30/0.70.
    """
    result = concentration([1, 1, 1, 1, 6])
    assert result.gini == pytest.approx(0.40)
    assert result.gini_corrected == pytest.approx(0.50)
    assert result.top_10_share == pytest.approx(0.30)
    assert top_share([1, 1, 1, 1, 6], 0.20) == pytest.approx(0.60)
    assert result.ratio_10_90 == pytest.approx(0.30 / 0.70)
    assert result.total_contributions == 10
    assert result.lorenz_points[1] == pytest.approx((0.2, 0.1))
    assert result.lorenz_points[-2] == pytest.approx((0.8, 0.4))


@pytest.mark.parametrize(
    "x",
    [[0, 1], [3, 3], [1, 2, 3], [5, 0, 0, 1], [2, 7, 1, 8, 2, 8], [0.5, 1.5, 10.25]],
)
def test_gini_matches_the_double_sum_on_tiny_cases(x: list[float]) -> None:
    assert gini(x) == pytest.approx(_gini_by_pairs(x), abs=1e-12)


@PROPERTY
@given(st.lists(st.integers(0, 40), min_size=2, max_size=12).filter(any))
def test_gini_matches_the_double_sum(x: list[int]) -> None:
    assert gini(x) == pytest.approx(_gini_by_pairs([float(v) for v in x]), abs=1e-12)


def test_one_person_holding_everything_scores_one() -> None:
    result = concentration([0, 0, 0, 9], includes_zeros=True)
    assert result.gini_corrected == pytest.approx(1.0)
    assert result.n_participants == 4


def test_zeros_are_left_out_and_counted_unless_the_channel_knows_them() -> None:
    left_out = concentration([0, 2, 0, 3])
    assert left_out.n_participants == 2
    assert left_out.n_zeros_left_out == 2
    assert not left_out.includes_zeros
    kept = concentration([0, 2, 0, 3], includes_zeros=True)
    assert kept.n_participants == 4
    assert kept.n_zeros_left_out == 0
    assert kept.gini > left_out.gini


def test_top_shares_are_shown_from_20_and_200_participants() -> None:
    assert not concentration(list(range(1, 20))).is_top_10_shown
    twenty = concentration(list(range(1, 21)))
    assert twenty.is_top_10_shown
    assert not twenty.is_top_1_shown
    assert not concentration(list(range(1, 200))).is_top_1_shown
    assert concentration(list(range(1, 201))).is_top_1_shown


def test_the_top_holding_everything_has_no_10_90_ratio() -> None:
    result = concentration([0] * 18 + [5, 5], includes_zeros=True)
    assert result.top_10_share == pytest.approx(1.0)
    assert result.ratio_10_90 is None


def test_a_long_lorenz_curve_is_given_at_every_percent() -> None:
    result = concentration(list(range(1, 501)))
    points = result.lorenz_points
    assert len(points) == 101
    assert points[0] == (0.0, 0.0)
    assert points[-1] == (1.0, 1.0)
    assert points[50][0] == pytest.approx(0.5)
    # Bottom half of 1..500 holds Σ1..250 / Σ1..500.
    assert points[50][1] == pytest.approx((250 * 251 / 2) / (500 * 501 / 2))


def test_the_result_serialises_to_json() -> None:
    decoded = json.loads(json.dumps(dataclasses.asdict(concentration([1, 2, 3]))))
    assert decoded["lorenz_points"][0] == [0.0, 0.0]


def test_a_negative_contribution_names_its_row() -> None:
    with pytest.raises(InputError, match="Row 2") as caught:
        concentration([1, -1, 3])
    assert caught.value.row == 2


def test_all_zero_contributions_leave_the_gini_undefined() -> None:
    with pytest.raises(InputError, match="Gini coefficient is undefined"):
        concentration([0, 0, 0], includes_zeros=True)
    with pytest.raises(InputError, match="undefined"):
        gini([0, 0])


@pytest.mark.parametrize("x", [[], [4], [0, 4]])
def test_fewer_than_two_participants_is_not_enough(x: list[int]) -> None:
    with pytest.raises(InputError, match="Not enough participants"):
        concentration(x)


@pytest.mark.parametrize("share", [-0.1, 1.5, float("nan")])
def test_a_top_share_outside_0_to_1_is_refused(share: float) -> None:
    with pytest.raises(InputError, match="between 0 and 1"):
        top_share([1, 2], share)


# Contributions are counts or hours: none, or at least a thousandth (under a
# second of an hour). Far smaller floats are not contributions, and scaling a
# subnormal one underflows it to zero, which changes who contributed at all.
positive_lists = st.lists(
    st.one_of(st.just(0.0), st.floats(min_value=1e-3, max_value=1e6)),
    min_size=2,
    max_size=40,
).filter(lambda x: sum(v > 0 for v in x) >= 2)


@PROPERTY
@given(x=positive_lists, scale=st.floats(min_value=1e-3, max_value=1e3), data=st.data())
def test_gini_is_in_range_and_unchanged_by_order_and_scale(
    x: list[float], scale: float, data: st.DataObject
) -> None:
    result = concentration(x)
    shuffled = data.draw(st.permutations(x))
    assert 0.0 <= result.gini <= 1.0
    assert 0.0 <= result.gini_corrected <= 1.0 + 1e-12
    assert concentration(shuffled).gini == pytest.approx(result.gini, abs=1e-12)
    assert concentration([v * scale for v in x]).gini == pytest.approx(
        result.gini, abs=1e-9
    )
    assert concentration(shuffled).top_10_share == pytest.approx(
        result.top_10_share, abs=1e-12
    )


@PROPERTY
@given(value=st.floats(min_value=1e-6, max_value=1e6), n=st.integers(2, 60))
def test_gini_is_zero_for_equal_values(value: float, n: int) -> None:
    assert concentration([value] * n).gini == pytest.approx(0.0, abs=1e-12)


@PROPERTY
@given(x=positive_lists, shares=st.lists(st.floats(0, 1), min_size=2, max_size=8))
def test_top_share_rises_with_p_and_matches_the_lorenz_curve(
    x: list[float], shares: list[float]
) -> None:
    ordered = sorted(shares)
    values = [top_share(x, p) for p in ordered]
    assert all(a <= b + 1e-12 for a, b in itertools.pairwise(values))
    for p, value in zip(ordered, values, strict=True):
        assert value == pytest.approx(_top_share_from_lorenz(x, p), abs=1e-9)
        assert p - 1e-12 <= value <= 1.0  # the top p hold at least p


@PROPERTY
@given(
    st.lists(
        st.one_of(
            st.floats(allow_nan=True, allow_infinity=True),
            st.integers(-3, 10),
            st.none(),
            st.text(max_size=2),
        ),
        max_size=8,
    ),
    st.booleans(),
)
def test_any_input_is_measured_or_refused_with_an_input_error(
    x: list[object], includes_zeros: bool
) -> None:
    try:
        result = concentration(x, includes_zeros=includes_zeros)  # type: ignore[arg-type]
    except InputError as error:
        assert_is_a_sentence(error)
    else:
        assert 0.0 <= result.gini <= 1.0


def test_equal_contributions_give_a_gini_of_exactly_zero() -> None:
    """Found by hypothesis: the subtraction form gave −1.7e-17 for these."""
    result = concentration([699050.9744370633, 699050.9744370633])
    assert result.gini == 0.0
    assert result.gini_corrected == 0.0
