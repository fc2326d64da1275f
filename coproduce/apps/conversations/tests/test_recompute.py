"""Recomputing the opinion map: debounce, one run at a time, warm updates,
cold rebuilds, failures, stalled runs, and publishing results."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.utils import timezone

from coproduce.analytics.opinion_map import OpinionMap, OpinionMapState
from coproduce.apps.accounts.models import User
from coproduce.apps.audit.models import AuditEvent
from coproduce.apps.conversations import services
from coproduce.apps.conversations.models import (
    Conversation,
    OpinionMapRun,
    OpinionMapSnapshot,
    Statement,
    VoteEvent,
)
from coproduce.apps.conversations.selectors import Visitor, statement_priorities
from coproduce.apps.conversations.services import recompute
from coproduce.apps.conversations.tests.factories import (
    ConversationFactory,
    StatementFactory,
)
from coproduce.apps.conversations.tests.opinion_map_data import (
    add_votes,
    filled_conversation,
)
from coproduce.apps.engagements.tests.factories import EngagementFactory
from coproduce.apps.organisations.models import Organisation

pytestmark = pytest.mark.django_db

Status = OpinionMapRun.Status
Capture = Callable[..., AbstractContextManager[list[Callable[[], Any]]]]


def _recompute(conversation: Conversation, capture: Capture) -> OpinionMapRun:
    with capture(execute=True):
        recompute.recompute_request(conversation=conversation)
    return OpinionMapRun.objects.filter(conversation=conversation).latest("pk")


def test_two_votes_queue_one_run_and_one_task(
    organisation: Organisation, django_capture_on_commit_callbacks: Capture
) -> None:
    conversation = ConversationFactory(
        engagement=EngagementFactory(organisation=organisation)
    )
    statements = StatementFactory.create_batch(2, conversation=conversation)
    visitor = Visitor(user=AnonymousUser(), anonymous_token="t", client_ip="192.0.2.1")

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        for statement in statements:
            services.vote_cast(
                conversation=conversation,
                visitor=visitor,
                statement_number=statement.number,
                value=1,
            )

    runs = OpinionMapRun.objects.filter(conversation=conversation)
    assert [run.status for run in runs] == [Status.QUEUED]
    enqueues = [c for c in callbacks if getattr(c, "func", None) is recompute._enqueue]
    assert len(enqueues) == 1


def test_a_run_stores_a_snapshot_with_mark_priorities_hash_and_seed(
    organisation: Organisation, django_capture_on_commit_callbacks: Capture
) -> None:
    conversation = filled_conversation(organisation)

    run = _recompute(conversation, django_capture_on_commit_callbacks)

    assert run.status == Status.SUCCEEDED, run.error
    assert run.is_cold
    assert run.duration_ms is not None
    assert run.n_participants == 60
    assert run.n_statements == 15
    snapshot = OpinionMapSnapshot.objects.get(conversation=conversation)
    events = VoteEvent.objects.filter(conversation=conversation).order_by("pk")
    assert snapshot.run == run
    assert snapshot.vote_event_high_water == events.last().pk  # type: ignore[union-attr]
    assert run.vote_event_high_water == snapshot.vote_event_high_water
    assert snapshot.random_state == conversation.random_state
    assert snapshot.result["status"] == "ok"
    assert len(snapshot.input_hash) == 64
    assert snapshot.software_version.startswith("coproduce ")
    assert set(snapshot.priorities) == {str(n) for n in range(15)}
    # Routing reads the snapshot's priorities.
    assert statement_priorities(conversation=conversation) == {
        int(k): v for k, v in snapshot.priorities.items()
    }
    assert OpinionMapState.from_bytes(bytes(snapshot.state)).n_events == len(events)


def test_the_same_votes_give_the_same_hash_and_result(
    organisation: Organisation, django_capture_on_commit_callbacks: Capture
) -> None:
    first = filled_conversation(organisation, random_state=3)
    second = filled_conversation(organisation, random_state=3)

    _recompute(first, django_capture_on_commit_callbacks)
    _recompute(second, django_capture_on_commit_callbacks)

    one = OpinionMapSnapshot.objects.get(conversation=first)
    two = OpinionMapSnapshot.objects.get(conversation=second)
    # Event ids differ between the two conversations, so the hashes do too,
    # but the maths does not.
    assert one.result == two.result
    assert one.input_hash != two.input_hash


def test_new_votes_update_the_state_warm_from_the_mark(
    organisation: Organisation,
    django_capture_on_commit_callbacks: Capture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    conversation = filled_conversation(organisation)
    first = _recompute(conversation, django_capture_on_commit_callbacks)
    add_votes(conversation, [(1, 2, -1), (59, 3, 1)], day=1)
    seen: list[int] = []
    original = OpinionMap.update

    def spy(self: OpinionMap, previous: OpinionMapState, new_votes: Any, **kw: Any):  # type: ignore[no-untyped-def]
        seen.append(new_votes.n_events)
        return original(self, previous, new_votes, **kw)

    monkeypatch.setattr(OpinionMap, "update", spy)

    second = _recompute(conversation, django_capture_on_commit_callbacks)

    assert second.status == Status.SUCCEEDED, second.error
    assert not second.is_cold
    assert seen == [2]  # only the two new events were read
    snapshots = OpinionMapSnapshot.objects.filter(conversation=conversation)
    latest = snapshots.order_by("-pk").first()
    assert latest is not None
    assert latest.vote_event_high_water > first.vote_event_high_water  # type: ignore[operator]
    assert latest.input_hash != snapshots.order_by("pk").first().input_hash  # type: ignore[union-attr]
    assert (
        latest.result["n_events"]
        == VoteEvent.objects.filter(conversation=conversation).count()
    )


def test_a_rejected_statement_makes_the_next_run_cold(
    organisation: Organisation,
    officer: User,
    django_capture_on_commit_callbacks: Capture,
) -> None:
    conversation = filled_conversation(organisation)
    _recompute(conversation, django_capture_on_commit_callbacks)
    statement = Statement.objects.get(conversation=conversation, number=4)

    with django_capture_on_commit_callbacks(execute=True):
        services.statement_moderate(
            actor=officer, statement=statement, decision="reject", reason="off_topic"
        )

    run = OpinionMapRun.objects.filter(conversation=conversation).latest("pk")
    assert run.status == Status.SUCCEEDED, run.error
    assert run.is_cold
    snapshot = OpinionMapSnapshot.objects.filter(conversation=conversation).latest("pk")
    assert snapshot.moderated_out == [4]
    figures = {s["statement_id"]: s for s in snapshot.result["statements"]}
    assert figures[4]["is_moderated_out"] is True


def test_a_ban_makes_the_next_run_cold_and_leaves_the_participant_out(
    organisation: Organisation,
    officer: User,
    django_capture_on_commit_callbacks: Capture,
) -> None:
    conversation = filled_conversation(organisation)
    _recompute(conversation, django_capture_on_commit_callbacks)
    participant = conversation.participants.get(number=5)

    with django_capture_on_commit_callbacks(execute=True):
        services.participant_ban(actor=officer, participant=participant)

    run = OpinionMapRun.objects.filter(conversation=conversation).latest("pk")
    assert run.is_cold
    snapshot = OpinionMapSnapshot.objects.filter(conversation=conversation).latest("pk")
    assert snapshot.excluded == [5]
    points = {p["participant_id"]: p for p in snapshot.result["participants"]}
    assert 5 not in points or points[5]["group"] is None


def test_a_failed_run_keeps_the_previous_snapshot_and_its_error(
    organisation: Organisation,
    django_capture_on_commit_callbacks: Capture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    conversation = filled_conversation(organisation)
    _recompute(conversation, django_capture_on_commit_callbacks)
    before = OpinionMapSnapshot.objects.get(conversation=conversation)
    add_votes(conversation, [(1, 2, -1)], day=1)

    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(OpinionMap, "update", broken)

    run = _recompute(conversation, django_capture_on_commit_callbacks)

    assert run.status == Status.FAILED
    assert "RuntimeError" in run.error
    assert "boom" not in run.error  # internals stay in the log
    assert list(OpinionMapSnapshot.objects.filter(conversation=conversation)) == [
        before
    ]
    assert statement_priorities(conversation=conversation) == {
        int(k): v for k, v in before.priorities.items()
    }


def test_a_run_waits_while_another_runs_and_is_started_when_it_ends(
    organisation: Organisation, django_capture_on_commit_callbacks: Capture
) -> None:
    conversation = filled_conversation(organisation)
    running = OpinionMapRun.objects.create(
        conversation=conversation, status=Status.RUNNING, started_at=timezone.now()
    )
    queued = OpinionMapRun.objects.create(conversation=conversation)

    with django_capture_on_commit_callbacks(execute=True):
        result = recompute.recompute_run_execute(run_id=queued.pk)
    assert result.status == Status.QUEUED
    assert not OpinionMapSnapshot.objects.exists()

    # The running run ends (here: fails); the queued one is then enqueued.
    with django_capture_on_commit_callbacks(execute=True):
        recompute._fail(running, "stopped", 0.0)

    queued.refresh_from_db()
    assert queued.status == Status.SUCCEEDED, queued.error
    assert OpinionMapSnapshot.objects.filter(run=queued).exists()


def test_a_vote_during_a_run_gets_exactly_one_more_run(
    organisation: Organisation,
    django_capture_on_commit_callbacks: Capture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    conversation = filled_conversation(organisation)
    original = recompute._inputs
    calls: list[int] = []

    def inputs_with_votes_arriving(conv: Conversation) -> Any:
        if not calls:  # during the first run only: two votes arrive
            for _ in range(2):
                recompute.recompute_request(conversation=conv)
        calls.append(1)
        return original(conv)

    monkeypatch.setattr(recompute, "_inputs", inputs_with_votes_arriving)

    _recompute(conversation, django_capture_on_commit_callbacks)

    runs = OpinionMapRun.objects.filter(conversation=conversation).order_by("pk")
    assert [run.status for run in runs] == [Status.SUCCEEDED, Status.SUCCEEDED]
    assert OpinionMapSnapshot.objects.filter(conversation=conversation).count() == 2


def test_the_command_fails_stalled_runs_and_starts_the_one_waiting(
    organisation: Organisation, django_capture_on_commit_callbacks: Capture
) -> None:
    conversation = filled_conversation(organisation)
    long_ago = timezone.now() - timedelta(hours=2)
    dead = OpinionMapRun.objects.create(
        conversation=conversation, status=Status.RUNNING, started_at=long_ago
    )
    waiting = OpinionMapRun.objects.create(conversation=conversation)
    fresh = OpinionMapRun.objects.create(
        conversation=filled_conversation(organisation, random_state=1),
        status=Status.RUNNING,
        started_at=timezone.now(),
    )

    with django_capture_on_commit_callbacks(execute=True):
        call_command("fail_stalled_imports", stdout=open("/dev/null", "w"))  # noqa: SIM115

    dead.refresh_from_db()
    waiting.refresh_from_db()
    fresh.refresh_from_db()
    assert dead.status == Status.FAILED
    assert "stopped before it finished" in dead.error
    assert waiting.status == Status.SUCCEEDED
    assert fresh.status == Status.RUNNING
    assert AuditEvent.objects.filter(action="opinion_map_run.fail_stalled").count() == 1


def test_a_stalled_queued_run_is_failed_so_votes_can_queue_again(
    organisation: Organisation,
) -> None:
    conversation = filled_conversation(organisation)
    lost = OpinionMapRun.objects.create(conversation=conversation)
    OpinionMapRun.objects.filter(pk=lost.pk).update(
        requested_at=timezone.now() - timedelta(hours=2)
    )

    assert services.opinion_map_runs_fail_stalled() == 1
    assert recompute.recompute_request(conversation=conversation) is not None


def test_a_rebuild_ignores_the_state_and_is_audited(
    organisation: Organisation,
    officer: User,
    django_capture_on_commit_callbacks: Capture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    conversation = filled_conversation(organisation)
    _recompute(conversation, django_capture_on_commit_callbacks)
    previous: list[object] = []
    references: list[object] = []
    original = OpinionMap.fit

    def spy(self: OpinionMap, votes: Any, **kw: Any):  # type: ignore[no-untyped-def]
        previous.append(kw.get("previous"))
        references.append(kw.get("reference"))
        return original(self, votes, **kw)

    monkeypatch.setattr(OpinionMap, "fit", spy)

    with django_capture_on_commit_callbacks(execute=True):
        services.opinion_map_rebuild(conversation=conversation, actor=officer)

    run = OpinionMapRun.objects.filter(conversation=conversation).latest("pk")
    assert run.is_rebuild
    assert run.is_cold
    assert run.requested_by == officer
    assert previous == [None]  # cold: from every event
    assert isinstance(references[0], OpinionMapState)  # labels carried over
    assert AuditEvent.objects.filter(action="opinion_map.rebuild").count() == 1


def test_an_analyst_cannot_rebuild_or_publish(
    organisation: Organisation, analyst: User
) -> None:
    conversation = ConversationFactory(
        engagement=EngagementFactory(organisation=organisation)
    )
    with pytest.raises(PermissionDenied):
        services.opinion_map_rebuild(conversation=conversation, actor=analyst)
    with pytest.raises(PermissionDenied):
        services.conversation_results_publish(
            conversation=conversation, actor=analyst, is_published=True
        )
    assert not OpinionMapRun.objects.exists()
    assert not AuditEvent.objects.exists()


def test_publishing_results_is_audited_once(
    organisation: Organisation, officer: User
) -> None:
    conversation = ConversationFactory(
        engagement=EngagementFactory(organisation=organisation)
    )
    services.conversation_results_publish(
        conversation=conversation, actor=officer, is_published=True
    )
    services.conversation_results_publish(
        conversation=conversation, actor=officer, is_published=True
    )
    conversation.refresh_from_db()
    assert conversation.results_published
    assert AuditEvent.objects.filter(action="conversation.results_publish").count() == 1


def test_the_input_hash_covers_events_and_flags() -> None:
    from coproduce.analytics.opinion_map import VoteLog

    log = VoteLog.from_arrays(
        participant_ids=[0], statement_ids=[1], values=[1], cast_at=[0.0]
    )
    inputs = recompute._Inputs(moderated_out=[], meta=[], excluded=[])
    other = recompute._Inputs(moderated_out=[1], meta=[], excluded=[])
    digest = recompute.input_hash(previous="", inputs=inputs, log=log, ids=[7])
    assert digest != recompute.input_hash(previous="", inputs=other, log=log, ids=[7])
    assert digest != recompute.input_hash(previous="", inputs=inputs, log=log, ids=[8])
    assert digest == recompute.input_hash(previous="", inputs=inputs, log=log, ids=[7])
    assert len(digest) == len(hashlib.sha256().hexdigest())
