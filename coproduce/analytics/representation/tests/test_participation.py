"""Usual suspects and newcomers (spec §5)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coproduce.analytics.errors import InputError
from coproduce.analytics.representation import (
    Contribution,
    newcomer_share,
    usual_suspects,
    usual_suspects_by_engagement,
)
from coproduce.analytics.representation.tests.checks import assert_is_a_sentence

PROPERTY = settings(max_examples=60, derandomize=True, deadline=None)
T = dt.date(2025, 6, 30)


def _day(days_before_t: int) -> dt.date:
    return T - dt.timedelta(days=days_before_t)


def _spec_usual_suspects() -> list[Contribution]:
    """m = (1, 1, 2, 3, 5) engagements; contributions (1, 2, 2, 6, 9)."""
    plan = {
        "a": [1],
        "b": [2],
        "c": [1, 1],
        "d": [2, 2, 2],
        "e": [2, 2, 2, 2, 1],
    }
    rows = []
    for person, counts in plan.items():
        for index, count in enumerate(counts):
            rows.append(Contribution(f"E{index}", _day(10 * index), person, count))
    return rows


def test_spec_usual_suspects_example() -> None:
    """Spec §5: m = (1, 1, 2, 3, 5), k = 3 → d and e: U_3 = 2/5 = 40 %.

    Their contributions 6 + 9 = 15 of 1 + 2 + 2 + 6 + 9 = 20: 75 %.
    """
    result = usual_suspects(_spec_usual_suspects(), reference_on=T)
    assert result.n_people == 5
    assert result.n_usual_suspects == 2
    assert result.usual_suspect_share == pytest.approx(0.40)
    assert result.usual_suspect_contribution_share == pytest.approx(0.75)
    assert result.linked_contribution_share == 1.0
    assert not result.is_linked_share_low
    assert json.loads(json.dumps(dataclasses.asdict(result)))["reference_on"] == (
        "2025-06-30"
    )


def test_the_window_excludes_its_start_and_includes_its_end() -> None:
    """(t − W, t]: a contribution on t − 365 is out, on t − 364 and on t in."""
    rows = [
        Contribution("E1", _day(365), "p"),
        Contribution("E2", _day(364), "p"),
        Contribution("E3", T, "p"),
        Contribution("E4", T + dt.timedelta(days=1), "p"),
    ]
    result = usual_suspects(rows, reference_on=T, min_engagements=2)
    assert result.n_usual_suspects == 1
    three = usual_suspects(rows, reference_on=T, min_engagements=3)
    assert three.n_usual_suspects == 0


def test_repeat_contributions_to_one_engagement_count_it_once() -> None:
    rows = [Contribution("E1", _day(d), "p") for d in range(5)]
    assert usual_suspects(rows, reference_on=T, min_engagements=2).n_usual_suspects == 0


def test_a_linked_share_below_70_percent_warns() -> None:
    """7 linked of 7 + 4 = 11 contributions: 0.636 < 0.7."""
    rows = [*_spec_usual_suspects()[:5], Contribution("E0", _day(1), None, 4)]
    result = usual_suspects(rows, reference_on=T)
    assert result.linked_contribution_share == pytest.approx(7 / 11)
    assert result.is_linked_share_low


def test_blank_person_keys_are_unlinked() -> None:
    rows = [Contribution("E0", _day(1), "p"), Contribution("E0", _day(1), "  ")]
    assert usual_suspects(rows, reference_on=T).linked_contribution_share == 0.5


def test_no_linked_contribution_in_the_window_is_refused() -> None:
    rows = [Contribution("E0", _day(400), "p"), Contribution("E1", _day(1), None)]
    with pytest.raises(InputError, match="No linked contribution between 2024-07-01"):
        usual_suspects(rows, reference_on=T)


def test_usual_suspects_per_engagement_are_judged_at_its_close() -> None:
    """p takes part in A, B, C; q only in C. At C's close p has m = 3 (suspect).

    At A's close p has m = 1, so A's share is 0; C's share is 1 of 2.
    """
    rows = [
        Contribution("A", dt.date(2025, 1, 10), "p"),
        Contribution("B", dt.date(2025, 2, 10), "p"),
        Contribution("C", dt.date(2025, 3, 10), "p"),
        Contribution("C", dt.date(2025, 3, 11), "q"),
        Contribution("C", dt.date(2025, 3, 11), None),
    ]
    closes = {"C": dt.date(2025, 3, 31), "A": dt.date(2025, 1, 31), "Z": T}
    a, c, z = usual_suspects_by_engagement(rows, closes)
    assert (a.engagement_id, a.usual_suspect_share) == ("A", 0.0)
    assert (c.n_linked_participants, c.n_usual_suspects) == (2, 1)
    assert c.usual_suspect_share == pytest.approx(0.5)
    assert c.linked_contribution_share == pytest.approx(2 / 3)
    assert c.is_linked_share_low
    assert z.usual_suspect_share is None
    assert z.linked_contribution_share is None


def _spec_newcomers() -> list[Contribution]:
    """A first contributes in E; B took part in F last year; C joined E on 3 March
    and G on 5 March; D joined G on 1 March and E on 3 March."""
    return [
        Contribution("E", dt.date(2025, 3, 4), "A"),
        Contribution("F", dt.date(2024, 6, 1), "B"),
        Contribution("E", dt.date(2025, 3, 2), "B"),
        Contribution("E", dt.date(2025, 3, 3), "C"),
        Contribution("G", dt.date(2025, 3, 5), "C"),
        Contribution("G", dt.date(2025, 3, 1), "D"),
        Contribution("E", dt.date(2025, 3, 3), "D"),
    ]


def test_spec_newcomer_example() -> None:
    """Spec §5: newcomers A and C of A, B, C, D: 2/4 = 50 %."""
    result = newcomer_share(
        _spec_newcomers(),
        engagement_id="E",
        opened_on=dt.date(2025, 3, 1),
        records_start_on=dt.date(2023, 1, 1),
    )
    assert result.n_linked_participants == 4
    assert result.n_newcomers == 2
    assert result.newcomer_share == pytest.approx(0.50)
    assert not result.is_short_history


def test_records_starting_under_12_months_before_opening_are_a_short_history() -> None:
    """Records start with B's contribution to F on 1 June 2024, 9 months before."""
    result = newcomer_share(
        _spec_newcomers(), engagement_id="E", opened_on=dt.date(2025, 3, 1)
    )
    assert result.records_start_on == "2024-06-01"
    assert result.is_short_history
    exactly_a_year = newcomer_share(
        _spec_newcomers(), engagement_id="E", opened_on=dt.date(2025, 6, 1)
    )
    assert not exactly_a_year.is_short_history


