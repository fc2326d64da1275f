"""Spec §8: bad input is refused with an InputError that names the place and the fix,
or handled as the spec says (left out, rescaled) with a notice."""

from __future__ import annotations

import math

import pytest

from coproduce.analytics.errors import InputError
from coproduce.analytics.weighting import (
    RakingWeighter,
    design_effect,
    trim_weights,
    weighted_share,
)

SEX = ["female", "female", "male", "male"]
AGE = ["16–34", "35+", "16–34", "35+"]
SEX_MARGIN = {"female": 510, "male": 490}
AGE_MARGIN = {"16–34": 400, "35+": 600}


def fit(participants, margins, **kwargs):
    return RakingWeighter().fit(participants, margins, **kwargs).result_


def test_a_characteristic_without_margins_is_left_out_and_named():
    result = fit(
        {"sex": SEX, "religion": ["none", "christian", "none", "muslim"]},
        {"sex": SEX_MARGIN},
    )

    assert result.characteristics == ("sex",)
    assert result.characteristics_left_out == ("religion",)
    assert any("'religion' has no population margins" in n for n in result.notices)


def test_no_characteristic_with_margins_is_an_error():
    with pytest.raises(InputError, match="None of the participants' characteristics"):
        fit({"religion": ["none", "none"]}, {"sex": SEX_MARGIN})


def test_margins_without_participant_data_are_named_in_a_notice():
    result = fit({"sex": SEX}, {"sex": SEX_MARGIN, "age": AGE_MARGIN})

    assert result.characteristics == ("sex",)
    assert any("Margins for 'age'" in n for n in result.notices)


def test_a_category_missing_from_the_margins_lists_unmatched_and_known_labels():
    with pytest.raises(InputError) as caught:
        fit(
            {"age": ["16–17", "35+", "16–34", "18–20"]},
            {"age": AGE_MARGIN},
        )

    error = caught.value
    assert error.row == 0
    assert error.column == "age"
    assert error.category == "16–17"
    assert "'16–17', '18–20' are not categories" in error.message
    assert "('16–34', '35+')" in error.message


def test_labels_match_after_nfc_case_folding_and_trimming():
    # "Dŵr" precomposed in the margins; decomposed (w + U+0302), upper case and
    # padded with a no-break space in the answers.
    result = fit(
        {"area": ["  DW\u0302R\u00a0", "Tref", "dŵr", "TREF "]},
        {"area": {"Dŵr": 300, "tref": 700}},
    )

    assert result.achieved_totals["area"] == pytest.approx({"Dŵr": 300, "tref": 700})


def test_margin_labels_that_normalise_to_the_same_key_are_refused():
    with pytest.raises(InputError, match="same category") as caught:
        fit({"sex": SEX}, {"sex": {"female": 510, " Female": 1, "male": 490}})
    assert caught.value.column == "sex"


def test_numeric_codes_match_whatever_their_type():
    result = fit(
        {"band": [1, 2.0, "1", 2], "sex": SEX},
        {"band": {1: 400, 2: 600}, "sex": SEX_MARGIN},
    )

    assert result.achieved_totals["band"] == pytest.approx({"1": 400, "2": 600})


def test_a_category_with_residents_but_no_participants_names_it_and_the_fix():
    with pytest.raises(InputError) as caught:
        fit(
            {"age": ["16–34", "35–74", "35–74", "16–34"]},
            {"age": {"16–34": 300, "35–74": 600, "75+": 100}},
        )

    assert caught.value.message == (
        "No participants in '75+'. Merge it with a neighbouring category or drop "
        "the characteristic."
    )
    assert caught.value.category == "75+"
    assert caught.value.column == "age"


def test_a_category_with_participants_but_no_residents_is_an_error():
    with pytest.raises(InputError, match="no residents") as caught:
        fit({"age": AGE}, {"age": {"16–34": 0, "35+": 1000}})
    assert caught.value.category == "16–34"


def test_more_participants_than_residents_is_an_error():
    with pytest.raises(InputError, match=r"only 1\.0 residents") as caught:
        fit({"age": AGE}, {"age": {"16–34": 1, "35+": 999}})
    assert caught.value.category == "16–34"


def test_an_empty_category_with_no_residents_is_fine():
    result = fit({"age": AGE}, {"age": {"16–34": 400, "35+": 600, "120+": 0}})

    assert result.achieved_totals["age"]["120+"] == 0


def test_totals_within_half_a_percent_are_rescaled_to_the_population():
    # Sex totals 1,004 against 1,000 for age: 0.4 % apart.
    result = fit(
        {"age": AGE, "sex": SEX},
        {"age": AGE_MARGIN, "sex": {"female": 512, "male": 492}},
    )

    assert result.population_total == 1000
    assert result.target_totals["sex"] == pytest.approx(
        {"female": 512 * 1000 / 1004, "male": 492 * 1000 / 1004}
    )
    assert sum(result.weights) == pytest.approx(1000)
    assert any("'sex' total 1,004; they were rescaled" in n for n in result.notices)


