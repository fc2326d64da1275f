"""Invitations: create, e-mail after commit, resend, cancel, accept."""

from __future__ import annotations

from datetime import timedelta
from smtplib import SMTPException

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone

from coproduce.apps.accounts.tests.factories import UserFactory
from coproduce.apps.audit.models import AuditEvent
from coproduce.apps.organisations.errors import InvitationError
from coproduce.apps.organisations.models import Invitation, Membership, Role
from coproduce.apps.organisations.services import (
    invitation_accept,
    invitation_cancel,
    invitation_create,
    invitation_resend,
    invitation_send_email,
)
from coproduce.apps.organisations.tests.factories import (
    InvitationFactory,
    OrganisationFactory,
)
from coproduce.testing.text import hostile_email_local_parts

NON_ADMIN_FIXTURES = [
    "officer",
    "analyst",
    "elected_member",
    "community_organiser",
    "resident",
    "staff_of_other_organisation",
]


class FailingEmailBackend(BaseEmailBackend):
    """A mail server that refuses every message."""

    def send_messages(self, email_messages):
        raise SMTPException("Connection refused by mail.example.org")


@pytest.fixture
def failing_email(settings):
    settings.EMAIL_BACKEND = f"{__name__}.FailingEmailBackend"


def _actions() -> list[str]:
    return list(AuditEvent.objects.order_by("pk").values_list("action", flat=True))


# --- invitation_create ------------------------------------------------------------


@pytest.mark.django_db
def test_create_saves_a_pending_invitation_and_sends_nothing_before_commit(
    organisation, administrator, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        invitation = invitation_create(
            actor=administrator,
            organisation=organisation,
            email="  New.Person@Example.org ",
            role=Role.ANALYST,
        )

    invitation.refresh_from_db()
    assert invitation.email == "new.person@example.org"
    assert invitation.role == Role.ANALYST
    assert invitation.status == Invitation.Status.PENDING
    assert invitation.email_status == Invitation.EmailStatus.QUEUED
    assert invitation.invited_by == administrator
    assert len(callbacks) == 1
    assert mailoutbox == []
    event = AuditEvent.objects.get()
    assert event.action == "invitation.create"
    assert event.organisation == organisation
    assert event.changes == {"email": "new.person@example.org", "role": Role.ANALYST}


@pytest.mark.django_db
@pytest.mark.parametrize("local_part", hostile_email_local_parts())
def test_create_sends_one_email_after_commit_and_marks_it_sent(
    administrator, django_capture_on_commit_callbacks, mailoutbox, local_part
):
    organisation = OrganisationFactory(
        name_en="O'Brien & <Partners> {{ x }}", name_cy="Cyngor Ŵyn %(name)s"
    )
    # The fixture administrator belongs to the fixture organisation; make them
    # an administrator here too.
    Membership.objects.create(
        organisation=organisation, user=administrator, role=Role.ADMINISTRATOR
    )
    address = f"{local_part}@example.org"

    with django_capture_on_commit_callbacks(execute=True):
        invitation = invitation_create(
            actor=administrator,
            organisation=organisation,
            email=address,
            role=Role.ENGAGEMENT_OFFICER,
        )

    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == [address]
    assert message.subject.startswith(
        "Invitation to join O'Brien & <Partners> {{ x }} on Coproduce"
    )
    # Plain text: names appear as typed, never HTML-escaped.
    assert "O'Brien & <Partners> {{ x }}" in message.body
    assert "Cyngor Ŵyn %(name)s" in message.body
    assert f"/invitations/{invitation.token}/" in message.body
    invitation.refresh_from_db()
    assert invitation.email == address
    assert invitation.email_status == Invitation.EmailStatus.SENT
    assert invitation.email_sent_at is not None
    assert invitation.email_error == ""
    assert _actions() == ["invitation.create", "invitation.email_sent"]


@pytest.mark.django_db
def test_a_failing_mail_server_leaves_the_invitation_failed_with_the_reason(
    organisation, administrator, django_capture_on_commit_callbacks, failing_email
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = invitation_create(
            actor=administrator,
            organisation=organisation,
            email="someone@example.org",
            role=Role.ANALYST,
        )

    invitation.refresh_from_db()
    assert invitation.email_status == Invitation.EmailStatus.FAILED
    assert invitation.email_error == "Connection refused by mail.example.org"
    assert invitation.email_sent_at is None
    # The invitation itself stands; only the e-mail failed.
    assert invitation.status == Invitation.Status.PENDING
    assert _actions() == ["invitation.create"]
    assert mail.outbox == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    "email",
    [
        "",
        "not an email",
        "name@",
        "@example.org",
        "<script>alert(1)</script>@example.org",
        "'; DROP TABLE users; --",
        "ŵyn@@example.org",
    ],
)
def test_create_refuses_an_invalid_address_and_saves_nothing(
    organisation, administrator, django_capture_on_commit_callbacks, email
):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(InvitationError) as excinfo,
    ):
        invitation_create(
            actor=administrator,
            organisation=organisation,
            email=email,
            role=Role.ANALYST,
        )

    assert excinfo.value.field == "email"
    assert "correct format" in excinfo.value.messages[0]
    assert not Invitation.objects.exists()
    assert not AuditEvent.objects.exists()
    assert callbacks == []


