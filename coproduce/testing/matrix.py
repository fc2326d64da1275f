"""Building blocks of the permission matrix (core/tests/test_permission_matrix.py).

Each app may add its own pages to the matrix in `<app>/tests/matrix*.py`, a module
defining:

- ``ROWS``: a list of `Row`;
- ``scenario_kwargs(context: MatrixContext) -> dict[str, dict]``: the URL arguments
  for each target named in its rows (objects made with the app's factories);
- optionally ``database_state() -> tuple``: everything its POST rows could change.

The core test discovers these modules, so apps never edit one shared table.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from coproduce.apps.accounts.models import User
from coproduce.apps.organisations.models import Organisation

LOGIN = "login"  # a 302 to the sign-in page, with ?next=

ANONYMOUS = "anonymous"
RESIDENT = "resident"
ADMINISTRATOR = "administrator"
OFFICER = "officer"
ANALYST = "analyst"
ELECTED_MEMBER = "elected_member"
COMMUNITY_ORGANISER = "community_organiser"
OTHER_ADMINISTRATOR = "staff_of_other_organisation"

ROLES = (ADMINISTRATOR, OFFICER, ANALYST, ELECTED_MEMBER, COMMUNITY_ORGANISER)
ACTORS = (ANONYMOUS, RESIDENT, *ROLES, OTHER_ADMINISTRATOR)
SIGNED_IN = tuple(a for a in ACTORS if a != ANONYMOUS)


def _statuses(*parts: dict[str, int | str]) -> dict[str, int | str]:
    """Merge parts, later ones winning; every actor must end up with a status."""
    by_actor: dict[str, int | str] = {}
    for part in parts:
        by_actor.update(part)
    missing = set(ACTORS) - set(by_actor)
    if missing:
        raise ValueError(f"No expected status for {sorted(missing)}")
    return by_actor


def public() -> dict[str, int | str]:
    return dict.fromkeys(ACTORS, 200)


def signed_in(ok: int | str = 200) -> dict[str, int | str]:
    return {ANONYMOUS: LOGIN, **dict.fromkeys(SIGNED_IN, ok)}


def members(ok: int | str = 200) -> dict[str, int | str]:
    return _statuses(
        {ANONYMOUS: LOGIN, RESIDENT: 403, OTHER_ADMINISTRATOR: 403},
        dict.fromkeys(ROLES, ok),
    )


def administrators(ok: int | str = 200, others: int = 403) -> dict[str, int | str]:
    """Administrators get `ok`; other members get `others`; outsiders 403."""
    return _statuses(
        {ANONYMOUS: LOGIN, RESIDENT: 403, OTHER_ADMINISTRATOR: 403},
        dict.fromkeys(ROLES, others),
        {ADMINISTRATOR: ok},
    )


def signed_in_404() -> dict[str, int | str]:
    return {ANONYMOUS: LOGIN, **dict.fromkeys(SIGNED_IN, 404)}


def post_only() -> dict[str, int | str]:
    return dict.fromkeys(ACTORS, 405)


@dataclass(frozen=True)
class Row:
    """One request: URL name, which objects fill its arguments, expected statuses."""

    name: str
    target: str  # a key of Scenario.kwargs
    expected: dict[str, int | str]
    method: str = "get"
    data: dict[str, str] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return f"{self.method.upper()} {self.name} ({self.target})"


@dataclass
class Scenario:
    users: dict[str, User | None]
    kwargs: dict[str, dict[str, Any]]


@dataclass(frozen=True)
class MatrixContext:
    """What every app's scenario builder gets: the two organisations and the people."""

    organisation: Organisation
    other_organisation: Organisation
    users: dict[str, User | None]
    extra: dict[str, Any] = field(default_factory=dict)
