"""Conversation pages in the permission matrix (see coproduce/testing/matrix.py).

Staff pages: every member reads lists, counts and statements; only
administrators and engagement officers create, open, close, seed, moderate and
ban. Another organisation's conversation under this organisation's address is
404 for members. Residents' pages are public for open and closed
conversations; drafts are 404 for everyone but members, and refuse votes.
"""

from __future__ import annotations

from typing import Any

from coproduce.apps.conversations.models import (
    Conversation,
    Participant,
    Statement,
    Vote,
    VoteEvent,
)
from coproduce.apps.conversations.tests.factories import (
    ConversationFactory,
    ParticipantFactory,
    StatementFactory,
)
from coproduce.apps.engagements.tests.factories import EngagementFactory
from coproduce.testing.matrix import (
    ACTORS,
    ADMINISTRATOR,
    ANONYMOUS,
    LOGIN,
    OFFICER,
    OTHER_ADMINISTRATOR,
    RESIDENT,
    ROLES,
    MatrixContext,
    Row,
    _statuses,
    members,
    post_only,
    public,
)


def runners(ok: int | str = 200, others: int = 403) -> dict[str, int | str]:
    """Administrators and engagement officers get `ok`; everyone else is refused."""
    return _statuses(
        {ANONYMOUS: LOGIN, RESIDENT: others, OTHER_ADMINISTRATOR: others},
        dict.fromkeys(ROLES, others),
        {ADMINISTRATOR: ok, OFFICER: ok},
    )


def members_else_404(ok: int) -> dict[str, int | str]:
    return _statuses(dict.fromkeys(ACTORS, 404), dict.fromkeys(ROLES, ok))


_CONVERSATION_DATA = {
    "topic_en": "Canol y dref <b>Ŵ</b>",
    "topic_cy": "",
    "description_en": "",
    "description_cy": "",
    "moderation": "strict",
    "allow_resident_statements": "on",
    "licence": "Open Government Licence v3.0",
    "attribution": "",
}

ROWS: list[Row] = [
    # --- residents -------------------------------------------------------------
    Row("conversations:conversation-vote", "public conversation", public()),
    Row("conversations:conversation-vote", "public closed conversation", public()),
    Row(
        "conversations:conversation-vote",
        "public draft conversation",
        members_else_404(200),
    ),
    Row("conversations:statement-create", "public conversation", public()),
    Row(
        "conversations:conversation-vote",
        "public conversation",
        dict.fromkeys(ACTORS, 302),
        "post",
        {"statement": "0", "vote": "agree"},
    ),
    # A closed conversation refuses votes with a message; nothing changes.
    Row(
        "conversations:conversation-vote",
        "public closed conversation",
        dict.fromkeys(ACTORS, 409),
        "post",
        {"statement": "0", "vote": "agree"},
    ),
    Row(
        "conversations:conversation-vote",
        "public draft conversation",
        members_else_404(409),
        "post",
        {"statement": "0", "vote": "agree"},
    ),
    Row(
        "conversations:statement-create",
        "public conversation",
        dict.fromkeys(ACTORS, 302),
        "post",
        {"text": "Mwy o fysiau <script>alert(1)</script>"},
    ),
    # --- staff pages -------------------------------------------------------------
    Row("conversations:conversation-list", "conv organisation", members()),
    Row("conversations:engagement-conversation-list", "conv engagement", members()),
    Row("conversations:conversation-create", "conv engagement", runners()),
    Row("conversations:conversation-detail", "conversation", members()),
    Row("conversations:conversation-detail", "foreign conversation", members(404)),
    Row("conversations:conversation-update", "conversation", runners()),
    Row("conversations:conversation-update", "foreign conversation", runners(404)),
    Row("conversations:conversation-status", "close conversation", runners()),
    Row("conversations:conversation-status", "unknown action", runners(404)),
    Row("conversations:statements-seed", "conversation", runners()),
    Row("conversations:statement-list", "conversation", members()),
    Row("conversations:moderation-queue", "conversation", runners()),
    Row("conversations:statement-moderate", "statement", runners()),
    Row("conversations:participant-list", "conversation", runners()),
    Row("conversations:participant-ban", "participant", post_only()),
    # --- staff POSTs ---------------------------------------------------------------
    Row(
        "conversations:conversation-create",
        "conv engagement",
        runners(302),
        "post",
        _CONVERSATION_DATA,
    ),
    Row(
        "conversations:conversation-update",
        "conversation",
        runners(302),
        "post",
        _CONVERSATION_DATA,
    ),
    Row(
        "conversations:conversation-update",
        "foreign conversation",
        runners(404),
        "post",
        _CONVERSATION_DATA,
    ),
    Row(
        "conversations:conversation-status", "close conversation", runners(302), "post"
    ),
    Row(
        "conversations:statements-seed",
        "conversation",
        runners(302),
        "post",
        {"statements_en": "Mwy o goed\nLlai o geir", "statements_cy": ""},
    ),
    # Invalid seed list: the error summary, nothing saved.
    Row(
        "conversations:statements-seed",
        "conversation",
        runners(200),
        "post",
        {"statements_en": "x" * 281},
    ),
    Row(
        "conversations:statement-moderate",
        "statement",
        runners(302),
        "post",
        {"decision": "reject", "reason": "personal", "note": ""},
    ),
    Row(
        "conversations:participant-ban",
        "participant",
        runners(302),
        "post",
        {"action": "ban"},
    ),
    Row(
        "conversations:participant-ban",
        "foreign participant",
        runners(404),
        "post",
        {"action": "ban"},
    ),
]


