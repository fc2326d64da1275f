"""Representativeness against census margins (spec §2 and §8)."""

from __future__ import annotations

import dataclasses
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coproduce.analytics.errors import InputError
from coproduce.analytics.representation import (
    align_margins,
    compare_characteristic,
    representation_score,
)
from coproduce.analytics.representation.margins import AlignedMargins

PROPERTY = settings(max_examples=60, derandomize=True, deadline=None)


def _age() -> AlignedMargins:
    return align_margins(
        "Age band",
        {"16–34": 10, "35–64": 40, "65+": 50},
        {"16–34": 30.0, "35–64": 40.0, "65+": 30.0},
        population_is_percent=True,
    )


def _sex() -> AlignedMargins:
    return align_margins(
        "Sex",
        {"Female": 60, "Male": 40},
        {"Female": 51.0, "Male": 49.0},
        population_is_percent=True,
    )


def test_spec_example_age_comparison() -> None:
    """Spec §2: q = (0.30, 0.40, 0.30), participants (10, 40, 50).

    p = (10/100, 40/100, 50/100) = (0.10, 0.40, 0.50);
    d = 100·(0.10 − 0.30, 0.40 − 0.40, 0.50 − 0.30) = (−20, 0, +20) points;
    r = (0.10/0.30, 0.40/0.40, 0.50/0.30) = (0.333, 1.00, 1.667);
    D = ½·(0.20 + 0 + 0.20) = 0.20; balance = 0.333/1.667 = 0.20.
    """
    age = compare_characteristic(_age())
    assert [c.participant_share for c in age.categories] == pytest.approx(
        [0.10, 0.40, 0.50]
    )
    assert [c.difference_points for c in age.categories] == pytest.approx(
        [-20.0, 0.0, 20.0]
    )
    assert [c.ratio for c in age.categories] == pytest.approx([1 / 3, 1.0, 5 / 3])
    assert [c.reading for c in age.categories] == [
        "under-represented",
        "in proportion",
        "over-represented",
    ]
    assert age.dissimilarity == pytest.approx(0.20)
    assert age.balance_ratio == pytest.approx(0.20)


def test_spec_example_score_is_85_5() -> None:
    """Spec §2: D_age = 0.20; sex q = (0.51, 0.49), p = (0.60, 0.40).

    D_sex = ½·(|0.60 − 0.51| + |0.40 − 0.49|) = ½·(0.09 + 0.09) = 0.09;
    score = 100·(1 − (0.20 + 0.09)/2) = 100·(1 − 0.145) = 85.5.
    """
    result = representation_score([_age(), _sex()], ["Age band", "Sex"])
    assert result.comparisons[1].dissimilarity == pytest.approx(0.09)
    assert result.score == pytest.approx(85.5)
    assert result.characteristics == ("Age band", "Sex")
    assert result.left_out == ()


def test_characteristics_without_a_margin_are_left_out_and_named() -> None:
    result = representation_score([_sex(), _age()])  # default five
    assert result.characteristics == ("Age band", "Sex")  # in the chosen order
    assert result.left_out == ("Ethnic group", "Disability", "Area")
    assert any("'Disability' has no population margin" in n for n in result.notices)
    assert result.score == pytest.approx(85.5)


def test_no_characteristic_with_a_margin_is_an_error() -> None:
    with pytest.raises(InputError, match="'Ethnic group'"):
        representation_score([_age()], ["Ethnic group"])


def test_margins_for_a_characteristic_not_chosen_are_not_scored() -> None:
    result = representation_score([_age(), _sex()], ["sex "])
    assert result.characteristics == ("Sex",)
    assert result.score == pytest.approx(91.0)


def test_a_characteristic_chosen_twice_is_refused() -> None:
    with pytest.raises(InputError, match="chosen twice"):
        representation_score([_age()], ["Age band", "age band"])


def test_two_margins_for_one_characteristic_are_refused() -> None:
    with pytest.raises(InputError, match="two sets of margins"):
        representation_score([_age(), _age()], ["Age band"])


