"""Importing a Polis open-data export as a read-only conversation (spec §5).

`conversation_import_create` stores the upload and queues the background task,
which calls `conversation_import_run`. The run reads and validates every file
first (`read_polis_export`); only then does it create the conversation, its
participants, statements, vote events, latest votes and Polis's own groups in
one transaction. Any problem or error marks the import FAILED and creates
nothing else.
"""

from __future__ import annotations

import io
import logging
import secrets
import time
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any

import numpy as np
import numpy.typing as npt
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import URLValidator
from django.db import connection, transaction
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from coproduce.analytics.opinion_map.polis_csv import (
    PolisExport,
    PolisImportError,
    Problem,
    files_from_zip,
    read_polis_export,
)
from coproduce.apps.accounts.models import User
from coproduce.apps.audit.services import audit_event_create
from coproduce.apps.conversations.errors import ConversationError
from coproduce.apps.conversations.models import (
    STATEMENT_STORED_MAX_LENGTH,
    Conversation,
    ConversationImport,
    Participant,
    ReferenceGrouping,
    Statement,
    Vote,
    VoteEvent,
)
from coproduce.apps.conversations.polis_permissions import can_import_polis
from coproduce.apps.engagements.models import Engagement
from coproduce.apps.organisations.models import Organisation

logger = logging.getLogger(__name__)

DEFAULT_IMPORT_LICENCE = "CC BY 4.0"
DEFAULT_CHANGES_STATEMENT = (
    "Imported into Coproduce; groups recomputed by Coproduce's opinion map."
)
# A zipped export of a million votes is about 20 MB; the CSV files about 80 MB.
DEFAULT_MAX_POLIS_IMPORT_BYTES = 200 * 1024 * 1024
# Rows per INSERT: Django splits further where the database needs it.
BATCH_SIZE = 5000
# An import still running after this long has lost its worker.
STALLED_AFTER = timedelta(hours=1)
TOPIC_MAX_LENGTH = 200
DESCRIPTION_MAX_LENGTH = 5000
XID_MAX_LENGTH = 200
COMMENTS = "comments.csv"
PARTICIPANTS = "participants-votes.csv"


def max_polis_import_bytes() -> int:
    """The largest upload accepted (setting COPRODUCE_MAX_POLIS_IMPORT_BYTES)."""
    return int(
        getattr(
            settings, "COPRODUCE_MAX_POLIS_IMPORT_BYTES", DEFAULT_MAX_POLIS_IMPORT_BYTES
        )
    )


def licence_needs_attribution(licence: str) -> bool:
    """True for Creative Commons licences with the Attribution (BY) term."""
    text = " ".join(licence.upper().replace("-", " ").split())
    return text.startswith("CC BY") or "CREATIVE COMMONS ATTRIBUTION" in text


# --- upload ---------------------------------------------------------------------


