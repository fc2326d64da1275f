"""Who may do what in an organisation. Each predicate is tested as a role × state table.

Every role is a staff role. Residents have no membership; their rights come from
the engagements they take part in (later modules).
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser

from coproduce.apps.accounts.models import User
from coproduce.apps.organisations.models import Membership, Organisation, Role

STAFF_ROLES = frozenset(Role)


def role_in(user: User | AnonymousUser, organisation: Organisation) -> str | None:
    """The user's role in the organisation, or None.

    Not cached: a role changed earlier in the same request must count at once.
    """
    if not user.is_authenticated or not user.is_active:
        return None
    return (
        Membership.objects.filter(user=user, organisation=organisation)
        .values_list("role", flat=True)
        .first()
    )


def has_staff_role(user: User | AnonymousUser) -> bool:
    """True if the user holds any role in any organisation (and so must use MFA)."""
    if not user.is_authenticated:
        return False
    return bool(user.is_superuser) or Membership.objects.filter(user=user).exists()


def is_member(user: User | AnonymousUser, organisation: Organisation) -> bool:
    return role_in(user, organisation) is not None


def can_manage_organisation(
    user: User | AnonymousUser, organisation: Organisation
) -> bool:
    """Areas, members, invitations: administrators only."""
    return role_in(user, organisation) == Role.ADMINISTRATOR


def can_view_audit_log(user: User | AnonymousUser, organisation: Organisation) -> bool:
    return role_in(user, organisation) == Role.ADMINISTRATOR


def can_view_organisation_dashboard(
    user: User | AnonymousUser, organisation: Organisation
) -> bool:
    return is_member(user, organisation)


def can_view_areas(user: User | AnonymousUser, organisation: Organisation) -> bool:
    """Every member needs the area list (engagements, panels and analyses use it)."""
    return is_member(user, organisation)


POPULATION_ROLES = frozenset({Role.ADMINISTRATOR, Role.ANALYST})


def can_manage_population_profiles(
    user: User | AnonymousUser, organisation: Organisation
) -> bool:
    """Import and delete census margins: administrators and analysts."""
    return role_in(user, organisation) in POPULATION_ROLES


def can_view_population_profiles(
    user: User | AnonymousUser, organisation: Organisation
) -> bool:
    """Every member reads the margins that inclusion reports compare against."""
    return is_member(user, organisation)


def can_manage_area_lookups(
    user: User | AnonymousUser, organisation: Organisation
) -> bool:
    """Upload and delete deprivation indices and the postcode lookup: as population
    profiles, administrators and analysts."""
    return role_in(user, organisation) in POPULATION_ROLES


def can_view_area_lookups(
    user: User | AnonymousUser, organisation: Organisation
) -> bool:
    """Every member may see which areas postcodes and deciles fall in."""
    return is_member(user, organisation)
