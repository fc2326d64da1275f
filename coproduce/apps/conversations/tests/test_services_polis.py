"""Polis import and export services: a hand-written export in, every bad file
refused with nothing created, and a round trip out and back in."""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, datetime
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile

from coproduce.analytics.opinion_map.polis_csv import REMOVED_TEXT, read_polis_export
from coproduce.apps.accounts.models import User
from coproduce.apps.audit.models import AuditEvent
from coproduce.apps.conversations.errors import ConversationError
from coproduce.apps.conversations.models import (
    Conversation,
    ConversationImport,
    OpinionMapSnapshot,
    Participant,
    ReferenceGrouping,
    Statement,
    Vote,
    VoteEvent,
)
from coproduce.apps.conversations.services.polis_export import (
    conversation_polis_export,
)
from coproduce.apps.conversations.services.polis_import import (
    DEFAULT_CHANGES_STATEMENT,
    conversation_import_create,
    conversation_import_run,
    conversation_imports_fail_stalled,
)
from coproduce.apps.conversations.tests.factories import (
    ConversationFactory,
    ParticipantFactory,
    StatementFactory,
)
from coproduce.apps.conversations.tests.polis_files import (
    COMMENTS,
    GIC_0,
    HOSTILE,
    T0,
    export_files,
    export_zip,
)
from coproduce.apps.engagements.tests.factories import EngagementFactory
from coproduce.apps.organisations.models import Organisation

pytestmark = pytest.mark.django_db

ATTRIBUTION = "Data from The Computational Democracy Project, CC BY 4.0."


def _zip_upload(content: bytes, name: str = "export.zip") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/zip")


def _import(
    actor: User,
    organisation: Organisation,
    content: bytes | None = None,
    *,
    capture: Any,
    **kwargs: Any,
) -> ConversationImport:
    with capture(execute=True):
        created = conversation_import_create(
            actor=actor,
            organisation=organisation,
            uploads=[_zip_upload(content if content is not None else export_zip())],
            attribution=ATTRIBUTION,
            source_url="https://github.com/compdemocracy/openData",
            **kwargs,
        )
    created.refresh_from_db()
    return created


def _nothing_created() -> bool:
    return not (
        Conversation.objects.exists()
        or Participant.objects.exists()
        or Statement.objects.exists()
        or VoteEvent.objects.exists()
        or Vote.objects.exists()
        or ReferenceGrouping.objects.exists()
    )


def test_import_creates_a_read_only_archive_with_everything_in_the_export(
    organisation: Organisation,
    officer: User,
    django_capture_on_commit_callbacks: Any,
) -> None:
    engagement = EngagementFactory(organisation=organisation)
    done = _import(
        officer,
        organisation,
        capture=django_capture_on_commit_callbacks,
        engagement=engagement,
    )

    assert done.status == ConversationImport.Status.SUCCEEDED, done.problems
    conversation = done.conversation
    assert conversation is not None
    assert conversation.engagement == engagement
    assert conversation.is_read_only
    assert conversation.source == Conversation.Source.IMPORTED
    assert not conversation.is_open_for_votes
    assert conversation.topic == f"Our town centre {HOSTILE}"
    assert conversation.description == "What should change?"
    assert conversation.licence == "CC BY 4.0"
    assert conversation.attribution == ATTRIBUTION
    assert conversation.source_url == "https://github.com/compdemocracy/openData"
    assert conversation.changes_statement == DEFAULT_CHANGES_STATEMENT
    assert (done.n_participants, done.n_statements) == (3, 3)
    assert (done.n_votes, done.n_vote_events) == (5, 6)
    assert conversation.next_participant_number == 3
    assert conversation.next_statement_number == 3

    participants = {p.number: p for p in conversation.participants.all()}
    assert participants[0].xid == "xid-zero"
    assert not participants[0].xid_consent
    assert participants[1].xid == ""
    assert participants[1].first_vote_at == datetime.fromtimestamp(
        (T0 + 1000) / 1000, tz=UTC
    )

    statements = {s.number: s for s in conversation.statements.all()}
    assert statements[0].state == Statement.State.ACCEPTED
    assert statements[0].is_seed
    assert statements[1].state == Statement.State.REJECTED
    assert statements[2].state == Statement.State.UNMODERATED
    assert statements[2].is_meta
    assert statements[2].text == HOSTILE
    assert statements[1].author.number == 1
    assert statements[0].created_at == datetime.fromtimestamp(T0 / 1000, tz=UTC)

    latest = {
        (v.participant.number, v.statement.number): v.value
        for v in Vote.objects.filter(conversation=conversation).select_related(
            "participant", "statement"
        )
    }
    assert latest == {(0, 0): 1, (1, 0): 1, (1, 1): 1, (0, 1): -1, (2, 2): 1}
    events = list(
        VoteEvent.objects.filter(conversation=conversation)
        .order_by("pk")
        .values_list("participant__number", "statement__number", "value")
    )
    # Every event in file order, the superseded disagree included.
    assert events == [
        (0, 0, 1),
        (1, 0, -1),
        (1, 0, 1),
        (1, 1, 1),
        (0, 1, -1),
        (2, 2, 1),
    ]

    reference = ReferenceGrouping.objects.get(conversation=conversation)
    assert reference.group_by_participant == {"0": 0, "1": 1}
    assert reference.gic_by_statement == {"0": GIC_0}
    # The published GIC matches the one recomputed from participants-votes.csv.
    assert not any("group-informed consensus" in w for w in done.warnings)
    assert AuditEvent.objects.filter(action="conversation.import").count() == 1


