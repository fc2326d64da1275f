"""Recomputing a conversation's opinion map in the background (spec §4).

Votes, statements, moderation and bans call `recompute_request`, which is
debounced: if a run of the conversation is already queued it does nothing,
else it queues one and enqueues `recompute_opinion_map_task` after commit,
`COPRODUCE_OPINION_MAP_UPDATE_INTERVAL` seconds later where the task backend
can defer. A partial unique constraint (one QUEUED run per conversation) makes
the debounce race-free.

One run per conversation at a time. Starting and finishing a run both lock the
conversation row, so they are serialised: a run that finds another one running
stays queued, and the running one, when it finishes, enqueues the queued run.
Votes that arrive while a run is running therefore get exactly one more run.

`recompute_run_execute` loads the latest snapshot's warm-start state and only
the vote events after its high-water mark (`OpinionMap.update`), or refits from
every event (`OpinionMap.fit`, cold, aligned to the last state) when there is
no usable state, when moderation or bans changed since the state, when events
at or below the mark changed (erased, or committed late), or when staff asked
for a rebuild from scratch. A failed
run keeps its error and leaves the previous snapshot in place.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from importlib.metadata import PackageNotFoundError, version

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

import coproduce
from coproduce.analytics.errors import InputError
from coproduce.analytics.opinion_map import (
    OpinionMap,
    OpinionMapResult,
    OpinionMapState,
    VoteLog,
)
from coproduce.apps.accounts.models import User
from coproduce.apps.audit.services import audit_event_create
from coproduce.apps.conversations.models import (
    Conversation,
    OpinionMapRun,
    OpinionMapSnapshot,
    Participant,
    Statement,
    VoteEvent,
)
from coproduce.apps.conversations.permissions import can_manage_conversations

logger = logging.getLogger(__name__)

Status = OpinionMapRun.Status

#: A run queued or running for longer than this lost its worker.
STALLED_AFTER = timedelta(hours=1)


def update_interval_seconds() -> int:
    return int(getattr(settings, "COPRODUCE_OPINION_MAP_UPDATE_INTERVAL", 5))


def _enqueue(run_id: int, *, deferred: bool) -> None:
    """Enqueue the task (call it in on_commit). Deferred by the update interval
    where the backend supports it; the test backend runs tasks at once."""
    from coproduce.apps.conversations.tasks import recompute_opinion_map_task

    task = recompute_opinion_map_task
    if deferred and task.get_backend().supports_defer:
        task = task.using(
            run_after=timezone.now() + timedelta(seconds=update_interval_seconds())
        )
    task.enqueue(run_id=run_id)


def recompute_request(
    *,
    conversation: Conversation,
    rebuild: bool = False,
    actor: User | None = None,
) -> OpinionMapRun | None:
    """Ask for a recompute of the conversation's opinion map; debounced.

    Returns the new queued run, or None when one was already queued (a
    `rebuild` then marks that queued run as a rebuild). Imported (read-only)
    archives are recomputed too: their votes never change, but a rebuild may
    be asked for. Never raises for a busy conversation.
    """
    queued = OpinionMapRun.objects.filter(
        conversation=conversation, status=Status.QUEUED
    )
    if queued.exists():
        if rebuild:
            queued.update(is_rebuild=True, requested_by=actor)
        return None
    try:
        # A savepoint: a concurrent request that won the race leaves our
        # caller's transaction (the vote) intact.
        with transaction.atomic():
            run = OpinionMapRun.objects.create(
                conversation=conversation,
                status=Status.QUEUED,
                is_rebuild=rebuild,
                requested_by=actor,
            )
    except IntegrityError:
        if rebuild:
            queued.update(is_rebuild=True, requested_by=actor)
        return None
    transaction.on_commit(partial(_enqueue, run.pk, deferred=True))
    return run


@transaction.atomic
def opinion_map_rebuild(*, conversation: Conversation, actor: User) -> None:
    """Staff's "Rebuild from scratch": the next run ignores the saved state.

    Raises PermissionDenied. Audited as "opinion_map.rebuild".
    """
    if not can_manage_conversations(actor, conversation.organisation):
        raise PermissionDenied
    recompute_request(conversation=conversation, rebuild=True, actor=actor)
    audit_event_create(
        actor=actor,
        action="opinion_map.rebuild",
        target=conversation,
        organisation=conversation.organisation,
    )


@transaction.atomic
def _start(run_id: int) -> OpinionMapRun | None:
    """Mark a queued run running, unless another run of its conversation runs."""
    run = OpinionMapRun.objects.select_related("conversation").get(pk=run_id)
    # Lock order: conversation, then run (as in _finish).
    Conversation.objects.select_for_update().filter(pk=run.conversation_id).first()
    run = OpinionMapRun.objects.select_for_update().get(pk=run_id)
    if run.status != Status.QUEUED:
        return None
    running = OpinionMapRun.objects.filter(
        conversation_id=run.conversation_id, status=Status.RUNNING
    ).exclude(pk=run.pk)
    if running.exists():
        return None  # the running one enqueues us when it finishes
    run.status = Status.RUNNING
    run.started_at = timezone.now()
    run.save(update_fields=["status", "started_at"])
    return run


@dataclass(frozen=True)
class _Inputs:
    moderated_out: list[int]
    meta: list[int]
    excluded: list[int]


def _inputs(conversation: Conversation) -> _Inputs:
    statements = Statement.objects.filter(conversation=conversation)
    meta = sorted(statements.filter(is_meta=True).values_list("number", flat=True))
    moderated_out = sorted(
        statements.filter(
            Q(state=Statement.State.REJECTED) | Q(is_meta=True)
        ).values_list("number", flat=True)
    )
    excluded = sorted(
        Participant.objects.filter(
            conversation=conversation, is_banned=True
        ).values_list("number", flat=True)
    )
    return _Inputs(moderated_out=moderated_out, meta=meta, excluded=excluded)


def _events(conversation: Conversation, *, after: int) -> tuple[VoteLog, list[int]]:
    """Vote events with id > `after`, in id order, as the engine's numbers."""
    rows = list(
        VoteEvent.objects.filter(conversation=conversation, pk__gt=after)
        .order_by("pk")
        .values_list(
            "pk", "participant__number", "statement__number", "value", "cast_at"
        )
    )
    log = VoteLog.from_arrays(
        participant_ids=[row[1] for row in rows],
        statement_ids=[row[2] for row in rows],
        values=[row[3] for row in rows],
        cast_at=[row[4].timestamp() for row in rows],
    )
    return log, [row[0] for row in rows]


