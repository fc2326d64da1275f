"""Officers type in responses that came on paper, by phone or at an event."""

from __future__ import annotations

from collections.abc import Mapping

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from coproduce.apps.accounts.models import User
from coproduce.apps.audit.services import audit_event_create
from coproduce.apps.engagements.models import Engagement
from coproduce.apps.engagements.permissions import can_manage_engagements
from coproduce.apps.surveys.definition import SurveyDefinition
from coproduce.apps.surveys.models import Submission, Survey
from coproduce.apps.surveys.services.responses import (
    about_you_validate,
    answers_validate,
    submission_about_you_apply,
    submission_answers_write,
)
from coproduce.errors import DomainError, StateConflictError

ENTRY_CHANNELS = (
    Submission.Channel.PAPER,
    Submission.Channel.PHONE,
    Submission.Channel.EVENT,
)
# Paper forms posted before the closing date still arrive afterwards, so
# officers may enter responses while the engagement is open or just closed.
ENTRY_STATUSES = frozenset({Engagement.Status.OPEN, Engagement.Status.CLOSED})


class SurveyEntryError(StateConflictError):
    """Responses cannot be entered for this survey now."""

    code = "survey_entry"


@transaction.atomic
def submission_enter(
    *,
    actor: User,
    survey: Survey,
    channel: str,
    answers: Mapping[str, list[str]],
    about_you: Mapping[str, str],
) -> Submission:
    """Store a response an officer typed in, flagged by channel, on the live version.

    Required questions are not enforced (a paper form may be incomplete, and
    what the person wrote must not be lost); answers to questions that routing
    hides are refused, so results never hold answers nobody was asked.
    Raises PermissionDenied, SurveyEntryError, DomainError (channel) or
    AnswersInvalidError listing every problem. Nothing is saved on error.
    """
    if not can_manage_engagements(actor, survey.organisation):
        raise PermissionDenied
    survey = (
        # of=("self",): PostgreSQL cannot lock the nullable side of the outer
        # join to current_version, and only the survey row needs the lock.
        Survey.objects.select_for_update(of=("self",))
        .select_related("engagement", "organisation", "current_version")
        .get(pk=survey.pk)
    )
    version = survey.current_version
    if version is None:
        raise SurveyEntryError(_("Publish the survey before entering responses."))
    if survey.engagement.status not in ENTRY_STATUSES:
        raise SurveyEntryError(
            _(
                "Responses can be entered only while the engagement is open or "
                "closed. This engagement is %(status)s."
            )
            % {"status": survey.engagement.get_status_display()}
        )
    if channel not in ENTRY_CHANNELS:
        raise DomainError(
            _("Choose how the response came in: paper, telephone or event."),
            field="channel",
        )
    definition: SurveyDefinition = version.definition
    validated = answers_validate(
        questions=definition["questions"],
        answers=answers,
        enforce_required=False,
        refuse_hidden=True,
    )
    cleaned_about_you = (
        about_you_validate(about_you) if survey.includes_about_you else {}
    )
    if not validated and not cleaned_about_you:
        raise DomainError(_("Enter at least one answer."))
    submission = Submission(
        survey=survey,
        version=version,
        channel=channel,
        status=Submission.Status.SUBMITTED,
        entered_by=actor,
        submitted_at=timezone.now(),
    )
    submission_about_you_apply(submission, survey, cleaned_about_you)
    submission.full_clean()
    submission.save()
    submission_answers_write(submission, validated)
    audit_event_create(
        actor=actor,
        action="submission.enter",
        target=submission,
        organisation=survey.organisation,
        changes={"version": version.number, "channel": channel},
    )
    return submission
