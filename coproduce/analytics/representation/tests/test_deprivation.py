"""Reach in deprived areas (spec §6)."""

from __future__ import annotations

import dataclasses
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coproduce.analytics.errors import InputError
from coproduce.analytics.representation import DecileTable, deprivation_reach
from coproduce.analytics.representation.tests.checks import assert_is_a_sentence

PROPERTY = settings(max_examples=60, derandomize=True, deadline=None)

# Spec §6: 200 coded participants, 20 in deciles 1–2 and 60 in deciles 9–10.
PARTICIPANTS = DecileTable(
    "England",
    "IoD2019",
    {1: 12, 2: 8, 3: 20, 4: 20, 5: 20, 6: 20, 7: 20, 8: 20, 9: 30, 10: 30},
)
# Residents: 25 % in deciles 1–2, 15 % in deciles 9–10.
RESIDENTS = DecileTable(
    "England",
    "IoD2019",
    {
        1: 1500,
        2: 1000,
        3: 1000,
        4: 1000,
        5: 1000,
        6: 1000,
        7: 1000,
        8: 1000,
        9: 800,
        10: 700,
    },
)


def test_spec_example() -> None:
    """p(1–2) = 20/200 = 0.10 against q(1–2) = 2,500/10,000 = 0.25: R_dep = 0.40.

    p(9–10) = 60/200 = 0.30 against q(9–10) = 1,500/10,000 = 0.15: r = 2.0.
    Gradient = 0.40/2.0 = 0.20.
    """
    result = deprivation_reach(PARTICIPANTS, RESIDENTS)
    assert result.n_participants == 200
    assert result.deprived_reach_ratio == pytest.approx(0.40)
    assert result.least_deprived_ratio == pytest.approx(2.0)
    assert result.gradient == pytest.approx(0.20)
    first = result.deciles[0]
    assert (first.decile, first.participant_share, first.resident_share) == (
        1,
        pytest.approx(0.06),
        pytest.approx(0.15),
    )
    assert first.reading == "under-represented"
    assert json.loads(json.dumps(dataclasses.asdict(result)))["nation"] == "England"


def test_unknown_and_out_of_area_postcodes_are_excluded_and_counted() -> None:
    result = deprivation_reach(PARTICIPANTS, RESIDENTS, n_unknown=30, n_out_of_area=20)
    assert result.n_participants == 200
    assert (result.n_unknown, result.n_out_of_area) == (30, 20)
    assert result.coverage_share == pytest.approx(200 / 250)
    assert result.deprived_reach_ratio == pytest.approx(0.40)


def test_a_decile_without_residents_reads_none_here() -> None:
    residents = DecileTable("Wales", "WIMD 2019", {3: 400, 4: 600, 9: 500, 10: 500})
    participants = DecileTable("Wales", "WIMD 2019", {3: 4, 4: 6, 9: 5, 10: 5})
    result = deprivation_reach(participants, residents)
    assert result.deciles[0].ratio is None
    assert result.deciles[0].reading == "none here"
    assert result.deprived_reach_ratio is None
    assert result.gradient is None
    assert any("deciles 1–2" in notice for notice in result.notices)


def test_no_participant_in_the_least_deprived_deciles_leaves_no_gradient() -> None:
    participants = DecileTable("England", "IoD2019", {1: 5, 5: 5})
    result = deprivation_reach(participants, RESIDENTS)
    assert result.least_deprived_ratio == 0.0
    assert result.gradient is None


def test_different_nations_are_never_pooled() -> None:
    scottish = DecileTable("Scotland", "IoD2019", dict(RESIDENTS.counts))
    with pytest.raises(InputError, match="cannot be pooled") as caught:
        deprivation_reach(PARTICIPANTS, scottish)
    assert caught.value.column == "nation"


def test_different_index_versions_are_refused() -> None:
    older = DecileTable("England", "IoD2015", dict(RESIDENTS.counts))
    with pytest.raises(InputError, match="one index version"):
        deprivation_reach(PARTICIPANTS, older)


def test_participants_in_a_decile_without_residents_name_the_decile() -> None:
    residents = DecileTable("England", "IoD2019", {2: 100, 5: 100})
    participants = DecileTable("England", "IoD2019", {2: 1, 7: 3})
    with pytest.raises(InputError, match="Decile 7") as caught:
        deprivation_reach(participants, residents)
    assert caught.value.category == "7"


@pytest.mark.parametrize("decile", [0, 11, "1", True])
def test_a_decile_outside_1_to_10_is_refused(decile: object) -> None:
    participants = DecileTable("England", "IoD2019", {decile: 3})  # type: ignore[dict-item]
    with pytest.raises(InputError, match="deciles run from 1"):
        deprivation_reach(participants, RESIDENTS)


def test_a_negative_count_names_the_decile() -> None:
    participants = DecileTable("England", "IoD2019", {1: 3, 4: -2})
    with pytest.raises(InputError, match="Decile 4") as caught:
        deprivation_reach(participants, RESIDENTS)
    assert caught.value.category == "4"


def test_no_coded_participant_is_refused() -> None:
    with pytest.raises(InputError, match="No participant"):
        deprivation_reach(DecileTable("England", "IoD2019", {}), RESIDENTS)


@PROPERTY
@given(
    counts=st.lists(st.integers(1, 40), min_size=10, max_size=10),
    factor=st.integers(1, 500),
)
def test_reach_is_even_when_participants_mirror_residents(
    counts: list[int], factor: int
) -> None:
    participants = DecileTable("Scotland", "SIMD 2020v2", dict(enumerate(counts, 1)))
    residents = DecileTable(
        "scotland ", "SIMD 2020v2", {d: c * factor for d, c in enumerate(counts, 1)}
    )
    result = deprivation_reach(participants, residents)
    assert result.deprived_reach_ratio == pytest.approx(1.0)
    assert result.gradient == pytest.approx(1.0)
    assert all(d.reading == "in proportion" for d in result.deciles)


@PROPERTY
@given(
    participants=st.dictionaries(
        st.one_of(st.integers(-1, 12), st.text(max_size=1)),
        st.one_of(st.integers(-2, 50), st.floats(allow_nan=True)),
        max_size=12,
    ),
    residents=st.dictionaries(
        st.integers(1, 10),
        st.one_of(st.integers(-2, 500), st.floats(allow_nan=True, allow_infinity=True)),
        max_size=10,
    ),
)
def test_any_table_is_analysed_or_refused_with_an_input_error(
    participants: dict[int, float], residents: dict[int, float]
) -> None:
    try:
        result = deprivation_reach(
            DecileTable("Wales", "WIMD 2019", participants),
            DecileTable("Wales", "WIMD 2019", residents),
        )
    except InputError as error:
        assert_is_a_sentence(error)
    else:
        assert result.n_participants > 0
