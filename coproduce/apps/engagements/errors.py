"""Errors raised by engagement services."""

from coproduce.errors import DomainError, StateConflictError


class EngagementError(DomainError):
    code = "engagement_invalid"


class EngagementStateError(StateConflictError):
    code = "engagement_state"


class EventError(DomainError):
    code = "event_invalid"


class DocumentError(DomainError):
    code = "document_invalid"


class TopicError(DomainError):
    code = "topic_invalid"


class ResponseError(DomainError):
    code = "response_invalid"


class CommentError(DomainError):
    code = "comment_invalid"
