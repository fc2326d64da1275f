"""Small-number protection: who sees exact counts of people in small groups.

Inclusion figures break participants down by age, ethnicity, disability and
area. In a small group a count can point at a person ("the one disabled
respondent in Ward X"), so counts of people from 1 to threshold − 1 are hidden
for everyone outside the analyst and administrator roles (spec §9; the issue's
default threshold is 10, setting COPRODUCE_SMALL_NUMBER_THRESHOLD), and below
5 on anything public (COPRODUCE_PUBLIC_SMALL_NUMBER_THRESHOLD). Zero is shown:
an empty group is the finding the page exists to show.

Hiding one cell is not enough when the total is shown, because the cell is
the total minus the others. `hidden_positions` therefore also hides the next
smallest cell (secondary suppression), the usual rule of statistical
disclosure control (e.g. the ONS's guidance on tables of counts).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import AnonymousUser

from coproduce.apps.accounts.models import User
from coproduce.apps.core.tables import HIDDEN, Cell
from coproduce.apps.organisations.models import Organisation, Role
from coproduce.apps.organisations.permissions import role_in

DEFAULT_THRESHOLD = 10
DEFAULT_PUBLIC_THRESHOLD = 5
# Roles whose work needs exact counts (weighting, checking imports, panels).
EXACT_ROLES = frozenset({Role.ANALYST, Role.ADMINISTRATOR})


@dataclass(frozen=True, slots=True)
class Disclosure:
    """Counts from 1 to `threshold` − 1 are hidden; a threshold of 1 hides none."""

    threshold: int

    @property
    def is_exact(self) -> bool:
        return self.threshold <= 1

    def hides(self, count: int) -> bool:
        return 0 < count < self.threshold


EXACT = Disclosure(threshold=1)


def staff_threshold() -> int:
    return max(
        1, int(getattr(settings, "COPRODUCE_SMALL_NUMBER_THRESHOLD", DEFAULT_THRESHOLD))
    )


def public_threshold() -> int:
    return max(
        1,
        int(
            getattr(
                settings,
                "COPRODUCE_PUBLIC_SMALL_NUMBER_THRESHOLD",
                DEFAULT_PUBLIC_THRESHOLD,
            )
        ),
    )


def disclosure_for(
    user: User | AnonymousUser, organisation: Organisation
) -> Disclosure:
    """Exact for the organisation's analysts and administrators, else protected."""
    if role_in(user, organisation) in EXACT_ROLES:
        return EXACT
    return Disclosure(threshold=staff_threshold())


def public_disclosure() -> Disclosure:
    """For anything anyone can see: published reports and public pages."""
    return Disclosure(threshold=public_threshold())


def hidden_positions(counts: Sequence[int], disclosure: Disclosure) -> frozenset[int]:
    """Which of a characteristic's category counts to hide, by position.

    Primary: every count from 1 to threshold − 1. Secondary: when exactly one is
    hidden, the smallest other non-zero count too, so the total does not give
    it away; when every other count is zero (the whole group is one small
    category), the zeros are hidden as well, since "0 elsewhere" tells the rest.
    """
    hidden = {index for index, count in enumerate(counts) if disclosure.hides(count)}
    if len(hidden) == 1:
        others = sorted(
            (count, index)
            for index, count in enumerate(counts)
            if index not in hidden and count > 0
        )
        if others:
            hidden.add(others[0][1])
        else:
            hidden.update(range(len(counts)))
    return frozenset(hidden)


def protected_count(count: int, disclosure: Disclosure) -> Cell:
    """A count of people, or HIDDEN when it is small."""
    return HIDDEN if disclosure.hides(count) else count


def protected_percent(count: int, share: float | None, disclosure: Disclosure) -> Cell:
    """A share (0–1) in percent, hidden with the count of people it came from."""
    if share is None:
        return None
    return HIDDEN if disclosure.hides(count) else float(share) * 100