def input_hash(*, previous: str, inputs: _Inputs, log: VoteLog, ids: list[int]) -> str:
    """SHA-256 of the events read (id, participant, statement, value) and the
    flags, chained to the previous snapshot's hash on a warm update: the result
    depends on the sequence of batches (spec §4 "Path dependence"), so the hash
    does too."""
    digest = hashlib.sha256()
    digest.update(previous.encode())
    flags = {
        "moderated_out": inputs.moderated_out,
        "meta": inputs.meta,
        "excluded": inputs.excluded,
    }
    digest.update(json.dumps(flags, sort_keys=True).encode())
    for row in zip(
        ids,
        log.participant_ids.tolist(),
        log.statement_ids.tolist(),
        log.values.tolist(),
        strict=True,
    ):
        digest.update((",".join(map(str, row)) + ";").encode())
    return digest.hexdigest()


def software_version() -> str:
    """The versions that make the map: Coproduce, NumPy, SciPy, scikit-learn."""
    parts = [f"coproduce {coproduce.__version__}"]
    for package in ("numpy", "scipy", "scikit-learn"):
        try:
            parts.append(f"{package} {version(package)}")
        except PackageNotFoundError:  # pragma: no cover - installed with coproduce
            parts.append(f"{package} ?")
    return "; ".join(parts)


