"""Engagement pages in the permission matrix (see coproduce/testing/matrix.py).

Residents and the public see everything except drafts (404, like a missing
page). Only administrators and engagement officers run engagements; other
members get 403 on officers' pages. Another organisation's objects under this
organisation's address are 404 for those who may run engagements here.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.files.base import ContentFile
from django.utils import timezone

from coproduce.apps.engagements.models import (
    Comment,
    Engagement,
    EngagementDocument,
    EngagementEvent,
    EngagementResponse,
    Topic,
)
from coproduce.apps.engagements.tests.factories import (
    CommentFactory,
    EngagementEventFactory,
    EngagementFactory,
    EngagementResponseFactory,
    TopicFactory,
)
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
    post_only,
    public,
    signed_in,
)


def runners(ok: int | str = 200, others: int = 403) -> dict[str, int | str]:
    """Administrators and engagement officers get `ok`; everyone else is refused."""
    return _statuses(
        {ANONYMOUS: LOGIN, RESIDENT: others, OTHER_ADMINISTRATOR: others},
        dict.fromkeys(ROLES, others),
        {ADMINISTRATOR: ok, OFFICER: ok},
    )


def members_only_else_404() -> dict[str, int | str]:
    """Drafts: every member sees them; everyone else gets 404."""
    return _statuses(dict.fromkeys(ACTORS, 404), dict.fromkeys(ROLES, 200))


_ENGAGEMENT_DATA = {
    "title_en": "Parc <b>Ŵyn</b>",
    "title_cy": "",
    "summary_en": "Summary",
    "summary_cy": "",
    "purpose_en": "The route can change.",
    "purpose_cy": "",
    "level": "involve",
    "owning_team": "Parks",
    "contact_email": "parks@example.org",
    "contact_phone": "",
    "opens_at": "",
    "closes_at": "",
}
_EVENT_DATA = {
    "title_en": "Drop-in",
    "starts_at": "2030-05-17T18:30",
    "venue": "Library",
    "attendance_count": "12",
}
_RESPONSE_DATA = {
    "what_we_heard_en": "Heard",
    "what_we_decided_en": "Decided",
    "what_changes_en": "Changes",
    "what_does_not_change_en": "Not changing",
}

ROWS: list[Row] = [
    # --- public pages --------------------------------------------------------
    Row("engagements:engagement-list", "organisation", public()),
    Row("engagements:response-list", "organisation", public()),
    Row("engagements:engagement-detail", "open engagement", public()),
    Row("engagements:engagement-detail", "draft engagement", members_only_else_404()),
    Row(
        "engagements:engagement-detail",
        "foreign engagement",
        dict.fromkeys(ACTORS, 404),
    ),
    Row("engagements:document-download", "document", public()),
    Row("engagements:document-download", "draft document", members_only_else_404()),
    Row("engagements:comment-create", "open engagement", post_only()),
    # --- officers' pages -----------------------------------------------------
    Row("engagements:engagement-create", "organisation", runners()),
    Row("engagements:engagement-update", "open engagement", runners()),
    Row("engagements:engagement-update", "foreign engagement", runners(404)),
    Row("engagements:engagement-status", "close action", runners()),
    Row("engagements:engagement-status", "unknown action", runners(404)),
    Row("engagements:engagement-response-due", "closed engagement", runners()),
    Row("engagements:event-create", "open engagement", runners()),
    Row("engagements:event-update", "event", runners()),
    Row("engagements:event-delete", "event", runners()),
    Row("engagements:document-create", "open engagement", runners()),
    Row("engagements:document-delete", "document", runners()),
    Row("engagements:response-edit", "closed engagement", runners()),
    Row("engagements:response-publish", "closed engagement", runners()),
    Row("engagements:topic-list", "organisation", runners()),
    Row("engagements:topic-update", "topic", runners()),
    Row("engagements:topic-update", "foreign topic", runners(404)),
    Row("engagements:topic-delete", "topic", runners()),
    Row("engagements:moderation-queue", "organisation", runners()),
    Row("engagements:comment-moderate", "comment", runners()),
    Row("engagements:comment-moderate", "foreign comment", runners(404)),
    # --- POSTs: only accepted ones change anything ---------------------------
    Row(
        "engagements:engagement-create",
        "organisation",
        runners(302),
        "post",
        _ENGAGEMENT_DATA,
    ),
    Row(
        "engagements:engagement-update",
        "open engagement",
        runners(302),
        "post",
        _ENGAGEMENT_DATA,
    ),
    Row(
        "engagements:engagement-update",
        "foreign engagement",
        runners(404),
        "post",
        _ENGAGEMENT_DATA,
    ),
    Row("engagements:engagement-status", "close action", runners(302), "post"),
    Row("engagements:engagement-status", "foreign close action", runners(404), "post"),
    # Refused transition: officers see the error, nothing changes.
    Row("engagements:engagement-status", "archive open action", runners(200), "post"),
    Row(
        "engagements:engagement-response-due",
        "closed engagement",
        runners(302),
        "post",
        {"response_due_on": "2031-01-31"},
    ),
    Row(
        "engagements:event-create", "open engagement", runners(302), "post", _EVENT_DATA
    ),
    Row("engagements:event-update", "event", runners(302), "post", _EVENT_DATA),
    Row("engagements:event-delete", "event", runners(302), "post"),
    # No file: officers get the error summary, nothing is saved.
    Row(
        "engagements:document-create",
        "open engagement",
        runners(200),
        "post",
        {"title_en": "Plan"},
    ),
    Row("engagements:document-delete", "document", runners(302), "post"),
    Row(
        "engagements:comment-create",
        "open engagement",
        signed_in(302),
        "post",
        {"body": "Mwy o goed, os gwelwch yn dda <script>"},
    ),
    Row(
        "engagements:comment-create",
        "draft engagement",
        {
            ANONYMOUS: LOGIN,
            **dict.fromkeys(ROLES, 200),
            RESIDENT: 404,
            OTHER_ADMINISTRATOR: 404,
        },
        "post",
        {"body": "Too early"},
    ),
    Row(
        "engagements:response-edit",
        "closed engagement",
        runners(302),
        "post",
        _RESPONSE_DATA,
    ),
    Row("engagements:response-publish", "closed engagement", runners(302), "post"),
    Row(
        "engagements:topic-list",
        "organisation",
        runners(302),
        "post",
        {"name_en": "Parciau <i>", "name_cy": ""},
    ),
    Row(
        "engagements:topic-update",
        "topic",
        runners(302),
        "post",
        {"name_en": "Renamed", "name_cy": ""},
    ),
    Row("engagements:topic-delete", "topic", runners(302), "post"),
    Row("engagements:topic-delete", "foreign topic", runners(404), "post"),
    Row(
        "engagements:comment-moderate",
        "comment",
        runners(302),
        "post",
        {"decision": "reject", "rejection_reason": "Personal details"},
    ),
    Row(
        "engagements:comment-moderate",
        "foreign comment",
        runners(404),
        "post",
        {"decision": "approve"},
    ),
]


def _pdf(name: str) -> ContentFile[bytes]:
    return ContentFile(
        b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n", name=name
    )


def scenario_kwargs(context: MatrixContext) -> dict[str, dict[str, Any]]:
    organisation, other = context.organisation, context.other_organisation
    org = {"org_slug": organisation.slug}
    open_engagement = EngagementFactory(organisation=organisation, allows_comments=True)
    draft = EngagementFactory(
        organisation=organisation,
        status=Engagement.Status.DRAFT,
        allows_comments=True,
        published_at=None,
    )
    closed = EngagementFactory(
        organisation=organisation,
        status=Engagement.Status.CLOSED,
        opens_at=timezone.now() - timedelta(days=40),
        closes_at=timezone.now() - timedelta(days=10),
        closed_at=timezone.now() - timedelta(days=10),
        response_due_on=timezone.localdate() + timedelta(days=60),
    )
    EngagementResponseFactory(engagement=closed)
    foreign = EngagementFactory(organisation=other)
    event = EngagementEventFactory(engagement=open_engagement)
    document = EngagementDocument.objects.create(
        engagement=open_engagement,
        title_en="Plan <b>",
        file=_pdf("matrix-open.pdf"),
        content_type="application/pdf",
        size_bytes=40,
    )
    draft_document = EngagementDocument.objects.create(
        engagement=draft,
        title_en="Draft plan",
        file=_pdf("matrix-draft.pdf"),
        content_type="application/pdf",
        size_bytes=40,
    )
    topic = TopicFactory(organisation=organisation)
    foreign_topic = TopicFactory(organisation=other)
    comment = CommentFactory(engagement=open_engagement)
    foreign_comment = CommentFactory(engagement=foreign)
    eng = {**org, "slug": open_engagement.slug}
    return {
        "open engagement": eng,
        "draft engagement": {**org, "slug": draft.slug},
        "closed engagement": {**org, "slug": closed.slug},
        "foreign engagement": {**org, "slug": foreign.slug},
        "close action": {**eng, "action": "close"},
        "archive open action": {**eng, "action": "archive"},
        "unknown action": {**eng, "action": "delete-everything"},
        "foreign close action": {**org, "slug": foreign.slug, "action": "close"},
        "event": {**eng, "pk": event.pk},
        "document": {**eng, "pk": document.pk},
        "draft document": {**org, "slug": draft.slug, "pk": draft_document.pk},
        "topic": {**org, "pk": topic.pk},
        "foreign topic": {**org, "pk": foreign_topic.pk},
        "comment": {**org, "pk": comment.pk},
        "foreign comment": {**org, "pk": foreign_comment.pk},
    }


def database_state() -> tuple[Any, ...]:
    return (
        list(
            Engagement.objects.order_by("pk").values_list(
                "pk",
                "status",
                "title_en",
                "level",
                "response_due_on",
                "closed_at",
                "updated_at",
            )
        ),
        list(
            EngagementEvent.objects.order_by("pk").values_list(
                "pk", "title_en", "attendance_count", "updated_at"
            )
        ),
        list(EngagementDocument.objects.order_by("pk").values_list("pk", "title_en")),
        list(Topic.objects.order_by("pk").values_list("pk", "name_en")),
        list(
            EngagementResponse.objects.order_by("pk").values_list(
                "pk", "status", "what_we_heard_en", "updated_at"
            )
        ),
        list(
            Comment.objects.order_by("pk").values_list(
                "pk", "status", "rejection_reason"
            )
        ),
    )
