"""Errors raised by conversation services."""

from coproduce.errors import DomainError, StateConflictError


class ConversationError(DomainError):
    code = "conversation_invalid"


class ConversationStateError(StateConflictError):
    code = "conversation_state"


class StatementError(DomainError):
    code = "statement_invalid"


class SignInRequiredError(DomainError):
    """This conversation takes part only from signed-in residents."""

    code = "sign_in_required"
    http_status = 403


class ParticipantBannedError(DomainError):
    code = "participant_banned"
    http_status = 403


class TooManyRequestsError(DomainError):
    """An abuse limit was reached; the message says when to try again."""

    code = "too_many_requests"
    http_status = 429
