"""Permission predicates as a role × question table."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from coproduce.apps.organisations.permissions import (
    can_manage_organisation,
    can_view_areas,
    can_view_audit_log,
    can_view_organisation_dashboard,
    has_staff_role,
    role_in,
)

PREDICATES = {
    "manage": can_manage_organisation,
    "audit": can_view_audit_log,
    "dashboard": can_view_organisation_dashboard,
    "areas": can_view_areas,
}

# actor fixture -> the predicates that must be True for `organisation`
TABLE = {
    "administrator": {"manage", "audit", "dashboard", "areas"},
    "officer": {"dashboard", "areas"},
    "analyst": {"dashboard", "areas"},
    "elected_member": {"dashboard", "areas"},
    "community_organiser": {"dashboard", "areas"},
    "resident": set(),
    "staff_of_other_organisation": set(),
}


@pytest.mark.django_db
@pytest.mark.parametrize(("actor_fixture", "allowed"), TABLE.items())
@pytest.mark.parametrize("predicate", PREDICATES)
def test_each_role_has_exactly_its_permissions(
    request, organisation, actor_fixture, allowed, predicate
):
    actor = request.getfixturevalue(actor_fixture)

    assert PREDICATES[predicate](actor, organisation) is (predicate in allowed)


@pytest.mark.django_db
@pytest.mark.parametrize("predicate", PREDICATES)
def test_anonymous_visitors_have_no_permissions(organisation, predicate):
    assert PREDICATES[predicate](AnonymousUser(), organisation) is False


@pytest.mark.django_db
@pytest.mark.parametrize("predicate", PREDICATES)
def test_a_deactivated_administrator_has_no_permissions(
    organisation, administrator, predicate
):
    administrator.is_active = False

    assert PREDICATES[predicate](administrator, organisation) is False
    assert role_in(administrator, organisation) is None


@pytest.mark.django_db
def test_staff_roles_are_recognised_for_mfa(administrator, resident):
    assert has_staff_role(administrator)
    assert not has_staff_role(resident)
    assert not has_staff_role(AnonymousUser())
