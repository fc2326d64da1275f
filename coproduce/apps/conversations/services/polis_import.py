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
import time
import zipfile
from collections.abc import Sequence
from dataclasses import asdict
from datetime import datetime, timedelta
from functools import partial

import numpy as np
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
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
from coproduce.analytics.opinion_map.statistics import (
    group_informed_consensus,
    tally_votes,
)
from coproduce.analytics.opinion_map.votes import VoteLog, build_vote_matrix
from coproduce.apps.accounts.models import User
from coproduce.apps.audit.services import audit_event_create
from coproduce.apps.conversations.errors import ConversationError
from coproduce.apps.conversations.models import (
    STATEMENT_STORED_MAX_LENGTH,
    ConversationImport,
)
from coproduce.apps.conversations.polis_permissions import can_import_polis
from coproduce.apps.conversations.services.polis_import_write import (
    imported_conversation_create,
)
from coproduce.apps.engagements.models import Engagement
from coproduce.apps.organisations.models import Organisation

logger = logging.getLogger(__name__)

DEFAULT_IMPORT_LICENCE = "CC BY 4.0"
DEFAULT_CHANGES_STATEMENT = (
    "Imported into Coproduce; groups recomputed by Coproduce's opinion map."
)
# A zipped export of a million votes is about 20 MB; the CSV files about 80 MB.
DEFAULT_MAX_POLIS_IMPORT_BYTES = 200 * 1024 * 1024
# An import still running after this long has lost its worker.
STALLED_AFTER = timedelta(hours=1)
XID_MAX_LENGTH = 200
GIC_TOLERANCE = 1e-12
N_GIC_EXAMPLES = 3
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
            _("Select a zip file or the CSV files of a Polis export."),
            field="export_files",
        )
    limit = max_polis_import_bytes()
    if sum(upload.size or 0 for upload in uploads) > limit:
        raise ConversationError(
            _("The selected files must be smaller than %(size)s MB in all.")
            % {"size": limit // (1024 * 1024)},
            field="export_files",
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
            field="export_files",
        )
    if zips and len(uploads) > 1:
        raise ConversationError(
            _("Select one zip file, or the CSV files without a zip, not both."),
            field="export_files",
        )
    if zips:
        return names[0], b"".join(uploads[0].chunks())
    if len(set(names)) != len(names):
        raise ConversationError(
            _("Two of the selected files have the same name; select each once."),
            field="export_files",
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
            conversation = imported_conversation_create(
                conversation_import=conversation_import,
                export=export,
                warnings=warnings,
            )
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
    """Recompute GIC from participants-votes.csv by group-id; compare (spec §5).

    Polis computes group-informed consensus from its groups' latest votes, so
    the published values must come back to 1e-12 from the same cells. A
    mismatch does not stop the import: it is a warning naming the first few.
    """
    published = {
        c.comment_id: c.published_gic
        for c in export.comments
        if c.published_gic is not None
    }
    if not published:
        return []
    rows = [row for row in export.participants if row.cells]
    groups = {row.participant: row.group_id for row in rows}
    if not any(group is not None for group in groups.values()):
        return [
            "comments.csv has published group-informed consensus, but there is no "
            "participants-votes.csv with group-id to check it against."
        ]
    log = VoteLog.from_arrays(
        participant_ids=[row.participant for row in rows for _ in row.cells],
        statement_ids=[s for row in rows for s in row.cells],
        values=[v for row in rows for v in row.cells.values()],
        cast_at=[row.participant for row in rows for _ in row.cells],
    )
    matrix = build_vote_matrix(log)
    labels = [groups.get(pid) for pid in matrix.participant_ids.tolist()]
    tallies = tally_votes(
        matrix, np.asarray([-1 if g is None else g for g in labels], dtype=np.int64)
    )
    agree, _disagree = group_informed_consensus(tallies)
    recomputed = dict(zip(tallies.statement_ids.tolist(), agree.tolist(), strict=True))
    # A statement nobody in a group voted on has S = A = 0 in every group.
    unvoted = 0.5**tallies.n_groups
    differ = [
        (tid, value, recomputed.get(tid, unvoted))
        for tid, value in sorted(published.items())
        if abs(value - recomputed.get(tid, unvoted)) > GIC_TOLERANCE
    ]
    if not differ:
        return []
    examples = "; ".join(
        f"comment {tid} (published {value!r}, recomputed {again!r})"
        for tid, value, again in differ[:N_GIC_EXAMPLES]
    )
    return [
        f"The group-informed consensus recomputed from participants-votes.csv by "
        f"group-id differs from the published value by more than {GIC_TOLERANCE} "
        f"for {len(differ)} comment{'' if len(differ) == 1 else 's'}; first: "
        f"{examples}."
    ]


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
