"""Organisations, areas, memberships and invitations with hostile names."""

from __future__ import annotations

import factory
from factory.django import DjangoModelFactory

from coproduce.apps.accounts.tests.factories import UserFactory
from coproduce.apps.organisations.models import (
    Area,
    Invitation,
    Membership,
    Organisation,
    PopulationMargin,
    PopulationProfile,
    Role,
)
from coproduce.testing.text import hostile_strings

_NAMES = hostile_strings(max_length=200)


class OrganisationFactory(DjangoModelFactory):
    class Meta:
        model = Organisation

    name_en = factory.Iterator(_NAMES)
    # Reversed so an organisation's two names differ.
    name_cy = factory.Iterator(list(reversed(_NAMES)))
    slug = factory.Sequence(lambda n: f"council-{n}")
    kind = Organisation.Kind.COUNCIL


class AreaFactory(DjangoModelFactory):
    class Meta:
        model = Area

    organisation = factory.SubFactory(OrganisationFactory)
    parent = None
    name_en = factory.Iterator(_NAMES)
    name_cy = factory.Iterator(list(reversed(_NAMES)))
    code = factory.Sequence(lambda n: f"W05{n:06d}")
    level = Area.Level.WARD


class MembershipFactory(DjangoModelFactory):
    """A staff member: the user gets a TOTP authenticator, as the product requires."""

    class Meta:
        model = Membership

    organisation = factory.SubFactory(OrganisationFactory)
    user = factory.SubFactory(UserFactory, with_totp=True)
    role = Role.ENGAGEMENT_OFFICER


class InvitationFactory(DjangoModelFactory):
    class Meta:
        model = Invitation

    organisation = factory.SubFactory(OrganisationFactory)
    email = factory.Sequence(lambda n: f"invitee.{n}@example.org")
    role = Role.ENGAGEMENT_OFFICER
    invited_by = factory.SubFactory(UserFactory)


class PopulationProfileFactory(DjangoModelFactory):
    class Meta:
        model = PopulationProfile

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Iterator(_NAMES)
    source = "Census 2021"
    age_base = "16+"


class PopulationMarginFactory(DjangoModelFactory):
    class Meta:
        model = PopulationMargin

    profile = factory.SubFactory(PopulationProfileFactory)
    area = factory.SubFactory(
        AreaFactory, organisation=factory.SelfAttribute("..profile.organisation")
    )
    characteristic = "sex"
    category = "female"
    count = 100