def _upload_bytes(uploads: Sequence[UploadedFile]) -> tuple[str, bytes]:
    """(file name to show, zip bytes): one zip as it is, or the CSV files zipped."""
    names = [(upload.name or "").rsplit("/", 1)[-1] for upload in uploads]
    if not uploads:
        raise ConversationError(
            _("Select a zip file or the CSV files of a Polis export."), field="files"
        )
    limit = max_polis_import_bytes()
    if sum(upload.size or 0 for upload in uploads) > limit:
        raise ConversationError(
            _("The selected files must be smaller than %(size)s MB in all.")
            % {"size": limit // (1024 * 1024)},
            field="files",
        )
    zips = [name for name in names if name.lower().endswith(".zip")]
    others = [
        name
        for name in names
        if not name.lower().endswith(".zip") and not name.lower().endswith(".csv")
    ]
    if others:
        raise ConversationError(
            _("%(name)s is not a zip or CSV file. Select a zip file or CSV files.")
            % {"name": others[0]},
            field="files",
        )
    if zips and len(uploads) > 1:
        raise ConversationError(
            _("Select one zip file, or the CSV files without a zip, not both."),
            field="files",
        )
    if zips:
        return names[0], b"".join(uploads[0].chunks())
    if len(set(names)) != len(names):
        raise ConversationError(
            _("Two of the selected files have the same name; select each once."),
            field="files",
        )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, upload in zip(names, uploads, strict=True):
            archive.writestr(name, b"".join(upload.chunks()))
    return ", ".join(names), buffer.getvalue()


@transaction.atomic
def conversation_import_create(
    *,
    actor: User,
    organisation: Organisation,
    uploads: Sequence[UploadedFile],
    polarity: str = ConversationImport.Polarity.OPEN_DATA,
    source_url: str = "",
    licence: str = DEFAULT_IMPORT_LICENCE,
    attribution: str = "",
    changes_statement: str = DEFAULT_CHANGES_STATEMENT,
    engagement: Engagement | None = None,
) -> ConversationImport:
    """Store an uploaded Polis export and queue its import after commit.

    Raises PermissionDenied, ConversationError (no file, a file that is not a
    zip or CSV, too big, an engagement of another organisation, a CC BY licence
    without attribution) or ValidationError.
    """
    if not can_import_polis(actor, organisation):
        raise PermissionDenied
    if engagement is not None and engagement.organisation_id != organisation.pk:
        raise ConversationError(
            _("Select an engagement of this organisation."), field="engagement"
        )
    licence = licence.strip() or DEFAULT_IMPORT_LICENCE
    attribution = attribution.strip()
    if licence_needs_attribution(licence) and not attribution:
        raise ConversationError(
            _(
                "Enter the attribution statement: the %(licence)s licence requires "
                "it. The Polis openData README gives the wording."
            )
            % {"licence": licence},
            field="attribution",
        )
    shown_name, content = _upload_bytes(uploads)
    conversation_import = ConversationImport(
        organisation=organisation,
        engagement=engagement,
        original_filename=shown_name[-255:],
        polarity=polarity,
        licence=licence,
        attribution=attribution,
        source_url=source_url.strip(),
        changes_statement=changes_statement.strip(),
        created_by=actor,
    )
    conversation_import.file.save("polis-export.zip", ContentFile(content), save=False)
    conversation_import.full_clean()
    conversation_import.save()
    audit_event_create(
        actor=actor,
        action="conversation_import.create",
        target=conversation_import,
        organisation=organisation,
        changes={"file": conversation_import.original_filename, "polarity": polarity},
    )
    from coproduce.apps.conversations.tasks import conversation_import_run_task

    transaction.on_commit(
        partial(
            conversation_import_run_task.enqueue,
            conversation_import_id=conversation_import.pk,
        )
    )
    return conversation_import


# --- the background run -----------------------------------------------------------


def conversation_import_run(*, conversation_import_id: int) -> ConversationImport:
    """Validate a queued import, then create the conversation, or nothing at all.

    Ends SUCCEEDED (with `conversation` set) or FAILED (with `problems`, each
    naming file, row and column, or `error`). An import no longer queued is
    returned unchanged.
    """
    conversation_import = ConversationImport.objects.select_related(
        "organisation", "engagement", "created_by"
    ).get(pk=conversation_import_id)
    if conversation_import.status != ConversationImport.Status.QUEUED:
        return conversation_import
    conversation_imports_fail_stalled()
    conversation_import.status = ConversationImport.Status.RUNNING
    conversation_import.started_at = timezone.now()
    conversation_import.save(update_fields=["status", "started_at"])
    started = time.monotonic()
    try:
        with conversation_import.file.open("rb") as handle:
            content = handle.read()
        export = read_polis_export(
            files_from_zip(content),
            polarity=conversation_import.polarity,  # type: ignore[arg-type]
        )
        _check_lengths(export)
        warnings = [*export.warnings, *_gic_warnings(export)]
        with transaction.atomic():
            conversation = _create(conversation_import, export, warnings)
    except PolisImportError as exc:
        conversation_import.problems = [asdict(problem) for problem in exc.problems]
        conversation_import.n_problems = len(exc.problems) + exc.n_not_shown
        _finish(conversation_import, ConversationImport.Status.FAILED, started)
    except Exception as exc:
        logger.exception("Polis import %s failed", conversation_import.pk)
        conversation_import.error = _(
            "Something went wrong and nothing was imported (%(error)s). Try again, "
            "or contact support."
        ) % {"error": type(exc).__name__}
        _finish(conversation_import, ConversationImport.Status.FAILED, started)
    else:
        conversation_import.conversation = conversation
        conversation_import.warnings = warnings
        _finish(conversation_import, ConversationImport.Status.SUCCEEDED, started)
    return conversation_import


def conversation_imports_fail_stalled(*, now: datetime | None = None) -> int:
    """Mark imports still running after STALLED_AFTER as failed; return how many.

    Their writes were in a transaction that never committed, so nothing was
    imported. Runs before every import starts.
    """
    now = now or timezone.now()
    stalled = ConversationImport.objects.filter(
        status=ConversationImport.Status.RUNNING, started_at__lt=now - STALLED_AFTER
    )
    return stalled.update(
        status=ConversationImport.Status.FAILED,
        error=_(
            "The import stopped before it finished, so nothing was imported. "
            "Upload the files again."
        ),
        finished_at=now,
    )


def _finish(
    conversation_import: ConversationImport, status: str, started: float
) -> None:
    conversation_import.status = status
    conversation_import.finished_at = timezone.now()
    conversation_import.duration_ms = int((time.monotonic() - started) * 1000)
    conversation_import.save(
        update_fields=[
            "status",
            "problems",
            "n_problems",
            "warnings",
            "error",
            "conversation",
            "n_participants",
            "n_statements",
            "n_votes",
            "n_vote_events",
            "finished_at",
            "duration_ms",
        ]
    )


def _check_lengths(export: PolisExport) -> None:
    """What the Polis files allow but our columns do not: listed like read errors."""
    problems: list[Problem] = []
    for row, comment in enumerate(export.comments, start=2):
        if len(comment.body) > STATEMENT_STORED_MAX_LENGTH:
            problems.append(
                Problem(
                    COMMENTS,
                    row,
                    "comment-body",
                    f"the comment is {len(comment.body)} characters long; at most "
                    f"{STATEMENT_STORED_MAX_LENGTH} can be imported.",
                )
            )
    for row, participant in enumerate(export.participants, start=2):
        if participant.xid and len(participant.xid) > XID_MAX_LENGTH:
            problems.append(
                Problem(
                    PARTICIPANTS,
                    row,
                    "xid",
                    f"the xid is {len(participant.xid)} characters long; at most "
                    f"{XID_MAX_LENGTH} can be imported.",
                )
            )
    if problems:
        raise PolisImportError(problems[:50], n_not_shown=max(0, len(problems) - 50))


def _gic_warnings(export: PolisExport) -> list[str]:
    # The GIC check (spec §5) needs analytics statistics.py, not yet on main.
    return []


# --- writing ------------------------------------------------------------------------


def _when(ms: float) -> datetime:
    return datetime.fromtimestamp(ms / 1000, tz=UTC)


def _batches(items: Iterator[Any], size: int = BATCH_SIZE) -> Iterator[list[Any]]:
    batch: list[Any] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _text_fields(
    conversation_import: ConversationImport, export: PolisExport, warnings: list[str]
) -> tuple[str, str, str]:
    summary = export.summary
    topic = summary.topic.strip() if summary else ""
    description = summary.description.strip() if summary else ""
    if not topic:
        topic = _("Imported Polis conversation")
    if len(topic) > TOPIC_MAX_LENGTH:
        warnings.append(
            f"The topic in summary.csv is {len(topic)} characters long; it was "
            f"shortened to {TOPIC_MAX_LENGTH}."
        )
        topic = topic[:TOPIC_MAX_LENGTH]
    if len(description) > DESCRIPTION_MAX_LENGTH:
        warnings.append(
            f"The conversation-description in summary.csv is {len(description)} "
            f"characters long; it was shortened to {DESCRIPTION_MAX_LENGTH}."
        )
        description = description[:DESCRIPTION_MAX_LENGTH]
    source_url = conversation_import.source_url
    if not source_url and summary and summary.url:
        try:
            URLValidator()(summary.url)
        except ValidationError:
            pass
        else:
            source_url = summary.url[:500]
    return topic, description, source_url


def _create(
    conversation_import: ConversationImport, export: PolisExport, warnings: list[str]
) -> Conversation:
    log = export.votes
    pids = log.participant_ids
    tids = log.statement_ids
    xids = {row.participant: row.xid for row in export.participants if row.xid}
    numbers = sorted(
        set(np.unique(pids).tolist())
        | {c.author_id for c in export.comments}
        | {row.participant for row in export.participants}
    )
    topic, description, source_url = _text_fields(conversation_import, export, warnings)
    conversation = Conversation(
        organisation=conversation_import.organisation,
        engagement=conversation_import.engagement,
        topic_en=topic,
        description_en=description,
        status=Conversation.Status.CLOSED,
        allow_resident_statements=False,
        source=Conversation.Source.IMPORTED,
        is_read_only=True,
        licence=conversation_import.licence,
        attribution=conversation_import.attribution,
        source_url=source_url,
        changes_statement=conversation_import.changes_statement,
        random_state=secrets.randbits(31),
        next_participant_number=numbers[-1] + 1 if numbers else 0,
        next_statement_number=max((c.comment_id for c in export.comments), default=-1)
        + 1,
        created_by=conversation_import.created_by,
    )
    conversation.full_clean()
    conversation.save()

    first_vote = _first_vote_ms(pids, log.cast_at)
    Participant.objects.bulk_create(
        (
            Participant(
                conversation=conversation,
                number=number,
                xid=xids.get(number, ""),
                first_vote_at=_when(first_vote[number])
                if number in first_vote
                else None,
            )
            for number in numbers
        ),
        batch_size=BATCH_SIZE,
    )
    participant_pk = dict(
        Participant.objects.filter(conversation=conversation).values_list(
            "number", "pk"
        )
    )
    Statement.objects.bulk_create(
        (
            Statement(
                conversation=conversation,
                number=comment.comment_id,
                author_id=participant_pk[comment.author_id],
                text_en=comment.body,
                state=comment.moderated,
                is_meta=comment.is_meta,
                is_seed=comment.is_seed,
            )
            for comment in export.comments
        ),
        batch_size=BATCH_SIZE,
    )
    # `created_at` is auto_now_add, which an INSERT always overwrites.
    created_ms = {c.comment_id: c.created_at_ms for c in export.comments}
    statements = list(
        Statement.objects.filter(conversation=conversation).only("pk", "number")
    )
    for statement in statements:
        statement.created_at = _when(created_ms[statement.number])
    Statement.objects.bulk_update(statements, ["created_at"], batch_size=BATCH_SIZE)
    statement_pk = {statement.number: statement.pk for statement in statements}

    # Every event in file order, so the event sequence breaks timestamp ties
    # the way the reader does (later row wins).
    values = log.values.tolist()
    cast_at = [_db_datetime(ms) for ms in log.cast_at.tolist()]
    participant_pks = [participant_pk[pid] for pid in pids.tolist()]
    statement_pks = [statement_pk[tid] for tid in tids.tolist()]
    rows = range(len(values))
    _insert_votes(
        VoteEvent,
        conversation.pk,
        rows,
        participant_pks,
        statement_pks,
        values,
        cast_at,
    )
    latest = _latest_event_rows(pids, tids, log.cast_at)
    _insert_votes(
        Vote,
        conversation.pk,
        latest.tolist(),
        participant_pks,
        statement_pks,
        values,
        cast_at,
    )
    ReferenceGrouping.objects.create(
        conversation=conversation,
        group_by_participant={
            str(row.participant): row.group_id
            for row in export.participants
            if row.group_id is not None
        },
        gic_by_statement={
            str(c.comment_id): c.published_gic
            for c in export.comments
            if c.published_gic is not None
        },
    )
    conversation_import.n_participants = len(numbers)
    conversation_import.n_statements = len(export.comments)
    conversation_import.n_votes = int(latest.size)
    conversation_import.n_vote_events = len(values)
    audit_event_create(
        actor=conversation_import.created_by,
        action="conversation.import",
        target=conversation,
        changes={
            "import": conversation_import.pk,
            "participants": conversation_import.n_participants,
            "statements": conversation_import.n_statements,
            "votes": conversation_import.n_votes,
            "vote_events": conversation_import.n_vote_events,
        },
    )
    # Recompute point: request a cold recompute here (our groups beside Polis's).
    return conversation


def _db_datetime(ms: float) -> Any:
    return connection.ops.adapt_datetimefield_value(_when(ms))


def _insert_votes(
    model: type[Vote] | type[VoteEvent],
    conversation_pk: int,
    rows: Iterable[int],
    participant_pks: list[int],
    statement_pks: list[int],
    values: list[int],
    cast_at: list[Any],
) -> None:
    """INSERT vote rows in batches with executemany.

    `bulk_create` spends four fifths of its time building SQL value by value
    (measured: 18 s for 100,000 events on SQLite); one prepared INSERT with
    plain tuples keeps a million-vote import within a few minutes. The values
    are checked already: the reader validated them and the numbers map to rows
    created above.
    """
    quote = connection.ops.quote_name
    columns = ("conversation_id", "participant_id", "statement_id", "value", "cast_at")
    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608 (names are ours)
        quote(model._meta.db_table),
        ", ".join(quote(column) for column in columns),
        ", ".join(["%s"] * len(columns)),
    )
    with connection.cursor() as cursor:
        for batch in _batches(iter(rows)):
            cursor.executemany(
                sql,
                [
                    (
                        conversation_pk,
                        participant_pks[i],
                        statement_pks[i],
                        values[i],
                        cast_at[i],
                    )
                    for i in batch
                ],
            )


