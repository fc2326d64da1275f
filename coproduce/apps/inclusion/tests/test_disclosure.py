"""Small-number protection: who sees exact counts, and which cells are hidden."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coproduce.apps.accounts.tests.factories import UserFactory
from coproduce.apps.inclusion.disclosure import (
    EXACT,
    Disclosure,
    disclosure_for,
    hidden_positions,
    public_disclosure,
)
from coproduce.apps.organisations.models import Role
from coproduce.apps.organisations.tests.factories import (
    MembershipFactory,
    OrganisationFactory,
)

TEN = Disclosure(threshold=10)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "threshold"),
    [
        (Role.ANALYST, 1),
        (Role.ADMINISTRATOR, 1),
        (Role.ENGAGEMENT_OFFICER, 10),
        (Role.ELECTED_MEMBER, 10),
        (Role.COMMUNITY_ORGANISER, 10),
    ],
)
def test_only_analysts_and_administrators_see_exact_counts(role, threshold):
    membership = MembershipFactory(role=role)
    disclosure = disclosure_for(membership.user, membership.organisation)
    assert disclosure.threshold == threshold
    # The role counts only in its own organisation.
    assert disclosure_for(membership.user, OrganisationFactory()).threshold == 10


@pytest.mark.django_db
def test_thresholds_come_from_settings(settings):
    settings.COPRODUCE_SMALL_NUMBER_THRESHOLD = 20
    settings.COPRODUCE_PUBLIC_SMALL_NUMBER_THRESHOLD = 3
    assert disclosure_for(UserFactory(), OrganisationFactory()).threshold == 20
    assert public_disclosure().threshold == 3
    settings.COPRODUCE_SMALL_NUMBER_THRESHOLD = 0  # nonsense is read as "none"
    assert disclosure_for(UserFactory(), OrganisationFactory()).is_exact


def test_public_default_is_five():
    assert public_disclosure() == Disclosure(threshold=5)


@pytest.mark.parametrize(
    ("counts", "hidden"),
    [
        # Nothing small: nothing hidden; zero is shown.
        ((40, 25, 0), set()),
        # Two small cells protect each other.
        ((40, 3, 4), {1, 2}),
        # One small cell: the smallest other non-zero cell goes with it,
        # otherwise 40 + 25 + x = total gives x away.
        ((40, 25, 3), {1, 2}),
        ((40, 3, 25, 0), {1, 2}),
        # The whole group is one small category: "0 elsewhere" would tell.
        ((0, 7, 0), {0, 1, 2}),
        ((9,), {0}),
        ((10,), set()),
        ((), set()),
    ],
)
def test_hidden_positions_worked_examples(counts, hidden):
    assert hidden_positions(counts, TEN) == hidden


def test_exact_hides_nothing():
    assert hidden_positions((1, 2, 0, 500), EXACT) == frozenset()


@settings(max_examples=500, derandomize=True)
@given(
    st.lists(st.integers(min_value=0, max_value=60), max_size=8),
    st.integers(min_value=1, max_value=20),
)
def test_no_small_count_is_shown_or_derivable_from_the_total(counts, threshold):
    disclosure = Disclosure(threshold=threshold)
    hidden = hidden_positions(counts, disclosure)
    shown = [count for index, count in enumerate(counts) if index not in hidden]
    # Primary: no shown count is small.
    assert not any(disclosure.hides(count) for count in shown)
    # Secondary: never exactly one hidden cell (it would be total − shown).
    assert len(hidden) != 1 or len(counts) == 1
    # Nothing is hidden without a reason.
    if not any(disclosure.hides(count) for count in counts):
        assert hidden == frozenset()
