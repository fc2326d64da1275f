"""Inclusion snapshots: request, compute (in a task) and the scheduled refresh.

`inclusion_snapshot_request` records a queued snapshot and enqueues
`inclusion_snapshot_compute` after commit. The computation loads its inputs
with a fixed number of queries, hashes them and, when the engagement's newest
done snapshot has the same input hash and software version, copies that result
instead of recomputing (the new row still shows, in the history, that the
figures were checked). A failed computation records its error on the row and
changes nothing else.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from functools import partial

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

import coproduce
from coproduce.analytics.errors import InputError
from coproduce.apps.accounts.models import User
from coproduce.apps.audit.services import audit_event_create
from coproduce.apps.engagements.models import Engagement
from coproduce.apps.inclusion.models import InclusionSnapshot
from coproduce.apps.inclusion.permissions import can_request_inclusion_snapshot
from coproduce.apps.inclusion.selectors.contributions import (
    OrganisationContributions,
    contributions_for_organisation,
)
from coproduce.apps.inclusion.services.snapshot_figures import (
    snapshot_result_compute,
)
from coproduce.apps.inclusion.services.snapshot_inputs import (
    SnapshotInputs,
    snapshot_inputs_load,
)
from coproduce.apps.organisations.models import Organisation, PopulationProfile
from coproduce.errors import DomainError

logger = logging.getLogger(__name__)

Status = InclusionSnapshot.Status
# The scheduled refresh looks at open engagements and those closed this recently.
REFRESH_CLOSED_WITHIN = timedelta(days=30)
# A snapshot takes seconds; one still queued or running after this lost its worker.
STALLED_AFTER = timedelta(hours=1)
SNAPSHOT_ENGAGEMENT_STATUSES = (
    Engagement.Status.OPEN,
    Engagement.Status.CLOSED,
    Engagement.Status.RESPONDED,
    Engagement.Status.ARCHIVED,
)


class InclusionSnapshotError(DomainError):
    """A snapshot cannot be requested now; the message says why."""

    code = "inclusion_snapshot"
    http_status = 409


def software_version() -> str:
    return coproduce.__version__


def default_profile_for(*, engagement: Engagement) -> PopulationProfile | None:
    """The profile a snapshot compares with when nobody chose one.

    The profile of the engagement's newest snapshot while it exists (so the
    characteristics stay comparable over time), else the organisation's newest.
    """
    previous = (
        InclusionSnapshot.objects.filter(engagement=engagement, profile__isnull=False)
        .order_by("-created_at", "-pk")
        .values_list("profile_id", flat=True)
        .first()
    )
    profiles = PopulationProfile.objects.filter(
        organisation_id=engagement.organisation_id
    )
    if previous is not None:
        found = profiles.filter(pk=previous).first()
        if found is not None:
            return found
    return profiles.order_by("-created_at", "-pk").first()


def inclusion_snapshots_fail_stalled(
    *, engagement: Engagement | None = None, now: datetime | None = None
) -> int:
    """Mark snapshots queued or running for over an hour as failed; return how many.

    Their worker died (a deploy, a restart) and nothing was stored; without this
    the engagement would read "Calculating" for ever and refuse a new request.
    """
    now = now or timezone.now()
    stalled = InclusionSnapshot.objects.filter(
        status__in=(Status.QUEUED, Status.RUNNING), created_at__lt=now - STALLED_AFTER
    )
    if engagement is not None:
        stalled = stalled.filter(engagement=engagement)
    return stalled.update(
        status=Status.FAILED,
        finished_at=now,
        error=_(
            "The calculation stopped before it finished, so nothing changed. "
            "Select “Recalculate” to try again."
        ),
    )


def _queue(
    *,
    actor: User | None,
    engagement: Engagement,
    profile: PopulationProfile | None,
    enqueue: bool = True,
) -> InclusionSnapshot:
    snapshot = InclusionSnapshot(
        organisation=engagement.organisation,
        engagement=engagement,
        requested_by=actor,
        profile=profile,
    )
    snapshot.full_clean()
    snapshot.save()
    audit_event_create(
        actor=actor,
        action="inclusion_snapshot.request",
        target=snapshot,
        organisation=engagement.organisation,
        changes={
            "engagement": engagement.pk,
            "profile": profile.pk if profile is not None else None,
        },
    )
    if enqueue:
        from coproduce.apps.inclusion.tasks import inclusion_snapshot_compute_task

        transaction.on_commit(
            partial(inclusion_snapshot_compute_task.enqueue, snapshot_id=snapshot.pk)
        )
    return snapshot


@transaction.atomic
def inclusion_snapshot_request(
    *,
    actor: User,
    engagement: Engagement,
    profile: PopulationProfile | None = None,
) -> InclusionSnapshot:
    """Queue a new snapshot of the engagement's inclusion figures.

    `profile` defaults to `default_profile_for(engagement)`. Raises
    PermissionDenied for anyone but the organisation's officers, analysts and
    administrators; InclusionSnapshotError for a draft or scheduled engagement,
    a profile of another organisation, or when one is already being calculated.
    """
    organisation = engagement.organisation
    if not can_request_inclusion_snapshot(actor, organisation):
        raise PermissionDenied
    # Lock the engagement: two people pressing "Recalculate" together queue one.
    Engagement.objects.select_for_update().filter(pk=engagement.pk).first()
    if engagement.status not in SNAPSHOT_ENGAGEMENT_STATUSES:
        raise InclusionSnapshotError(
            _("There is nothing to calculate until the engagement opens.")
        )
    if profile is not None and profile.organisation_id != organisation.pk:
        raise InclusionSnapshotError(_("Choose one of your organisation's profiles."))
    inclusion_snapshots_fail_stalled(engagement=engagement)
    if InclusionSnapshot.objects.filter(
        engagement=engagement, status__in=(Status.QUEUED, Status.RUNNING)
    ).exists():
        raise InclusionSnapshotError(
            _("The figures are already being calculated. Wait for them to finish.")
        )
    if profile is None:
        profile = default_profile_for(engagement=engagement)
    return _queue(actor=actor, engagement=engagement, profile=profile)


def inclusion_snapshot_compute(
    *, snapshot_id: int, loaded: OrganisationContributions | None = None
) -> InclusionSnapshot:
    """Compute a queued snapshot and store its frozen result.

    Ends DONE (with `unchanged_from` set when the inputs match the newest done
    snapshot) or FAILED with the error, the rest of the row untouched. A
    snapshot that is no longer queued is returned unchanged. `loaded` lets the
    scheduled refresh share one load of the organisation's contributions.
    """
    snapshot = InclusionSnapshot.objects.select_related(
        "engagement__organisation", "profile"
    ).get(pk=snapshot_id)
    if snapshot.status != Status.QUEUED:
        return snapshot
    snapshot.status = Status.RUNNING
    snapshot.started_at = timezone.now()
    snapshot.save(update_fields=["status", "started_at"])
    try:
        engagement = snapshot.engagement
        if loaded is None:
            loaded = contributions_for_organisation(
                organisation=engagement.organisation
            )
        inputs = snapshot_inputs_load(
            engagement=engagement, profile=snapshot.profile, loaded=loaded
        )
        _store(snapshot, inputs)
    except InputError as exc:
        _fail(snapshot, exc.message)
    except Exception as exc:
        logger.exception("Inclusion snapshot %s failed", snapshot.pk)
        _fail(
            snapshot,
            _(
                "Something went wrong and the figures were not calculated "
                "(%(error)s). Try again, or contact support."
            )
            % {"error": type(exc).__name__},
        )
    return snapshot


@transaction.atomic
def _store(snapshot: InclusionSnapshot, inputs: SnapshotInputs) -> None:
    version = software_version()
    same = (
        InclusionSnapshot.objects.filter(
            engagement_id=snapshot.engagement_id, status=Status.DONE
        )
        .exclude(pk=snapshot.pk)
        .order_by("-finished_at", "-pk")
        .first()
    )
    if (
        same is not None
        and same.input_hash == inputs.input_hash
        and same.software_version == version
    ):
        snapshot.result = same.result
        snapshot.characteristics = same.characteristics
        snapshot.unchanged_from = same.unchanged_from or same
    else:
        result = snapshot_result_compute(inputs)
        snapshot.result = result
        snapshot.characteristics = [c["name"] for c in result["characteristics"]]
    snapshot.input_hash = inputs.input_hash
    snapshot.margins_version = inputs.margins_version
    snapshot.software_version = version
    snapshot.status = Status.DONE
    snapshot.finished_at = timezone.now()
    snapshot.full_clean()
    snapshot.save(
        update_fields=[
            "result",
            "characteristics",
            "unchanged_from",
            "input_hash",
            "margins_version",
            "software_version",
            "status",
            "finished_at",
        ]
    )


def _fail(snapshot: InclusionSnapshot, message: str) -> None:
    snapshot.status = Status.FAILED
    snapshot.error = message
    snapshot.finished_at = timezone.now()
    snapshot.save(update_fields=["status", "error", "finished_at"])


def _open_or_recently_closed(closed_since: datetime) -> Q:
    return Q(status=Engagement.Status.OPEN) | Q(
        status__in=(
            Engagement.Status.CLOSED,
            Engagement.Status.RESPONDED,
            Engagement.Status.ARCHIVED,
        ),
        closed_at__gte=closed_since,
    )


def inclusion_snapshots_refresh(
    *, now: datetime | None = None, organisation: Organisation | None = None
) -> list[InclusionSnapshot]:
    """Queue a snapshot for every engagement whose inputs changed; return them.

    Looks at open engagements and those closed in the last 30 days, in every
    organisation (or one). An engagement's inputs changed when the hash of
    what its figures would be computed from differs from its newest done
    snapshot's, or it has none; engagements being calculated are left alone.
    Queued as the scheduled refresh (no person), audited, computed by the
    worker. Loads each organisation's contributions once.
    """
    now = now or timezone.now()
    inclusion_snapshots_fail_stalled(now=now)
    organisations = (
        [organisation]
        if organisation is not None
        else list(Organisation.objects.order_by("pk"))
    )
    queued: list[InclusionSnapshot] = []
    for each in organisations:
        candidates = list(
            Engagement.objects.filter(organisation=each)
            .filter(_open_or_recently_closed(now - REFRESH_CLOSED_WITHIN))
            .select_related("organisation")
            .prefetch_related("areas")
            .order_by("pk")
        )
        if not candidates:
            continue
        loaded = contributions_for_organisation(organisation=each)
        for engagement in candidates:
            latest = (
                InclusionSnapshot.objects.filter(engagement=engagement)
                .order_by("-created_at", "-pk")
                .first()
            )
            if latest is not None and latest.is_running:
                continue
            profile = default_profile_for(engagement=engagement)
            inputs = snapshot_inputs_load(
                engagement=engagement, profile=profile, loaded=loaded
            )
            newest_done = (
                InclusionSnapshot.objects.filter(
                    engagement=engagement, status=Status.DONE
                )
                .order_by("-finished_at", "-pk")
                .first()
            )
            if (
                newest_done is not None
                and newest_done.input_hash == inputs.input_hash
                and newest_done.software_version == software_version()
            ):
                continue
            with transaction.atomic():
                queued.append(
                    _queue(actor=None, engagement=engagement, profile=profile)
                )
    return queued


def inclusion_snapshots_compute_now(
    *, organisation: Organisation
) -> list[InclusionSnapshot]:
    """Snapshot every opened engagement of the organisation here and now, no task.

    For the demo loader and set-up scripts, which need figures before any
    worker runs. Recorded as scheduled (no person) and audited; each is
    computed as `inclusion_snapshot_compute` would, sharing one load of the
    organisation's contributions.
    """
    loaded = contributions_for_organisation(organisation=organisation)
    done = []
    for engagement in (
        Engagement.objects.filter(
            organisation=organisation, status__in=SNAPSHOT_ENGAGEMENT_STATUSES
        )
        .select_related("organisation")
        .order_by("pk")
    ):
        with transaction.atomic():
            snapshot = _queue(
                actor=None,
                engagement=engagement,
                profile=default_profile_for(engagement=engagement),
                enqueue=False,
            )
        done.append(inclusion_snapshot_compute(snapshot_id=snapshot.pk, loaded=loaded))
    return done
