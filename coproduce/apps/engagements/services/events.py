"""Events held in person, by phone or by video, and who came to them."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from coproduce.apps.accounts.models import User
from coproduce.apps.audit.services import audit_diff, audit_event_create, audit_snapshot
from coproduce.apps.engagements.errors import EventError
from coproduce.apps.engagements.models import Engagement, EngagementEvent
from coproduce.apps.engagements.permissions import can_manage_engagements

_EVENT_FIELDS = [
    "title_en",
    "title_cy",
    "starts_at",
    "ends_at",
    "venue",
    "accessibility_information_en",
    "accessibility_information_cy",
    "attendance_count",
]


def _check(
    *, starts_at: datetime, ends_at: datetime | None, attendance_count: int | None
) -> None:
    if ends_at is not None and ends_at <= starts_at:
        raise EventError(
            _("The end time must be after the start time."), field="ends_at"
        )
    if attendance_count is not None and attendance_count < 0:
        raise EventError(
            _("The number of people who came must be 0 or more."),
            field="attendance_count",
        )


@transaction.atomic
def event_create(
    *,
    actor: User,
    engagement: Engagement,
    title_en: str,
    starts_at: datetime,
    venue: str,
    title_cy: str = "",
    ends_at: datetime | None = None,
    accessibility_information_en: str = "",
    accessibility_information_cy: str = "",
    attendance_count: int | None = None,
) -> EngagementEvent:
    """Add an event to an engagement.

    Raises PermissionDenied, EventError (times in the wrong order, negative
    attendance) or ValidationError.
    """
    if not can_manage_engagements(actor, engagement.organisation):
        raise PermissionDenied
    _check(starts_at=starts_at, ends_at=ends_at, attendance_count=attendance_count)
    event = EngagementEvent(
        engagement=engagement,
        title_en=title_en.strip(),
        title_cy=title_cy.strip(),
        starts_at=starts_at,
        ends_at=ends_at,
        venue=venue.strip(),
        accessibility_information_en=accessibility_information_en.strip(),
        accessibility_information_cy=accessibility_information_cy.strip(),
        attendance_count=attendance_count,
    )
    event.full_clean()
    event.save()
    audit_event_create(
        actor=actor,
        action="event.create",
        target=event,
        organisation=engagement.organisation,
        changes=audit_snapshot(event, _EVENT_FIELDS),
    )
    return event


@transaction.atomic
def event_update(
    *,
    actor: User,
    event: EngagementEvent,
    title_en: str,
    starts_at: datetime,
    venue: str,
    title_cy: str = "",
    ends_at: datetime | None = None,
    accessibility_information_en: str = "",
    accessibility_information_cy: str = "",
    attendance_count: int | None = None,
) -> EngagementEvent:
    """Change an event, including the number of people who came afterwards.

    Raises PermissionDenied, EventError or ValidationError.
    """
    organisation = event.engagement.organisation
    if not can_manage_engagements(actor, organisation):
        raise PermissionDenied
    event = EngagementEvent.objects.select_for_update().get(pk=event.pk)
    _check(starts_at=starts_at, ends_at=ends_at, attendance_count=attendance_count)
    before = audit_snapshot(event, _EVENT_FIELDS)
    event.title_en = title_en.strip()
    event.title_cy = title_cy.strip()
    event.starts_at = starts_at
    event.ends_at = ends_at
    event.venue = venue.strip()
    event.accessibility_information_en = accessibility_information_en.strip()
    event.accessibility_information_cy = accessibility_information_cy.strip()
    event.attendance_count = attendance_count
    event.full_clean()
    event.save()
    audit_event_create(
        actor=actor,
        action="event.update",
        target=event,
        organisation=organisation,
        changes=audit_diff(before, audit_snapshot(event, _EVENT_FIELDS)),
    )
    return event


@transaction.atomic
def event_delete(*, actor: User, event: EngagementEvent) -> None:
    """Delete an event. Raises PermissionDenied."""
    organisation = event.engagement.organisation
    if not can_manage_engagements(actor, organisation):
        raise PermissionDenied
    event = EngagementEvent.objects.select_for_update().get(pk=event.pk)
    audit_event_create(
        actor=actor,
        action="event.delete",
        target=event,
        organisation=organisation,
        changes=audit_snapshot(event, _EVENT_FIELDS),
    )
    event.delete()