@pytest.mark.parametrize(
    ("replace", "file", "row", "column"),
    [
        (
            {"votes": "timestamp,datetime,comment-id,voter-id,vote\n1,x,0,0,7\n"},
            "votes.csv",
            2,
            "vote",
        ),
        (
            {"votes": "timestamp,datetime,comment-id,voter-id,vote\n1,x,9,0,1\n"},
            "votes.csv",
            2,
            "comment-id",
        ),
        (
            {"comments": "timestamp,comment-id,author-id\n1,0,0\n"},
            "comments.csv",
            None,
            None,
        ),
        ({"comments": None}, "comments.csv", None, None),
    ],
)
def test_a_bad_file_fails_the_import_naming_the_place_and_creates_nothing(
    organisation: Organisation,
    analyst: User,
    django_capture_on_commit_callbacks: Any,
    replace: dict[str, str | None],
    file: str,
    row: int | None,
    column: str | None,
) -> None:
    done = _import(
        analyst,
        organisation,
        export_zip(**replace),
        capture=django_capture_on_commit_callbacks,
    )

    assert done.status == ConversationImport.Status.FAILED
    assert done.conversation is None
    assert done.n_problems >= 1
    first = done.problems[0]
    assert first["file"] == file
    if row is not None:
        assert (first["row"], first["column"]) == (row, column)
    assert first["message"]
    assert _nothing_created()


def test_a_statement_too_long_to_store_is_a_problem_with_its_row(
    organisation: Organisation,
    officer: User,
    django_capture_on_commit_callbacks: Any,
) -> None:
    comments = (
        "timestamp,comment-id,author-id,agrees,disagrees,moderated,comment-body\n"
        f"{T0},0,0,1,0,1,{'x' * 1001}\n"
    )
    votes = f"timestamp,datetime,comment-id,voter-id,vote\n{T0},x,0,0,1\n"
    done = _import(
        officer,
        organisation,
        export_zip(comments=comments, votes=votes, participants_votes=None),
        capture=django_capture_on_commit_callbacks,
    )

    assert done.status == ConversationImport.Status.FAILED
    assert done.problems[0]["file"] == "comments.csv"
    assert (done.problems[0]["row"], done.problems[0]["column"]) == (
        2,
        "comment-body",
    )
    assert _nothing_created()


def test_a_file_that_is_not_a_zip_fails_with_a_problem(
    organisation: Organisation,
    officer: User,
    django_capture_on_commit_callbacks: Any,
) -> None:
    done = _import(
        officer,
        organisation,
        b"not a zip",
        capture=django_capture_on_commit_callbacks,
    )

    assert done.status == ConversationImport.Status.FAILED
    assert "zip" in done.problems[0]["message"]
    assert _nothing_created()


