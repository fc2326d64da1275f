"""Aligning participants' answers with population margins (spec §1 and §8)."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coproduce.analytics.errors import InputError
from coproduce.analytics.representation import align_margins, representation_score
from coproduce.analytics.representation.tests.checks import assert_is_a_sentence

PROPERTY = settings(max_examples=80, derandomize=True, deadline=None)

AGE = {"16–24": 150.0, "25–64": 600.0, "65+": 250.0}


def test_labels_match_after_nfc_casefold_and_trim() -> None:
    decomposed = unicodedata.normalize("NFD", "Gŵyr")  # w + combining circumflex
    aligned = align_margins(
        "Area",
        {f"  {decomposed.upper()} ": 3, "abertawe": 2},
        {"Gŵyr": 100.0, "Abertawe": 300.0},
    )
    assert aligned.labels == ("Gŵyr", "Abertawe")
    assert aligned.participant_counts == (3, 2)


def test_mapping_keys_are_normalised_and_merge_many_to_one() -> None:
    aligned = align_margins(
        "Age band",
        {"16–17": 4, "18–24": 6, "25–64": 30, "65+": 10},
        AGE,
        label_mapping={" 16–17": "16–24", "18–24": "16–24"},
    )
    assert aligned.participant_counts == (10, 30, 10)
    assert aligned.n_participants == 50


def test_unmatched_labels_are_listed_with_the_known_labels() -> None:
    with pytest.raises(InputError) as caught:
        align_margins("Age band", {"16–17": 4, "18–19": 1, "65+": 3}, AGE)
    message = str(caught.value)
    assert "'16–17' and '18–19' are not categories" in message
    assert "'16–24', '25–64' and '65+'" in message
    assert "mapping" in message
    assert caught.value.category == "16–17"
    assert caught.value.column == "Age band"


def test_a_mapping_to_a_label_that_is_not_in_the_margin_is_refused() -> None:
    with pytest.raises(InputError, match="'16–18'") as caught:
        align_margins("Age band", {"16–17": 4}, AGE, label_mapping={"16–17": "16–18"})
    assert caught.value.category == "16–17"


def test_unknown_answers_are_excluded_and_counted() -> None:
    aligned = align_margins(
        "Sex",
        {"Female": 30, "Male": 20, "Prefer not to say": 7, "": 3},
        {"Female": 51.0, "Male": 49.0},
        population_is_percent=True,
    )
    assert aligned.participant_counts == (30, 20)
    assert aligned.n_participants == 50
    assert aligned.n_unknown == 10


def test_an_unknown_answer_is_a_category_when_the_census_has_one() -> None:
    aligned = align_margins(
        "Religion",
        {"No religion": 5, "Prefer not to say": 2},
        {"No religion": 60.0, "Prefer not to say": 40.0},
    )
    assert aligned.participant_counts == (5, 2)
    assert aligned.n_unknown == 0


def test_participants_where_no_resident_lives_mean_the_wrong_base() -> None:
    with pytest.raises(InputError, match="age base") as caught:
        align_margins("Age band", {"16–24": 2}, {"16–24": 0.0, "25–64": 10.0})
    assert caught.value.category == "16–24"
    assert "'16–24'" in str(caught.value)


def test_more_participants_than_residents_mean_the_wrong_area() -> None:
    with pytest.raises(InputError, match="area and age base") as caught:
        align_margins("Age band", {"65+": 251}, AGE)
    assert caught.value.category == "65+"


def test_more_participants_than_residents_is_checked_on_percentages_with_a_total() -> (
    None
):
    with pytest.raises(InputError) as caught:
        align_margins(
            "Sex",
            {"Female": 6},
            {"Female": 50.0, "Male": 50.0},
            population_is_percent=True,
            population_total=10,
        )
    assert caught.value.category == "Female"


def test_no_participants_in_a_populated_category_is_fine() -> None:
    aligned = align_margins("Age band", {"25–64": 3}, AGE)
    assert aligned.participant_counts == (0, 3, 0)


@pytest.mark.parametrize("bad", [-1, 2.5, float("nan"), "3", None])
def test_a_bad_participant_count_names_its_category(bad: object) -> None:
    with pytest.raises(InputError, match="'65\\+'") as caught:
        align_margins("Age band", {"65+": bad}, AGE)  # type: ignore[dict-item]
    assert caught.value.category == "65+"


def test_a_negative_population_names_its_category() -> None:
    with pytest.raises(InputError, match="cannot be negative") as caught:
        align_margins("Age band", {"65+": 1}, {**AGE, "16–24": -5.0})
    assert caught.value.category == "16–24"


@pytest.mark.parametrize("total", [99.85, 100.15, 90.0])
def test_percentages_must_total_100_within_a_tenth(total: float) -> None:
    with pytest.raises(InputError, match="not 100"):
        align_margins(
            "Sex",
            {"Female": 1},
            {"Female": 51.0, "Male": total - 51.0},
            population_is_percent=True,
        )


def test_percentages_within_a_tenth_of_100_are_accepted() -> None:
    aligned = align_margins(
        "Sex",
        {"Female": 1},
        {"Female": 51.0, "Male": 49.05},
        population_is_percent=True,
    )
    assert sum(aligned.population_shares) == pytest.approx(1.0)


def test_counts_within_half_a_percent_of_the_profile_total_are_rescaled() -> None:
    aligned = align_margins(
        "Sex", {"Female": 1}, {"Female": 502.0, "Male": 502.0}, population_total=1000
    )
    assert aligned.is_population_rescaled
    assert aligned.population_counts == pytest.approx((500.0, 500.0))


def test_counts_further_from_the_profile_total_are_refused() -> None:
    with pytest.raises(InputError, match=r"0\.5 %"):
        align_margins(
            "Sex",
            {"Female": 1},
            {"Female": 510.0, "Male": 500.0},
            population_total=1000,
        )


def test_labels_that_read_the_same_in_a_margin_are_refused() -> None:
    with pytest.raises(InputError, match="same category"):
        align_margins("Sex", {"Female": 1}, {"Female": 5.0, " female": 5.0})


def test_no_known_answer_is_refused() -> None:
    with pytest.raises(InputError, match="no participant gave a known answer"):
        align_margins("Sex", {"Prefer not to say": 4}, {"Female": 5.0, "Male": 5.0})


def test_an_empty_margin_is_refused() -> None:
    with pytest.raises(InputError, match="no categories"):
        align_margins("Sex", {"Female": 4}, {})


@PROPERTY
@given(
    participants=st.dictionaries(
        st.sampled_from(["16–24", "25–64", "65+", "", "Prefer not to say", "x"]),
        st.one_of(
            st.integers(-3, 300),
            st.floats(allow_nan=True, allow_infinity=True),
            st.none(),
            st.text(max_size=3),
        ),
    ),
    population=st.dictionaries(
        st.sampled_from(["16–24", "25–64", "65+", "16-24 "]),
        st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.integers(-5, 500)),
    ),
    is_percent=st.booleans(),
    total=st.one_of(st.none(), st.floats(min_value=-10, max_value=2000)),
)
def test_any_input_is_aligned_or_refused_with_an_input_error(
    participants: dict[str, object],
    population: dict[str, float],
    is_percent: bool,
    total: float | None,
) -> None:
    try:
        aligned = align_margins(
            "Age band",
            participants,  # type: ignore[arg-type]
            population,
            population_is_percent=is_percent,
            population_total=total,
        )
    except InputError as error:
        assert_is_a_sentence(error)
    else:
        assert aligned.n_participants == sum(aligned.participant_counts) > 0
        assert sum(aligned.population_shares) == pytest.approx(1.0)
        score = representation_score([aligned], ["Age band"]).score
        assert 0.0 <= score <= 100.0
