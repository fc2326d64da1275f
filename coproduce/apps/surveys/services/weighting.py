"""Weighting a survey's responses to census margins (raking), as a background run.

`weighting_run_request` checks the request and queues the task, which calls
`weighting_run_execute`: one query loads the submitted responses' "about you"
answers, `population_margins` gives the profile's residents for the
engagement's areas, `RakingWeighter` computes the weights, and the weights
(`SubmissionWeight`) and the run's figures are stored in one transaction.
Bad input (spec §8, e.g. "No participants in '75_plus'") ends the run FAILED
with the message and stores nothing else; so does an unexpected error.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Sequence
from datetime import datetime, timedelta
from functools import partial
from importlib.metadata import PackageNotFoundError, version

from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

import coproduce
from coproduce.analytics.errors import InputError
from coproduce.analytics.weighting import RakingResult, RakingWeighter
from coproduce.apps.accounts.models import User
from coproduce.apps.audit.services import audit_event_create
from coproduce.apps.core.about_you import (
    ABOUT_YOU_FIELDS,
    ABOUT_YOU_LABELS,
    PREFER_NOT_TO_SAY,
)
from coproduce.apps.organisations.models import PopulationProfile
from coproduce.apps.organisations.selectors import population_margins
from coproduce.apps.surveys.models import (
    Submission,
    SubmissionWeight,
    Survey,
    WeightingRun,
)
from coproduce.apps.surveys.permissions import can_weight_results
from coproduce.errors import DomainError, StateConflictError

logger = logging.getLogger(__name__)

#: Weights are written in batches of this many rows.
WEIGHT_BATCH_SIZE = 5_000
DEFAULT_CAP_FACTOR = 3.0
#: A cap this large never trims anything a survey could produce; above it, a typo.
MAX_CAP_FACTOR = 100.0
#: A run waiting or calculating for longer than this lost its worker.
STALLED_AFTER = timedelta(hours=1)


class WeightingError(DomainError):
    """The weighting run cannot be requested as asked; the message says why."""

    code = "weighting_invalid"


def engagement_area_ids(survey: Survey) -> list[int] | None:
    """The engagement's areas, or None (the whole organisation) when it has none."""
    return [area.pk for area in survey.engagement.areas.all()] or None


def characteristics_with_margins(
    *, profile: PopulationProfile, survey: Survey
) -> dict[str, dict[str, int]]:
    """About-you characteristic -> residents per category, for those with margins.

    Margins are the profile's for the survey's engagement areas (the whole
    organisation when the engagement has none); characteristics whose margins
    are missing or total zero are left out.
    """
    area_ids = engagement_area_ids(survey)
    found = {}
    for name in ABOUT_YOU_FIELDS:
        margins = population_margins(
            profile=profile, characteristic=name, area_ids=area_ids
        )
        if sum(margins.values()) > 0:
            found[name] = margins
    return found


