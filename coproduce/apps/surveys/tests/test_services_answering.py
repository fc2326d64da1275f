"""Answering a survey: access, routing, about you, submitting, receipts, entry."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied

from coproduce.apps.accounts.models import User
from coproduce.apps.accounts.tests.factories import UserFactory
from coproduce.apps.audit.models import AuditEvent
from coproduce.apps.engagements.models import Engagement
from coproduce.apps.engagements.tests.factories import EngagementFactory
from coproduce.apps.organisations.models import Organisation, PostcodeArea
from coproduce.apps.organisations.selectors import area_for_postcode
from coproduce.apps.organisations.tests.factories import AreaFactory
from coproduce.apps.surveys.models import Answer, QuestionKind, Submission, Survey
from coproduce.apps.surveys.services.answering import (
    FINISHED_PAGE,
    AlreadyAnsweredError,
    AnswersAlreadySentError,
    AnswerState,
    SignInRequiredError,
    SurveyClosedError,
    answering_about_you_save,
    answering_draft_state,
    answering_page_save,
    answering_start,
    submission_submit,
)
from coproduce.apps.surveys.services.entry import SurveyEntryError, submission_enter
from coproduce.apps.surveys.services.receipts import submission_receipt_send
from coproduce.apps.surveys.services.responses import AnswersInvalidError
from coproduce.apps.surveys.tests.factories import (
    ChoiceFactory,
    QuestionFactory,
    SurveyFactory,
    published_survey,
    survey_version_create,
)
from coproduce.errors import DomainError


def routed_survey(organisation: Organisation, **kwargs: Any) -> Survey:
    """Page 1: q1 yes/no (required). Page 2: q2, shown only if q1 = yes.
    Page 3: q3 number 0..10 (required)."""
    survey = SurveyFactory(
        engagement=EngagementFactory(organisation=organisation), **kwargs
    )
    q1 = QuestionFactory(
        survey=survey,
        key="q1",
        kind=QuestionKind.SINGLE_CHOICE,
        page=1,
        is_required=True,
    )
    ChoiceFactory(question=q1, value="yes", position=0)
    ChoiceFactory(question=q1, value="no", position=1)
    QuestionFactory(
        survey=survey,
        key="q2",
        page=2,
        is_required=True,
        condition={"question": "q1", "operator": "equals", "values": ["yes"]},
    )
    QuestionFactory(
        survey=survey,
        key="q3",
        kind=QuestionKind.NUMBER,
        page=3,
        is_required=True,
        settings={"min": 0, "max": 10},
    )
    survey_version_create(survey)
    survey.refresh_from_db()
    return survey


def test_routing_skips_the_page_and_drops_hidden_answers(
    organisation: Organisation,
) -> None:
    survey = routed_survey(organisation)
    state = answering_start(survey=survey, user=None)
    state = answering_page_save(
        survey=survey, user=None, state=state, page=1, values={"q1": ["yes"]}
    )
    assert state.page == 2
    state = answering_page_save(
        survey=survey, user=None, state=state, page=2, values={"q2": ["Because"]}
    )
    # The resident goes back and changes q1: page 2 is now skipped.
    state = answering_page_save(
        survey=survey, user=None, state=state, page=1, values={"q1": ["no"]}
    )
    assert state.page == 3
    state = answering_page_save(
        survey=survey, user=None, state=state, page=3, values={"q3": ["7"]}
    )
    assert state.page == FINISHED_PAGE
    submission = submission_submit(survey=survey, user=None, state=state)
    stored = set(Answer.objects.values_list("question_key", "value_text"))
    assert stored == {("q1", "no"), ("q3", "7")}
    assert submission.status == Submission.Status.SUBMITTED
    assert submission.version == survey.current_version
    assert submission.channel == Submission.Channel.ONLINE


def test_a_page_with_a_bad_answer_keeps_nothing(organisation: Organisation) -> None:
    survey = routed_survey(organisation)
    state = answering_start(survey=survey, user=None)
    with pytest.raises(AnswersInvalidError) as error:
        answering_page_save(survey=survey, user=None, state=state, page=1, values={})
    assert "q1" in error.value.errors
    state = answering_page_save(
        survey=survey, user=None, state=state, page=1, values={"q1": ["no"]}
    )
    with pytest.raises(AnswersInvalidError) as error:
        answering_page_save(
            survey=survey, user=None, state=state, page=3, values={"q3": ["11"]}
        )
    assert "10 or less" in error.value.errors["q3"]
    assert "q3" not in state.answers


def test_submit_revalidates_everything_and_saves_nothing_on_error(
    organisation: Organisation,
) -> None:
    survey = routed_survey(organisation)
    # A state that skipped the required q3 (for example a crafted session).
    state = AnswerState(version_id=survey.current_version_id, answers={"q1": ["no"]})
    with pytest.raises(AnswersInvalidError):
        submission_submit(survey=survey, user=None, state=state)
    assert not Submission.objects.exists()
    assert not Answer.objects.exists()
    assert not AuditEvent.objects.exists()


@pytest.mark.parametrize(
    "status",
    [
        Engagement.Status.DRAFT,
        Engagement.Status.SCHEDULED,
        Engagement.Status.CLOSED,
        Engagement.Status.RESPONDED,
        Engagement.Status.ARCHIVED,
    ],
)
def test_a_closed_survey_refuses_answers_and_saves_nothing(
    organisation: Organisation, status: str
) -> None:
    survey = routed_survey(organisation)
    state = AnswerState(
        version_id=survey.current_version_id, answers={"q1": ["no"], "q3": ["1"]}
    )
    Engagement.objects.filter(pk=survey.engagement_id).update(status=status)
    survey.refresh_from_db()
    with pytest.raises(SurveyClosedError) as error:
        submission_submit(survey=survey, user=None, state=state)
    assert "closed" in error.value.messages[0]
    with pytest.raises(SurveyClosedError):
        answering_start(survey=survey, user=None)
    assert not Submission.objects.exists()


def test_an_unpublished_survey_is_closed(organisation: Organisation) -> None:
    survey = SurveyFactory(engagement=EngagementFactory(organisation=organisation))
    with pytest.raises(SurveyClosedError):
        answering_start(survey=survey, user=None)


def test_signed_in_surveys_refuse_anonymous_answers(organisation: Organisation) -> None:
    survey = routed_survey(organisation, access=Survey.Access.SIGNED_IN)
    with pytest.raises(SignInRequiredError):
        answering_start(survey=survey, user=None)


def test_one_response_per_person(organisation: Organisation, resident: User) -> None:
    survey = routed_survey(
        organisation, access=Survey.Access.SIGNED_IN, is_one_response_per_person=True
    )
    state = AnswerState(
        version_id=survey.current_version_id, answers={"q1": ["no"], "q3": ["1"]}
    )
    submission_submit(survey=survey, user=resident, state=state)
    with pytest.raises(AlreadyAnsweredError) as error:
        submission_submit(survey=survey, user=resident, state=state)
    assert "already answered" in error.value.messages[0]
    with pytest.raises(AlreadyAnsweredError):
        answering_start(survey=survey, user=resident)
    assert Submission.objects.count() == 1
    # Someone else may still answer.
    other = AnswerState(version_id=state.version_id, answers=state.answers)
    submission_submit(survey=survey, user=UserFactory(), state=other)
    assert Submission.objects.count() == 2


def test_save_and_continue_resumes_a_signed_in_draft(
    organisation: Organisation, resident: User
) -> None:
    survey = routed_survey(organisation, access=Survey.Access.SIGNED_IN)
    state = answering_start(survey=survey, user=resident)
    state = answering_page_save(
        survey=survey, user=resident, state=state, page=1, values={"q1": ["yes"]}
    )
    draft = Submission.objects.get()
    assert draft.status == Submission.Status.IN_PROGRESS
    assert draft.current_page == 2
    # Later, on another device: the draft comes back.
    resumed = answering_start(survey=survey, user=resident)
    assert resumed.answers == {"q1": ["yes"]}
    assert resumed.page == 2
    assert answering_draft_state(survey=survey, user=resident) == resumed
    resumed = answering_page_save(
        survey=survey, user=resident, state=resumed, page=2, values={"q2": ["Shade"]}
    )
    resumed = answering_page_save(
        survey=survey, user=resident, state=resumed, page=3, values={"q3": ["4"]}
    )
    submission = submission_submit(survey=survey, user=resident, state=resumed)
    assert submission.pk == draft.pk  # the draft itself becomes the response
    assert Submission.objects.count() == 1
    assert set(submission.answers.values_list("question_key", flat=True)) == {
        "q1",
        "q2",
        "q3",
    }


def test_a_draft_continues_on_its_version_after_a_new_publication(
    organisation: Organisation, resident: User
) -> None:
    survey = routed_survey(organisation)
    state = answering_start(survey=survey, user=resident)
    state = answering_page_save(
        survey=survey, user=resident, state=state, page=1, values={"q1": ["no"]}
    )
    first_version = survey.current_version
    QuestionFactory(survey=survey, key="q4", page=4)
    survey_version_create(survey)
    survey.refresh_from_db()
    state = answering_page_save(
        survey=survey, user=resident, state=state, page=3, values={"q3": ["2"]}
    )
    submission = submission_submit(survey=survey, user=resident, state=state)
    assert submission.version == first_version


def test_about_you_maps_to_submission_fields_and_postcode_to_area(
    organisation: Organisation,
) -> None:
    ward = AreaFactory(organisation=organisation)
    district = AreaFactory(organisation=organisation)
    PostcodeArea.objects.create(organisation=organisation, prefix="CF10", area=district)
    PostcodeArea.objects.create(organisation=organisation, prefix="CF101", area=ward)
    survey = routed_survey(organisation)
    state = AnswerState(
        version_id=survey.current_version_id, answers={"q1": ["no"], "q3": ["1"]}
    )
    state = answering_about_you_save(
        survey=survey,
        user=None,
        state=state,
        data={
            "age_band": "25_34",
            "sex": "prefer_not_to_say",
            "ethnicity": "white",
            "welsh_ability": "speaks",
            "postcode": "cf10 1aa",
        },
    )
    submission = submission_submit(survey=survey, user=None, state=state)
    assert submission.age_band == "25_34"
    assert submission.sex == "prefer_not_to_say"
    assert submission.gender_identity == ""
    assert submission.welsh_ability == "speaks"
    assert submission.postcode == "CF10 1AA"
    assert submission.area == ward  # the longest matching prefix wins
    assert submission.about_you_consented_at is not None


def test_about_you_refuses_unknown_categories_and_bad_postcodes(
    organisation: Organisation,
) -> None:
    survey = routed_survey(organisation)
    state = AnswerState(version_id=survey.current_version_id)
    with pytest.raises(AnswersInvalidError) as error:
        answering_about_you_save(
            survey=survey,
            user=None,
            state=state,
            data={"age_band": "ancient", "postcode": "NOT A POSTCODE"},
        )
    assert set(error.value.errors) == {"age_band", "postcode"}


def test_area_for_postcode_is_scoped_to_the_organisation(
    organisation: Organisation, other_organisation: Organisation
) -> None:
    area = AreaFactory(organisation=other_organisation)
    PostcodeArea.objects.create(
        organisation=other_organisation, prefix="SA1", area=area
    )
    assert area_for_postcode(organisation=organisation, postcode="SA1 1AA") is None
    assert (
        area_for_postcode(organisation=other_organisation, postcode="sa1 1aa") == area
    )


def test_receipt_is_emailed_after_commit_in_both_languages(
    organisation: Organisation, django_capture_on_commit_callbacks: Any
) -> None:
    survey = routed_survey(organisation)
    state = AnswerState(
        version_id=survey.current_version_id, answers={"q1": ["no"], "q3": ["3"]}
    )
    with django_capture_on_commit_callbacks(execute=True):
        submission_submit(
            survey=survey,
            user=None,
            state=state,
            contact_email="resident@example.org",
            wants_updates=True,
            language="cy",
        )
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["resident@example.org"]
    assert "Diolch" in message.body or "Thank you" in message.body
    assert "3" in message.body
    assert AuditEvent.objects.filter(action="submission.receipt_sent").count() == 1


def test_the_receipt_lists_questions_and_option_labels(
    organisation: Organisation, django_capture_on_commit_callbacks: Any
) -> None:
    survey = routed_survey(organisation)
    definition = survey.current_version.definition
    state = AnswerState(
        version_id=survey.current_version_id, answers={"q1": ["no"], "q3": ["3"]}
    )
    with django_capture_on_commit_callbacks(execute=True):
        submission = submission_submit(
            survey=survey, user=None, state=state, contact_email="r@example.org"
        )
    body = mail.outbox[0].body
    no_label = definition["questions"][0]["options"][1]["label"]
    assert definition["questions"][0]["text"]["en"] in body
    assert no_label["en"] in body
    assert no_label["cy"] in body  # bilingual: both languages are in the e-mail
    assert str(submission.pk) in body
    assert "\n" not in mail.outbox[0].subject
    assert submission_receipt_send(submission_id=submission.pk) is True
    Submission.objects.filter(pk=submission.pk).update(contact_email="")
    assert submission_receipt_send(submission_id=submission.pk) is False


def test_no_receipt_when_the_survey_offers_none(
    organisation: Organisation, django_capture_on_commit_callbacks: Any
) -> None:
    survey = routed_survey(organisation, offers_email_receipt=False)
    state = AnswerState(
        version_id=survey.current_version_id, answers={"q1": ["no"], "q3": ["3"]}
    )
    with django_capture_on_commit_callbacks(execute=True):
        submission_submit(
            survey=survey, user=None, state=state, contact_email="a@example.org"
        )
    assert mail.outbox == []


def test_wants_updates_needs_an_email(organisation: Organisation) -> None:
    survey = routed_survey(organisation)
    state = AnswerState(
        version_id=survey.current_version_id, answers={"q1": ["no"], "q3": ["3"]}
    )
    with pytest.raises(DomainError) as error:
        submission_submit(survey=survey, user=None, state=state, wants_updates=True)
    assert error.value.field == "contact_email"
    assert not Submission.objects.exists()


def test_every_kind_round_trips_through_a_draft(
    organisation: Organisation, resident: User
) -> None:
    survey = published_survey(engagement=EngagementFactory(organisation=organisation))
    values = {
        "short-text-q": ["Short <b>"],
        "long-text-q": ["Long ŵ"],
        "single-choice-q": ["yes"],
        "multiple-choice-q": ["no", "yes"],
        "scale-q": ["4"],
        "number-q": ["42"],
        "date-q": ["2026-03-27"],
        "postcode-q": ["cf10 1aa"],
        "ranking-q": ["roads", "parks"],
        "matrix-q": ["safety=agree", "cleanliness=disagree"],
    }
    state = answering_start(survey=survey, user=resident)
    state = answering_page_save(
        survey=survey, user=resident, state=state, page=1, values=values
    )
    resumed = answering_start(survey=survey, user=resident)
    assert resumed.answers["ranking-q"] == ["roads", "parks"]
    assert resumed.answers["multiple-choice-q"] == ["yes", "no"]
    assert resumed.answers["postcode-q"] == ["CF10 1AA"]
    submission = submission_submit(survey=survey, user=resident, state=resumed)
    assert submission.answers.filter(question_key="ranking-q").count() == 2


# --- officers' paper and phone entry --------------------------------------------


def test_officer_enters_a_paper_response_flagged_by_channel(
    organisation: Organisation, officer: User
) -> None:
    survey = routed_survey(organisation)
    submission = submission_enter(
        actor=officer,
        survey=survey,
        channel=Submission.Channel.PAPER,
        answers={"q1": ["no"]},  # q3 left blank: paper forms may be incomplete
        about_you={"age_band": "65_74"},
    )
    assert submission.channel == Submission.Channel.PAPER
    assert submission.entered_by == officer
    assert submission.user is None
    assert submission.age_band == "65_74"
    assert submission.version == survey.current_version
    assert AuditEvent.objects.filter(action="submission.enter").count() == 1


def test_entry_refuses_answers_to_hidden_questions(
    organisation: Organisation, officer: User
) -> None:
    survey = routed_survey(organisation)
    with pytest.raises(AnswersInvalidError) as error:
        submission_enter(
            actor=officer,
            survey=survey,
            channel=Submission.Channel.PHONE,
            answers={"q1": ["no"], "q2": ["Not asked"]},
            about_you={},
        )
    assert "q2" in error.value.errors
    assert not Submission.objects.exists()


@pytest.mark.parametrize("role", ["analyst", "elected_member", "resident"])
def test_only_officers_enter_responses(
    organisation: Organisation, role: str, request: pytest.FixtureRequest
) -> None:
    survey = routed_survey(organisation)
    with pytest.raises(PermissionDenied):
        submission_enter(
            actor=request.getfixturevalue(role),
            survey=survey,
            channel=Submission.Channel.PAPER,
            answers={"q1": ["no"]},
            about_you={},
        )
    assert not Submission.objects.exists()


def test_entry_refuses_online_channel_and_archived_engagements(
    organisation: Organisation, officer: User
) -> None:
    survey = routed_survey(organisation)
    with pytest.raises(DomainError):
        submission_enter(
            actor=officer,
            survey=survey,
            channel=Submission.Channel.ONLINE,
            answers={"q1": ["no"]},
            about_you={},
        )
    Engagement.objects.filter(pk=survey.engagement_id).update(
        status=Engagement.Status.ARCHIVED
    )
    survey.refresh_from_db()
    with pytest.raises(SurveyEntryError):
        submission_enter(
            actor=officer,
            survey=survey,
            channel=Submission.Channel.PAPER,
            answers={"q1": ["no"]},
            about_you={},
        )
    assert not Submission.objects.exists()


@pytest.mark.parametrize(
    ("status", "allowed"),
    [
        (Engagement.Status.DRAFT, False),
        (Engagement.Status.SCHEDULED, False),
        (Engagement.Status.OPEN, True),
        (Engagement.Status.CLOSED, True),
        (Engagement.Status.RESPONDED, False),
        (Engagement.Status.ARCHIVED, False),
    ],
)
def test_entry_by_engagement_state(
    organisation: Organisation, officer: User, status: str, allowed: bool
) -> None:
    survey = routed_survey(organisation)
    Engagement.objects.filter(pk=survey.engagement_id).update(status=status)
    survey.refresh_from_db()

    def enter() -> Submission:
        return submission_enter(
            actor=officer,
            survey=survey,
            channel=Submission.Channel.EVENT,
            answers={"q1": ["yes"], "q2": ["Shade"]},
            about_you={},
        )

    if allowed:
        assert enter().channel == Submission.Channel.EVENT
    else:
        with pytest.raises(SurveyEntryError):
            enter()
    assert Submission.objects.exists() is allowed


@pytest.mark.parametrize(
    ("access", "signed_in", "allowed"),
    [
        (Survey.Access.ANYONE, False, True),
        (Survey.Access.ANYONE, True, True),
        (Survey.Access.SIGNED_IN, False, False),
        (Survey.Access.SIGNED_IN, True, True),
    ],
)
def test_who_may_answer_by_access(
    organisation: Organisation,
    resident: User,
    access: str,
    signed_in: bool,
    allowed: bool,
) -> None:
    survey = routed_survey(organisation, access=access)
    user = resident if signed_in else None
    state = AnswerState(
        version_id=survey.current_version_id, answers={"q1": ["no"], "q3": ["1"]}
    )
    if allowed:
        submission = submission_submit(survey=survey, user=user, state=state)
        assert submission.user == user
    else:
        with pytest.raises(SignInRequiredError):
            submission_submit(survey=survey, user=user, state=state)
    assert Submission.objects.exists() is allowed


def test_the_same_answers_are_sent_only_once(organisation: Organisation) -> None:
    survey = routed_survey(organisation)
    state = AnswerState(
        version_id=survey.current_version_id, answers={"q1": ["no"], "q3": ["1"]}
    )
    submission_submit(survey=survey, user=None, state=state)
    with pytest.raises(AnswersAlreadySentError) as error:
        submission_submit(survey=survey, user=None, state=state)
    assert "already been sent" in error.value.messages[0]
    assert Submission.objects.count() == 1
    # A failed attempt leaves no mark: the person can correct and send.
    bad = AnswerState(version_id=survey.current_version_id, answers={"q1": ["no"]})
    with pytest.raises(AnswersInvalidError):
        submission_submit(survey=survey, user=None, state=bad)
    bad.answers["q3"] = ["2"]
    submission_submit(survey=survey, user=None, state=bad)
    assert Submission.objects.count() == 2


def test_updates_use_the_account_address_but_send_no_unasked_receipt(
    organisation: Organisation,
    resident: User,
    django_capture_on_commit_callbacks: Any,
) -> None:
    survey = routed_survey(organisation)
    state = AnswerState(
        version_id=survey.current_version_id, answers={"q1": ["no"], "q3": ["3"]}
    )
    with django_capture_on_commit_callbacks(execute=True):
        submission = submission_submit(
            survey=survey, user=resident, state=state, wants_updates=True
        )
    assert submission.contact_email == resident.email
    assert submission.wants_updates
    assert mail.outbox == []
