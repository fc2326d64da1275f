"""Reads for inclusion: who responded when, across an organisation's engagements.

No actor: the inclusion service that calls these checks who may request a
snapshot, and a scheduled refresh has no actor at all. Both functions return
plain values (no model instances), one query each, however many responses.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count

from coproduce.apps.core.about_you import ABOUT_YOU_FIELDS
from coproduce.apps.engagements.models import Engagement
from coproduce.apps.organisations.models import Organisation
from coproduce.apps.surveys.models import Submission


@dataclass(frozen=True, slots=True)
class SubmissionContribution:
    """One submitted response: whose (account or contact e-mail), where and when."""

    engagement_id: int
    user_id: int | None
    contact_email: str
    submitted_at: datetime


def submission_contributions_for_organisation(
    *, organisation: Organisation
) -> list[SubmissionContribution]:
    """Every submitted survey response in the organisation's engagements, oldest first.

    One query. Responses still in progress do not count; the contact e-mail is
    returned as given (the caller normalises and hashes it, never stores it).
    """
    rows = (
        Submission.objects.filter(
            survey__engagement__organisation=organisation,
            status=Submission.Status.SUBMITTED,
            submitted_at__isnull=False,
        )
        .order_by("submitted_at", "pk")
        .values_list(
            "survey__engagement_id", "user_id", "contact_email", "submitted_at"
        )
    )
    return [
        SubmissionContribution(
            engagement_id=engagement_id,
            user_id=user_id,
            contact_email=contact_email,
            submitted_at=submitted_at,
        )
        for engagement_id, user_id, contact_email, submitted_at in rows
        if submitted_at is not None  # filtered above; this tells the type checker
    ]


def about_you_answers_for_engagement(
    *, engagement: Engagement
) -> tuple[int, dict[str, dict[str, int]]]:
    """Submitted responses and, per about-you field, {answer value: responses}.

    The same figures as `results.about_you_counts_for_engagement`, in one query
    (grouped by every field at once) and without an actor: for snapshots,
    whose service checks permission itself.
    """
    fields = list(ABOUT_YOU_FIELDS)
    counts: dict[str, dict[str, int]] = {name: {} for name in fields}
    n_responses = 0
    rows = (
        Submission.objects.filter(
            survey__engagement=engagement, status=Submission.Status.SUBMITTED
        )
        .order_by()
        .values(*fields)
        .annotate(n=Count("pk"))
    )
    for row in rows:
        n = int(row["n"])
        n_responses += n
        for name in fields:
            value = row[name]
            counts[name][value] = counts[name].get(value, 0) + n
    return n_responses, counts


@dataclass(frozen=True, slots=True)
class PostcodeCount:
    postcode: str  # as the resident gave it; "" when not asked or not answered
    area_id: int | None  # coded when the response arrived, if the lookup knew it
    n: int  # submitted responses with this postcode and area


def postcodes_for_engagement(*, engagement: Engagement) -> list[PostcodeCount]:
    """Submitted responses of the engagement grouped by postcode and coded area,
    in one query, for reach in deprived areas (inclusion snapshots)."""
    rows = (
        Submission.objects.filter(
            survey__engagement=engagement, status=Submission.Status.SUBMITTED
        )
        .order_by()
        .values("postcode", "area_id")
        .annotate(n=Count("pk"))
    )
    return [
        PostcodeCount(postcode=row["postcode"], area_id=row["area_id"], n=int(row["n"]))
        for row in rows
    ]
