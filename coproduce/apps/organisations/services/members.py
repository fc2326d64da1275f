"""Members of an organisation: invitations by e-mail, role changes, removal."""

from __future__ import annotations

from functools import partial

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from coproduce.apps.accounts.models import User
from coproduce.apps.audit.services import audit_event_create
from coproduce.apps.organisations.errors import (
    InvitationError,
    LastAdministratorError,
    MembershipError,
)
from coproduce.apps.organisations.models import (
    Invitation,
    Membership,
    Organisation,
    Role,
)
from coproduce.apps.organisations.permissions import can_manage_organisation


def _check_not_last_administrator(membership: Membership, *, message: str) -> None:
    if membership.role != Role.ADMINISTRATOR:
        return
    # Lock every administrator row: two admins demoting each other at once must
    # not leave the organisation with none.
    administrators = list(
        Membership.objects.select_for_update()
        .filter(organisation_id=membership.organisation_id, role=Role.ADMINISTRATOR)
        .values_list("pk", flat=True)
    )
    if administrators == [membership.pk]:
        raise LastAdministratorError(message)


@transaction.atomic
def membership_change_role(
    *, actor: User, membership: Membership, role: str
) -> Membership:
    """Give a member another role. Raises PermissionDenied, LastAdministratorError
    or ValidationError."""
    if not can_manage_organisation(actor, membership.organisation):
        raise PermissionDenied
    membership = (
        Membership.objects.select_for_update()
        .select_related("user", "organisation")
        .get(pk=membership.pk)
    )
    if role not in Role.values:
        raise MembershipError(_("Choose a role from the list."), field="role")
    if role == membership.role:
        return membership
    if role != Role.ADMINISTRATOR:
        _check_not_last_administrator(
            membership,
            message=_(
                "%(email)s is the only administrator. Make someone else an "
                "administrator before changing this role."
            )
            % {"email": membership.user.email},
        )
    before = membership.role
    membership.role = role
    membership.full_clean()
    membership.save(update_fields=["role", "updated_at"])
    audit_event_create(
        actor=actor,
        action="membership.change_role",
        target=membership,
        changes={"role": {"before": before, "after": role}},
    )
    return membership


@transaction.atomic
def membership_remove(*, actor: User, membership: Membership) -> None:
    """Remove a member from the organisation. Their account stays.

    Raises PermissionDenied or LastAdministratorError.
    """
    if not can_manage_organisation(actor, membership.organisation):
        raise PermissionDenied
    membership = (
        Membership.objects.select_for_update()
        .select_related("user", "organisation")
        .get(pk=membership.pk)
    )
    _check_not_last_administrator(
        membership,
        message=_(
            "%(email)s is the only administrator and cannot be removed. Make "
            "someone else an administrator first."
        )
        % {"email": membership.user.email},
    )
    audit_event_create(
        actor=actor,
        action="membership.remove",
        target=membership,
        changes={"user": membership.user.email, "role": membership.role},
    )
    membership.delete()


def _normalise_email(email: str) -> str:
    email = email.strip()
    try:
        validate_email(email)
    except ValidationError as exc:
        raise InvitationError(
            _("Enter an email address in the correct format, like name@example.org."),
            field="email",
        ) from exc
    return email.lower()


@transaction.atomic
def invitation_create(
    *, actor: User | None, organisation: Organisation, email: str, role: str
) -> Invitation:
    """Invite someone by e-mail to join with a role; the e-mail is sent by a task.

    `actor` None means the installation's own set-up (the first administrator
    of a new organisation). Raises PermissionDenied, InvitationError (bad
    address, already a member, already invited) or ValidationError.
    """
    if actor is not None and not can_manage_organisation(actor, organisation):
        raise PermissionDenied
    email = _normalise_email(email)
    if role not in Role.values:
        raise InvitationError(_("Choose a role from the list."), field="role")
    if Membership.objects.filter(
        organisation=organisation, user__email__iexact=email
    ).exists():
        raise InvitationError(
            _("%(email)s is already a member of this organisation.") % {"email": email},
            field="email",
        )
    if Invitation.objects.filter(
        organisation=organisation, email__iexact=email, status=Invitation.Status.PENDING
    ).exists():
        raise InvitationError(
            _(
                "%(email)s has already been invited. Send the invitation again from "
                "the members page instead."
            )
            % {"email": email},
            field="email",
        )
    invitation = Invitation(
        organisation=organisation, email=email, role=role, invited_by=actor
    )
    invitation.full_clean()
    invitation.save()
    audit_event_create(
        actor=actor,
        action="invitation.create",
        target=invitation,
        changes={"email": email, "role": role},
    )
    _enqueue_invitation_email(invitation)
    return invitation


def _enqueue_invitation_email(invitation: Invitation) -> None:
    from coproduce.apps.organisations.tasks import invitation_send_task

    # After COMMIT only: an invitation that rolls back must not e-mail anyone.
    transaction.on_commit(
        partial(invitation_send_task.enqueue, invitation_id=invitation.pk)
    )


