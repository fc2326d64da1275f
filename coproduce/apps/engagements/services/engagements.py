"""Creating and editing engagements, and moving them through their lifecycle."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from coproduce.apps.accounts.models import User
from coproduce.apps.audit.services import audit_diff, audit_event_create, audit_snapshot
from coproduce.apps.engagements.errors import EngagementError, EngagementStateError
from coproduce.apps.engagements.models import Engagement, Topic
from coproduce.apps.engagements.permissions import can_manage_engagements
from coproduce.apps.organisations.models import Area, Organisation

Status = Engagement.Status

_ENGAGEMENT_FIELDS = [
    "title_en",
    "title_cy",
    "summary_en",
    "summary_cy",
    "purpose_en",
    "purpose_cy",
    "level",
    "owning_team",
    "contact_email",
    "contact_phone",
    "opens_at",
    "closes_at",
    "allows_comments",
]

# Path segments that sit beside engagement slugs in the URLs.
_RESERVED_SLUGS = frozenset({"new"})

# The lifecycle, in one place. closed → responded is listed but only
# `response_publish` may take it (see `engagement_check_transition`).
ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    Status.DRAFT: frozenset({Status.SCHEDULED, Status.OPEN}),
    Status.SCHEDULED: frozenset({Status.OPEN}),
    Status.OPEN: frozenset({Status.CLOSED}),
    Status.CLOSED: frozenset({Status.RESPONDED, Status.ARCHIVED}),
    Status.RESPONDED: frozenset({Status.ARCHIVED}),
    Status.ARCHIVED: frozenset(),
}


def engagement_check_transition(
    *,
    engagement: Engagement,
    to_status: str,
    now: datetime,
    is_response_publish: bool = False,
) -> None:
    """Raise EngagementStateError unless `engagement` may move to `to_status` now.

    The one answer to "may this engagement change status?": views use it to
    decide which buttons to show, services before every change.
    """
    current = engagement.status
    label = Engagement.Status(current).label
    if to_status not in ALLOWED_TRANSITIONS.get(current, frozenset()):
        raise EngagementStateError(
            _("This engagement is %(status)s, so it cannot be changed to %(target)s.")
            % {"status": label, "target": Engagement.Status(to_status).label}
        )
    if to_status == Status.RESPONDED and not is_response_publish:
        raise EngagementStateError(
            _(
                "This engagement is %(status)s. It is marked as responded only by "
                "publishing its “you said, we did” response."
            )
            % {"status": label}
        )
    if to_status == Status.SCHEDULED:
        if engagement.opens_at is None or engagement.closes_at is None:
            raise EngagementStateError(
                _(
                    "Add an opening date and a closing date before scheduling "
                    "this engagement."
                )
            )
        if engagement.opens_at <= now:
            raise EngagementStateError(
                _(
                    "The opening date has passed. Choose a future opening date "
                    "to schedule this engagement, or open it now."
                )
            )
    if (
        to_status == Status.OPEN
        and engagement.closes_at is not None
        and engagement.closes_at <= now
    ):
        raise EngagementStateError(
            _(
                "The closing date has passed. Change the closing date before "
                "opening this engagement."
            )
        )


def engagement_allowed_actions(*, engagement: Engagement, now: datetime) -> list[str]:
    """The statuses an officer may move this engagement to by hand, right now."""
    allowed = []
    for target in (Status.SCHEDULED, Status.OPEN, Status.CLOSED, Status.ARCHIVED):
        try:
            engagement_check_transition(
                engagement=engagement, to_status=target, now=now
            )
        except EngagementStateError:
            continue
        allowed.append(str(target))
    return allowed


def _apply_transition(
    *,
    actor: User | None,
    engagement: Engagement,
    to_status: str,
    now: datetime,
    is_response_publish: bool = False,
) -> Engagement:
    """Check and make one status change on a locked row, with its audit event."""
    engagement_check_transition(
        engagement=engagement,
        to_status=to_status,
        now=now,
        is_response_publish=is_response_publish,
    )
    before = engagement.status
    fields = ["status", "updated_at"]
    if to_status == Status.OPEN:
        if engagement.published_at is None:
            engagement.published_at = now
            fields.append("published_at")
        if engagement.opens_at is None or engagement.opens_at > now:
            # Opened early by hand: the page must not say it opens later.
            engagement.opens_at = now
            fields.append("opens_at")
    elif to_status == Status.CLOSED:
        engagement.closed_at = now
        weeks = engagement.organisation.response_due_weeks
        engagement.response_due_on = timezone.localdate(now) + timedelta(weeks=weeks)
        fields += ["closed_at", "response_due_on"]
        if (
            (engagement.closes_at is None or engagement.closes_at > now)
            and engagement.opens_at is not None
            and engagement.opens_at < now
        ):
            # Closed early by hand: show the real closing time.
            engagement.closes_at = now
            fields.append("closes_at")
    elif to_status == Status.RESPONDED:
        engagement.responded_at = now
        fields.append("responded_at")
    elif to_status == Status.ARCHIVED:
        engagement.archived_at = now
        fields.append("archived_at")
    engagement.status = to_status
    engagement.full_clean()
    engagement.save(update_fields=fields)
    audit_event_create(
        actor=actor,
        action=f"engagement.{to_status}",
        target=engagement,
        changes={"status": {"before": before, "after": to_status}},
    )
    return engagement


def _lock(engagement: Engagement) -> Engagement:
    return (
        Engagement.objects.select_for_update()
        .select_related("organisation")
        .get(pk=engagement.pk)
    )


@transaction.atomic
def engagement_change_status(
    *,
    actor: User,
    engagement: Engagement,
    status: str,
    now: datetime | None = None,
) -> Engagement:
    """Schedule, open, close or archive an engagement by hand.

    Raises PermissionDenied or EngagementStateError (naming the current status).
    """
    if not can_manage_engagements(actor, engagement.organisation):
        raise PermissionDenied
    # Lock the row: two officers pressing "Close" together must not both succeed.
    engagement = _lock(engagement)
    return _apply_transition(
        actor=actor,
        engagement=engagement,
        to_status=status,
        now=now or timezone.now(),
    )


def engagement_mark_responded(
    *, actor: User, engagement: Engagement, now: datetime
) -> Engagement:
    """closed → responded; only `response_publish` calls this, in its transaction."""
    return _apply_transition(
        actor=actor,
        engagement=engagement,
        to_status=Status.RESPONDED,
        now=now,
        is_response_publish=True,
    )


def engagement_advance_due(*, now: datetime | None = None) -> tuple[int, int]:
    """Open scheduled engagements whose time has come and close overdue open ones.

    Run from cron (`manage.py advance_engagements`). Each engagement changes in
    its own transaction, so one failure does not hold back the others; the
    system is the actor (None) in the audit log. Returns (opened, closed).
    """
    now = now or timezone.now()
    n_opened = n_closed = 0
    to_open = Engagement.objects.filter(
        status=Status.SCHEDULED, opens_at__lte=now
    ).values_list("pk", flat=True)
    for pk in list(to_open):
        with transaction.atomic():
            engagement = _lock(Engagement(pk=pk))
            if engagement.status != Status.SCHEDULED or engagement.opens_at is None:
                continue
            # Opened "at" its opening time, so one whose closing time has also
            # passed (the job did not run for a while) can still open and close.
            _apply_transition(
                actor=None,
                engagement=engagement,
                to_status=Status.OPEN,
                now=min(engagement.opens_at, now),
            )
            n_opened += 1
    to_close = Engagement.objects.filter(
        status=Status.OPEN, closes_at__lte=now
    ).values_list("pk", flat=True)
    for pk in list(to_close):
        with transaction.atomic():
            engagement = _lock(Engagement(pk=pk))
            if engagement.status != Status.OPEN:
                continue
            _apply_transition(
                actor=None, engagement=engagement, to_status=Status.CLOSED, now=now
            )
            n_closed += 1
    return n_opened, n_closed


def _unique_slug(*, organisation: Organisation, title: str) -> str:
    base = slugify(title)[:70].strip("-") or "engagement"
    taken = set(
        Engagement.objects.filter(
            organisation=organisation, slug__startswith=base
        ).values_list("slug", flat=True)
    )
    slug, n = base, 1
    while slug in taken or slug in _RESERVED_SLUGS:
        n += 1
        slug = f"{base}-{n}"
    return slug


def _check_belongs(
    *, organisation: Organisation, areas: Iterable[Area], topics: Iterable[Topic]
) -> None:
    if any(area.organisation_id != organisation.pk for area in areas):
        raise EngagementError(_("Choose areas from this organisation."), field="areas")
    if any(topic.organisation_id != organisation.pk for topic in topics):
        raise EngagementError(
            _("Choose topics from this organisation."), field="topics"
        )


def _check_dates(opens_at: datetime | None, closes_at: datetime | None) -> None:
    if opens_at is not None and closes_at is not None and closes_at <= opens_at:
        raise EngagementError(
            _("The closing date must be after the opening date."), field="closes_at"
        )


def _strip(value: str) -> str:
    return value.strip()


@transaction.atomic
def engagement_create(
    *,
    actor: User,
    organisation: Organisation,
    title_en: str,
    summary_en: str,
    purpose_en: str,
    level: str,
    owning_team: str,
    contact_email: str,
    title_cy: str = "",
    summary_cy: str = "",
    purpose_cy: str = "",
    contact_phone: str = "",
    opens_at: datetime | None = None,
    closes_at: datetime | None = None,
    allows_comments: bool = False,
    areas: Iterable[Area] = (),
    topics: Iterable[Topic] = (),
) -> Engagement:
    """Create a draft engagement. The web address comes from the English title.

    Raises PermissionDenied, EngagementError (foreign area or topic, dates in
    the wrong order) or ValidationError.
    """
    if not can_manage_engagements(actor, organisation):
        raise PermissionDenied
    areas, topics = list(areas), list(topics)
    _check_belongs(organisation=organisation, areas=areas, topics=topics)
    _check_dates(opens_at, closes_at)
    engagement = Engagement(
        organisation=organisation,
        slug=_unique_slug(organisation=organisation, title=title_en),
        title_en=_strip(title_en),
        title_cy=_strip(title_cy),
        summary_en=_strip(summary_en),
        summary_cy=_strip(summary_cy),
        purpose_en=_strip(purpose_en),
        purpose_cy=_strip(purpose_cy),
        level=level,
        owning_team=_strip(owning_team),
        contact_email=_strip(contact_email),
        contact_phone=_strip(contact_phone),
        opens_at=opens_at,
        closes_at=closes_at,
        allows_comments=allows_comments,
        status=Status.DRAFT,
        created_by=actor,
    )
    engagement.full_clean()
    engagement.save()
    engagement.areas.set(areas)
    engagement.topics.set(topics)
    changes = audit_snapshot(engagement, _ENGAGEMENT_FIELDS)
    changes["areas"] = sorted(str(a) for a in areas)
    changes["topics"] = sorted(str(t) for t in topics)
    audit_event_create(
        actor=actor, action="engagement.create", target=engagement, changes=changes
    )
    return engagement


@transaction.atomic
def engagement_update(
    *,
    actor: User,
    engagement: Engagement,
    title_en: str,
    summary_en: str,
    purpose_en: str,
    level: str,
    owning_team: str,
    contact_email: str,
    title_cy: str = "",
    summary_cy: str = "",
    purpose_cy: str = "",
    contact_phone: str = "",
    opens_at: datetime | None = None,
    closes_at: datetime | None = None,
    allows_comments: bool = False,
    areas: Iterable[Area] = (),
    topics: Iterable[Topic] = (),
) -> Engagement:
    """Change an engagement's details. Its web address stays the same.

    Archived engagements are frozen. Raises PermissionDenied,
    EngagementStateError, EngagementError or ValidationError.
    """
    if not can_manage_engagements(actor, engagement.organisation):
        raise PermissionDenied
    engagement = _lock(engagement)
    if engagement.status == Status.ARCHIVED:
        raise EngagementStateError(
            _("This engagement is archived, so it can no longer be changed.")
        )
    areas, topics = list(areas), list(topics)
    _check_belongs(organisation=engagement.organisation, areas=areas, topics=topics)
    _check_dates(opens_at, closes_at)
    if engagement.status == Status.SCHEDULED and (
        opens_at is None or closes_at is None or opens_at <= timezone.now()
    ):
        raise EngagementError(
            _("A scheduled engagement needs a future opening date and a closing date."),
            field="opens_at",
        )
    before = audit_snapshot(engagement, _ENGAGEMENT_FIELDS)
    before["areas"] = sorted(str(a) for a in engagement.areas.all())
    before["topics"] = sorted(str(t) for t in engagement.topics.all())
    engagement.title_en = _strip(title_en)
    engagement.title_cy = _strip(title_cy)
    engagement.summary_en = _strip(summary_en)
    engagement.summary_cy = _strip(summary_cy)
    engagement.purpose_en = _strip(purpose_en)
    engagement.purpose_cy = _strip(purpose_cy)
    engagement.level = level
    engagement.owning_team = _strip(owning_team)
    engagement.contact_email = _strip(contact_email)
    engagement.contact_phone = _strip(contact_phone)
    engagement.opens_at = opens_at
    engagement.closes_at = closes_at
    engagement.allows_comments = allows_comments
    engagement.full_clean()
    # A full save: modeltranslation keeps the untranslated column in step.
    engagement.save()
    engagement.areas.set(areas)
    engagement.topics.set(topics)
    after = audit_snapshot(engagement, _ENGAGEMENT_FIELDS)
    after["areas"] = sorted(str(a) for a in areas)
    after["topics"] = sorted(str(t) for t in topics)
    audit_event_create(
        actor=actor,
        action="engagement.update",
        target=engagement,
        changes=audit_diff(before, after),
    )
    return engagement


@transaction.atomic
def engagement_set_response_due(
    *, actor: User, engagement: Engagement, response_due_on: date
) -> Engagement:
    """Move the date the "you said, we did" response is due.

    Only once the engagement has closed and before it is archived. Raises
    PermissionDenied or EngagementStateError.
    """
    if not can_manage_engagements(actor, engagement.organisation):
        raise PermissionDenied
    engagement = _lock(engagement)
    if engagement.status not in (Status.CLOSED, Status.RESPONDED):
        raise EngagementStateError(
            _(
                "This engagement is %(status)s. The response due date can only be "
                "changed after it closes."
            )
            % {"status": engagement.get_status_display()}
        )
    before = engagement.response_due_on
    engagement.response_due_on = response_due_on
    engagement.full_clean()
    engagement.save(update_fields=["response_due_on", "updated_at"])
    audit_event_create(
        actor=actor,
        action="engagement.set_response_due",
        target=engagement,
        changes={
            "response_due_on": {
                "before": before.isoformat() if before else None,
                "after": response_due_on.isoformat(),
            }
        },
    )
    return engagement