def test_missing_groups_are_the_under_represented_worst_first() -> None:
    """Age 16–34 has r = 1/3; ethnic group 'Black' has r = 0 and 'Asian' 0.5."""
    ethnic = align_margins(
        "Ethnic group",
        {"White": 90, "Asian": 10},
        {"White": 70.0, "Asian": 20.0, "Black": 10.0},
        population_is_percent=True,
    )
    result = representation_score(
        [_age(), _sex(), ethnic], ["Age band", "Sex", "Ethnic group"]
    )
    assert [(g.characteristic, g.label) for g in result.missing_groups] == [
        ("Ethnic group", "Black"),
        ("Age band", "16–34"),
        ("Ethnic group", "Asian"),
    ]
    assert result.missing_groups[0].ratio == 0.0
    assert result.missing_groups[0].difference_points == pytest.approx(-10.0)


def test_a_category_without_residents_or_participants_reads_none_here() -> None:
    aligned = align_margins(
        "Age band", {"16–34": 5, "65+": 5}, {"16–34": 50.0, "35–64": 0.0, "65+": 50.0}
    )
    comparison = compare_characteristic(aligned)
    middle = comparison.categories[1]
    assert middle.ratio is None
    assert middle.reading == "none here"
    assert comparison.balance_ratio == pytest.approx(1.0)
    assert comparison.dissimilarity == pytest.approx(0.0)


def test_coverage_below_80_percent_warns() -> None:
    """40 known of 40 + 11 = 51 answers: coverage 0.784 < 0.8."""
    aligned = align_margins(
        "Sex",
        {"Female": 20, "Male": 20, "Prefer not to say": 11},
        {"Female": 500.0, "Male": 500.0},
    )
    comparison = compare_characteristic(aligned)
    assert comparison.coverage_share == pytest.approx(40 / 51)
    assert comparison.is_coverage_low
    result = representation_score([aligned], ["Sex"])
    assert any("78%" in notice for notice in result.notices)


def test_coverage_of_exactly_80_percent_does_not_warn() -> None:
    aligned = align_margins(
        "Sex", {"Female": 20, "Male": 20, "": 10}, {"Female": 500.0, "Male": 500.0}
    )
    assert not compare_characteristic(aligned).is_coverage_low


def test_small_samples_are_flagged_for_officers() -> None:
    assert compare_characteristic(_sex()).is_small_sample is False
    small = align_margins(
        "Sex", {"Female": 20, "Male": 9}, {"Female": 500.0, "Male": 500.0}
    )
    assert compare_characteristic(small).is_small_sample is True


def test_the_result_is_frozen_and_serialises_to_json() -> None:
    result = representation_score([_age(), _sex()], ["Age band", "Sex"])
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.score = 0.0  # type: ignore[misc]
    decoded = json.loads(json.dumps(dataclasses.asdict(result)))
    assert decoded["score"] == pytest.approx(85.5)
    assert decoded["characteristics"] == ["Age band", "Sex"]


def _shares_and_counts() -> st.SearchStrategy[list[int]]:
    return st.lists(st.integers(1, 50), min_size=2, max_size=6)


@PROPERTY
@given(counts=_shares_and_counts(), scale=st.integers(1, 20))
def test_score_is_100_when_participants_mirror_residents(
    counts: list[int], scale: int
) -> None:
    labels = [f"band {i}" for i in range(len(counts))]
    aligned = align_margins(
        "Age band",
        dict(zip(labels, counts, strict=True)),
        {label: float(c * scale) for label, c in zip(labels, counts, strict=True)},
    )
    result = representation_score([aligned], ["Age band"])
    assert result.score == pytest.approx(100.0)
    assert result.comparisons[0].dissimilarity == pytest.approx(0.0, abs=1e-12)
    assert result.comparisons[0].balance_ratio == pytest.approx(1.0)
    assert result.missing_groups == ()


@PROPERTY
@given(
    counts=st.lists(st.integers(0, 50), min_size=2, max_size=6).filter(any),
    population=st.lists(st.integers(50, 500), min_size=6, max_size=6),
    data=st.data(),
)
def test_row_order_changes_nothing_and_the_score_stays_in_range(
    counts: list[int], population: list[int], data: st.DataObject
) -> None:
    labels = [f"band {i}" for i in range(len(counts))]
    margin = {label: float(population[i]) for i, label in enumerate(labels)}
    participants = dict(zip(labels, counts, strict=True))
    order = data.draw(st.permutations(labels))
    shuffled = {label: participants[label] for label in order}
    first = representation_score(
        [align_margins("Area", participants, margin)], ["Area"]
    )
    second = representation_score([align_margins("Area", shuffled, margin)], ["Area"])
    assert first == second
    assert 0.0 <= first.score <= 100.0
