"""All writes to conversations, statements, participants and votes."""

from coproduce.apps.conversations.services.conversations import (
    ALLOWED_TRANSITIONS,
    conversation_check_transition,
    conversation_close,
    conversation_create,
    conversation_open,
    conversation_update,
)
from coproduce.apps.conversations.services.participants import (
    participant_ban,
    participant_for_action,
    participant_unban,
)
from coproduce.apps.conversations.services.statements import (
    DECISIONS,
    statement_moderate,
    statement_submit,
    statements_seed,
)
from coproduce.apps.conversations.services.voting import (
    VOTE_VALUES,
    statement_is_votable,
    vote_cast,
)

__all__ = [
    "ALLOWED_TRANSITIONS",
    "DECISIONS",
    "VOTE_VALUES",
    "conversation_check_transition",
    "conversation_close",
    "conversation_create",
    "conversation_open",
    "conversation_update",
    "participant_ban",
    "participant_for_action",
    "participant_unban",
    "statement_is_votable",
    "statement_moderate",
    "statement_submit",
    "statements_seed",
    "vote_cast",
]
