"""Reading the audit log: administrators of an organisation see its events."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from coproduce.apps.accounts.models import User
from coproduce.apps.audit.models import AuditEvent
from coproduce.apps.organisations.models import Organisation
from coproduce.apps.organisations.permissions import can_view_audit_log


def audit_event_list(
    *,
    actor: User,
    organisation: Organisation,
    action_prefix: str = "",
    actor_email: str = "",
) -> QuerySet[AuditEvent]:
    """The organisation's audit events, newest first. Raises PermissionDenied."""
    if not can_view_audit_log(actor, organisation):
        raise PermissionDenied
    events = AuditEvent.objects.filter(organisation=organisation)
    if action_prefix:
        events = events.filter(action__startswith=action_prefix)
    if actor_email:
        events = events.filter(actor_repr__icontains=actor_email)
    return events.order_by("-created_at", "-pk")


def audit_action_choices(*, organisation: Organisation) -> list[str]:
    """The distinct actions recorded for the organisation, for the filter menu."""
    return list(
        AuditEvent.objects.filter(organisation=organisation)
        .order_by("action")
        .values_list("action", flat=True)
        .distinct()
    )
