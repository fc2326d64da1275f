"""Reads for engagements, scoped by organisation and actor."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from coproduce.apps.accounts.models import User
from coproduce.apps.engagements.figures import ResponseFigures, response_figures_compute
from coproduce.apps.engagements.models import (
    LEVELS_ABOVE_CONSULT,
    Comment,
    Engagement,
    EngagementDocument,
    EngagementEvent,
    EngagementResponse,
    ParticipationLevel,
    Topic,
)
from coproduce.apps.engagements.permissions import (
    can_manage_engagements,
    can_see_unpublished_engagements,
)
from coproduce.apps.organisations.models import Area, Organisation
from coproduce.apps.organisations.selectors import area_list_ancestors

Status = Engagement.Status
UNPUBLISHED = (Status.DRAFT, Status.SCHEDULED)
CLOSED_OR_LATER = (Status.CLOSED, Status.RESPONDED, Status.ARCHIVED)


def engagement_list(
    *,
    actor: User | AnonymousUser,
    organisation: Organisation,
    area: Area | None = None,
    topic: Topic | None = None,
    level: str = "",
    status: str = "",
    search: str = "",
) -> QuerySet[Engagement]:
    """Engagements of one organisation that `actor` may see, newest first.

    Residents never see drafts or scheduled engagements. `area` also matches
    engagements about a larger area that contains it (a county-wide engagement
    concerns every ward); `search` looks in titles and summaries in both
    languages.
    """
    engagements = Engagement.objects.filter(organisation=organisation)
    if not can_see_unpublished_engagements(actor, organisation):
        engagements = engagements.exclude(status__in=UNPUBLISHED)
    if area is not None:
        area_and_above = area_list_ancestors(area=area, include_self=True)
        engagements = engagements.filter(
            pk__in=Engagement.areas.through.objects.filter(
                area__in=area_and_above
            ).values("engagement")
        )
    if topic is not None:
        engagements = engagements.filter(
            pk__in=Engagement.topics.through.objects.filter(topic=topic).values(
                "engagement"
            )
        )
    if level:
        engagements = engagements.filter(level=level)
    if status:
        engagements = engagements.filter(status=status)
    search = search.strip()
    if search:
        engagements = engagements.filter(
            Q(title_en__icontains=search)
            | Q(title_cy__icontains=search)
            | Q(summary_en__icontains=search)
            | Q(summary_cy__icontains=search)
        )
    return (
        engagements.select_related("organisation")
        .prefetch_related("areas", "topics")
        .order_by("-created_at", "-pk")
    )


def engagement_get(
    *, actor: User | AnonymousUser, organisation: Organisation, slug: str
) -> Engagement:
    """One engagement `actor` may see; 404 for missing and hidden alike."""
    engagements = Engagement.objects.filter(organisation=organisation)
    if not can_see_unpublished_engagements(actor, organisation):
        engagements = engagements.exclude(status__in=UNPUBLISHED)
    return get_object_or_404(engagements.select_related("organisation"), slug=slug)


def engagement_get_for_detail(
    *, actor: User | AnonymousUser, organisation: Organisation, slug: str
) -> Engagement:
    """`engagement_get` with everything the detail page shows, fetched up front."""
    engagement = engagement_get(actor=actor, organisation=organisation, slug=slug)
    return (
        Engagement.objects.filter(pk=engagement.pk)
        .select_related("organisation")
        .prefetch_related(
            "areas",
            "topics",
            "events",
            "documents",
            Prefetch(
                "comments",
                queryset=Comment.objects.filter(
                    status=Comment.Status.APPROVED
                ).select_related("author"),
                to_attr="approved_comments",
            ),
        )
        .get()
    )


def event_get(*, engagement: Engagement, pk: int) -> EngagementEvent:
    return get_object_or_404(EngagementEvent, engagement=engagement, pk=pk)


def document_get(*, engagement: Engagement, pk: int) -> EngagementDocument:
    """A document of an engagement the caller has already been allowed to see."""
    return get_object_or_404(EngagementDocument, engagement=engagement, pk=pk)


def topic_list(*, organisation: Organisation) -> QuerySet[Topic]:
    """The organisation's topics by name; public, as residents filter by them."""
    return (
        Topic.objects.filter(organisation=organisation)
        .annotate(n_engagements=Count("engagements"))
        .order_by("name", "pk")
    )


def topic_get(*, organisation: Organisation, pk: int) -> Topic:
    return get_object_or_404(Topic, organisation=organisation, pk=pk)


def topic_get_by_slug(*, organisation: Organisation, slug: str) -> Topic | None:
    return Topic.objects.filter(organisation=organisation, slug=slug).first()


def response_get_published(*, engagement: Engagement) -> EngagementResponse | None:
    """The published "you said, we did" response, if there is one."""
    return (
        EngagementResponse.objects.filter(
            engagement=engagement, status=EngagementResponse.Status.PUBLISHED
        )
        .prefetch_related("linked_questions", "linked_tags")
        .first()
    )


def response_get_for_editing(*, engagement: Engagement) -> EngagementResponse | None:
    """The response in any state (officers only: the view checks)."""
    return (
        EngagementResponse.objects.filter(engagement=engagement)
        .prefetch_related("linked_questions", "linked_tags")
        .first()
    )


def response_list_published(
    *, organisation: Organisation
) -> QuerySet[EngagementResponse]:
    """Published responses of the organisation, newest first."""
    return (
        EngagementResponse.objects.filter(
            engagement__organisation=organisation,
            status=EngagementResponse.Status.PUBLISHED,
        )
        .select_related("engagement", "engagement__organisation")
        .order_by("-published_at", "-pk")
    )


