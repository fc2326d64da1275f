"""membership_change_role and membership_remove: the last administrator stays."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from coproduce.apps.audit.models import AuditEvent
from coproduce.apps.organisations.errors import LastAdministratorError, MembershipError
from coproduce.apps.organisations.models import Membership, Role
from coproduce.apps.organisations.services import (
    membership_change_role,
    membership_remove,
)
from coproduce.apps.organisations.tests.factories import MembershipFactory

NON_ADMIN_FIXTURES = [
    "officer",
    "analyst",
    "elected_member",
    "community_organiser",
    "resident",
    "staff_of_other_organisation",
]


def _membership(user, organisation) -> Membership:
    return Membership.objects.get(user=user, organisation=organisation)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "role", [r for r in Role.values if r != Role.ENGAGEMENT_OFFICER]
)
def test_change_role_saves_the_new_role_and_records_before_and_after(
    organisation, administrator, officer, role
):
    membership = _membership(officer, organisation)

    membership_change_role(actor=administrator, membership=membership, role=role)

    assert _membership(officer, organisation).role == role
    event = AuditEvent.objects.get()
    assert event.action == "membership.change_role"
    assert event.actor == administrator
    assert event.organisation == organisation
    assert event.changes == {"role": {"before": Role.ENGAGEMENT_OFFICER, "after": role}}


@pytest.mark.django_db
def test_change_role_to_the_same_role_changes_nothing_and_records_nothing(
    organisation, administrator, officer
):
    membership = _membership(officer, organisation)

    membership_change_role(
        actor=administrator, membership=membership, role=Role.ENGAGEMENT_OFFICER
    )

    assert not AuditEvent.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["", "superuser", "<script>alert(1)</script>"])
def test_change_role_refuses_an_unknown_role(
    organisation, administrator, officer, role
):
    membership = _membership(officer, organisation)

    with pytest.raises(MembershipError) as excinfo:
        membership_change_role(actor=administrator, membership=membership, role=role)

    assert excinfo.value.field == "role"
    assert _membership(officer, organisation).role == Role.ENGAGEMENT_OFFICER
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("role", [r for r in Role.values if r != Role.ADMINISTRATOR])
def test_the_last_administrator_cannot_be_demoted(organisation, administrator, role):
    membership = _membership(administrator, organisation)

    with pytest.raises(LastAdministratorError) as excinfo:
        membership_change_role(actor=administrator, membership=membership, role=role)

    assert excinfo.value.http_status == 409
    assert administrator.email in excinfo.value.messages[0]
    assert "only administrator" in excinfo.value.messages[0]
    assert _membership(administrator, organisation).role == Role.ADMINISTRATOR
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db
def test_an_administrator_can_be_demoted_when_another_remains(
    organisation, administrator
):
    second = MembershipFactory(organisation=organisation, role=Role.ADMINISTRATOR)

    membership_change_role(actor=administrator, membership=second, role=Role.ANALYST)

    second.refresh_from_db()
    assert second.role == Role.ANALYST
    assert AuditEvent.objects.get().action == "membership.change_role"


@pytest.mark.django_db
def test_an_administrator_may_demote_themselves_when_another_remains(
    organisation, administrator
):
    MembershipFactory(organisation=organisation, role=Role.ADMINISTRATOR)

    membership_change_role(
        actor=administrator,
        membership=_membership(administrator, organisation),
        role=Role.ANALYST,
    )

    assert _membership(administrator, organisation).role == Role.ANALYST


@pytest.mark.django_db
def test_an_administrator_elsewhere_does_not_count_as_another_administrator(
    organisation, administrator, staff_of_other_organisation
):
    with pytest.raises(LastAdministratorError):
        membership_change_role(
            actor=administrator,
            membership=_membership(administrator, organisation),
            role=Role.ANALYST,
        )


@pytest.mark.django_db
@pytest.mark.parametrize("actor_fixture", NON_ADMIN_FIXTURES)
def test_change_role_is_refused_for_everyone_but_an_administrator(
    request, organisation, officer, actor_fixture
):
    actor = request.getfixturevalue(actor_fixture)
    membership = _membership(officer, organisation)

    with pytest.raises(PermissionDenied):
        membership_change_role(
            actor=actor, membership=membership, role=Role.ADMINISTRATOR
        )

    assert _membership(officer, organisation).role == Role.ENGAGEMENT_OFFICER
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db
def test_remove_deletes_the_membership_but_keeps_the_account(
    organisation, administrator, officer
):
    membership = _membership(officer, organisation)

    membership_remove(actor=administrator, membership=membership)

    assert not Membership.objects.filter(pk=membership.pk).exists()
    officer.refresh_from_db()  # the account is still there
    event = AuditEvent.objects.get()
    assert event.action == "membership.remove"
    assert event.organisation == organisation
    assert event.changes == {"user": officer.email, "role": Role.ENGAGEMENT_OFFICER}


@pytest.mark.django_db
def test_the_last_administrator_cannot_be_removed(organisation, administrator):
    membership = _membership(administrator, organisation)

    with pytest.raises(LastAdministratorError, match="cannot be removed"):
        membership_remove(actor=administrator, membership=membership)

    assert Membership.objects.filter(pk=membership.pk).exists()
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db
def test_an_administrator_can_be_removed_when_another_remains(
    organisation, administrator
):
    second = MembershipFactory(organisation=organisation, role=Role.ADMINISTRATOR)

    membership_remove(
        actor=second.user, membership=_membership(administrator, organisation)
    )

    assert list(
        Membership.objects.filter(organisation=organisation, role=Role.ADMINISTRATOR)
    ) == [second]
    assert AuditEvent.objects.get().actor == second.user


@pytest.mark.django_db
@pytest.mark.parametrize("actor_fixture", NON_ADMIN_FIXTURES)
def test_remove_is_refused_for_everyone_but_an_administrator(
    request, organisation, officer, actor_fixture
):
    actor = request.getfixturevalue(actor_fixture)
    membership = _membership(officer, organisation)

    with pytest.raises(PermissionDenied):
        membership_remove(actor=actor, membership=membership)

    assert Membership.objects.filter(pk=membership.pk).exists()
    assert not AuditEvent.objects.exists()
