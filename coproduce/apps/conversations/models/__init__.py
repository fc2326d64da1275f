"""Conversations' models, by topic: what residents do (conversations.py) and
what the background tasks make of it (results.py). Import them from here."""

from coproduce.apps.conversations.models.conversations import (
    DEFAULT_LICENCE,
    STATEMENT_MAX_LENGTH,
    STATEMENT_STORED_MAX_LENGTH,
    Conversation,
    Participant,
    Statement,
    Vote,
    VoteEvent,
)
from coproduce.apps.conversations.models.results import (
    ConversationImport,
    OpinionMapRun,
    OpinionMapSnapshot,
    ReferenceGrouping,
    _polis_import_path,  # named by migration 0002
)

__all__ = [
    "DEFAULT_LICENCE",
    "STATEMENT_MAX_LENGTH",
    "STATEMENT_STORED_MAX_LENGTH",
    "Conversation",
    "ConversationImport",
    "OpinionMapRun",
    "OpinionMapSnapshot",
    "Participant",
    "ReferenceGrouping",
    "Statement",
    "Vote",
    "VoteEvent",
    "_polis_import_path",
]
