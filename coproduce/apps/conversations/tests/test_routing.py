"""Routing: which statement a participant sees next, and their progress."""

from __future__ import annotations

import random
from collections import Counter

import pytest

from coproduce.analytics.opinion_map.priority import (
    UNVOTED_PRIORITY,
    choose_next_statement,
)
from coproduce.apps.conversations.models import (
    Conversation,
    OpinionMapSnapshot,
    Statement,
)
from coproduce.apps.conversations.selectors import next_statement, voting_progress
from coproduce.apps.conversations.tests.factories import (
    ConversationFactory,
    ParticipantFactory,
    StatementFactory,
    VoteFactory,
)

pytestmark = pytest.mark.django_db


def _snapshot(conversation: Conversation, priorities: dict[str, float]) -> None:
    OpinionMapSnapshot.objects.create(
        conversation=conversation,
        vote_event_high_water=0,
        input_hash="0" * 64,
        software_version="test",
        random_state=conversation.random_state,
        priorities=priorities,
    )


def _drawn(conversation: Conversation, participant: object, n: int = 200) -> Counter:
    return Counter(
        next_statement(
            conversation=conversation,
            participant=participant,  # type: ignore[arg-type]
            rng=random.Random(seed),
        ).number  # type: ignore[union-attr]
        for seed in range(n)
    )


@pytest.mark.parametrize("moderation", ["strict", "permissive"])
def test_only_visible_statements_not_yet_voted_on_are_candidates(
    moderation: str,
) -> None:
    conversation = ConversationFactory(moderation=moderation)
    accepted = StatementFactory(conversation=conversation)
    voted = StatementFactory(conversation=conversation)
    unmoderated = StatementFactory(
        conversation=conversation, state=Statement.State.UNMODERATED
    )
    StatementFactory(conversation=conversation, state=Statement.State.REJECTED)
    participant = ParticipantFactory(conversation=conversation)
    VoteFactory(statement=voted, participant=participant)

    drawn = set(_drawn(conversation, participant))

    expected = {accepted.number}
    if moderation == "permissive":
        expected.add(unmoderated.number)
    assert drawn == expected


def test_nothing_is_left_when_every_visible_statement_has_a_vote() -> None:
    conversation = ConversationFactory()
    statement = StatementFactory(conversation=conversation)
    participant = ParticipantFactory(conversation=conversation)
    VoteFactory(statement=statement, participant=participant)
    assert (
        next_statement(
            conversation=conversation, participant=participant, rng=random.Random(0)
        )
        is None
    )
    progress = voting_progress(conversation=conversation, participant=participant)
    assert (progress.n_voted, progress.n_visible, progress.is_finished) == (1, 1, True)


def test_the_draw_follows_the_latest_snapshot_priorities() -> None:
    conversation = ConversationFactory()
    low, high = StatementFactory.create_batch(2, conversation=conversation)
    _snapshot(conversation, {str(low.number): 100.0, str(high.number): 1.0})
    _snapshot(conversation, {str(low.number): 1.0, str(high.number): 99.0})

    counts = _drawn(conversation, None, n=400)

    assert counts[high.number] > 360  # about 99 %
    assert counts[low.number] > 0


def test_a_seeded_rng_gives_the_same_draw_as_the_analytics_function() -> None:
    conversation = ConversationFactory()
    statements = StatementFactory.create_batch(4, conversation=conversation)
    # Statement 3 is newer than the snapshot: it gets UNVOTED_PRIORITY.
    priorities = {str(s.number): float(i + 1) for i, s in enumerate(statements[:3])}
    _snapshot(conversation, priorities)
    numbers = [s.number for s in statements]
    expected_weights = {int(k): v for k, v in priorities.items()}

    for seed in range(20):
        chosen = next_statement(
            conversation=conversation, participant=None, rng=random.Random(seed)
        )
        assert chosen is not None
        assert chosen.number == choose_next_statement(
            numbers,
            {**expected_weights, numbers[3]: UNVOTED_PRIORITY},
            random.Random(seed),
        )


def test_without_a_snapshot_every_statement_is_equally_likely() -> None:
    conversation = ConversationFactory()
    statements = StatementFactory.create_batch(2, conversation=conversation)
    counts = _drawn(conversation, None, n=400)
    assert set(counts) == {s.number for s in statements}
    assert all(120 < counts[s.number] < 280 for s in statements)


def test_progress_counts_only_visible_statements() -> None:
    conversation = ConversationFactory(moderation="strict")
    seen = StatementFactory(conversation=conversation)
    StatementFactory(conversation=conversation)
    hidden = StatementFactory(
        conversation=conversation, state=Statement.State.UNMODERATED
    )
    participant = ParticipantFactory(conversation=conversation)
    VoteFactory(statement=seen, participant=participant)
    VoteFactory(statement=hidden, participant=participant)

    progress = voting_progress(conversation=conversation, participant=participant)

    assert (progress.n_voted, progress.n_visible) == (1, 2)
