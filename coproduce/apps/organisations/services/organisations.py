"""Creating organisations and their first members (support staff, demo and set-up)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction

from coproduce.apps.accounts.models import User
from coproduce.apps.audit.services import audit_diff, audit_event_create, audit_snapshot
from coproduce.apps.organisations.models import Membership, Organisation, Role
from coproduce.apps.organisations.permissions import can_manage_organisation

_ORGANISATION_FIELDS = ["name_en", "name_cy", "slug", "kind", "response_due_weeks"]


@transaction.atomic
def organisation_create(
    *,
    actor: User | None,
    name_en: str,
    name_cy: str,
    slug: str,
    kind: str,
    first_administrator: User | None = None,
) -> Organisation:
    """Create an organisation, optionally with its first administrator.

    Only support staff (superusers) or set-up scripts (actor None) may create
    organisations. Raises PermissionDenied or ValidationError.
    """
    if actor is not None and not actor.is_superuser:
        raise PermissionDenied
    organisation = Organisation(name_en=name_en, name_cy=name_cy, slug=slug, kind=kind)
    organisation.full_clean()
    organisation.save()
    audit_event_create(
        actor=actor,
        action="organisation.create",
        target=organisation,
        organisation=organisation,
        changes=audit_snapshot(organisation, _ORGANISATION_FIELDS),
    )
    if first_administrator is not None:
        membership_create(
            actor=actor,
            organisation=organisation,
            user=first_administrator,
            role=Role.ADMINISTRATOR,
        )
    return organisation


@transaction.atomic
def organisation_update(
    *,
    actor: User,
    organisation: Organisation,
    name_en: str,
    name_cy: str,
    kind: str,
    response_due_weeks: int | None = None,
) -> Organisation:
    """Rename an organisation, change its type or the weeks it allows itself to
    publish a "you said, we did" response (None keeps it). Administrators only."""
    if not can_manage_organisation(actor, organisation):
        raise PermissionDenied
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    before = audit_snapshot(organisation, _ORGANISATION_FIELDS)
    organisation.name_en = name_en
    organisation.name_cy = name_cy
    organisation.kind = kind
    if response_due_weeks is not None:
        organisation.response_due_weeks = response_due_weeks
    organisation.full_clean()
    organisation.save(
        update_fields=[
            "name_en",
            "name_cy",
            "kind",
            "response_due_weeks",
            "updated_at",
        ]
    )
    audit_event_create(
        actor=actor,
        action="organisation.update",
        target=organisation,
        changes=audit_diff(before, audit_snapshot(organisation, _ORGANISATION_FIELDS)),
    )
    return organisation


@transaction.atomic
def membership_create(
    *, actor: User | None, organisation: Organisation, user: User, role: str
) -> Membership:
    """Give `user` a role directly (set-up, demo, support). Invitations use
    `invitation_accept` instead. Raises PermissionDenied or ValidationError."""
    if actor is not None and not (
        actor.is_superuser or can_manage_organisation(actor, organisation)
    ):
        raise PermissionDenied
    membership = Membership(organisation=organisation, user=user, role=role)
    membership.full_clean()
    membership.save()
    audit_event_create(
        actor=actor,
        action="membership.create",
        target=membership,
        changes={"user": user.email, "role": role},
    )
    return membership