@pytest.mark.django_db
def test_create_refuses_someone_who_is_already_a_member(
    organisation, administrator, officer, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(InvitationError, match="already a member") as excinfo,
    ):
        invitation_create(
            actor=administrator,
            organisation=organisation,
            email=officer.email.upper(),
            role=Role.ANALYST,
        )

    assert excinfo.value.field == "email"
    assert not Invitation.objects.exists()
    assert not AuditEvent.objects.exists()
    assert callbacks == []


@pytest.mark.django_db
def test_create_refuses_a_second_pending_invitation_for_the_same_address(
    organisation, administrator, django_capture_on_commit_callbacks
):
    InvitationFactory(organisation=organisation, email="twice@example.org")

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(InvitationError, match="already been invited") as excinfo,
    ):
        invitation_create(
            actor=administrator,
            organisation=organisation,
            email="TWICE@example.org",
            role=Role.ANALYST,
        )

    assert excinfo.value.field == "email"
    assert Invitation.objects.count() == 1
    assert not AuditEvent.objects.exists()
    assert callbacks == []


@pytest.mark.django_db
def test_create_allows_a_new_invitation_after_the_old_one_was_cancelled(
    organisation, administrator
):
    InvitationFactory(
        organisation=organisation,
        email="again@example.org",
        status=Invitation.Status.CANCELLED,
    )

    invitation_create(
        actor=administrator,
        organisation=organisation,
        email="again@example.org",
        role=Role.ANALYST,
    )

    assert Invitation.objects.filter(status=Invitation.Status.PENDING).count() == 1


@pytest.mark.django_db
def test_create_allows_the_same_address_in_another_organisation(
    organisation, other_organisation, administrator
):
    InvitationFactory(organisation=other_organisation, email="both@example.org")

    invitation_create(
        actor=administrator,
        organisation=organisation,
        email="both@example.org",
        role=Role.ANALYST,
    )

    assert Invitation.objects.filter(email="both@example.org").count() == 2


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["", "owner", "{{ role }}"])
def test_create_refuses_an_unknown_role(organisation, administrator, role):
    with pytest.raises(InvitationError) as excinfo:
        invitation_create(
            actor=administrator,
            organisation=organisation,
            email="someone@example.org",
            role=role,
        )

    assert excinfo.value.field == "role"
    assert not Invitation.objects.exists()
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("actor_fixture", NON_ADMIN_FIXTURES)
def test_create_is_refused_for_everyone_but_an_administrator(
    request, organisation, actor_fixture, django_capture_on_commit_callbacks
):
    actor = request.getfixturevalue(actor_fixture)

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(PermissionDenied),
    ):
        invitation_create(
            actor=actor,
            organisation=organisation,
            email="someone@example.org",
            role=Role.ADMINISTRATOR,
        )

    assert not Invitation.objects.exists()
    assert not AuditEvent.objects.exists()
    assert callbacks == []


# --- invitation_send_email ----------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "status", [Invitation.Status.CANCELLED, Invitation.Status.ACCEPTED]
)
def test_no_email_is_sent_for_an_invitation_no_longer_pending(mailoutbox, status):
    invitation = InvitationFactory(status=status)

    invitation_send_email(invitation_id=invitation.pk, site_url="https://x.example")

    assert mailoutbox == []
    invitation.refresh_from_db()
    assert invitation.email_status == Invitation.EmailStatus.QUEUED
    assert not AuditEvent.objects.exists()


# --- invitation_resend --------------------------------------------------------------


@pytest.mark.django_db
def test_resend_gives_a_fresh_expiry_and_sends_again(
    organisation, administrator, django_capture_on_commit_callbacks, mailoutbox
):
    invitation = InvitationFactory(
        organisation=organisation,
        expires_at=timezone.now() - timedelta(days=1),
        email_status=Invitation.EmailStatus.FAILED,
        email_error="Connection refused",
    )

    with django_capture_on_commit_callbacks(execute=True):
        invitation_resend(actor=administrator, invitation=invitation)

    invitation.refresh_from_db()
    assert invitation.expires_at > timezone.now() + timedelta(days=13)
    assert invitation.email_status == Invitation.EmailStatus.SENT
    assert invitation.email_error == ""
    assert len(mailoutbox) == 1
    assert _actions() == ["invitation.resend", "invitation.email_sent"]


