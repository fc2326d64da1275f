"""Deprivation indices and postcode lookup rows, with hostile names."""

from __future__ import annotations

import factory
from factory.django import DjangoModelFactory

from coproduce.apps.organisations.models import (
    DeprivationArea,
    DeprivationIndex,
    Nation,
    PostcodeArea,
)
from coproduce.apps.organisations.tests.factories import (
    AreaFactory,
    OrganisationFactory,
)
from coproduce.testing.text import hostile_strings

_NAMES = hostile_strings(max_length=200)


class DeprivationIndexFactory(DjangoModelFactory):
    class Meta:
        model = DeprivationIndex

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Iterator(_NAMES)
    nation = Nation.WALES
    edition = "WIMD 2019"
    geography = "LSOA 2011"


class DeprivationAreaFactory(DjangoModelFactory):
    class Meta:
        model = DeprivationArea

    index = factory.SubFactory(DeprivationIndexFactory)
    area = factory.SubFactory(
        AreaFactory, organisation=factory.SelfAttribute("..index.organisation")
    )
    decile = 1
    residents = 1500


class PostcodeAreaFactory(DjangoModelFactory):
    class Meta:
        model = PostcodeArea

    organisation = factory.SubFactory(OrganisationFactory)
    prefix = factory.Sequence(lambda n: f"CF{10 + n % 90}{n % 10}AA")
    area = factory.SubFactory(
        AreaFactory, organisation=factory.SelfAttribute("..organisation")
    )