def test_a_leap_day_opening_compares_with_the_28th_of_february() -> None:
    rows = [Contribution("E", dt.date(2023, 2, 28), "A")]
    result = newcomer_share(rows, engagement_id="E", opened_on=dt.date(2024, 2, 29))
    assert not result.is_short_history


def test_a_contribution_elsewhere_on_the_same_day_does_not_count_as_before() -> None:
    rows = [
        Contribution("E", dt.date(2025, 3, 3), "A"),
        Contribution("G", dt.date(2025, 3, 3), "A"),
    ]
    result = newcomer_share(rows, engagement_id="E", opened_on=dt.date(2025, 3, 1))
    assert result.n_newcomers == 1


def test_an_engagement_without_contributions_is_refused() -> None:
    with pytest.raises(InputError, match="'X' has no contributions"):
        newcomer_share(_spec_newcomers(), engagement_id="X", opened_on=T)


@pytest.mark.parametrize("count", [-1, 0, 1.5, float("nan")])
def test_a_bad_count_names_its_row(count: float) -> None:
    rows = [Contribution("E", T, "A"), Contribution("E", T, "B", count)]  # type: ignore[arg-type]
    with pytest.raises(InputError, match="Row 2") as caught:
        usual_suspects(rows, reference_on=T)
    assert (caught.value.row, caught.value.column) == (2, "count")


def test_a_datetime_instead_of_a_date_names_its_row() -> None:
    rows = [Contribution("E", dt.datetime(2025, 1, 1, tzinfo=dt.UTC), "A")]
    with pytest.raises(InputError, match="Row 1") as caught:
        usual_suspects(rows, reference_on=T)
    assert caught.value.column == "contributed_on"


@pytest.mark.parametrize(("window", "k"), [(0, 3), (365, 0), (True, 3)])
def test_a_window_or_k_below_one_is_refused(window: int, k: int) -> None:
    with pytest.raises(InputError):
        usual_suspects(
            _spec_usual_suspects(),
            reference_on=T,
            window_days=window,
            min_engagements=k,
        )


@PROPERTY
@given(
    rows=st.lists(
        st.builds(
            Contribution,
            engagement_id=st.sampled_from(["E", "F", "G", "H"]),
            contributed_on=st.dates(dt.date(2024, 1, 1), dt.date(2025, 6, 30)),
            person_key=st.sampled_from(["a", "b", "c", "d", None]),
            count=st.integers(1, 5),
        ),
        min_size=1,
        max_size=25,
    ),
    data=st.data(),
)
def test_row_order_changes_nothing(
    rows: list[Contribution], data: st.DataObject
) -> None:
    shuffled = data.draw(st.permutations(rows))
    for measure in (
        lambda r: usual_suspects(r, reference_on=T, min_engagements=2),
        lambda r: newcomer_share(r, engagement_id="E", opened_on=dt.date(2025, 1, 1)),
    ):
        try:
            first = measure(rows)
        except InputError:
            with pytest.raises(InputError):
                measure(shuffled)
        else:
            assert measure(shuffled) == first


@PROPERTY
@given(
    counts=st.lists(
        st.one_of(
            st.integers(-2, 5),
            st.floats(allow_nan=True),
            st.none(),
            st.text(max_size=2),
        ),
        min_size=1,
        max_size=6,
    ),
    keys=st.lists(st.one_of(st.none(), st.text(max_size=2)), min_size=6, max_size=6),
)
def test_any_records_are_measured_or_refused_with_an_input_error(
    counts: list[object], keys: list[str | None]
) -> None:
    rows = [
        Contribution("E", T, keys[i], count)  # type: ignore[arg-type]
        for i, count in enumerate(counts)
    ]
    try:
        result = usual_suspects(rows, reference_on=T)
    except InputError as error:
        assert_is_a_sentence(error)
    else:
        assert 0.0 <= result.usual_suspect_share <= 1.0