@transaction.atomic
def weighting_run_request(
    *,
    actor: User,
    survey: Survey,
    profile: PopulationProfile,
    characteristics: Sequence[str],
    cap: float | None = DEFAULT_CAP_FACTOR,
) -> WeightingRun:
    """Queue a weighting run of the survey's responses to `profile`'s margins.

    `cap` trims weights above cap × the mean weight (None: no trimming).
    Raises PermissionDenied (only administrators and analysts weight), or
    WeightingError for a profile of another organisation, no or unknown
    characteristics, a characteristic without margins for the engagement's
    areas, a cap that is not a number above 1, or a run already in progress.
    """
    if not can_weight_results(actor, survey.organisation):
        raise PermissionDenied
    if profile.organisation_id != survey.organisation_id:
        raise WeightingError(
            _("Choose one of this organisation's population profiles."),
            field="profile",
        )
    chosen = list(dict.fromkeys(characteristics))
    if not chosen:
        raise WeightingError(
            _("Choose at least one characteristic to weight by."),
            field="characteristics",
        )
    unknown = [name for name in chosen if name not in ABOUT_YOU_FIELDS]
    if unknown:
        raise WeightingError(
            _("%(names)s is not an “about you” question. Choose from the list.")
            % {"names": ", ".join(unknown)},
            field="characteristics",
        )
    with_margins = characteristics_with_margins(profile=profile, survey=survey)
    missing = [name for name in chosen if name not in with_margins]
    if missing:
        raise WeightingError(
            _(
                "The population profile %(profile)s has no figures for %(names)s in "
                "this engagement's areas. Leave it out, or add its margins to the "
                "profile."
            )
            % {
                "profile": profile.name,
                "names": ", ".join(str(ABOUT_YOU_LABELS[name]) for name in missing),
            },
            field="characteristics",
        )
    if cap is not None and not (1 < cap <= MAX_CAP_FACTOR):
        raise WeightingError(
            _(
                "The cap must be a number above 1 and at most %(most)s (how many "
                "times the average weight a response may count), or leave weights "
                "untrimmed."
            )
            % {"most": f"{MAX_CAP_FACTOR:g}"},
            field="cap",
        )
    weighting_runs_fail_stalled(survey=survey)
    if WeightingRun.objects.filter(
        survey=survey,
        status__in=(WeightingRun.Status.QUEUED, WeightingRun.Status.RUNNING),
    ).exists():
        raise StateConflictError(
            _(
                "A weighting run for this survey has not finished yet. Wait for it, "
                "or cancel it, before starting another."
            )
        )
    # In the questions' order, so the sweep order does not depend on clicks.
    ordered = [name for name in ABOUT_YOU_FIELDS if name in chosen]
    run = WeightingRun(
        survey=survey,
        profile=profile,
        profile_name=profile.name,
        characteristics=ordered,
        cap_factor=cap,
        requested_by=actor,
    )
    run.full_clean()
    run.save()
    audit_event_create(
        actor=actor,
        action="weighting_run.request",
        target=run,
        organisation=survey.organisation,
        changes={
            "survey": survey.pk,
            "profile": profile.pk,
            "characteristics": ordered,
            "cap": cap,
        },
    )
    from coproduce.apps.surveys.tasks import weighting_run_task

    transaction.on_commit(partial(weighting_run_task.enqueue, weighting_run_id=run.pk))
    return run


@transaction.atomic
def weighting_run_cancel(*, actor: User, run: WeightingRun) -> WeightingRun:
    """Cancel a run that is waiting or calculating; a finished run cannot be.

    A run cancelled while its task calculates stores nothing: the task checks
    the status under a lock before it writes.
    """
    if not can_weight_results(actor, run.survey.organisation):
        raise PermissionDenied
    locked = WeightingRun.objects.select_for_update().get(pk=run.pk)
    if not locked.is_active:
        raise StateConflictError(
            _("This weighting run has already finished, so it cannot be cancelled.")
        )
    locked.status = WeightingRun.Status.CANCELLED
    locked.finished_at = timezone.now()
    locked.save(update_fields=["status", "finished_at"])
    audit_event_create(
        actor=actor,
        action="weighting_run.cancel",
        target=locked,
        organisation=run.survey.organisation,
    )
    return locked


