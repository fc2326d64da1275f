"""The audit log: every service that changes data calls `audit_event_create`."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db import models

from coproduce.apps.accounts.models import User
from coproduce.apps.audit.models import AuditEvent

_MAX_VALUE_CHARS = 500  # keep audit rows small: a summary, not a copy of the data


def audit_snapshot(obj: models.Model, fields: list[str]) -> dict[str, Any]:
    """Readable values of `fields` on `obj`, for a change's before/after summary."""
    snapshot: dict[str, Any] = {}
    for name in fields:
        value = getattr(obj, name)
        if isinstance(value, models.Model) or (
            value is not None and not isinstance(value, bool | int | float)
        ):
            value = str(value)
        if isinstance(value, str) and len(value) > _MAX_VALUE_CHARS:
            value = value[:_MAX_VALUE_CHARS] + "…"
        snapshot[name] = value
    return snapshot


def audit_diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """Only the fields that changed, as {"field": {"before": …, "after": …}}."""
    return {
        name: {"before": before.get(name), "after": after.get(name)}
        for name in sorted(set(before) | set(after))
        if before.get(name) != after.get(name)
    }


def audit_event_create(
    *,
    actor: User | AnonymousUser | None,
    action: str,
    target: models.Model | None = None,
    organisation: models.Model | None = None,
    changes: dict[str, Any] | None = None,
) -> AuditEvent:
    """Record that `actor` did `action` to `target`, inside the service's transaction.

    `organisation` defaults to the target's own organisation, so administrators
    of that organisation see the event in their log.
    """
    if organisation is None and target is not None:
        organisation = getattr(target, "organisation", None)
    user = actor if isinstance(actor, User) else None
    event = AuditEvent(
        organisation_id=organisation.pk if organisation is not None else None,
        actor=user,
        actor_repr=user.email if user is not None else "",
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk)
        if target is not None and target.pk is not None
        else "",
        target_repr=str(target)[:300] if target is not None else "",
        changes=changes or {},
    )
    event.full_clean(exclude=["organisation", "actor"])
    event.save()
    return event


def audit_events_pseudonymise_actor(*, user: User) -> int:
    """Replace a deleted account's address in the log by a pseudonym; keep the events.

    The log must still show that *someone* made each change (accountability),
    but not who, once that person has erased their account.
    """
    return AuditEvent.objects.filter(actor=user).update(
        actor_repr=f"deleted-account-{user.pk}"
    )