def test_totals_more_than_half_a_percent_apart_are_an_error():
    with pytest.raises(InputError, match=r"0\.6% apart") as caught:
        fit(
            {"age": AGE, "sex": SEX},
            {"age": AGE_MARGIN, "sex": {"female": 513, "male": 493}},
        )
    assert caught.value.column == "sex"


def test_population_total_given_with_counts_is_the_reference():
    result = fit({"age": AGE}, {"age": AGE_MARGIN}, population_total=1003)

    assert result.population_total == 1003
    assert sum(result.weights) == pytest.approx(1003)


@pytest.mark.parametrize("total", [99.95, 100.0, 100.1])
def test_percentages_may_total_100_within_a_tenth(total):
    margins = {"age": {"16–34": 40.0, "35+": total - 40.0}}

    result = fit({"age": AGE}, margins, margin_unit="percent", population_total=5000)

    assert result.achieved_totals["age"]["16–34"] == pytest.approx(5000 * 40 / total)


@pytest.mark.parametrize("total", [99.85, 100.2])
def test_percentages_further_from_100_are_an_error(total):
    with pytest.raises(InputError, match="not 100"):
        fit(
            {"age": AGE},
            {"age": {"16–34": 40.0, "35+": total - 40.0}},
            margin_unit="percent",
            population_total=5000,
        )


def test_shares_must_total_one_within_a_thousandth():
    with pytest.raises(InputError, match="not 1"):
        fit(
            {"age": AGE},
            {"age": {"16–34": 0.4, "35+": 0.61}},
            margin_unit="share",
            population_total=5000,
        )


def test_shares_need_the_population_total():
    with pytest.raises(InputError, match="pass population_total"):
        fit({"age": AGE}, {"age": {"16–34": 0.4, "35+": 0.6}}, margin_unit="share")


@pytest.mark.parametrize("value", [-1, math.nan, math.inf, "many", None])
def test_negative_or_non_numeric_margins_are_an_error(value):
    with pytest.raises(InputError) as caught:
        fit({"age": AGE}, {"age": {"16–34": value, "35+": 600}})
    assert caught.value.category == "16–34"


@pytest.mark.parametrize("n", [0, 1])
def test_fewer_than_two_participants_is_not_enough(n):
    with pytest.raises(InputError, match=r"^Not enough participants"):
        fit({"sex": SEX[:n]}, {"sex": SEX_MARGIN})


def test_columns_of_different_lengths_are_an_error():
    with pytest.raises(InputError, match="one value per participant") as caught:
        fit({"sex": SEX, "age": AGE[:3]}, {"sex": SEX_MARGIN, "age": AGE_MARGIN})
    assert caught.value.column == "age"


@pytest.mark.parametrize("cap_factor", [1.0, 0.5, -3.0, math.nan])
def test_a_cap_factor_of_one_or_less_is_an_error(cap_factor):
    with pytest.raises(InputError, match="cap factor"):
        RakingWeighter(cap_factor=cap_factor).fit({"sex": SEX}, {"sex": SEX_MARGIN})


def test_margins_that_cannot_be_met_name_the_worst_category():
    # Sex and age are the same split here, so F 500 and young 400 cannot both hold.
    with pytest.raises(InputError, match="did not converge in 100 sweeps") as caught:
        fit(
            {"sex": ["F", "F", "M", "M"], "age": ["young", "young", "old", "old"]},
            {"sex": {"F": 500, "M": 500}, "age": {"young": 400, "old": 600}},
        )
    assert caught.value.column in {"sex", "age"}
    assert caught.value.category in {"F", "M", "young", "old"}


@pytest.mark.parametrize(
    "weights", [[1.0, -0.5, 2.0], [1.0, math.nan], [0.0, 0.0], [3.0], []]
)
def test_negative_missing_zero_or_too_few_weights_are_errors(weights):
    with pytest.raises(InputError):
        design_effect(weights)
    with pytest.raises(InputError):
        trim_weights(weights)
    with pytest.raises(InputError):
        weighted_share(weights, [0] * len(weights))


def test_a_negative_weight_is_named_by_row():
    with pytest.raises(InputError, match=r"^Row 1: the weight -0\.5") as caught:
        design_effect([1.0, -0.5, 2.0])
    assert caught.value.row == 1


@pytest.mark.parametrize("outcomes", [[0, 1, 2], [0, 1, None], ["yes", "no", "yes"]])
def test_outcomes_must_be_zero_or_one(outcomes):
    with pytest.raises(InputError, match="is not 0 or 1"):
        weighted_share([1.0, 2.0, 3.0], outcomes)


def test_outcomes_and_weights_must_have_the_same_length():
    with pytest.raises(InputError, match="3 weights but 2 outcomes"):
        weighted_share([1.0, 2.0, 3.0], [0, 1])