def _usable_state(
    snapshot: OpinionMapSnapshot | None, conversation: Conversation, inputs: _Inputs
) -> tuple[OpinionMapState | None, bool]:
    """The snapshot's state and whether it is fresh enough for an update.

    Stale (refit from every event, warm so labels carry over): moderation or
    bans changed since, or the events at or below the mark are no longer
    exactly those the state applied (erased, or a vote committed late with a
    lower id).
    """
    if snapshot is None or not snapshot.state:
        return None, False
    try:
        state = OpinionMapState.from_bytes(bytes(snapshot.state))
    except InputError:
        logger.warning("Opinion map state of snapshot %s unreadable", snapshot.pk)
        return None, False
    if (
        snapshot.moderated_out != inputs.moderated_out
        or snapshot.meta != inputs.meta
        or snapshot.excluded != inputs.excluded
    ):
        return state, False
    n_applied = VoteEvent.objects.filter(
        conversation=conversation, pk__lte=snapshot.vote_event_high_water
    ).count()
    return state, n_applied == state.n_events


def recompute_run_execute(*, run_id: int) -> OpinionMapRun:
    """Compute and store one queued run's snapshot; returns the run.

    Ends SUCCEEDED (a new snapshot stored with the run's figures in one
    transaction) or FAILED (the error kept, the previous snapshot unchanged).
    A run that is not queued, or waits behind a running one, is returned
    unchanged.
    """
    run = _start(run_id)
    if run is None:
        return OpinionMapRun.objects.get(pk=run_id)
    conversation = run.conversation
    started = time.monotonic()
    try:
        inputs = _inputs(conversation)
        snapshot = (
            OpinionMapSnapshot.objects.filter(conversation=conversation)
            .order_by("-created_at", "-pk")
            .first()
        )
        state, is_fresh = _usable_state(snapshot, conversation, inputs)
        engine = OpinionMap(random_state=conversation.random_state)
        if (
            snapshot is not None
            and state is not None
            and is_fresh
            and not (run.is_rebuild)
        ):
            log, ids = _events(conversation, after=snapshot.vote_event_high_water)
            result = engine.update(
                state,
                log,
                moderated_out=inputs.moderated_out,
                meta=inputs.meta,
                excluded=inputs.excluded,
            )
            previous_hash = snapshot.input_hash
            high_water = ids[-1] if ids else snapshot.vote_event_high_water
            is_cold = False
        else:
            log, ids = _events(conversation, after=0)
            # Cold, from every event; the last state (if readable) only turns
            # the new map to match it and carries the group labels over, so a
            # rebuild does not relabel groups for nothing (spec §4).
            result = engine.fit(
                log,
                moderated_out=inputs.moderated_out,
                meta=inputs.meta,
                excluded=inputs.excluded,
                reference=state,
            )
            previous_hash = ""
            high_water = ids[-1] if ids else 0
            is_cold = True
        digest = input_hash(previous=previous_hash, inputs=inputs, log=log, ids=ids)
        _finish(
            run,
            result=result,
            inputs=inputs,
            high_water=high_water,
            digest=digest,
            is_cold=is_cold,
            duration_ms=int((time.monotonic() - started) * 1000),
        )
    except InputError as exc:
        _fail(run, exc.message, started)
    except Exception as exc:
        logger.exception("Opinion map run %s failed", run.pk)
        _fail(
            run,
            _(
                "Something went wrong and the map was not updated (%(error)s). "
                "The previous map is still shown."
            )
            % {"error": type(exc).__name__},
            started,
        )
    run.refresh_from_db()
    return run


def _enqueue_next(conversation_id: int) -> None:
    """After a run ends: start the run queued behind it, if any (on commit)."""
    waiting = (
        OpinionMapRun.objects.filter(
            conversation_id=conversation_id, status=Status.QUEUED
        )
        .values_list("pk", flat=True)
        .first()
    )
    if waiting is not None:
        transaction.on_commit(partial(_enqueue, waiting, deferred=False))


