"""Writes to user accounts."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from coproduce.apps.accounts.models import User
from coproduce.apps.audit.services import (
    audit_diff,
    audit_event_create,
    audit_events_pseudonymise_user,
    audit_snapshot,
)
from coproduce.errors import StateConflictError


class AccountDeleteError(StateConflictError):
    code = "account_delete_refused"


@transaction.atomic
def user_update_profile(
    *, actor: User, user: User, full_name: str, preferred_language: str
) -> User:
    """Change a user's own name and e-mail language.

    Raises PermissionDenied or ValidationError.
    """
    if actor.pk != user.pk:
        raise PermissionDenied
    user = User.objects.select_for_update().get(pk=user.pk)
    before = audit_snapshot(user, ["full_name", "preferred_language"])
    user.full_name = full_name.strip()
    user.preferred_language = preferred_language
    user.full_clean(exclude=["password"])
    user.save(update_fields=["full_name", "preferred_language"])
    audit_event_create(
        actor=actor,
        action="account.update",
        target=user,
        changes=audit_diff(
            before, audit_snapshot(user, ["full_name", "preferred_language"])
        ),
    )
    return user


@transaction.atomic
def user_delete_account(*, actor: User, user: User) -> None:
    """Delete a user's own account and everything linked to it.

    Refused while the user is the only administrator of an organisation, which
    would otherwise be left with nobody able to manage it. Raises
    PermissionDenied or AccountDeleteError.
    """
    if actor.pk != user.pk:
        raise PermissionDenied
    from coproduce.apps.organisations.selectors import (
        organisation_list_where_sole_administrator,
    )

    for organisation in organisation_list_where_sole_administrator(user=user):
        raise AccountDeleteError(
            _(
                "You are the only administrator of %(organisation)s. Make someone "
                "else an administrator before deleting your account."
            )
            % {"organisation": organisation.name}
        )
    from coproduce.apps.organisations.services import (
        membership_remove_all_for_deleted_account,
    )

    membership_remove_all_for_deleted_account(user=user)
    audit_event_create(actor=None, action="account.delete", target=None, changes={})
    audit_events_pseudonymise_user(user=user)
    user.delete()
