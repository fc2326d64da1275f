"""Who may weight survey results. Tested as a role table in test_services_weighting."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser

from coproduce.apps.accounts.models import User
from coproduce.apps.organisations.models import Organisation, Role
from coproduce.apps.organisations.permissions import role_in

WEIGHTING_ROLES = frozenset({Role.ADMINISTRATOR, Role.ANALYST})


def can_weight_results(user: User | AnonymousUser, organisation: Organisation) -> bool:
    """Request, follow and cancel weighting runs: administrators and analysts.

    Every member who may see results may also see them weighted once a run
    has finished.
    """
    return role_in(user, organisation) in WEIGHTING_ROLES