@transaction.atomic
def _finish(
    run: OpinionMapRun,
    *,
    result: OpinionMapResult,
    inputs: _Inputs,
    high_water: int,
    digest: str,
    is_cold: bool,
    duration_ms: int,
) -> None:
    Conversation.objects.select_for_update().filter(pk=run.conversation_id).first()
    locked = OpinionMapRun.objects.select_for_update().get(pk=run.pk)
    if locked.status != Status.RUNNING:  # failed as stalled meanwhile
        return
    OpinionMapSnapshot.objects.create(
        conversation_id=run.conversation_id,
        run=locked,
        result=result.to_json(),
        state=result.state.to_bytes(),
        vote_event_high_water=high_water,
        input_hash=digest,
        software_version=software_version()[:100],
        random_state=result.random_state,
        priorities={str(k): float(v) for k, v in result.priorities().items()},
        moderated_out=inputs.moderated_out,
        meta=inputs.meta,
        excluded=inputs.excluded,
        is_cold=is_cold,
    )
    locked.status = Status.SUCCEEDED
    locked.finished_at = timezone.now()
    locked.duration_ms = duration_ms
    locked.n_votes = result.n_votes
    locked.n_participants = result.n_participants
    locked.n_statements = result.n_statements
    locked.vote_event_high_water = high_water
    locked.is_cold = is_cold
    locked.save()
    _enqueue_next(run.conversation_id)


@transaction.atomic
def _fail(run: OpinionMapRun, message: str, started: float) -> None:
    Conversation.objects.select_for_update().filter(pk=run.conversation_id).first()
    locked = OpinionMapRun.objects.select_for_update().get(pk=run.pk)
    if locked.status != Status.RUNNING:
        return
    locked.status = Status.FAILED
    locked.error = message
    locked.finished_at = timezone.now()
    locked.duration_ms = int((time.monotonic() - started) * 1000)
    locked.save(update_fields=["status", "error", "finished_at", "duration_ms"])
    _enqueue_next(run.conversation_id)


def opinion_map_runs_fail_stalled(*, now: datetime | None = None) -> int:
    """Mark runs queued or running for over an hour as failed; return how many.

    A worker that died leaves its run "running" for ever, and every later run
    of the conversation waits behind it; a lost task leaves a run "queued" and
    the debounce then asks for nothing new. Failing them lets the next vote
    queue a fresh run, and a run waiting behind a dead one is enqueued. Called
    by the `fail_stalled_imports` command (cron).
    """
    now = now or timezone.now()
    cutoff = now - STALLED_AFTER
    stalled = OpinionMapRun.objects.filter(
        Q(status=Status.QUEUED, requested_at__lt=cutoff)
        | Q(status=Status.RUNNING, started_at__lt=cutoff)
        | Q(status=Status.RUNNING, started_at__isnull=True, requested_at__lt=cutoff)
    ).select_related("conversation__organisation")
    n_failed = 0
    for run in stalled:
        with transaction.atomic():
            Conversation.objects.select_for_update().filter(
                pk=run.conversation_id
            ).first()
            locked = OpinionMapRun.objects.select_for_update().get(pk=run.pk)
            if not locked.is_active:  # finished meanwhile
                continue
            logger.warning("Opinion map run %s stalled; marking it failed", run.pk)
            previous = locked.status
            locked.status = Status.FAILED
            locked.error = _(
                "The recompute stopped before it finished, so the map was not "
                "updated. The next vote, or a rebuild, starts a new one."
            )
            locked.finished_at = now
            locked.save(update_fields=["status", "error", "finished_at"])
            audit_event_create(
                actor=None,
                action="opinion_map_run.fail_stalled",
                target=locked,
                organisation=run.conversation.organisation,
                changes={"status": [previous, Status.FAILED.value]},
            )
            _enqueue_next(run.conversation_id)
        n_failed += 1
    return n_failed
