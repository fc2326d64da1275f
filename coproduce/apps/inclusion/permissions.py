"""Who may see and recalculate inclusion figures. Tested as a role table.

Every member of the organisation reads inclusion figures (like survey results);
engagement officers, analysts and administrators may ask for a recalculation.
How exact the counts shown are is a separate question (disclosure.py).
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser

from coproduce.apps.accounts.models import User
from coproduce.apps.organisations.models import Organisation, Role
from coproduce.apps.organisations.permissions import is_member, role_in

SNAPSHOT_ROLES = frozenset({Role.ADMINISTRATOR, Role.ENGAGEMENT_OFFICER, Role.ANALYST})


def can_view_inclusion(user: User | AnonymousUser, organisation: Organisation) -> bool:
    """Snapshots and the inclusion dashboard: every member."""
    return is_member(user, organisation)


def can_request_inclusion_snapshot(
    user: User | AnonymousUser, organisation: Organisation
) -> bool:
    """Recalculate an engagement's snapshot: officers, analysts, administrators."""
    return role_in(user, organisation) in SNAPSHOT_ROLES