def weighting_runs_fail_stalled(
    *, survey: Survey | None = None, now: datetime | None = None
) -> int:
    """Mark runs waiting or calculating for over an hour as failed; return how many.

    A run is calculated by one worker; if that worker dies (a deploy, the
    machine restarting) the run would read "Calculating weights" for ever and
    refuse a new request. Its weights were stored in a transaction that never
    committed, so nothing was stored and FAILED is the truth. Runs before every
    request (for that survey) and from the `fail_stalled_imports` command (cron).
    A worker that comes back later stores nothing: `_store` only writes a run
    that is still calculating.
    """
    now = now or timezone.now()
    cutoff = now - STALLED_AFTER
    stalled = WeightingRun.objects.select_related("survey__organisation").filter(
        Q(status=WeightingRun.Status.QUEUED, created_at__lt=cutoff)
        | Q(status=WeightingRun.Status.RUNNING, started_at__lt=cutoff)
        | Q(
            status=WeightingRun.Status.RUNNING,
            started_at__isnull=True,
            created_at__lt=cutoff,
        )
    )
    if survey is not None:
        stalled = stalled.filter(survey=survey)
    n_failed = 0
    for run in stalled:
        with transaction.atomic():
            locked = WeightingRun.objects.select_for_update().get(pk=run.pk)
            if not locked.is_active:  # finished meanwhile
                continue
            logger.warning("Weighting run %s stalled; marking it failed", run.pk)
            previous = locked.status
            locked.status = WeightingRun.Status.FAILED
            locked.error = _(
                "The weighting stopped before it finished, so no weights were "
                "stored. Run the weighting again."
            )
            locked.finished_at = now
            locked.save(update_fields=["status", "error", "finished_at"])
            audit_event_create(
                actor=None,
                action="weighting_run.fail_stalled",
                target=locked,
                organisation=run.survey.organisation,
                changes={"status": [previous, WeightingRun.Status.FAILED.value]},
            )
        n_failed += 1
    return n_failed


def software_version() -> str:
    """The versions that make the weights: Coproduce, weightipy, NumPy, pandas."""
    parts = [f"coproduce {coproduce.__version__}"]
    for package in ("weightipy", "numpy", "pandas"):
        try:
            parts.append(f"{package} {version(package)}")
        except PackageNotFoundError:  # pragma: no cover - installed with coproduce
            parts.append(f"{package} ?")
    return "; ".join(parts)


def weighting_inputs(
    *, survey: Survey, characteristics: Sequence[str]
) -> tuple[list[int], dict[str, list[str | None]]]:
    """Submitted responses' ids and their about-you values, in one query.

    Blank ("not asked" or left empty) and "prefer not to say" are unknown
    (None): the weights keep those responses' share of the sample on that
    characteristic (spec §8; see `RakingWeighter`).
    """
    rows = (
        Submission.objects.filter(survey=survey, status=Submission.Status.SUBMITTED)
        .order_by("pk")
        .values_list("pk", *characteristics)
    )
    ids: list[int] = []
    columns: list[list[str | None]] = [[] for _name in characteristics]
    unknown = ("", PREFER_NOT_TO_SAY)
    for row in rows:
        ids.append(row[0])
        for column, value in zip(columns, row[1:], strict=True):
            column.append(None if value in unknown else value)
    return ids, dict(zip(characteristics, columns, strict=True))


def input_hash(
    *,
    ids: Sequence[int],
    participants: dict[str, list[str | None]],
    margins: dict[str, dict[str, int]],
    cap: float | None,
) -> str:
    """SHA-256 of everything the weights depend on, to show a result is reproducible."""
    digest = hashlib.sha256()
    digest.update(json.dumps({"margins": margins, "cap": cap}, sort_keys=True).encode())
    digest.update(",".join(map(str, ids)).encode())
    for name, values in participants.items():
        digest.update(name.encode())
        digest.update("\x1f".join(value or "" for value in values).encode())
    return digest.hexdigest()


