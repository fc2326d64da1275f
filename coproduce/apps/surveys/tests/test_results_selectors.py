"""Results numbers against a brute-force count of the same factory data."""

from __future__ import annotations

import statistics
from collections import Counter
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from coproduce.apps.core.about_you import AgeBand
from coproduce.apps.surveys.models import Answer, QuestionKind, Submission, Survey
from coproduce.apps.surveys.selectors.results import (
    ResultFilters,
    survey_results,
)
from coproduce.apps.surveys.tests.factories import (
    ChoiceFactory,
    survey_version_create,
)
from coproduce.apps.surveys.tests.results_data import add_responses, survey_of

pytestmark = pytest.mark.django_db


def _brute_force(survey: Survey, submissions: list[Submission]) -> dict[str, Any]:
    """Counts per question computed in Python from every answer row."""
    ids = {s.pk for s in submissions}
    rows = [a for a in Answer.objects.filter(survey=survey) if a.submission_id in ids]
    answered: Counter[str] = Counter()
    for key in {a.question_key for a in rows}:
        answered[key] = len({a.submission_id for a in rows if a.question_key == key})
    values: Counter[tuple[str, str, str]] = Counter(
        (a.question_key, a.item, a.value_text) for a in rows
    )
    numbers: dict[str, list[float]] = {}
    for a in rows:
        if a.value_number is not None and not a.item:
            numbers.setdefault(a.question_key, []).append(a.value_number)
    firsts: Counter[tuple[str, str]] = Counter(
        (a.question_key, a.item) for a in rows if a.item and a.value_number == 1
    )
    ranks: dict[tuple[str, str], list[float]] = {}
    for a in rows:
        if a.item and a.value_number is not None:
            ranks.setdefault((a.question_key, a.item), []).append(a.value_number)
    return {
        "answered": answered,
        "values": values,
        "numbers": numbers,
        "firsts": firsts,
        "ranks": ranks,
    }


def _check(results: Any, expected: dict[str, Any], n_respondents: int) -> None:
    assert results.n_respondents == n_respondents
    for question in results.questions:
        key = question.key
        assert question.n_answered == expected["answered"][key], key
        for row in question.counts:
            assert row.n == expected["values"][(key, "", row.value)], (key, row)
            if question.n_answered:
                assert row.share == pytest.approx(row.n / question.n_answered)
        for grid_row in question.grid:
            for row in grid_row.counts:
                assert row.n == expected["values"][(key, grid_row.value, row.value)]
        for ranking in question.ranking:
            assert ranking.n_first == expected["firsts"][(key, ranking.value)]
            ranks = expected["ranks"].get((key, ranking.value), [])
            assert ranking.n_ranked == len(ranks)
            if ranks:
                assert ranking.mean_rank == pytest.approx(statistics.mean(ranks))
        if question.kind == QuestionKind.NUMBER:
            numbers = expected["numbers"].get(key, [])
            assert question.number.n == len(numbers)
            if numbers:
                assert question.number.mean == pytest.approx(statistics.mean(numbers))
                assert question.number.median == pytest.approx(
                    statistics.median(numbers)
                )
                assert question.number.minimum == min(numbers)
                assert question.number.maximum == max(numbers)
        if question.kind == QuestionKind.SCALE and expected["numbers"].get(key):
            assert question.scale_mean == pytest.approx(
                statistics.mean(expected["numbers"][key])
            )


def test_results_match_a_brute_force_count(organisation, analyst):
    survey = survey_of(organisation)
    submissions = add_responses(survey, 40, seed=1)
    add_responses(survey, 5, seed=2, status=Submission.Status.IN_PROGRESS)

    results = survey_results(actor=analyst, survey=survey, filters=ResultFilters())

    _check(results, _brute_force(survey, submissions), 40)
    assert not results.is_small_group