def scenario_kwargs(context: MatrixContext) -> dict[str, dict[str, Any]]:
    organisation, other = context.organisation, context.other_organisation
    org = {"org_slug": organisation.slug}
    engagement = EngagementFactory(organisation=organisation)
    conversation = ConversationFactory(engagement=engagement)
    StatementFactory(conversation=conversation)  # number 0, accepted
    waiting = StatementFactory(
        conversation=conversation, state=Statement.State.UNMODERATED
    )
    participant = ParticipantFactory(conversation=conversation)
    closed = ConversationFactory(
        engagement=engagement, status=Conversation.Status.CLOSED
    )
    StatementFactory(conversation=closed)
    draft = ConversationFactory(engagement=engagement, status=Conversation.Status.DRAFT)
    StatementFactory(conversation=draft)
    foreign = ConversationFactory(engagement=EngagementFactory(organisation=other))
    foreign_participant = ParticipantFactory(conversation=foreign)
    conv = {**org, "pk": conversation.pk}
    return {
        "conv organisation": org,
        "conv engagement": {**org, "slug": engagement.slug},
        "conversation": conv,
        "foreign conversation": {**org, "pk": foreign.pk},
        "close conversation": {**conv, "action": "close"},
        "unknown action": {**conv, "action": "delete-everything"},
        "statement": {**conv, "number": waiting.number},
        "participant": {**conv, "number": participant.number},
        "foreign participant": {
            **org,
            "pk": foreign.pk,
            "number": foreign_participant.number,
        },
        "public conversation": {"pk": conversation.pk},
        "public closed conversation": {"pk": closed.pk},
        "public draft conversation": {"pk": draft.pk},
    }


def database_state() -> tuple[Any, ...]:
    return (
        list(
            Conversation.objects.order_by("pk").values_list(
                "pk", "status", "topic_en", "moderation", "updated_at"
            )
        ),
        list(
            Statement.objects.order_by("pk").values_list(
                "pk", "state", "is_meta", "text_en", "text_cy"
            )
        ),
        list(Participant.objects.order_by("pk").values_list("pk", "is_banned")),
        list(Vote.objects.order_by("pk").values_list("pk", "value")),
        VoteEvent.objects.count(),
    )