def weighting_run_execute(*, weighting_run_id: int) -> WeightingRun:
    """Compute and store the weights of a queued run; returns the run.

    Ends DONE (weights and figures stored together), FAILED (the error kept,
    nothing else stored) or, if cancelled meanwhile, CANCELLED with nothing
    stored. A run that is no longer queued is returned unchanged.
    """
    run = WeightingRun.objects.select_related(
        "survey__engagement", "survey__organisation", "profile"
    ).get(pk=weighting_run_id)
    if run.status != WeightingRun.Status.QUEUED:
        return run
    run.status = WeightingRun.Status.RUNNING
    run.started_at = timezone.now()
    run.save(update_fields=["status", "started_at"])
    try:
        if run.profile is None:
            raise InputError(
                "The population profile was deleted before the weights were "
                "calculated. Choose another profile and run the weighting again."
            )
        ids, participants = weighting_inputs(
            survey=run.survey, characteristics=run.characteristics
        )
        area_ids = engagement_area_ids(run.survey)
        margins = {
            name: population_margins(
                profile=run.profile, characteristic=name, area_ids=area_ids
            )
            for name in run.characteristics
        }
        weighter = RakingWeighter(cap_factor=run.cap_factor).fit(
            participants, {name: m for name, m in margins.items() if m}
        )
        digest = input_hash(
            ids=ids, participants=participants, margins=margins, cap=run.cap_factor
        )
        _store(run, ids, weighter.weights_.tolist(), weighter.result_, digest)
    except InputError as exc:
        _fail(run, exc.message)
    except Exception as exc:
        logger.exception("Weighting run %s failed", run.pk)
        _fail(
            run,
            _(
                "Something went wrong and no weights were stored (%(error)s). Try "
                "again, or contact support."
            )
            % {"error": type(exc).__name__},
        )
    run.refresh_from_db()
    return run


@transaction.atomic
def _store(
    run: WeightingRun,
    ids: list[int],
    weights: list[float],
    result: RakingResult,
    digest: str,
) -> None:
    locked = WeightingRun.objects.select_for_update().get(pk=run.pk)
    if locked.status != WeightingRun.Status.RUNNING:  # cancelled meanwhile
        return
    _insert_weights(run.pk, ids, weights)
    locked.status = WeightingRun.Status.DONE
    locked.finished_at = timezone.now()
    locked.n_weighted = len(ids)
    locked.n_unknown = dict(result.n_unknown)
    locked.characteristics_left_out = list(result.characteristics_left_out)
    locked.population_total = result.population_total
    locked.deff = result.deff
    locked.n_eff = result.n_eff
    locked.max_weight = max(weights)
    locked.is_trimmed = result.is_trimmed
    locked.warnings = list(result.warnings)
    locked.notices = list(result.notices)
    locked.achieved_margins = {
        name: {
            category: {
                "target": target,
                "achieved": result.achieved_totals[name][category],
            }
            for category, target in targets.items()
        }
        for name, targets in result.target_totals.items()
    }
    locked.input_hash = digest
    locked.software_version = software_version()[:200]
    locked.save()


def _insert_weights(run_id: int, ids: list[int], weights: list[float]) -> None:
    """INSERT the weights in bulk, in the current transaction.

    PostgreSQL gets them through COPY; other databases through the driver's
    executemany in batches. `bulk_create` builds a model instance per row and
    took 2.5 times as long at 100,000 responses. Only numbers are sent, each
    as a parameter (or a COPY row).
    """
    quote = connection.ops.quote_name
    table = quote(SubmissionWeight._meta.db_table)
    names = f"({quote('run_id')}, {quote('submission_id')}, {quote('weight')})"
    rows = ((run_id, pk, float(w)) for pk, w in zip(ids, weights, strict=True))
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Constant names only; the rows are streamed as data.
            with cursor.cursor.copy(f"COPY {table} {names} FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        sql = f"INSERT INTO {table} {names} VALUES (%s, %s, %s)"  # noqa: S608
        batch: list[tuple[int, int, float]] = []
        for row in rows:
            batch.append(row)
            if len(batch) == WEIGHT_BATCH_SIZE:
                cursor.executemany(sql, batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)


def _fail(run: WeightingRun, message: str) -> None:
    with transaction.atomic():
        locked = WeightingRun.objects.select_for_update().get(pk=run.pk)
        if locked.status != WeightingRun.Status.RUNNING:
            return
        locked.status = WeightingRun.Status.FAILED
        locked.error = message
        locked.finished_at = timezone.now()
        locked.save(update_fields=["status", "error", "finished_at"])
