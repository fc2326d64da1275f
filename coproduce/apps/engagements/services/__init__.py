"""All writes to engagements, their events, documents, topics, responses and
comments."""

from coproduce.apps.engagements.services.comments import (
    comment_approve,
    comment_create,
    comment_reject,
)
from coproduce.apps.engagements.services.documents import (
    ALLOWED_TYPES_TEXT,
    document_check_file,
    document_create,
    document_delete,
)
from coproduce.apps.engagements.services.engagements import (
    ALLOWED_TRANSITIONS,
    engagement_advance_due,
    engagement_allowed_actions,
    engagement_change_status,
    engagement_check_transition,
    engagement_create,
    engagement_set_response_due,
    engagement_update,
)
from coproduce.apps.engagements.services.events import (
    event_create,
    event_delete,
    event_update,
)
from coproduce.apps.engagements.services.responses import (
    response_notify,
    response_publish,
    response_save,
)
from coproduce.apps.engagements.services.topics import (
    topic_create,
    topic_delete,
    topic_update,
)

__all__ = [
    "ALLOWED_TRANSITIONS",
    "ALLOWED_TYPES_TEXT",
    "comment_approve",
    "comment_create",
    "comment_reject",
    "document_check_file",
    "document_create",
    "document_delete",
    "engagement_advance_due",
    "engagement_allowed_actions",
    "engagement_change_status",
    "engagement_check_transition",
    "engagement_create",
    "engagement_set_response_due",
    "engagement_update",
    "event_create",
    "event_delete",
    "event_update",
    "response_notify",
    "response_publish",
    "response_save",
    "topic_create",
    "topic_delete",
    "topic_update",
]
