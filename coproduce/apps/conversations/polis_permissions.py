"""Who may import and export Polis data. Tested as role × state tables.

Administrators, engagement officers and analysts import Polis exports; every
member downloads any conversation of the organisation as a Polis export; the
public downloads a conversation whose results are published.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser

from coproduce.apps.accounts.models import User
from coproduce.apps.conversations.models import Conversation
from coproduce.apps.organisations.models import Organisation, Role
from coproduce.apps.organisations.permissions import is_member, role_in

IMPORTING_ROLES = frozenset({Role.ADMINISTRATOR, Role.ENGAGEMENT_OFFICER, Role.ANALYST})


def can_import_polis(user: User | AnonymousUser, organisation: Organisation) -> bool:
    """Upload a Polis export and read its import pages."""
    return role_in(user, organisation) in IMPORTING_ROLES


def can_export_polis(user: User | AnonymousUser, conversation: Conversation) -> bool:
    """Download a conversation as a Polis export.

    Members always; everyone else only once the results are public (and never a
    draft).
    """
    if is_member(user, conversation.organisation):
        return True
    return (
        conversation.results_published
        and conversation.status != Conversation.Status.DRAFT
    )