@pytest.mark.parametrize(
    ("filters", "keep"),
    [
        (
            ResultFilters(about_you={"age_band": AgeBand.AGE_16_24}),
            lambda s: s.age_band == AgeBand.AGE_16_24,
        ),
        (
            ResultFilters(channel=Submission.Channel.PAPER),
            lambda s: s.channel == Submission.Channel.PAPER,
        ),
        (
            ResultFilters(about_you={"sex": "female"}, channel="online"),
            lambda s: s.sex == "female" and s.channel == "online",
        ),
    ],
)
def test_filters_match_a_brute_force_count(organisation, analyst, filters, keep):
    survey = survey_of(organisation)
    submissions = add_responses(survey, 60, seed=3)
    kept = [s for s in submissions if keep(s)]

    results = survey_results(actor=analyst, survey=survey, filters=filters)

    _check(results, _brute_force(survey, kept), len(kept))


def test_results_say_which_version_each_answer_came_from(organisation, analyst):
    survey = survey_of(organisation)
    first = add_responses(survey, 12, seed=4)
    question = survey.questions.get(kind=QuestionKind.SINGLE_CHOICE)
    ChoiceFactory(question=question, value="maybe", position=9)
    survey_version_create(survey)
    second = add_responses(survey, 8, seed=5)

    results = survey_results(actor=analyst, survey=survey, filters=ResultFilters())
    only_second = survey_results(
        actor=analyst, survey=survey, filters=ResultFilters(version_number=2)
    )

    assert results.n_respondents_by_version == ((1, 12), (2, 8))
    by_key = {q.key: q for q in results.questions}
    changed = by_key[question.key]
    assert changed.versions_differing == (1,)
    assert [n for _number, n in changed.n_answered_by_version] == [
        len(
            {
                a.submission_id
                for a in Answer.objects.filter(
                    question_key=question.key, submission__in=group
                )
            }
        )
        for group in (first, second)
    ]
    assert by_key["short-text-q"].versions_differing == ()
    _check(only_second, _brute_force(survey, second), 8)


def test_a_small_group_is_flagged(organisation, analyst):
    survey = survey_of(organisation)
    add_responses(survey, 4, seed=6)

    results = survey_results(actor=analyst, survey=survey, filters=ResultFilters())

    assert results.is_small_group


@pytest.mark.parametrize("n", [5, 200])
def test_the_number_of_queries_does_not_grow_with_submissions(
    organisation, analyst, django_assert_max_num_queries, n
):
    survey = survey_of(organisation)
    add_responses(survey, n, seed=7)

    with django_assert_max_num_queries(8):
        results = survey_results(
            actor=analyst,
            survey=survey,
            filters=ResultFilters(about_you={"sex": "female"}),
        )
    assert results.n_respondents > 0


def test_people_outside_the_organisation_may_not_see_results(
    organisation, resident, staff_of_other_organisation
):
    survey = survey_of(organisation)
    for person in (resident, staff_of_other_organisation):
        with pytest.raises(PermissionDenied):
            survey_results(actor=person, survey=survey, filters=ResultFilters())


def test_answers_to_an_option_removed_later_still_count(organisation, analyst):
    survey = survey_of(organisation)
    question = survey.questions.get(kind=QuestionKind.SINGLE_CHOICE)
    submissions = add_responses(survey, 20, seed=8)
    question.choices.filter(value="unsure").delete()
    survey_version_create(survey)

    results = survey_results(actor=analyst, survey=survey, filters=ResultFilters())

    counts = {q.key: q for q in results.questions}[question.key].counts
    assert [row.value for row in counts] == ["yes", "no", "unsure"]
    _check(results, _brute_force(survey, submissions), 20)


def test_the_area_and_version_filters_match_a_brute_force_count(organisation, analyst):
    from coproduce.apps.organisations.tests.factories import AreaFactory

    ward = AreaFactory(organisation=organisation)
    survey = survey_of(organisation)
    in_ward = add_responses(survey, 14, seed=9, area=ward)
    add_responses(survey, 9, seed=10)

    results = survey_results(
        actor=analyst,
        survey=survey,
        filters=ResultFilters(area_id=ward.pk, version_number=1),
    )

    _check(results, _brute_force(survey, in_ward), 14)


