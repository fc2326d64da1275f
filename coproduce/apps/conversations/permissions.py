"""Who may do what with conversations. Tested as role × state tables.

Administrators and engagement officers run conversations (create, seed,
moderate, ban); every member of the organisation may read the staff pages;
residents and the public vote on open conversations.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser

from coproduce.apps.accounts.models import User
from coproduce.apps.organisations.models import Organisation, Role
from coproduce.apps.organisations.permissions import is_member, role_in

RUNNING_ROLES = frozenset({Role.ADMINISTRATOR, Role.ENGAGEMENT_OFFICER})


def can_manage_conversations(
    user: User | AnonymousUser, organisation: Organisation
) -> bool:
    """Create, edit, open, close, seed, moderate and ban."""
    return role_in(user, organisation) in RUNNING_ROLES


def can_view_conversation_admin(
    user: User | AnonymousUser, organisation: Organisation
) -> bool:
    """The staff pages (lists, counts, drafts): every member."""
    return is_member(user, organisation)
