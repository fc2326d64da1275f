"""Residents answer a published survey, page by page, then submit.

Where unfinished answers live (the simplest design that stays robust):

- Anonymous respondents: in their session only (`AnswerState`, JSON). Nothing
  reaches the database until they submit, so abandoned surveys leave no rows
  and results never see half-answers from strangers.
- Signed-in residents: in an IN_PROGRESS Submission with its Answer rows and
  `current_page` (save and continue), so they can come back later, from another
  device, and resume. Results must count SUBMITTED submissions only.

A response stays on the version it started on: if officers publish a new
version meanwhile, an unfinished response continues with the questions it was
shown and is submitted against that version (which records it). Restarting
would throw away answers people already gave.

Submitting re-checks everything (open, access, one response per person,
every visible answer, routing) inside one transaction, then e-mails a receipt
after commit.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from coproduce.apps.accounts.models import User
from coproduce.apps.audit.services import audit_event_create
from coproduce.apps.core.about_you import ABOUT_YOU_FIELDS
from coproduce.apps.engagements.models import Engagement
from coproduce.apps.surveys.definition import (
    SurveyDefinition,
)
from coproduce.apps.surveys.models import (
    Answer,
    Submission,
    Survey,
    SurveyVersion,
)
from coproduce.apps.surveys.routing import (
    page_next,
    questions_on_page,
    visible_answers,
)
from coproduce.apps.surveys.services.responses import (
    POSTCODE_FIELD,
    about_you_validate,
    answer_raw_values,
    answers_validate,
    submission_about_you_apply,
    submission_answers_write,
)
from coproduce.errors import DomainError, StateConflictError

# `AnswerState.page` (and a draft's current_page) once every page is answered.
FINISHED_PAGE = 999
SENT_MARK_SECONDS = 7 * 24 * 60 * 60


class SurveyClosedError(StateConflictError):
    """The survey is not taking answers (its engagement is not open)."""

    code = "survey_closed"


class AlreadyAnsweredError(StateConflictError):
    """The survey takes one response per person and this person has answered."""

    code = "already_answered"


class AnswersAlreadySentError(AlreadyAnsweredError):
    """These very answers were sent already (a double click, a second tab)."""

    code = "answers_already_sent"


class SignInRequiredError(DomainError):
    """The survey takes answers only from people who sign in."""

    code = "sign_in_required"
    http_status = 403


@dataclass
class AnswerState:
    """A respondent's unfinished answers: raw values per question key, as
    `answer_validate` takes them, plus the 'about you' answers."""

    version_id: int
    answers: dict[str, list[str]] = field(default_factory=dict)
    about_you: dict[str, str] = field(default_factory=dict)
    page: int = 1
    # Identifies this round of answering, so the same answers are sent once.
    token: str = field(default_factory=lambda: uuid.uuid4().hex)

    def to_json(self) -> dict[str, Any]:
        return {
            "version_id": self.version_id,
            "answers": self.answers,
            "about_you": self.about_you,
            "page": self.page,
            "token": self.token,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> AnswerState:
        return cls(
            version_id=int(data["version_id"]),
            answers={str(k): [str(v) for v in vs] for k, vs in data["answers"].items()},
            about_you={str(k): str(v) for k, v in data["about_you"].items()},
            page=int(data.get("page", 1)),
            token=str(data.get("token") or uuid.uuid4().hex),
        )


def survey_is_open(survey: Survey) -> bool:
    """Open while its engagement is open and a version is published."""
    return (
        survey.current_version_id is not None
        and survey.engagement.status == Engagement.Status.OPEN
    )


def _signed_in(user: User | AnonymousUser | None) -> User | None:
    return user if isinstance(user, User) and user.is_authenticated else None


def answering_check(*, survey: Survey, user: User | AnonymousUser | None) -> None:
    """Whether this person may answer now.

    Raises SurveyClosedError, SignInRequiredError or AlreadyAnsweredError, each
    with a message fit to show on the page.
    """
    if not survey_is_open(survey):
        raise SurveyClosedError(
            _("This survey is closed. It is not taking answers any more.")
        )
    person = _signed_in(user)
    if survey.access == Survey.Access.SIGNED_IN and person is None:
        raise SignInRequiredError(
            _(
                "You need to sign in to answer this survey, so we can count one "
                "response per person."
            )
            if survey.is_one_response_per_person
            else _("You need to sign in to answer this survey.")
        )
    if (
        survey.is_one_response_per_person
        and person is not None
        and Submission.objects.filter(
            survey=survey, user=person, status=Submission.Status.SUBMITTED
        ).exists()
    ):
        raise AlreadyAnsweredError(
            _("You have already answered this survey. Each person can answer once.")
        )


def answering_version(*, survey: Survey, state: AnswerState) -> SurveyVersion:
    """The version a respondent is answering (the one they started on)."""
    return _version_for(survey, state.version_id)


def _version_for(survey: Survey, version_id: int) -> SurveyVersion:
    version = SurveyVersion.objects.filter(survey=survey, pk=version_id).first()
    if version is None:  # a stale or tampered state: start again
        raise SurveyClosedError(_("This survey has changed. Please start again."))
    return version


def answering_draft_state(
    *, survey: Survey, user: User | AnonymousUser | None
) -> AnswerState | None:
    """A signed-in resident's saved, unfinished answers, if any."""
    person = _signed_in(user)
    draft = _draft_for(survey, person) if person is not None else None
    return _state_from_draft(draft) if draft is not None else None