def _first_vote_ms(
    pids: npt.NDArray[np.int64], cast_at: npt.NDArray[np.float64]
) -> dict[int, float]:
    if pids.size == 0:
        return {}
    unique, inverse = np.unique(pids, return_inverse=True)
    first = np.full(unique.size, np.inf)
    np.minimum.at(first, inverse, cast_at)
    return dict(zip(unique.tolist(), first.tolist(), strict=True))


def _latest_event_rows(
    pids: npt.NDArray[np.int64],
    tids: npt.NDArray[np.int64],
    cast_at: npt.NDArray[np.float64],
) -> npt.NDArray[np.int64]:
    """Row of the latest event per (participant, statement); ties by row order."""
    if pids.size == 0:
        return np.zeros(0, dtype=np.int64)
    rows = np.arange(pids.size)
    order = np.lexsort((rows, cast_at, tids, pids))
    sorted_pids, sorted_tids = pids[order], tids[order]
    last = np.ones(order.size, dtype=bool)
    last[:-1] = (sorted_pids[1:] != sorted_pids[:-1]) | (
        sorted_tids[1:] != sorted_tids[:-1]
    )
    return np.sort(order[last]).astype(np.int64)


# --- reads for the import pages ---------------------------------------------------


def conversation_import_list(
    *, organisation: Organisation
) -> QuerySet[ConversationImport]:
    """Imports of one organisation, newest first (the view checks the actor)."""
    return ConversationImport.objects.filter(organisation=organisation).select_related(
        "conversation", "created_by"
    )


def conversation_import_get(
    *, organisation: Organisation, pk: int
) -> ConversationImport:
    """One import of this organisation; 404 for another's or a missing one."""
    return get_object_or_404(conversation_import_list(organisation=organisation), pk=pk)