def test_an_area_filter_includes_the_small_areas_inside_it(organisation, analyst):
    """Responses coded to a ward's small areas count in the ward, once each."""
    from coproduce.apps.organisations.models import Area
    from coproduce.apps.organisations.tests.factories import AreaFactory

    ward = AreaFactory(organisation=organisation, name_en="Gŵyr 🏴 <b>ward</b>")
    small = [
        AreaFactory(organisation=organisation, parent=ward, level=Area.Level.SMALL_AREA)
        for _ in range(2)
    ]
    other_ward = AreaFactory(organisation=organisation)
    under_other = AreaFactory(
        organisation=organisation, parent=other_ward, level=Area.Level.SMALL_AREA
    )
    survey = survey_of(organisation)
    in_ward = add_responses(survey, 3, seed=11, area=ward)
    in_small = add_responses(survey, 4, seed=12, area=small[0]) + add_responses(
        survey, 5, seed=13, area=small[1]
    )
    add_responses(survey, 6, seed=14, area=other_ward)
    add_responses(survey, 2, seed=15, area=under_other)
    add_responses(survey, 7, seed=16)  # no area

    def filtered(area):
        return survey_results(
            actor=analyst, survey=survey, filters=ResultFilters(area_id=area.pk)
        )

    _check(filtered(ward), _brute_force(survey, in_ward + in_small), 12)
    _check(filtered(small[1]), _brute_force(survey, in_small[4:]), 5)
    assert filtered(other_ward).n_respondents == 8
    # Filtered results are never served from the unfiltered results' cache.
    assert (
        survey_results(
            actor=analyst, survey=survey, filters=ResultFilters()
        ).n_respondents
        == 3 + 9 + 6 + 2 + 7
    )
    assert filtered(ward).n_respondents == 12


def test_an_area_of_another_organisation_filters_everything_out(organisation, analyst):
    from coproduce.apps.organisations.tests.factories import AreaFactory

    survey = survey_of(organisation)
    add_responses(survey, 4, seed=17)
    elsewhere = AreaFactory()
    results = survey_results(
        actor=analyst, survey=survey, filters=ResultFilters(area_id=elsewhere.pk)
    )
    assert results.n_respondents == 0


def test_unfiltered_results_are_kept_until_the_responses_change(
    organisation, analyst, django_assert_max_num_queries
):
    survey = survey_of(organisation)
    submissions = add_responses(survey, 30, seed=8)
    first = survey_results(actor=analyst, survey=survey, filters=ResultFilters())

    # Unchanged responses: the kept summary, without counting the answers again.
    with django_assert_max_num_queries(3):
        again = survey_results(actor=analyst, survey=survey, filters=ResultFilters())
    assert again == first

    # A new response, a deleted one and a saved correction are counted at once.
    submissions += add_responses(survey, 3, seed=9)
    _check(
        survey_results(actor=analyst, survey=survey, filters=ResultFilters()),
        _brute_force(survey, submissions),
        33,
    )
    submissions.pop().delete()
    _check(
        survey_results(actor=analyst, survey=survey, filters=ResultFilters()),
        _brute_force(survey, submissions),
        32,
    )
    corrected = submissions[0]
    answer = corrected.answers.filter(item="").exclude(value_text="").first()
    answer.value_text = "changed"
    answer.save()
    corrected.save()
    _check(
        survey_results(actor=analyst, survey=survey, filters=ResultFilters()),
        _brute_force(survey, submissions),
        32,
    )


def test_kept_results_are_per_language_and_version(organisation, analyst):
    survey = survey_of(organisation)
    add_responses(survey, 5, seed=10)
    english = survey_results(actor=analyst, survey=survey, filters=ResultFilters())
    welsh = survey_results(
        actor=analyst, survey=survey, filters=ResultFilters(), language="cy"
    )
    assert [q.text for q in welsh.questions] != [q.text for q in english.questions]

    question = survey.questions.get(kind=QuestionKind.SINGLE_CHOICE)
    ChoiceFactory(question=question, value="newly-added", position=9)
    survey_version_create(survey)
    after = survey_results(actor=analyst, survey=survey, filters=ResultFilters())
    counts = {q.key: q for q in after.questions}[question.key].counts
    assert "newly-added" in [row.value for row in counts]
