"""The audit log: every service that changes data calls `audit_event_create`."""

from __future__ import annotations

import json
import re
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db import models
from django.db.models import Q, TextField
from django.db.models.functions import Cast

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


def audit_events_pseudonymise_user(*, user: User) -> int:
    """Replace a deleted account's address and name everywhere in the log; keep events.

    The log must still show that *someone* made each change (accountability),
    but not who, once that person has erased their account. Events they made,
    events about their account and events that mention their address or name
    (memberships, invitations) all get the pseudonym. Returns how many changed.
    """
    pseudonym = f"deleted-account-{user.pk}"
    identifiers = [user.email]
    if len(user.full_name.strip()) >= 3:  # a short name would match unrelated text
        identifiers.append(user.full_name.strip())
    mentions = Q()
    for identifier in identifiers:
        mentions |= Q(target_repr__icontains=identifier)
        mentions |= Q(changes_text__icontains=identifier)
    events = AuditEvent.objects.annotate(
        changes_text=Cast("changes", output_field=TextField())
    ).filter(
        Q(actor=user)
        | Q(target_type=user._meta.label_lower, target_id=str(user.pk))
        | mentions
    )
    n_changed = 0
    for event in events.select_for_update():
        event.actor_repr = (
            pseudonym
            if event.actor_id == user.pk
            else _erase(event.actor_repr, identifiers, pseudonym)
        )
        event.target_repr = _erase(event.target_repr, identifiers, pseudonym)
        event.changes = json.loads(
            _erase(
                json.dumps(event.changes, ensure_ascii=False), identifiers, pseudonym
            )
        )
        event.save(update_fields=["actor_repr", "target_repr", "changes"])
        n_changed += 1
    return n_changed


def _erase(text: str, identifiers: list[str], pseudonym: str) -> str:
    for identifier in identifiers:
        text = re.sub(re.escape(identifier), pseudonym, text, flags=re.IGNORECASE)
    return text