def comment_list_for_author(
    *, engagement: Engagement, user: User | AnonymousUser
) -> QuerySet[Comment]:
    """The signed-in person's own comments, in every state, with reasons."""
    if not isinstance(user, User):
        return Comment.objects.none()
    return Comment.objects.filter(engagement=engagement, author=user).order_by(
        "created_at", "pk"
    )


def comment_list_for_moderation(
    *, actor: User | AnonymousUser, organisation: Organisation
) -> QuerySet[Comment]:
    """Comments waiting for moderation, oldest first. Officers only."""
    if not can_manage_engagements(actor, organisation):
        raise PermissionDenied
    return (
        Comment.objects.filter(
            engagement__organisation=organisation, status=Comment.Status.PENDING
        )
        .select_related("engagement", "engagement__organisation", "author")
        .order_by("created_at", "pk")
    )


def comment_get(
    *, actor: User | AnonymousUser, organisation: Organisation, pk: int
) -> Comment:
    """One comment of the organisation, for moderators; 404 for other organisations."""
    if not can_manage_engagements(actor, organisation):
        raise PermissionDenied
    return get_object_or_404(
        Comment.objects.select_related(
            "engagement", "engagement__organisation", "author"
        ),
        engagement__organisation=organisation,
        pk=pk,
    )


@dataclass(frozen=True)
class DashboardFigures:
    n_engagements: int
    by_level: list[tuple[str, str, int]]  # (value, label, count), scale order
    by_status: list[tuple[str, str, int]]  # (value, label, count), lifecycle order
    above_consult_share: float | None  # 0–1; None when there are none
    overdue: list[Engagement]


def engagement_dashboard_figures(
    *, organisation: Organisation, today: date | None = None
) -> DashboardFigures:
    """Counts by level and status, share above "consult" and overdue responses."""
    today = today or timezone.localdate()
    engagements = Engagement.objects.filter(organisation=organisation)
    level_counts = dict(
        engagements.values_list("level").annotate(n=Count("pk")).order_by()
    )
    status_counts = dict(
        engagements.values_list("status").annotate(n=Count("pk")).order_by()
    )
    total = sum(status_counts.values())
    above = sum(level_counts.get(level, 0) for level in LEVELS_ABOVE_CONSULT)
    overdue = list(
        engagements.filter(status=Status.CLOSED, response_due_on__lt=today)
        .exclude(response__status=EngagementResponse.Status.PUBLISHED)
        .select_related("organisation")
        .order_by("response_due_on", "pk")
    )
    return DashboardFigures(
        n_engagements=total,
        by_level=[
            (level.value, str(level.label), level_counts.get(level.value, 0))
            for level in ParticipationLevel
        ],
        by_status=[
            (status.value, str(status.label), status_counts.get(status.value, 0))
            for status in Status
        ],
        above_consult_share=above / total if total else None,
        overdue=overdue,
    )


def response_figures_for_organisation(*, organisation: Organisation) -> ResponseFigures:
    """Public figures: share of closed engagements answered, median days to answer."""
    closed = Engagement.objects.filter(
        organisation=organisation, status__in=CLOSED_OR_LATER
    )
    answered = closed.filter(
        response__status=EngagementResponse.Status.PUBLISHED,
        closed_at__isnull=False,
    ).values_list("closed_at", "response__published_at")
    days = [
        max((published_at - closed_at).days, 0)
        for closed_at, published_at in answered
        if published_at is not None and closed_at is not None
    ]
    return response_figures_compute(n_closed=closed.count(), days_to_answer=days)


# --- for inclusion snapshots and the inclusion dashboard -------------------------


@dataclass(frozen=True, slots=True)
class CommentContribution:
    """One comment that was not rejected: its author, engagement and time."""

    engagement_id: int
    user_id: int
    created_at: datetime


@dataclass(frozen=True, slots=True)
class EngagementTimeline:
    """When an engagement opened, closed and was answered, for inclusion figures."""

    engagement_id: int
    status: str
    opens_at: datetime | None
    closes_at: datetime | None
    closed_at: datetime | None
    response_published_at: datetime | None  # the published "you said, we did"


def comment_contributions_for_organisation(
    *, organisation: Organisation
) -> list[CommentContribution]:
    """Every comment in the organisation's engagements except rejected ones, oldest
    first. One query; no actor (the inclusion service checks permission)."""
    rows = (
        Comment.objects.filter(engagement__organisation=organisation)
        .exclude(status=Comment.Status.REJECTED)
        .order_by("created_at", "pk")
        .values_list("engagement_id", "author_id", "created_at")
    )
    return [
        CommentContribution(
            engagement_id=engagement_id, user_id=user_id, created_at=created_at
        )
        for engagement_id, user_id, created_at in rows
    ]


def engagement_timelines_for_organisation(
    *, organisation: Organisation
) -> list[EngagementTimeline]:
    """Dates of every engagement of the organisation that is not a draft. One query."""
    rows = (
        Engagement.objects.filter(organisation=organisation)
        .exclude(status=Status.DRAFT)
        .order_by("pk")
        .values_list(
            "pk",
            "status",
            "opens_at",
            "closes_at",
            "closed_at",
            "response__status",
            "response__published_at",
        )
    )
    timelines = []
    for (
        pk,
        status,
        opens_at,
        closes_at,
        closed_at,
        response_status,
        answered_at,
    ) in rows:
        is_published = response_status == EngagementResponse.Status.PUBLISHED
        timelines.append(
            EngagementTimeline(
                engagement_id=pk,
                status=status,
                opens_at=opens_at,
                closes_at=closes_at,
                closed_at=closed_at,
                response_published_at=answered_at if is_published else None,
            )
        )
    return timelines