def _negated(text: str) -> str:
    lines = text.splitlines()
    out = [lines[0]]
    for line in lines[1:]:
        *rest, vote = line.split(",")
        out.append(",".join([*rest, str(-int(vote))]))
    return "\n".join(out) + "\n"


def test_negated_votes_are_refused_naming_the_other_polarity_and_import_with_it(
    organisation: Organisation,
    officer: User,
    django_capture_on_commit_callbacks: Any,
) -> None:
    from coproduce.apps.conversations.tests.polis_files import VOTES

    negated = export_zip(votes=_negated(VOTES), participants_votes=None)
    refused = _import(
        officer, organisation, negated, capture=django_capture_on_commit_callbacks
    )
    assert refused.status == ConversationImport.Status.FAILED
    assert "polis-db" in refused.problems[0]["message"]
    assert _nothing_created()

    done = _import(
        officer,
        organisation,
        negated,
        capture=django_capture_on_commit_callbacks,
        polarity=ConversationImport.Polarity.POLIS_DB,
    )
    assert done.status == ConversationImport.Status.SUCCEEDED
    assert (
        Vote.objects.get(participant__number=1, statement__number=0).value
        == Vote.Value.AGREE
    )


def test_votes_from_participants_votes_only_warn_that_the_order_is_approximate(
    organisation: Organisation,
    officer: User,
    django_capture_on_commit_callbacks: Any,
) -> None:
    done = _import(
        officer,
        organisation,
        export_zip(votes=None),
        capture=django_capture_on_commit_callbacks,
    )

    assert done.status == ConversationImport.Status.SUCCEEDED
    assert done.n_votes == done.n_vote_events == 5
    assert any("participants-votes.csv" in w for w in done.warnings)


def test_a_published_gic_that_does_not_recompute_is_a_warning_naming_it(
    organisation: Organisation,
    officer: User,
    django_capture_on_commit_callbacks: Any,
) -> None:
    comments = COMMENTS.replace(repr(GIC_0), "0.25")
    done = _import(
        officer,
        organisation,
        export_zip(comments=comments),
        capture=django_capture_on_commit_callbacks,
    )

    assert done.status == ConversationImport.Status.SUCCEEDED
    (warning,) = [w for w in done.warnings if "group-informed consensus" in w]
    assert "for 1 comment;" in warning
    assert f"comment 0 (published 0.25, recomputed {GIC_0!r})" in warning


def test_a_published_gic_without_groups_to_check_it_is_a_warning(
    organisation: Organisation,
    officer: User,
    django_capture_on_commit_callbacks: Any,
) -> None:
    done = _import(
        officer,
        organisation,
        export_zip(participants_votes=None),
        capture=django_capture_on_commit_callbacks,
    )

    assert done.status == ConversationImport.Status.SUCCEEDED
    assert any("no participants-votes.csv" in w for w in done.warnings)


def test_create_refuses_people_who_may_not_import_and_bad_uploads(
    organisation: Organisation,
    officer: User,
    elected_member: User,
    other_organisation: Organisation,
) -> None:
    with pytest.raises(PermissionDenied):
        conversation_import_create(
            actor=elected_member,
            organisation=organisation,
            uploads=[_zip_upload(export_zip())],
            attribution=ATTRIBUTION,
        )
    with pytest.raises(ConversationError) as missing_attribution:
        conversation_import_create(
            actor=officer, organisation=organisation, uploads=[_zip_upload(b"x")]
        )
    assert missing_attribution.value.field == "attribution"
    with pytest.raises(ConversationError) as wrong_kind:
        conversation_import_create(
            actor=officer,
            organisation=organisation,
            uploads=[_zip_upload(b"x", "export.xlsx")],
            attribution=ATTRIBUTION,
        )
    assert wrong_kind.value.field == "export_files"
    with pytest.raises(ConversationError) as foreign:
        conversation_import_create(
            actor=officer,
            organisation=organisation,
            uploads=[_zip_upload(export_zip())],
            attribution=ATTRIBUTION,
            engagement=EngagementFactory(organisation=other_organisation),
        )
    assert foreign.value.field == "engagement"
    assert not ConversationImport.objects.exists()
    assert not AuditEvent.objects.exists()