def _draft_for(survey: Survey, user: User) -> Submission | None:
    return (
        Submission.objects.filter(
            survey=survey, user=user, status=Submission.Status.IN_PROGRESS
        )
        .select_related("version")
        .first()
    )


def _state_from_draft(draft: Submission) -> AnswerState:
    definition: SurveyDefinition = draft.version.definition
    rows_by_key: dict[str, list[Answer]] = {}
    for row in draft.answers.order_by("pk"):
        rows_by_key.setdefault(row.question_key, []).append(row)
    answers = {
        question["key"]: answer_raw_values(question, rows_by_key[question["key"]])
        for question in definition["questions"]
        if question["key"] in rows_by_key
    }
    about_you = {
        name: getattr(draft, name)
        for name in [*ABOUT_YOU_FIELDS, POSTCODE_FIELD]
        if getattr(draft, name)
    }
    return AnswerState(
        version_id=draft.version_id,
        answers=answers,
        about_you=about_you,
        page=draft.current_page,
        # The draft row is the round of answering; started_at keeps the mark
        # unique even if a database reuses the number of a deleted row.
        token=f"draft-{draft.pk}-{draft.started_at.timestamp()}",
    )


def answering_start(
    *, survey: Survey, user: User | AnonymousUser | None
) -> AnswerState:
    """The state to answer from: a signed-in resident's saved draft, or a new one.

    Raises the errors of `answering_check`.
    """
    answering_check(survey=survey, user=user)
    person = _signed_in(user)
    if person is not None:
        draft = _draft_for(survey, person)
        if draft is not None:
            return _state_from_draft(draft)
    assert survey.current_version_id is not None  # noqa: S101 - checked as open
    return AnswerState(version_id=survey.current_version_id)


@transaction.atomic
def _draft_save(
    *, survey: Survey, person: User, state: AnswerState, version: SurveyVersion
) -> None:
    """Save a signed-in resident's progress (answers already checked)."""
    definition: SurveyDefinition = version.definition
    validated = answers_validate(
        questions=definition["questions"],
        answers=state.answers,
        enforce_required=False,
    )
    draft = (
        Submission.objects.select_for_update()
        .filter(survey=survey, user=person, status=Submission.Status.IN_PROGRESS)
        .first()
    )
    if draft is None:
        draft = Submission(
            survey=survey,
            version=version,
            channel=Submission.Channel.ONLINE,
            user=person,
            language=(translation.get_language() or "en")[:5],
        )
    draft.current_page = state.page
    submission_about_you_apply(draft, survey, state.about_you)
    draft.full_clean()
    draft.save()
    submission_answers_write(draft, validated)


def answering_page_save(
    *,
    survey: Survey,
    user: User | AnonymousUser | None,
    state: AnswerState,
    page: int,
    values: Mapping[str, list[str]],
) -> AnswerState:
    """Check one page's answers and keep them in the state (and the draft).

    `values` holds raw values for the visible questions of `page`; anything
    else is ignored. The new state's `page` is the next page to show, or
    `FINISHED_PAGE` when the questions are done. Raises SurveyClosedError,
    SignInRequiredError, AlreadyAnsweredError or AnswersInvalidError; nothing
    is kept on error.
    """
    answering_check(survey=survey, user=user)
    version = _version_for(survey, state.version_id)
    questions = version.definition["questions"]
    on_page = questions_on_page(questions, state.answers, page)
    page_answers = {q["key"]: list(values.get(q["key"], [])) for q in on_page}
    answers = {k: v for k, v in state.answers.items() if k not in page_answers}
    answers.update({k: v for k, v in page_answers.items() if any(x.strip() for x in v)})
    # Check this page only; earlier answers decide which of its questions show.
    answers_validate(questions=questions, answers=answers, keys=set(page_answers))
    new_state = AnswerState(
        version_id=state.version_id,
        answers=answers,
        about_you=dict(state.about_you),
        page=page_next(questions, answers, page) or FINISHED_PAGE,
        token=state.token,
    )
    person = _signed_in(user)
    if person is not None:
        _draft_save(survey=survey, person=person, state=new_state, version=version)
    return new_state


