"""Votes: agree, disagree or pass on one statement; the latest vote wins.

Votes are far too many to audit one by one; the append-only VoteEvent log is
their record (see docs/conversations.md).
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from coproduce.apps.conversations.errors import (
    ConversationStateError,
    StatementError,
    TooManyRequestsError,
)
from coproduce.apps.conversations.models import (
    Conversation,
    Statement,
    Vote,
    VoteEvent,
)
from coproduce.apps.conversations.selectors import Visitor
from coproduce.apps.conversations.services.limits import (
    limit_count,
    limit_reached,
    votes_per_minute,
)
from coproduce.apps.conversations.services.participants import (
    participant_for_action,
)

VOTE_VALUES = {
    "agree": Vote.Value.AGREE,
    "disagree": Vote.Value.DISAGREE,
    "pass": Vote.Value.PASS,
}


def statement_is_votable(*, conversation: Conversation, statement: Statement) -> bool:
    """Accepted statements, and unmoderated ones unless moderation is strict."""
    if statement.state == Statement.State.ACCEPTED:
        return True
    return statement.state == Statement.State.UNMODERATED and not (
        conversation.is_strict
    )


@transaction.atomic
def vote_cast(
    *,
    conversation: Conversation,
    visitor: Visitor,
    statement_number: int,
    value: int,
    now: datetime | None = None,
) -> Vote:
    """Record a vote: the current Vote is replaced, and the cast is appended to
    the VoteEvent log.

    Raises ConversationStateError (not open, read-only), SignInRequiredError,
    ParticipantBannedError, TooManyRequestsError or StatementError (unknown,
    hidden or rejected statement, or a value other than −1, 0, 1).
    """
    if not conversation.is_open_for_votes:
        raise ConversationStateError(
            _("This conversation is not open, so it does not take votes.")
        )
    if value not in Vote.Value.values:
        raise StatementError(_("Choose agree, disagree or pass."), field="vote")
    statement = Statement.objects.filter(
        conversation=conversation, number=statement_number
    ).first()
    if statement is None or not statement_is_votable(
        conversation=conversation, statement=statement
    ):
        if statement is not None and statement.state == Statement.State.REJECTED:
            message = _(
                "A moderator has removed this statement, so it no longer takes "
                "votes. Here is another one."
            )
        else:
            message = _("This statement is not available to vote on.")
        raise StatementError(message, field="statement")
    participant = participant_for_action(conversation=conversation, visitor=visitor)
    subject = f"participant-{participant.pk}"
    if limit_reached(
        kind="vote", subject=subject, limit=votes_per_minute(), window_seconds=60
    ):
        raise TooManyRequestsError(
            _(
                "You are voting faster than we can take votes. Please wait a "
                "minute and vote again."
            )
        )
    now = now or timezone.now()
    vote, _created = Vote.objects.update_or_create(
        participant=participant,
        statement=statement,
        defaults={"conversation": conversation, "value": value, "cast_at": now},
    )
    VoteEvent.objects.create(
        conversation=conversation,
        participant=participant,
        statement=statement,
        value=value,
        cast_at=now,
    )
    if participant.first_vote_at is None:
        participant.first_vote_at = now
        participant.save(update_fields=["first_vote_at"])
    limit_count(kind="vote", subject=subject, window_seconds=60)
    # Recompute point: the lead adds "request a recompute" here (debounced).
    return vote
