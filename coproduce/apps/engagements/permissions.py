"""Who may do what with engagements and their surveys. Tested as role × state tables.

Roles (organisations.models.Role):
- administrators and engagement officers run engagements: create, edit, change
  status, build surveys, enter paper responses, moderate, write responses;
- analysts read everything, including raw results and exports;
- elected members and community organisers read drafts and summary results,
  but cannot export individual responses;
- residents and the public see everything except drafts.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser

from coproduce.apps.accounts.models import User
from coproduce.apps.organisations.models import Organisation, Role
from coproduce.apps.organisations.permissions import is_member, role_in

RUNNING_ROLES = frozenset({Role.ADMINISTRATOR, Role.ENGAGEMENT_OFFICER})
EXPORTING_ROLES = frozenset({Role.ADMINISTRATOR, Role.ENGAGEMENT_OFFICER, Role.ANALYST})


def can_manage_engagements(
    user: User | AnonymousUser, organisation: Organisation
) -> bool:
    """Create, edit, open, close, respond, build surveys, moderate, enter responses."""
    return role_in(user, organisation) in RUNNING_ROLES


def can_see_unpublished_engagements(
    user: User | AnonymousUser, organisation: Organisation
) -> bool:
    """Drafts and scheduled engagements: every member of the organisation."""
    return is_member(user, organisation)


def can_view_results(user: User | AnonymousUser, organisation: Organisation) -> bool:
    """Summary results (counts, charts, free text): every member."""
    return is_member(user, organisation)


def can_export_responses(
    user: User | AnonymousUser, organisation: Organisation
) -> bool:
    """Individual responses (CSV, XLSX, SPSS) and tagging of free text."""
    return role_in(user, organisation) in EXPORTING_ROLES