def answering_about_you_save(
    *,
    survey: Survey,
    user: User | AnonymousUser | None,
    state: AnswerState,
    data: Mapping[str, str],
) -> AnswerState:
    """Check and keep the 'about you' answers. Raises like answering_page_save."""
    answering_check(survey=survey, user=user)
    version = _version_for(survey, state.version_id)
    new_state = AnswerState(
        version_id=state.version_id,
        answers=dict(state.answers),
        about_you=about_you_validate(data),
        page=state.page,
        token=state.token,
    )
    person = _signed_in(user)
    if person is not None:
        _draft_save(survey=survey, person=person, state=new_state, version=version)
    return new_state


@transaction.atomic
def submission_submit(
    *,
    survey: Survey,
    user: User | AnonymousUser | None,
    state: AnswerState,
    contact_email: str = "",
    wants_updates: bool = False,
    language: str = "en",
) -> Submission:
    """Submit a response: re-check everything, store it, then e-mail a receipt.

    Raises SurveyClosedError, SignInRequiredError, AlreadyAnsweredError (the
    survey row is locked, so a double click cannot submit twice) or
    AnswersInvalidError. Nothing is saved on error.
    """
    # Lock the survey: one-response-per-person checks and writes happen in turn.
    survey = (
        Survey.objects.select_for_update()
        .select_related("engagement", "organisation")
        .get(pk=survey.pk)
    )
    answering_check(survey=survey, user=user)
    version = _version_for(survey, state.version_id)
    definition: SurveyDefinition = version.definition
    validated = answers_validate(
        questions=definition["questions"],
        answers=visible_answers(definition["questions"], state.answers),
    )
    about_you = about_you_validate(state.about_you) if survey.includes_about_you else {}
    contact_email = contact_email.strip()
    # A receipt goes only to an address typed for it; news of what happens may
    # use a signed-in resident's account address.
    wants_receipt = bool(contact_email) and survey.offers_email_receipt
    person = _signed_in(user)
    if wants_updates and not contact_email and person is not None:
        contact_email = person.email
    if contact_email:
        try:
            validate_email(contact_email)
        except Exception:
            raise DomainError(
                _(
                    "Enter an email address in the correct format, like "
                    "name@example.org."
                ),
                field="contact_email",
            ) from None
    elif wants_updates:
        raise DomainError(
            _("Enter your email address so we can tell you what happens."),
            field="contact_email",
        )
    # A double click, or the same answers sent from two tabs, must not make two
    # responses. The survey row is locked, so the second request waits here
    # for the first to commit and then finds its mark. The database cache
    # shares this transaction, so a rolled-back submission leaves no mark.
    if not cache.add(
        f"survey-submitted:{survey.pk}:{state.token}", True, timeout=SENT_MARK_SECONDS
    ):
        raise AnswersAlreadySentError(
            _(
                "These answers have already been sent. You do not need to send "
                "them again."
            )
        )
    submission = _draft_for(survey, person) if person is not None else None
    if submission is None:
        submission = Submission(
            survey=survey, channel=Submission.Channel.ONLINE, user=person
        )
    submission.version = version
    submission.status = Submission.Status.SUBMITTED
    submission.submitted_at = timezone.now()
    submission.contact_email = contact_email
    submission.wants_updates = wants_updates
    submission.language = "cy" if language.startswith("cy") else "en"
    submission_about_you_apply(submission, survey, about_you)
    submission.full_clean()
    submission.save()
    submission_answers_write(submission, validated)
    audit_event_create(
        actor=person,
        action="submission.submit",
        target=submission,
        organisation=survey.organisation,
        changes={"version": version.number, "channel": submission.channel},
    )
    if wants_receipt:
        # The task module imports this one, so the task is imported here.
        from coproduce.apps.surveys.tasks import submission_receipt_send_task

        transaction.on_commit(
            partial(submission_receipt_send_task.enqueue, submission_id=submission.pk)
        )
    return submission
