"""Contributions of an organisation's residents, linked into people (spec §1).

A contribution is a submitted survey response or a comment that was not
rejected, in one of the organisation's engagements. The person key is the
account when the resident was signed in, else a keyed hash (HMAC) of the
contact e-mail they left, normalised (trimmed, case-folded) so "Ann@X.org "
and "ann@x.org" are one person; otherwise the contribution is unlinked. No
e-mail address leaves this module: only the hash, which cannot be turned back
into the address without the site's secret key.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.utils import timezone
from django.utils.crypto import salted_hmac

from coproduce.analytics.representation import Contribution
from coproduce.apps.engagements.selectors import (
    EngagementTimeline,
    comment_contributions_for_organisation,
    engagement_timelines_for_organisation,
)
from coproduce.apps.organisations.models import Organisation
from coproduce.apps.surveys.selectors.contributions import (
    submission_contributions_for_organisation,
)

# Changing this string re-keys everyone (and changes every input hash).
PERSON_KEY_PURPOSE = "coproduce.inclusion.person-key.v1"


def person_key(*, user_id: int | None, contact_email: str = "") -> str | None:
    """The key that links one person's contributions, or None (unlinked)."""
    if user_id is not None:
        return f"account:{user_id}"
    email = contact_email.strip().casefold()
    if not email:
        return None
    digest = salted_hmac(PERSON_KEY_PURPOSE, email, algorithm="sha256").hexdigest()
    return f"email:{digest[:32]}"


def local_date(moment: datetime) -> date:
    """The calendar day of a timestamp in the site's time zone."""
    return timezone.localtime(moment).date()


@dataclass(frozen=True, slots=True)
class OrganisationContributions:
    """Everything person-based inclusion figures need about one organisation."""

    contributions: tuple[Contribution, ...]  # engagement ids as text
    # Engagement id → number of submitted responses and of comments.
    n_responses: dict[int, int]
    n_comments: dict[int, int]
    timelines: dict[int, EngagementTimeline]


def contributions_for_organisation(
    *, organisation: Organisation
) -> OrganisationContributions:
    """All contributions of the organisation as `Contribution` rows, oldest first.

    Three queries (responses, comments, engagement dates), whatever the volume.
    No actor: callers check who may see the figures.
    """
    rows: list[tuple[datetime, Contribution]] = []
    n_responses: dict[int, int] = {}
    n_comments: dict[int, int] = {}
    for submission in submission_contributions_for_organisation(
        organisation=organisation
    ):
        n_responses[submission.engagement_id] = (
            n_responses.get(submission.engagement_id, 0) + 1
        )
        rows.append(
            (
                submission.submitted_at,
                Contribution(
                    engagement_id=str(submission.engagement_id),
                    contributed_on=local_date(submission.submitted_at),
                    person_key=person_key(
                        user_id=submission.user_id,
                        contact_email=submission.contact_email,
                    ),
                ),
            )
        )
    for comment in comment_contributions_for_organisation(organisation=organisation):
        n_comments[comment.engagement_id] = n_comments.get(comment.engagement_id, 0) + 1
        rows.append(
            (
                comment.created_at,
                Contribution(
                    engagement_id=str(comment.engagement_id),
                    contributed_on=local_date(comment.created_at),
                    person_key=person_key(user_id=comment.user_id),
                ),
            )
        )
    rows.sort(key=lambda row: row[0])
    timelines = {
        timeline.engagement_id: timeline
        for timeline in engagement_timelines_for_organisation(organisation=organisation)
    }
    return OrganisationContributions(
        contributions=tuple(contribution for _, contribution in rows),
        n_responses=n_responses,
        n_comments=n_comments,
        timelines=timelines,
    )
