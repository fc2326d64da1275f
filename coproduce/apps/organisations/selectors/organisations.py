"""Reads for organisations, members and invitations, scoped by the actor."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from coproduce.apps.accounts.models import User
from coproduce.apps.organisations.models import (
    Invitation,
    Membership,
    Organisation,
    Role,
)
from coproduce.apps.organisations.permissions import (
    can_manage_organisation,
)


def organisation_get(*, slug: str) -> Organisation:
    """The organisation with this slug, or 404. Organisations are public."""
    return get_object_or_404(Organisation, slug=slug)


def organisation_list() -> QuerySet[Organisation]:
    """Every organisation, for the public home page."""
    return Organisation.objects.order_by("name")


def organisation_list_for_user(*, user: User | AnonymousUser) -> QuerySet[Organisation]:
    """Organisations where `user` holds a role, by name."""
    if not user.is_authenticated:
        return Organisation.objects.none()
    return Organisation.objects.filter(memberships__user=user).order_by("name")


def membership_list_for_user(*, user: User | AnonymousUser) -> QuerySet[Membership]:
    """The user's memberships with their organisations, for navigation."""
    if not user.is_authenticated:
        return Membership.objects.none()
    return (
        Membership.objects.filter(user=user)
        .select_related("organisation")
        .order_by("organisation__name")
    )


def membership_list(
    *, actor: User | AnonymousUser, organisation: Organisation
) -> QuerySet[Membership]:
    """Members of the organisation. Administrators only."""
    if not can_manage_organisation(actor, organisation):
        raise PermissionDenied
    return (
        Membership.objects.filter(organisation=organisation)
        .select_related("user")
        .order_by("user__email")
    )


def membership_get(
    *, actor: User | AnonymousUser, organisation: Organisation, pk: int
) -> Membership:
    return get_object_or_404(
        membership_list(actor=actor, organisation=organisation), pk=pk
    )


def organisation_list_where_sole_administrator(*, user: User) -> list[Organisation]:
    """Organisations that would have no administrator left without `user`."""
    administered_by_user = Organisation.objects.filter(
        memberships__user=user, memberships__role=Role.ADMINISTRATOR
    )
    # Count in a separate query: a Count over the join filtered to `user` above
    # would only ever see the user's own membership, and so always be 1.
    organisations = Organisation.objects.filter(pk__in=administered_by_user).annotate(
        n_administrators=Count(
            "memberships",
            filter=Q(memberships__role=Role.ADMINISTRATOR),
            distinct=True,
        )
    )
    return [o for o in organisations if o.n_administrators == 1]


def invitation_list(
    *, actor: User | AnonymousUser, organisation: Organisation
) -> QuerySet[Invitation]:
    """Invitations still waiting for a reply, newest first. Administrators only."""
    if not can_manage_organisation(actor, organisation):
        raise PermissionDenied
    return (
        Invitation.objects.filter(
            organisation=organisation, status=Invitation.Status.PENDING
        )
        .select_related("invited_by")
        .order_by("-created_at", "-pk")
    )


def invitation_get(
    *, actor: User | AnonymousUser, organisation: Organisation, pk: int
) -> Invitation:
    if not can_manage_organisation(actor, organisation):
        raise PermissionDenied
    return get_object_or_404(
        Invitation.objects.filter(organisation=organisation).select_related(
            "invited_by"
        ),
        pk=pk,
    )


def invitation_get_by_token(*, token: str) -> Invitation:
    """A pending invitation by its secret token; 404 for unknown or used tokens."""
    invitation = (
        Invitation.objects.filter(token=token, status=Invitation.Status.PENDING)
        .select_related("organisation")
        .first()
    )
    if invitation is None:
        raise Http404
    return invitation


def organisation_summary(*, organisation: Organisation) -> dict[str, int]:
    """Counts for the organisation dashboard."""
    return Organisation.objects.filter(pk=organisation.pk).aggregate(
        n_areas=Count("areas", distinct=True),
        n_members=Count("memberships", distinct=True),
        n_pending_invitations=Count(
            "invitations",
            filter=Q(invitations__status=Invitation.Status.PENDING),
            distinct=True,
        ),
    )
