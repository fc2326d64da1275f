"""A conversation filled with a synthetic vote log (planted groups), for the
opinion-map tests: participants and statements numbered as the engine sees
them, and the vote events written in log order."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from coproduce.analytics.opinion_map.synthetic import generate_conversation
from coproduce.apps.conversations.models import (
    Conversation,
    Participant,
    Statement,
    Vote,
    VoteEvent,
)
from coproduce.apps.conversations.tests.factories import ConversationFactory
from coproduce.apps.engagements.tests.factories import EngagementFactory
from coproduce.apps.organisations.models import Organisation

START = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


def filled_conversation(
    organisation: Organisation,
    *,
    n_participants: int = 60,
    n_statements: int = 15,
    random_state: int = 0,
    texts: list[str] | None = None,
) -> Conversation:
    """An open conversation with a synthetic conversation's votes."""
    synthetic = generate_conversation(
        n_participants=n_participants,
        n_statements=n_statements,
        median_votes=10,
        rejected_share=0,
        meta_share=0,
        random_state=random_state,
    )
    conversation: Conversation = ConversationFactory(
        engagement=EngagementFactory(organisation=organisation),
        random_state=random_state,
        next_participant_number=n_participants,
        next_statement_number=n_statements,
    )
    participants = Participant.objects.bulk_create(
        Participant(
            conversation=conversation, number=number, anonymous_key=f"{number:064x}"
        )
        for number in range(n_participants)
    )
    statements = []
    for number in range(n_statements):
        statement = Statement(
            conversation=conversation,
            number=number,
            author=participants[0],
            state=Statement.State.ACCEPTED,
            is_seed=True,
        )
        statement.text_en = (
            texts[number % len(texts)] if texts else f"Statement ŵ {number}"
        )
        statements.append(statement)
    Statement.objects.bulk_create(statements)
    add_votes(
        conversation,
        list(
            zip(
                synthetic.votes.participant_ids.tolist(),
                synthetic.votes.statement_ids.tolist(),
                synthetic.votes.values.tolist(),
                strict=True,
            )
        ),
    )
    return conversation


def add_votes(
    conversation: Conversation, votes: list[tuple[int, int, int]], *, day: int = 0
) -> None:
    """Write (participant number, statement number, value) votes as events."""
    participants = {p.number: p for p in conversation.participants.all()}
    statements = {s.number: s for s in conversation.statements.all()}
    at = START + timedelta(days=day)
    events = []
    latest: dict[tuple[int, int], tuple[int, datetime]] = {}
    for index, (participant, statement, value) in enumerate(votes):
        cast_at = at + timedelta(seconds=index)
        events.append(
            VoteEvent(
                conversation=conversation,
                participant=participants[participant],
                statement=statements[statement],
                value=value,
                cast_at=cast_at,
            )
        )
        latest[(participant, statement)] = (value, cast_at)
        if participants[participant].first_vote_at is None:
            participants[participant].first_vote_at = cast_at
    VoteEvent.objects.bulk_create(events)
    for participant, statement in latest:
        Vote.objects.filter(
            participant=participants[participant], statement=statements[statement]
        ).delete()
    Vote.objects.bulk_create(
        Vote(
            conversation=conversation,
            participant=participants[participant],
            statement=statements[statement],
            value=value,
            cast_at=cast_at,
        )
        for (participant, statement), (value, cast_at) in latest.items()
    )
    Participant.objects.bulk_update(participants.values(), ["first_vote_at"])
