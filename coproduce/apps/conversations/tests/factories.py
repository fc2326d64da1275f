"""Conversations, participants, statements and votes with hostile text."""

from __future__ import annotations

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from coproduce.apps.conversations.models import (
    STATEMENT_MAX_LENGTH,
    Conversation,
    Participant,
    Statement,
    Vote,
)
from coproduce.apps.conversations.services.participants import number_allocate
from coproduce.apps.engagements.tests.factories import EngagementFactory
from coproduce.testing.text import hostile_strings

_TOPICS = hostile_strings(max_length=200)
_TEXTS = hostile_strings(max_length=5000)
_STATEMENTS = hostile_strings(max_length=STATEMENT_MAX_LENGTH)


class ConversationFactory(DjangoModelFactory):
    """An open, strictly moderated conversation by default."""

    class Meta:
        model = Conversation

    engagement = factory.SubFactory(EngagementFactory)
    organisation = factory.LazyAttribute(lambda o: o.engagement.organisation)
    topic_en = factory.Iterator(_TOPICS)
    topic_cy = factory.Iterator(list(reversed(_TOPICS)))
    description_en = factory.Iterator(_TEXTS)
    status = Conversation.Status.OPEN
    random_state = factory.Sequence(lambda n: n)


class ParticipantFactory(DjangoModelFactory):
    class Meta:
        model = Participant

    conversation = factory.SubFactory(ConversationFactory)
    number = factory.LazyAttribute(
        lambda o: _bump(o.conversation, "next_participant_number")
    )
    anonymous_key = factory.Sequence(lambda n: f"{n:064x}")


class StatementFactory(DjangoModelFactory):
    """An accepted statement by default."""

    class Meta:
        model = Statement

    conversation = factory.SubFactory(ConversationFactory)
    number = factory.LazyAttribute(
        lambda o: _bump(o.conversation, "next_statement_number")
    )
    author = factory.LazyAttribute(
        lambda o: ParticipantFactory(conversation=o.conversation)
    )
    # Unique per factory call: services refuse duplicates, factories should too.
    text_en = factory.Sequence(
        lambda n: f"{_STATEMENTS[n % len(_STATEMENTS)]}"[:270] + f" #{n}"
    )
    state = Statement.State.ACCEPTED


class VoteFactory(DjangoModelFactory):
    class Meta:
        model = Vote

    statement = factory.SubFactory(StatementFactory)
    conversation = factory.LazyAttribute(lambda o: o.statement.conversation)
    participant = factory.LazyAttribute(
        lambda o: ParticipantFactory(conversation=o.statement.conversation)
    )
    value = Vote.Value.AGREE
    cast_at = factory.LazyFunction(timezone.now)


def _bump(conversation: Conversation, counter: str) -> int:
    """Take the next number the way the services do, so they never collide."""
    number = number_allocate(conversation, counter)
    setattr(conversation, counter, number + 1)
    return number
