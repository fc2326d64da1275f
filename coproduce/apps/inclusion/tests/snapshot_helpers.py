"""Helpers for snapshot tests: dated engagements and contributions, made cheaply."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from django.utils import timezone

from coproduce.apps.accounts.models import User
from coproduce.apps.engagements.models import Comment, Engagement
from coproduce.apps.engagements.tests.factories import CommentFactory, EngagementFactory
from coproduce.apps.organisations.models import Organisation
from coproduce.apps.surveys.models import Submission, Survey
from coproduce.apps.surveys.tests.factories import (
    SubmissionFactory,
    SurveyFactory,
    survey_version_create,
)


def at(day: date, hour: int = 12) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def dated_engagement(
    organisation: Organisation,
    *,
    opens_on: date,
    closes_on: date,
    status: str = Engagement.Status.CLOSED,
    **fields: Any,
) -> Engagement:
    """An engagement that opened and closed on these days, with an empty survey."""
    closed = status in (
        Engagement.Status.CLOSED,
        Engagement.Status.RESPONDED,
        Engagement.Status.ARCHIVED,
    )
    engagement = EngagementFactory(
        organisation=organisation,
        status=status,
        opens_at=at(opens_on, 9),
        closes_at=at(closes_on, 17),
        closed_at=at(closes_on, 17) if closed else None,
        published_at=at(opens_on, 9),
        **fields,
    )
    survey = SurveyFactory(engagement=engagement)
    survey_version_create(survey)
    return engagement


def respond(
    engagement: Engagement,
    on: date,
    *,
    user: User | None = None,
    email: str = "",
    status: str = Submission.Status.SUBMITTED,
    **about_you: str,
) -> Submission:
    survey: Survey = engagement.surveys.get()
    return SubmissionFactory(
        survey=survey,
        user=user,
        contact_email=email,
        status=status,
        submitted_at=at(on) if status == Submission.Status.SUBMITTED else None,
        **about_you,
    )


def comment(
    engagement: Engagement,
    on: date,
    *,
    author: User,
    status: str = Comment.Status.APPROVED,
) -> Comment:
    made = CommentFactory(
        engagement=engagement,
        author=author,
        status=status,
        rejection_reason="Off topic" if status == Comment.Status.REJECTED else "",
    )
    Comment.objects.filter(pk=made.pk).update(created_at=at(on))
    made.refresh_from_db()
    return made
