"""user_update_profile and user_delete_account."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from coproduce.apps.accounts.models import User
from coproduce.apps.accounts.services import (
    AccountDeleteError,
    user_delete_account,
    user_update_profile,
)
from coproduce.apps.accounts.tests.factories import UserFactory
from coproduce.apps.audit.models import AuditEvent
from coproduce.apps.audit.tests.factories import AuditEventFactory
from coproduce.apps.organisations.models import Membership, Role
from coproduce.apps.organisations.tests.factories import MembershipFactory
from coproduce.testing.text import hostile_strings


@pytest.mark.django_db
@pytest.mark.parametrize("name", hostile_strings(max_length=200))
def test_profile_update_stores_a_hostile_name_intact(resident, name):
    user_update_profile(
        actor=resident, user=resident, full_name=name, preferred_language="cy"
    )

    resident.refresh_from_db()
    assert resident.full_name == name
    assert resident.preferred_language == "cy"
    event = AuditEvent.objects.get()
    assert event.action == "account.update"
    assert event.actor == resident
    assert event.changes["preferred_language"] == {"before": "en", "after": "cy"}


@pytest.mark.django_db
def test_profile_update_refuses_a_name_over_200_characters(resident):
    name_before = resident.full_name

    with pytest.raises(ValidationError) as excinfo:
        user_update_profile(
            actor=resident, user=resident, full_name="Ŵ" * 201, preferred_language="en"
        )

    assert "full_name" in excinfo.value.message_dict
    resident.refresh_from_db()
    assert resident.full_name == name_before
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db
def test_profile_update_refuses_an_unknown_language(resident):
    with pytest.raises(ValidationError) as excinfo:
        user_update_profile(
            actor=resident, user=resident, full_name="Siân", preferred_language="fr"
        )

    assert "preferred_language" in excinfo.value.message_dict
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db
def test_nobody_may_update_someone_elses_profile(resident, administrator):
    name_before = resident.full_name

    with pytest.raises(PermissionDenied):
        user_update_profile(
            actor=administrator,
            user=resident,
            full_name="Changed",
            preferred_language="en",
        )

    resident.refresh_from_db()
    assert resident.full_name == name_before
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db
def test_delete_account_removes_the_user_and_pseudonymises_their_audit_rows(
    organisation, officer
):
    officer_pk, officer_email = officer.pk, officer.email
    past_event = AuditEventFactory(organisation=organisation, actor=officer)
    someone_elses = AuditEventFactory(organisation=organisation)

    user_delete_account(actor=officer, user=officer)

    assert not User.objects.filter(pk=officer_pk).exists()
    assert not Membership.objects.filter(user_id=officer_pk).exists()
    past_event.refresh_from_db()
    assert past_event.actor is None
    assert past_event.actor_repr == f"deleted-account-{officer_pk}"
    assert not AuditEvent.objects.filter(actor_repr__icontains=officer_email).exists()
    someone_elses.refresh_from_db()
    assert someone_elses.actor_repr == someone_elses.actor.email
    deletion = AuditEvent.objects.get(action="account.delete")
    assert deletion.actor is None
    assert officer_email not in str(deletion.changes)
    assert officer_email not in deletion.target_repr


@pytest.mark.django_db
def test_the_sole_administrator_cannot_delete_their_account(
    organisation, administrator
):
    with pytest.raises(AccountDeleteError) as excinfo:
        user_delete_account(actor=administrator, user=administrator)

    assert excinfo.value.http_status == 409
    assert organisation.name in excinfo.value.messages[0]
    assert "Make someone else an administrator" in excinfo.value.messages[0]
    assert User.objects.filter(pk=administrator.pk).exists()
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db
def test_an_administrator_can_delete_their_account_when_another_remains(
    organisation, administrator
):
    MembershipFactory(organisation=organisation, role=Role.ADMINISTRATOR)

    user_delete_account(actor=administrator, user=administrator)

    assert not User.objects.filter(pk=administrator.pk).exists()
    assert (
        Membership.objects.filter(
            organisation=organisation, role=Role.ADMINISTRATOR
        ).count()
        == 1
    )


@pytest.mark.django_db
def test_nobody_may_delete_someone_elses_account(resident, administrator):
    with pytest.raises(PermissionDenied):
        user_delete_account(actor=administrator, user=resident)

    assert User.objects.filter(pk=resident.pk).exists()
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db
def test_the_user_factory_gives_a_verified_primary_address():
    user = UserFactory(with_totp=True)

    address = user.emailaddress_set.get()
    assert (address.email, address.verified, address.primary) == (
        user.email,
        True,
        True,
    )
    assert user.authenticator_set.filter(type="totp").exists()
    assert user.check_password("correct horse battery staple")


@pytest.mark.django_db
def test_a_member_who_deletes_their_account_leaves_a_pseudonymous_removal_in_the_log(
    organisation, officer
):
    email, pk = officer.email, officer.pk

    user_delete_account(actor=officer, user=officer)

    assert (
        not Membership.objects.filter(organisation=organisation)
        .filter(user_id=pk)
        .exists()
    )
    removal = AuditEvent.objects.get(
        organisation=organisation, action="membership.remove"
    )
    assert removal.changes["user"] == f"deleted-account-{pk}"
    assert removal.changes["reason"] == "account deleted"
    for event in AuditEvent.objects.all():
        text = f"{event.actor_repr} {event.target_repr} {event.changes}".lower()
        assert email.lower() not in text
