"""What other apps need from surveys: published surveys of an engagement, their
questions and tags (to link a "you said, we did" response), and who asked to
hear back.

Owned by the engagements work; the surveys app may extend it.
"""

from __future__ import annotations

from django.db.models import QuerySet

from coproduce.apps.engagements.models import Comment, Engagement
from coproduce.apps.surveys.models import AnswerTag, Question, Submission, Survey


def survey_list_published_for_engagement(*, engagement: Engagement) -> QuerySet[Survey]:
    """Published surveys of the engagement (those with a current version)."""
    return Survey.objects.filter(
        engagement=engagement, current_version__isnull=False
    ).order_by("pk")


def question_list_for_engagement(*, engagement: Engagement) -> QuerySet[Question]:
    """Every question of the engagement's surveys, for linking a response."""
    return (
        Question.objects.filter(survey__engagement=engagement)
        .select_related("survey")
        .order_by("survey", "page", "position", "pk")
    )


def answer_tag_list_for_engagement(*, engagement: Engagement) -> QuerySet[AnswerTag]:
    """Every free-text tag of the engagement's surveys, for linking a response."""
    return (
        AnswerTag.objects.filter(survey__engagement=engagement)
        .select_related("survey")
        .order_by("name", "pk")
    )


def contact_emails_for_engagement(*, engagement: Engagement) -> list[str]:
    """Distinct lower-case e-mail addresses of people who asked to hear back.

    Submissions that left an address and ticked "tell me what happens", the
    accounts of signed-in people who answered, and the authors of comments.
    """
    submissions = Submission.objects.filter(
        survey__engagement=engagement, status=Submission.Status.SUBMITTED
    )
    emails: set[str] = set()
    for email in (
        submissions.filter(wants_updates=True)
        .exclude(contact_email="")
        .values_list("contact_email", flat=True)
    ):
        emails.add(email.strip().lower())
    for email in submissions.filter(
        user__isnull=False, user__is_active=True
    ).values_list("user__email", flat=True):
        emails.add(email.strip().lower())
    for email in Comment.objects.filter(
        engagement=engagement, author__is_active=True
    ).values_list("author__email", flat=True):
        emails.add(email.strip().lower())
    emails.discard("")
    return sorted(emails)
