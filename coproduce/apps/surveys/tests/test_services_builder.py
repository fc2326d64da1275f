"""Building surveys: settings, questions, options, routing, publishing."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from coproduce.apps.accounts.models import User
from coproduce.apps.audit.models import AuditEvent
from coproduce.apps.engagements.tests.factories import EngagementFactory
from coproduce.apps.organisations.models import Organisation
from coproduce.apps.surveys.models import (
    Choice,
    Question,
    QuestionKind,
    Submission,
    Survey,
    SurveyVersion,
)
from coproduce.apps.surveys.selectors.surveys import survey_has_unpublished_changes
from coproduce.apps.surveys.services.builder import (
    SurveyBuildError,
    SurveyPublishError,
    survey_create,
    survey_publish,
    survey_update,
)
from coproduce.apps.surveys.services.questions import (
    choices_from_lines,
    question_condition_set,
    question_create,
    question_delete,
    question_move,
    question_update,
)
from coproduce.apps.surveys.tests.factories import (
    ChoiceFactory,
    QuestionFactory,
    SubmissionFactory,
    SurveyFactory,
)
from coproduce.errors import StateConflictError

YES_NO = [("yes", "Yes", "Ie"), ("no", "No", "Na")]


@pytest.fixture
def survey(organisation: Organisation) -> Survey:
    return SurveyFactory(engagement=EngagementFactory(organisation=organisation))


def _settings() -> dict[str, object]:
    return {
        "title_en": "Parks <script>",
        "title_cy": "Parciau ŵ",
        "introduction_en": "",
        "introduction_cy": "",
        "access": Survey.Access.ANYONE,
        "is_one_response_per_person": False,
        "includes_about_you": True,
        "offers_email_receipt": True,
    }


def test_officer_creates_a_survey_with_an_audit_event(
    organisation: Organisation, officer: User
) -> None:
    engagement = EngagementFactory(organisation=organisation)
    survey = survey_create(
        actor=officer, engagement=engagement, slug="parks", **_settings()
    )
    assert survey.organisation == organisation
    assert survey.created_by == officer
    assert AuditEvent.objects.filter(action="survey.create").count() == 1


@pytest.mark.parametrize("role", ["analyst", "elected_member", "resident"])
def test_others_cannot_create_a_survey_and_nothing_is_saved(
    organisation: Organisation, role: str, request: pytest.FixtureRequest
) -> None:
    actor = request.getfixturevalue(role)
    engagement = EngagementFactory(organisation=organisation)
    with pytest.raises(PermissionDenied):
        survey_create(actor=actor, engagement=engagement, slug="x", **_settings())
    assert not Survey.objects.exists()
    assert not AuditEvent.objects.exists()


def test_staff_of_another_organisation_cannot_build_here(
    survey: Survey, staff_of_other_organisation: User
) -> None:
    with pytest.raises(PermissionDenied):
        question_create(
            actor=staff_of_other_organisation,
            survey=survey,
            kind="short_text",
            text_en="Q",
        )
    assert not Question.objects.exists()


def test_slug_must_be_free_and_not_reserved(survey: Survey, officer: User) -> None:
    with pytest.raises(SurveyBuildError):
        survey_create(
            actor=officer, engagement=survey.engagement, slug=survey.slug, **_settings()
        )
    with pytest.raises(SurveyBuildError):
        survey_create(
            actor=officer, engagement=survey.engagement, slug="new", **_settings()
        )
    assert Survey.objects.count() == 1


def test_one_response_per_person_needs_sign_in(survey: Survey, officer: User) -> None:
    settings = {**_settings(), "is_one_response_per_person": True}
    with pytest.raises(ValidationError):
        survey_update(actor=officer, survey=survey, **settings)
    survey.refresh_from_db()
    assert survey.is_one_response_per_person is False
    assert not AuditEvent.objects.exists()


def test_questions_get_stable_keys_and_bilingual_options(
    survey: Survey, officer: User
) -> None:
    first = question_create(
        actor=officer,
        survey=survey,
        kind=QuestionKind.SINGLE_CHOICE,
        text_en="Do you use the park?",
        text_cy="Ydych chi'n defnyddio'r parc?",
        options=YES_NO,
    )
    second = question_create(
        actor=officer, survey=survey, kind=QuestionKind.SHORT_TEXT, text_en="Why?"
    )
    assert (first.key, second.key) == ("q1", "q2")
    assert second.position == first.position + 1
    labels = list(first.choices.values_list("value", "label_en", "label_cy"))
    assert labels == [("yes", "Yes", "Ie"), ("no", "No", "Na")]
    # A text question keeps no options, even if some were sent.
    third = question_create(
        actor=officer, survey=survey, kind="long_text", text_en="More", options=YES_NO
    )
    assert not third.choices.exists()


def test_choices_from_lines_makes_unique_slugs_and_scale_numbers() -> None:
    made = choices_from_lines(english="Yes\nYes\n\n<b>", welsh="Ie")
    assert [value for value, _en, _cy in made] == ["yes", "yes-2", "b"]
    assert made[0][2] == "Ie"
    assert made[1][2] == ""
    scale = choices_from_lines(
        english="Agree\nNeutral\nDisagree", welsh="", numbered=True
    )
    assert [value for value, _en, _cy in scale] == ["1", "2", "3"]
    with pytest.raises(SurveyBuildError):
        choices_from_lines(english="Yes", welsh="Ie\nNa")


def test_number_bounds_must_be_in_order(survey: Survey, officer: User) -> None:
    with pytest.raises(SurveyBuildError):
        question_create(
            actor=officer,
            survey=survey,
            kind=QuestionKind.NUMBER,
            text_en="Age",
            settings={"min": 10, "max": 1},
        )
    assert not Question.objects.exists()


def test_move_swaps_neighbours_and_refuses_past_the_end(
    survey: Survey, officer: User
) -> None:
    a = question_create(actor=officer, survey=survey, kind="short_text", text_en="A")
    b = question_create(actor=officer, survey=survey, kind="short_text", text_en="B")
    question_move(actor=officer, question=b, direction="up")
    assert list(
        Question.objects.order_by("position").values_list("key", flat=True)
    ) == [
        b.key,
        a.key,
    ]
    with pytest.raises(SurveyBuildError):
        question_move(actor=officer, question=b, direction="up")


def test_conditions_may_only_refer_to_earlier_pages(
    survey: Survey, officer: User
) -> None:
    q1 = question_create(
        actor=officer, survey=survey, kind="single_choice", text_en="A", options=YES_NO
    )
    same_page = question_create(
        actor=officer, survey=survey, kind="short_text", text_en="B"
    )
    with pytest.raises(SurveyBuildError) as error:
        question_condition_set(
            actor=officer,
            question=same_page,
            condition={"question": q1.key, "operator": "answered", "values": []},
        )
    assert same_page.key in error.value.messages[0]
    same_page.refresh_from_db()
    assert same_page.condition is None
    later = question_create(
        actor=officer, survey=survey, kind="short_text", text_en="C", page=2
    )
    question_condition_set(
        actor=officer,
        question=later,
        condition={"question": q1.key, "operator": "equals", "values": ["yes"]},
    )
    later.refresh_from_db()
    assert later.condition == {
        "question": "q1",
        "operator": "equals",
        "values": ["yes"],
    }
    # Moving the target onto the dependant's page would break routing: refused.
    with pytest.raises(SurveyBuildError):
        question_update(
            actor=officer,
            question=q1,
            kind="single_choice",
            text_en="A",
            text_cy="",
            help_text_en="",
            help_text_cy="",
            is_required=False,
            page=2,
            options=YES_NO,
        )
    q1.refresh_from_db()
    assert q1.page == 1
    # And so would deleting the target.
    with pytest.raises(SurveyBuildError):
        question_delete(actor=officer, question=q1)
    assert Question.objects.filter(pk=q1.pk).exists()


def test_publish_lists_every_problem_naming_the_question(
    survey: Survey, officer: User
) -> None:
    with pytest.raises(SurveyPublishError) as empty:
        survey_publish(actor=officer, survey=survey)
    assert "at least one question" in empty.value.messages[0]
    choice = QuestionFactory(survey=survey, kind=QuestionKind.SINGLE_CHOICE, key="q1")
    ChoiceFactory(question=choice, value="only")
    grid = QuestionFactory(survey=survey, kind=QuestionKind.MATRIX, key="q2")
    ChoiceFactory(question=grid, value="a")
    ChoiceFactory(question=grid, value="b")
    QuestionFactory(
        survey=survey, kind=QuestionKind.NUMBER, key="q3", settings={"min": 5, "max": 1}
    )
    with pytest.raises(SurveyPublishError) as error:
        survey_publish(actor=officer, survey=survey)
    text = " ".join(error.value.messages)
    for key in ("q1", "q2", "q3"):
        assert key in text
    assert not SurveyVersion.objects.exists()
    assert not AuditEvent.objects.exists()


def test_publishing_twice_makes_versions_one_and_two(
    survey: Survey, officer: User
) -> None:
    question_create(actor=officer, survey=survey, kind="short_text", text_en="First")
    assert survey_has_unpublished_changes(survey=survey)
    v1 = survey_publish(actor=officer, survey=survey)
    survey.refresh_from_db()
    assert survey.current_version == v1
    assert v1.number == 1
    assert not survey_has_unpublished_changes(survey=survey)
    old = SubmissionFactory(survey=survey)
    # Editing changes nothing for residents until published again.
    question_create(actor=officer, survey=survey, kind="short_text", text_en="Second")
    survey.refresh_from_db()
    assert survey_has_unpublished_changes(survey=survey)
    assert len(survey.current_version.definition["questions"]) == 1
    v2 = survey_publish(actor=officer, survey=survey)
    survey.refresh_from_db()
    new = SubmissionFactory(survey=survey)
    assert (v1.number, v2.number) == (1, 2)
    assert survey.current_version == v2
    assert Submission.objects.get(pk=old.pk).version == v1
    assert Submission.objects.get(pk=new.pk).version == v2
    assert AuditEvent.objects.filter(action="survey.publish").count() == 2


def test_publishing_with_no_changes_is_refused(survey: Survey, officer: User) -> None:
    question_create(actor=officer, survey=survey, kind="short_text", text_en="Q")
    survey_publish(actor=officer, survey=survey)
    with pytest.raises(StateConflictError):
        survey_publish(actor=officer, survey=survey)
    assert SurveyVersion.objects.count() == 1


def test_deleting_a_question_keeps_it_in_published_versions(
    survey: Survey, officer: User
) -> None:
    question = question_create(
        actor=officer, survey=survey, kind="short_text", text_en="Q"
    )
    question_create(actor=officer, survey=survey, kind="short_text", text_en="R")
    version = survey_publish(actor=officer, survey=survey)
    question_delete(actor=officer, question=question)
    assert not Question.objects.filter(pk=question.pk).exists()
    version.refresh_from_db()
    assert [q["key"] for q in version.definition["questions"]] == ["q1", "q2"]
    assert AuditEvent.objects.filter(action="survey.question_delete").count() == 1


def test_editing_a_question_replaces_its_options(survey: Survey, officer: User) -> None:
    question = question_create(
        actor=officer, survey=survey, kind="single_choice", text_en="Q", options=YES_NO
    )
    question_update(
        actor=officer,
        question=question,
        kind="matrix",
        text_en="Grid",
        text_cy="Grid",
        help_text_en="",
        help_text_cy="",
        is_required=True,
        page=1,
        options=YES_NO,
        rows=[("safety", "Safety", "Diogelwch")],
    )
    kinds = list(question.choices.values_list("kind", "value"))
    assert (Choice.Kind.ROW, "safety") in kinds
    assert len(kinds) == 3


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("administrator", True),
        ("officer", True),
        ("analyst", False),
        ("elected_member", False),
        ("community_organiser", False),
        ("resident", False),
        ("staff_of_other_organisation", False),
    ],
)
def test_who_may_build_and_publish(
    survey: Survey, role: str, allowed: bool, request: pytest.FixtureRequest
) -> None:
    actor = request.getfixturevalue(role)
    question = QuestionFactory(survey=survey, key="q1", page=2)
    QuestionFactory(survey=survey, key="q2", page=2)
    calls = [
        lambda: survey_update(actor=actor, survey=survey, **_settings()),
        lambda: question_create(
            actor=actor, survey=survey, kind="short_text", text_en="Q"
        ),
        lambda: question_move(actor=actor, question=question, direction="down"),
        lambda: question_condition_set(actor=actor, question=question, condition=None),
        lambda: survey_publish(actor=actor, survey=survey),
        lambda: question_delete(actor=actor, question=question),
    ]
    for call in calls:
        if allowed:
            call()
        else:
            with pytest.raises(PermissionDenied):
                call()
    assert SurveyVersion.objects.exists() is allowed
    assert AuditEvent.objects.exists() is allowed