def test_separate_csv_files_are_imported_like_a_zip(
    organisation: Organisation,
    administrator: User,
    django_capture_on_commit_callbacks: Any,
) -> None:
    uploads = [
        SimpleUploadedFile(name, content, content_type="text/csv")
        for name, content in export_files().items()
    ]
    with django_capture_on_commit_callbacks(execute=True):
        created = conversation_import_create(
            actor=administrator,
            organisation=organisation,
            uploads=uploads,
            licence="Open Government Licence v3.0",
        )
    created.refresh_from_db()

    assert created.status == ConversationImport.Status.SUCCEEDED
    assert created.n_vote_events == 6
    assert "comments.csv" in created.original_filename


def test_an_import_left_running_by_a_dead_worker_is_marked_failed(
    organisation: Organisation,
) -> None:
    stalled = ConversationImport.objects.create(
        organisation=organisation,
        licence="CC BY 4.0",
        status=ConversationImport.Status.RUNNING,
        started_at=datetime(2020, 1, 1, tzinfo=UTC),
    )

    assert conversation_imports_fail_stalled() == 1
    stalled.refresh_from_db()
    assert stalled.status == ConversationImport.Status.FAILED
    assert stalled.error
    # A finished import is not run again.
    assert conversation_import_run(conversation_import_id=stalled.pk) == stalled


# --- export -------------------------------------------------------------------


