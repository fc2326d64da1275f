"""The unknown-value rule: people who did not say keep their share of the sample
on that characteristic; those who did say match the census shares."""

from __future__ import annotations

import math

import pytest

from coproduce.analytics.errors import InputError
from coproduce.analytics.weighting import RakingWeighter, rake_reference

SEX_MARGIN = {"F": 50, "M": 50}


def test_unknowns_keep_their_sample_share_and_the_rest_match_the_census():
    """N = 100, n = 4, one unknown: u = 1/4. Unknown cell target 100·1/4 = 25,
    equal to its starting weight 100/4, so it keeps 25. F and M each get
    50·(1 − 1/4) = 37.5: F-weights 18.75 each, the M-weight 37.5."""
    result = RakingWeighter().fit({"sex": ["F", "F", "M", None]}, {"sex": SEX_MARGIN})

    assert result.result_.weights == pytest.approx([18.75, 18.75, 37.5, 25.0])
    assert result.result_.achieved_totals == {
        "sex": pytest.approx({"F": 37.5, "M": 37.5})
    }
    assert result.result_.n_unknown == {"sex": 1}
    assert sum(result.result_.weights) == pytest.approx(100)


def test_the_unknown_cell_is_never_reported_as_a_category():
    result = RakingWeighter().fit({"sex": ["F", "F", "M", None]}, {"sex": SEX_MARGIN})

    assert set(result.result_.achieved_totals["sex"]) == {"F", "M"}
    assert set(result.result_.target_totals["sex"]) == {"F", "M"}
    assert any("1 of 4 participants did not give" in n for n in result.result_.notices)


@pytest.mark.parametrize("unknown", [None, math.nan, "", "   "])
def test_none_nan_and_blank_text_are_unknown(unknown):
    result = RakingWeighter().fit(
        {"sex": ["F", "F", "M", unknown]}, {"sex": SEX_MARGIN}
    )

    assert result.result_.n_unknown == {"sex": 1}
    assert result.result_.weights[3] == pytest.approx(25.0)


def test_unknowns_still_move_with_the_characteristics_they_gave():
    """Participants 2 and 5 did not give sex (u = 2/6), so together they hold
    100·2/6 = 33.3 on sex; within that, the young one (young: 2 of 6 in the
    sample, 60 % of residents) weighs more than the old one."""
    participants = {
        "sex": ["F", "M", None, "F", "M", None],
        "age": ["old", "old", "young", "young", "old", "old"],
    }
    margins = {"sex": SEX_MARGIN, "age": {"young": 60, "old": 40}}

    result = RakingWeighter(cap_factor=None).fit(participants, margins).result_

    assert result.achieved_totals["age"] == pytest.approx({"young": 60, "old": 40})
    assert result.achieved_totals["sex"] == pytest.approx({"F": 100 / 3, "M": 100 / 3})
    assert result.weights[2] + result.weights[5] == pytest.approx(100 / 3)
    assert result.weights[2] > 2 * result.weights[5]


def test_a_lone_unknown_who_must_carry_a_category_cannot_be_weighted():
    """The one young participant did not give sex. Age needs them to weigh 60 but
    the unknown-sex cell holds 100·1/4 = 25: the documented cost of the rule."""
    participants = {
        "sex": ["F", "F", "M", None],
        "age": ["old", "old", "old", "young"],
    }
    margins = {"sex": SEX_MARGIN, "age": {"young": 60, "old": 40}}

    with pytest.raises(InputError, match=r"did not give their 'sex'|'young' in 'age'"):
        RakingWeighter().fit(participants, margins)


def test_the_rule_is_ordinary_raking_with_an_unknown_cell():
    participants = {
        "sex": ["F", "M", None, "F", "M", "F", None, "M"],
        "age": ["young", "old", "old", None, "young", "old", "young", "old"],
    }
    margins = {"sex": {"F": 520, "M": 480}, "age": {"young": 300, "old": 700}}
    # u_sex = 2/8, u_age = 1/8: targets scaled by (1 − u), unknown cell N·u.
    codes = [[0, 1, 2, 0, 1, 0, 2, 1], [0, 1, 1, 2, 0, 1, 0, 1]]
    targets = [
        [520 * 0.75, 480 * 0.75, 1000 * 0.25],
        [300 * 0.875, 700 * 0.875, 1000 * 0.125],
    ]
    expected, _ = rake_reference(codes, targets, tolerance=1e-12, max_sweeps=1000)

    result = RakingWeighter(cap_factor=None).fit(participants, margins).result_

    assert result.weights == pytest.approx(expected.tolist(), rel=1e-6)


def test_a_characteristic_nobody_gave_is_left_out():
    result = RakingWeighter().fit(
        {"sex": ["F", "M", "F"], "disability": [None, None, None]},
        {"sex": SEX_MARGIN, "disability": {"yes": 20, "no": 80}},
    )

    assert result.result_.characteristics == ("sex",)
    assert result.result_.characteristics_left_out == ("disability",)
    assert any(
        "No participant gave their 'disability'" in n for n in result.result_.notices
    )


def test_low_coverage_warns():
    result = RakingWeighter().fit(
        {"sex": ["F", "M", None, None, "F"]}, {"sex": SEX_MARGIN}
    )

    assert any(
        "Only 60% of participants gave their 'sex'" in w
        for w in result.result_.warnings
    )