@transaction.atomic
def invitation_resend(*, actor: User, invitation: Invitation) -> Invitation:
    """Send a pending invitation again with a fresh expiry date."""
    if not can_manage_organisation(actor, invitation.organisation):
        raise PermissionDenied
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.status != Invitation.Status.PENDING:
        raise InvitationError(
            _("Only an invitation waiting for a reply can be sent again.")
        )
    invitation.expires_at = Invitation._meta.get_field("expires_at").get_default()
    invitation.email_status = Invitation.EmailStatus.QUEUED
    invitation.email_error = ""
    invitation.full_clean()
    invitation.save(
        update_fields=["expires_at", "email_status", "email_error", "updated_at"]
    )
    audit_event_create(actor=actor, action="invitation.resend", target=invitation)
    _enqueue_invitation_email(invitation)
    return invitation


@transaction.atomic
def invitation_cancel(*, actor: User, invitation: Invitation) -> Invitation:
    """Withdraw a pending invitation; its link stops working."""
    if not can_manage_organisation(actor, invitation.organisation):
        raise PermissionDenied
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.status != Invitation.Status.PENDING:
        raise InvitationError(
            _("Only an invitation waiting for a reply can be cancelled.")
        )
    invitation.status = Invitation.Status.CANCELLED
    invitation.save(update_fields=["status", "updated_at"])
    audit_event_create(actor=actor, action="invitation.cancel", target=invitation)
    return invitation


@transaction.atomic
def invitation_accept(*, user: User, token: str) -> Membership:
    """Join the organisation named by the invitation.

    The signed-in address must be the invited one, so a forwarded link cannot
    hand a staff role to someone else. Raises InvitationError.
    """
    invitation = (
        Invitation.objects.select_for_update()
        .select_related("organisation")
        .filter(token=token)
        .first()
    )
    if invitation is None or invitation.status != Invitation.Status.PENDING:
        raise InvitationError(_("This invitation has been used or withdrawn."))
    if invitation.is_expired:
        raise InvitationError(
            _("This invitation has expired. Ask the administrator to send it again.")
        )
    if invitation.email.lower() != user.email.lower():
        raise InvitationError(
            _(
                "This invitation was sent to a different email address. Sign in "
                "with the address it was sent to."
            )
        )
    if Membership.objects.filter(
        organisation=invitation.organisation, user=user
    ).exists():
        raise InvitationError(_("You are already a member of this organisation."))
    membership = Membership(
        organisation=invitation.organisation, user=user, role=invitation.role
    )
    membership.full_clean()
    membership.save()
    invitation.status = Invitation.Status.ACCEPTED
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["status", "accepted_at", "updated_at"])
    audit_event_create(
        actor=user,
        action="invitation.accept",
        target=membership,
        changes={"role": membership.role},
    )
    return membership


def invitation_send_email(*, invitation_id: int, site_url: str) -> Invitation:
    """Send the invitation e-mail and record whether it went (called by the task).

    A failure is stored on the invitation for the administrator to see; it is
    not raised, so the task ends cleanly and the page shows the reason.
    """
    invitation = Invitation.objects.select_related("organisation", "invited_by").get(
        pk=invitation_id
    )
    if invitation.status != Invitation.Status.PENDING:
        return invitation
    # The same link whatever language the worker thread last served: without
    # the override, a task run after a Welsh request would get a /cy/ link.
    with translation.override("en"):
        accept_path = reverse(
            "organisations:invitation-accept", kwargs={"token": invitation.token}
        )
    context = {
        "invitation": invitation,
        "accept_url": site_url.rstrip("/") + accept_path,
        "organisation_name_en": invitation.organisation.name_en,
        "organisation_name_cy": invitation.organisation.name_cy,
    }
    # Bilingual e-mail: we do not know the invitee's language yet.
    subjects = []
    for language, name in (
        ("en", invitation.organisation.name_en),
        ("cy", invitation.organisation.name_cy),
    ):
        with translation.override(language):
            subjects.append(
                _("Invitation to join %(organisation)s on Coproduce")
                % {"organisation": name}
            )
            context[f"role_{language}"] = str(invitation.get_role_display())
    subject = " / ".join(subjects)
    body = render_to_string("organisations/email/invitation.txt", context)
    try:
        send_mail(subject, body, None, [invitation.email])
    except Exception as exc:
        invitation.email_status = Invitation.EmailStatus.FAILED
        invitation.email_error = str(exc)[:500]
        invitation.save(update_fields=["email_status", "email_error", "updated_at"])
        return invitation
    invitation.email_status = Invitation.EmailStatus.SENT
    invitation.email_error = ""
    invitation.email_sent_at = timezone.now()
    invitation.save(
        update_fields=["email_status", "email_error", "email_sent_at", "updated_at"]
    )
    audit_event_create(actor=None, action="invitation.email_sent", target=invitation)
    return invitation


def membership_remove_all_for_deleted_account(*, user: User) -> int:
    """Record in each organisation's log that a member left by deleting their account.

    Called by the account deletion service inside its transaction, before the
    memberships go with the user. The log names a pseudonym, not the address the
    person has asked us to erase. Returns the number of memberships ended.
    """
    memberships = list(
        Membership.objects.select_for_update()
        .filter(user=user)
        .select_related("organisation")
    )
    for membership in memberships:
        audit_event_create(
            actor=None,
            action="membership.remove",
            target=membership,
            changes={
                "user": f"deleted-account-{user.pk}",
                "role": membership.role,
                "reason": "account deleted",
            },
        )
    Membership.objects.filter(pk__in=[m.pk for m in memberships]).delete()
    return len(memberships)