def _unzip(content: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def test_export_then_import_gives_the_same_votes_events_and_statements(
    organisation: Organisation,
    officer: User,
    django_capture_on_commit_callbacks: Any,
) -> None:
    first = _import(officer, organisation, capture=django_capture_on_commit_callbacks)
    assert first.conversation is not None
    exported = conversation_polis_export(conversation=first.conversation)
    files = _unzip(exported)
    assert set(files) == {
        "comments.csv",
        "votes.csv",
        "participants-votes.csv",
        "summary.csv",
        "stats-history.csv",
        "README.txt",
    }
    readme = files["README.txt"].decode()
    assert "CC BY 4.0" in readme
    assert ATTRIBUTION in readme
    assert "https://github.com/compdemocracy/openData" in readme
    assert DEFAULT_CHANGES_STATEMENT in readme

    second = _import(
        officer, organisation, exported, capture=django_capture_on_commit_callbacks
    )
    assert second.status == ConversationImport.Status.SUCCEEDED, second.problems

    def votes(conversation: Conversation | None) -> set[tuple[int, int, int]]:
        return set(
            Vote.objects.filter(conversation=conversation).values_list(
                "participant__number", "statement__number", "value"
            )
        )

    def events(conversation: Conversation | None) -> list[tuple[Any, ...]]:
        return sorted(
            VoteEvent.objects.filter(conversation=conversation).values_list(
                "participant__number", "statement__number", "value", "cast_at"
            )
        )

    def statements(conversation: Conversation | None) -> list[tuple[Any, ...]]:
        return list(
            Statement.objects.filter(conversation=conversation)
            .order_by("number")
            .values_list("number", "author__number", "state", "is_meta", "is_seed")
        )

    assert votes(second.conversation) == votes(first.conversation)
    assert events(second.conversation) == events(first.conversation)
    assert statements(second.conversation) == statements(first.conversation)
    texts = dict(
        Statement.objects.filter(conversation=second.conversation).values_list(
            "number", "text_en"
        )
    )
    assert texts[2] == HOSTILE
    assert texts[1] == REMOVED_TEXT


def test_export_withholds_xids_without_consent_and_replaces_rejected_text(
    organisation: Organisation,
) -> None:
    conversation = ConversationFactory(
        engagement=EngagementFactory(organisation=organisation)
    )
    consenting = ParticipantFactory(
        conversation=conversation, xid="kept-xid", xid_consent=True
    )
    ParticipantFactory(conversation=conversation, xid="secret-xid")
    StatementFactory(
        conversation=conversation,
        author=consenting,
        text_en="Call me on 01234 567890",
        state=Statement.State.REJECTED,
    )
    StatementFactory(conversation=conversation, author=consenting, text_en=HOSTILE)

    files = _unzip(conversation_polis_export(conversation=conversation))
    everything = b"".join(files.values()).decode()

    assert "kept-xid" in files["participants-votes.csv"].decode()
    assert "secret-xid" not in everything
    assert "01234 567890" not in everything
    assert REMOVED_TEXT in files["comments.csv"].decode()
    export = read_polis_export(files)
    assert [c.body for c in export.comments] == [REMOVED_TEXT, HOSTILE]


def test_export_takes_groups_and_gic_from_the_latest_snapshot_when_present(
    organisation: Organisation,
) -> None:
    conversation = ConversationFactory(
        engagement=EngagementFactory(organisation=organisation)
    )
    author = ParticipantFactory(conversation=conversation)
    StatementFactory(conversation=conversation, author=author, text_en="More trees")
    OpinionMapSnapshot.objects.create(
        conversation=conversation,
        result={
            "participants": [{"participant_id": author.number, "group": 1}],
            "statements": [{"statement_id": 0, "gic": 0.5}],
        },
        vote_event_high_water=0,
        input_hash="x",
        software_version="test",
        random_state=1,
    )

    files = _unzip(conversation_polis_export(conversation=conversation, layout="newer"))
    export = read_polis_export(files)
    assert export.comments[0].published_gic == 0.5
    participants = files["participants-votes.csv"].decode().splitlines()
    assert participants[0].startswith("participant,group-id")
    assert participants[1].split(",")[:2] == [str(author.number), "1"]


def test_export_reads_an_odd_snapshot_as_blanks_and_writes_the_classic_layout(
    organisation: Organisation,
) -> None:
    conversation = ConversationFactory(
        engagement=EngagementFactory(organisation=organisation)
    )
    StatementFactory(conversation=conversation)
    OpinionMapSnapshot.objects.create(
        conversation=conversation,
        result={"participants": "not a list", "statements": [None, {"gic": "x"}]},
        vote_event_high_water=0,
        input_hash="x",
        software_version="test",
        random_state=1,
    )

    files = _unzip(
        conversation_polis_export(conversation=conversation, layout="classic")
    )
    header = files["comments.csv"].decode().splitlines()[0]
    assert header.split(",")[:2] == ["timestamp", "datetime"]
    assert read_polis_export(files).comments[0].published_gic is None


def test_the_task_runs_a_queued_import_and_reports_its_end_status(
    organisation: Organisation, officer: User
) -> None:
    from django.core.files.base import ContentFile

    from coproduce.apps.conversations.tasks import conversation_import_run_task

    queued = ConversationImport(
        organisation=organisation,
        licence="CC BY 4.0",
        attribution=ATTRIBUTION,
        original_filename="export.zip",
        created_by=officer,
    )
    queued.file.save("export.zip", ContentFile(export_zip()), save=True)

    result = conversation_import_run_task.enqueue(conversation_import_id=queued.pk)

    assert result.return_value == ConversationImport.Status.SUCCEEDED
    queued.refresh_from_db()
    assert queued.conversation is not None
    assert queued.conversation.created_by == officer


def test_the_stalled_imports_command_reports_how_many_it_failed(
    organisation: Organisation,
) -> None:
    from django.core.management import call_command

    ConversationImport.objects.create(
        organisation=organisation,
        licence="CC BY 4.0",
        status=ConversationImport.Status.RUNNING,
        started_at=datetime(2020, 1, 1, tzinfo=UTC),
    )
    out = io.StringIO()

    call_command("fail_stalled_polis_imports", stdout=out)

    assert "Marked 1 stalled Polis import(s) as failed." in out.getvalue()
    assert ConversationImport.objects.get().status == ConversationImport.Status.FAILED