@pytest.mark.django_db
def test_resend_refuses_a_cancelled_invitation(
    organisation, administrator, django_capture_on_commit_callbacks, mailoutbox
):
    invitation = InvitationFactory(
        organisation=organisation, status=Invitation.Status.CANCELLED
    )

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(InvitationError, match="waiting for a reply"),
    ):
        invitation_resend(actor=administrator, invitation=invitation)

    assert callbacks == []
    assert mailoutbox == []
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("actor_fixture", NON_ADMIN_FIXTURES)
def test_resend_is_refused_for_everyone_but_an_administrator(
    request, organisation, actor_fixture, django_capture_on_commit_callbacks
):
    actor = request.getfixturevalue(actor_fixture)
    invitation = InvitationFactory(organisation=organisation)

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(PermissionDenied),
    ):
        invitation_resend(actor=actor, invitation=invitation)

    assert callbacks == []
    assert not AuditEvent.objects.exists()


# --- invitation_cancel --------------------------------------------------------------


@pytest.mark.django_db
def test_cancel_withdraws_the_invitation(organisation, administrator):
    invitation = InvitationFactory(organisation=organisation)

    invitation_cancel(actor=administrator, invitation=invitation)

    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.CANCELLED
    event = AuditEvent.objects.get()
    assert event.action == "invitation.cancel"
    assert event.organisation == organisation


@pytest.mark.django_db
def test_cancel_refuses_an_accepted_invitation(organisation, administrator):
    invitation = InvitationFactory(
        organisation=organisation, status=Invitation.Status.ACCEPTED
    )

    with pytest.raises(InvitationError, match="waiting for a reply"):
        invitation_cancel(actor=administrator, invitation=invitation)

    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.ACCEPTED
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("actor_fixture", NON_ADMIN_FIXTURES)
def test_cancel_is_refused_for_everyone_but_an_administrator(
    request, organisation, actor_fixture
):
    actor = request.getfixturevalue(actor_fixture)
    invitation = InvitationFactory(organisation=organisation)

    with pytest.raises(PermissionDenied):
        invitation_cancel(actor=actor, invitation=invitation)

    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.PENDING
    assert not AuditEvent.objects.exists()


# --- invitation_accept --------------------------------------------------------------


@pytest.mark.django_db
def test_accept_creates_the_membership_and_marks_the_invitation_accepted(
    organisation,
):
    user = UserFactory(email="joiner@example.org")
    invitation = InvitationFactory(
        organisation=organisation, email="Joiner@Example.org", role=Role.ANALYST
    )

    membership = invitation_accept(user=user, token=invitation.token)

    assert membership.organisation == organisation
    assert membership.user == user
    assert membership.role == Role.ANALYST
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.ACCEPTED
    assert invitation.accepted_at is not None
    event = AuditEvent.objects.get()
    assert event.action == "invitation.accept"
    assert event.actor == user
    assert event.organisation == organisation


@pytest.mark.django_db
def test_accept_refuses_a_different_signed_in_address(organisation):
    someone_else = UserFactory(email="forwarded-to@example.org")
    invitation = InvitationFactory(
        organisation=organisation, email="invited@example.org"
    )

    with pytest.raises(InvitationError, match="different email address"):
        invitation_accept(user=someone_else, token=invitation.token)

    assert not Membership.objects.exists()
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.PENDING
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db
def test_accept_refuses_an_expired_invitation(organisation):
    user = UserFactory(email="late@example.org")
    invitation = InvitationFactory(
        organisation=organisation,
        email="late@example.org",
        expires_at=timezone.now() - timedelta(seconds=1),
    )

    with pytest.raises(InvitationError, match="expired"):
        invitation_accept(user=user, token=invitation.token)

    assert not Membership.objects.exists()
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "status", [Invitation.Status.CANCELLED, Invitation.Status.ACCEPTED]
)
def test_accept_refuses_a_used_or_withdrawn_invitation(organisation, status):
    user = UserFactory(email="withdrawn@example.org")
    invitation = InvitationFactory(
        organisation=organisation, email="withdrawn@example.org", status=status
    )

    with pytest.raises(InvitationError, match="used or withdrawn"):
        invitation_accept(user=user, token=invitation.token)

    assert not Membership.objects.exists()
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("token", ["", "no-such-token", "'; DROP TABLE users; --"])
def test_accept_refuses_an_unknown_token(resident, token):
    with pytest.raises(InvitationError, match="used or withdrawn"):
        invitation_accept(user=resident, token=token)

    assert not Membership.objects.exists()


@pytest.mark.django_db
def test_accept_refuses_someone_who_is_already_a_member(organisation, officer):
    invitation = InvitationFactory(
        organisation=organisation, email=officer.email, role=Role.ADMINISTRATOR
    )

    with pytest.raises(InvitationError, match="already a member"):
        invitation_accept(user=officer, token=invitation.token)

    assert Membership.objects.get(user=officer).role == Role.ENGAGEMENT_OFFICER
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db
def test_a_token_works_only_once(organisation):
    user = UserFactory(email="once@example.org")
    invitation = InvitationFactory(organisation=organisation, email="once@example.org")
    invitation_accept(user=user, token=invitation.token)

    with pytest.raises(InvitationError, match="used or withdrawn"):
        invitation_accept(user=user, token=invitation.token)

    assert Membership.objects.filter(user=user).count() == 1
