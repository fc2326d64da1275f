"""Engagements, events, documents, responses and comments with hostile text."""

from __future__ import annotations

from datetime import timedelta

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from coproduce.apps.accounts.tests.factories import UserFactory
from coproduce.apps.engagements.models import (
    Comment,
    Engagement,
    EngagementEvent,
    EngagementResponse,
    ParticipationLevel,
    Topic,
)
from coproduce.apps.organisations.tests.factories import OrganisationFactory
from coproduce.testing.text import hostile_strings

_TITLES = hostile_strings(max_length=200)
_TEXTS = hostile_strings(max_length=2000)


class TopicFactory(DjangoModelFactory):
    class Meta:
        model = Topic

    organisation = factory.SubFactory(OrganisationFactory)
    name_en = factory.Iterator(hostile_strings(max_length=100))
    name_cy = factory.Iterator(list(reversed(hostile_strings(max_length=100))))
    slug = factory.Sequence(lambda n: f"topic-{n}")


class EngagementFactory(DjangoModelFactory):
    """An open consultation by default; pass `status` for other states."""

    class Meta:
        model = Engagement

    organisation = factory.SubFactory(OrganisationFactory)
    slug = factory.Sequence(lambda n: f"engagement-{n}")
    title_en = factory.Iterator(_TITLES)
    title_cy = factory.Iterator(list(reversed(_TITLES)))
    summary_en = factory.Iterator(_TEXTS)
    summary_cy = factory.Iterator(list(reversed(_TEXTS)))
    purpose_en = factory.Iterator(_TEXTS)
    purpose_cy = ""
    level = ParticipationLevel.CONSULT
    owning_team = factory.Iterator(_TITLES)
    contact_email = "engagement@example.org"
    status = Engagement.Status.OPEN
    opens_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=7))
    closes_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=28))
    published_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=7))


class EngagementEventFactory(DjangoModelFactory):
    class Meta:
        model = EngagementEvent

    engagement = factory.SubFactory(EngagementFactory)
    title_en = factory.Iterator(_TITLES)
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=3))
    venue = factory.Iterator(hostile_strings(max_length=300))
    accessibility_information_en = factory.Iterator(_TEXTS)


class EngagementResponseFactory(DjangoModelFactory):
    class Meta:
        model = EngagementResponse

    engagement = factory.SubFactory(EngagementFactory, status=Engagement.Status.CLOSED)
    what_we_heard_en = factory.Iterator(_TEXTS)
    what_we_decided_en = factory.Iterator(_TEXTS)
    what_changes_en = factory.Iterator(_TEXTS)
    what_does_not_change_en = factory.Iterator(_TEXTS)


class CommentFactory(DjangoModelFactory):
    class Meta:
        model = Comment

    engagement = factory.SubFactory(EngagementFactory, allows_comments=True)
    author = factory.SubFactory(UserFactory)
    body = factory.Iterator(_TEXTS)
