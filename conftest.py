"""Fixtures shared by every test: two organisations and one person per role.

Every staff fixture has a TOTP authenticator, as the MFA middleware requires;
`resident` has an account but no role anywhere.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import cast

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client
from django.utils import translation

from coproduce.apps.accounts.models import User
from coproduce.apps.accounts.tests.factories import UserFactory
from coproduce.apps.organisations.models import Membership, Organisation, Role
from coproduce.apps.organisations.tests.factories import (
    MembershipFactory,
    OrganisationFactory,
)


@pytest.fixture(autouse=True)
def _default_language() -> Iterator[None]:
    """Start every test in English: a /cy/ request leaves Welsh active in the thread."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


def _member(organisation: Organisation, role: str) -> User:
    membership = cast(
        Membership, MembershipFactory(organisation=organisation, role=role)
    )
    return membership.user


@pytest.fixture
def organisation(db: None) -> Organisation:
    return cast(Organisation, OrganisationFactory())


@pytest.fixture
def other_organisation(db: None) -> Organisation:
    return cast(Organisation, OrganisationFactory())


@pytest.fixture
def administrator(organisation: Organisation) -> User:
    return _member(organisation, Role.ADMINISTRATOR)


@pytest.fixture
def officer(organisation: Organisation) -> User:
    return _member(organisation, Role.ENGAGEMENT_OFFICER)


@pytest.fixture
def analyst(organisation: Organisation) -> User:
    return _member(organisation, Role.ANALYST)


@pytest.fixture
def elected_member(organisation: Organisation) -> User:
    return _member(organisation, Role.ELECTED_MEMBER)


@pytest.fixture
def community_organiser(organisation: Organisation) -> User:
    return _member(organisation, Role.COMMUNITY_ORGANISER)


@pytest.fixture
def resident(db: None) -> User:
    return cast(User, UserFactory())


@pytest.fixture
def staff_of_other_organisation(other_organisation: Organisation) -> User:
    """An administrator, but of `other_organisation`: no rights in `organisation`."""
    return _member(other_organisation, Role.ADMINISTRATOR)


@pytest.fixture
def client_for(db: None) -> Callable[[User | None], Client]:
    """A fresh test client signed in as `user` (anonymous for None)."""

    def make(user: User | None) -> Client:
        client = Client()
        if user is not None:
            client.force_login(user)
        return client

    return make


@pytest.fixture(autouse=True)
def _empty_cache() -> Iterator[None]:
    """Start every test with an empty cache: rolled-back rows can reuse primary
    keys, so a value cached by an earlier test could otherwise be read back."""
    cache.clear()
    yield
    cache.clear()
