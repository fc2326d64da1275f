"""Bulk import of responses from a CSV or XLSX file (paper forms, events, phone).

`survey_import_create` stores the upload and queues the background task, which
calls `survey_import_run`. The run reads the whole file, checks every row and
only then writes: with ALL_OR_NOTHING (the default) any problem means nothing is
saved (REJECTED); with VALID_ROWS_ONLY the valid rows are saved in one
transaction (COMPLETED). An unexpected error marks the import FAILED and
changes nothing else.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from coproduce.apps.accounts.models import User
from coproduce.apps.audit.services import audit_event_create
from coproduce.apps.core.about_you import ABOUT_YOU_FIELDS
from coproduce.apps.core.tables import formula_unguard
from coproduce.apps.core.tabular import (
    TabularFileError,
    file_kind,
    max_import_bytes,
    read_table,
)
from coproduce.apps.engagements.permissions import can_manage_engagements
from coproduce.apps.organisations.models import Area
from coproduce.apps.organisations.selectors import area_for_postcode
from coproduce.apps.surveys.answers import (
    AnswerError,
    AnswerValue,
    answer_validate,
    postcode_normalise,
)
from coproduce.apps.surveys.definition import QuestionDefinition
from coproduce.apps.surveys.exports import (
    AREA_COLUMN,
    FIXED_COLUMNS,
    POSTCODE_COLUMN,
    Column,
    import_columns,
)
from coproduce.apps.surveys.models import (
    Answer,
    QuestionKind,
    Submission,
    Survey,
    SurveyImport,
)

logger = logging.getLogger(__name__)

MAX_ROWS = 50_000
# The longest answer (long text) is 10,000 characters; no cell needs more.
MAX_CELL_CHARACTERS = 10_000
MAX_PROBLEMS = 50
_PROGRESS_EVERY = 500
# An import still running after this long has lost its worker: the largest
# allowed file takes a few minutes.
STALLED_AFTER = timedelta(hours=1)
IMPORT_CHANNELS = (
    Submission.Channel.PAPER,
    Submission.Channel.PHONE,
    Submission.Channel.EVENT,
    Submission.Channel.IMPORT,
)


class SurveyImportError(TabularFileError):
    """The file cannot be imported as it is; the message says why and what to do."""

    code = "import_invalid"


@transaction.atomic
def survey_import_create(
    *,
    actor: User,
    survey: Survey,
    uploaded_file: UploadedFile,
    channel: str = Submission.Channel.IMPORT,
    mode: str = SurveyImport.Mode.ALL_OR_NOTHING,
) -> SurveyImport:
    """Store an uploaded file and queue its import after commit.

    Raises PermissionDenied, or SurveyImportError for a survey that is not
    published, a file that is too big or not a CSV or XLSX file, or a channel
    that imports may not use.
    """
    if not can_manage_engagements(actor, survey.organisation):
        raise PermissionDenied
    if survey.current_version_id is None:
        raise SurveyImportError(
            _("Publish the survey before importing responses to it.")
        )
    filename = uploaded_file.name or ""
    if not file_kind(filename):
        raise SurveyImportError(
            _("The selected file must be a CSV or XLSX file."), field="file"
        )
    limit = max_import_bytes()
    if (uploaded_file.size or 0) > limit:
        raise SurveyImportError(
            _("The selected file must be smaller than %(size)s MB.")
            % {"size": limit // (1024 * 1024)},
            field="file",
        )
    if channel not in IMPORT_CHANNELS:
        raise SurveyImportError(_("Select how the responses were collected."))
    survey_import = SurveyImport(
        survey=survey,
        version_id=survey.current_version_id,
        original_filename=filename[-255:],
        channel=channel,
        mode=mode,
        requested_by=actor,
    )
    survey_import.file.save(filename[-100:], uploaded_file, save=False)
    survey_import.full_clean()
    survey_import.save()
    audit_event_create(
        actor=actor,
        action="survey_import.create",
        target=survey_import,
        organisation=survey.organisation,
        changes={"file": survey_import.original_filename, "mode": mode},
    )
    from coproduce.apps.surveys.tasks import survey_import_run_task

    transaction.on_commit(
        partial(survey_import_run_task.enqueue, survey_import_id=survey_import.pk)
    )
    return survey_import


# --- reading the file -----------------------------------------------------------


@dataclass
class _Problems:
    items: list[dict[str, Any]] = field(default_factory=list)
    n: int = 0

    def add(self, row: int | None, column: str, message: str) -> None:
        self.n += 1
        if len(self.items) < MAX_PROBLEMS:
            self.items.append({"row": row, "column": column, "message": message})


def _rows(survey_import: SurveyImport, problems: _Problems) -> Iterator[list[str]]:
    with survey_import.file.open("rb") as handle:
        content = handle.read(max_import_bytes() + 1)

    def on_formula(number: int, column: str, coordinate: str) -> None:
        problems.add(
            number,
            column,
            _problem(
                number,
                column,
                _(
                    "cell %(cell)s contains a formula. Type the value "
                    "itself instead of a formula."
                )
                % {"cell": coordinate},
            ),
        )

    return read_table(
        content,
        filename=survey_import.original_filename,
        on_formula=on_formula,
        sheet_name="responses",
    )


# --- checking rows ----------------------------------------------------------------


@dataclass(frozen=True)
class _ParsedRow:
    number: int
    about_you: dict[str, str]
    postcode: str
    area: Area | None
    answers: dict[str, list[AnswerValue]]


def _check_header(
    header: list[str], columns: list[Column], problems: _Problems
) -> dict[str, int]:
    known = {column.name for column in columns} | set(FIXED_COLUMNS)
    positions: dict[str, int] = {}
    for index, raw in enumerate(header):
        name = raw.strip()
        if not name:
            continue
        if name in positions:
            problems.add(
                1,
                name,
                _("Column '%(column)s' appears more than once.") % {"column": name},
            )
        elif name not in known:
            problems.add(
                1,
                name,
                _(
                    "Column '%(column)s' is not a column of this survey. Download "
                    "the template to see the columns to use."
                )
                % {"column": name},
            )
        positions.setdefault(name, index)
    for column in columns:
        if column.question_key and column.name not in positions:
            problems.add(
                1,
                column.name,
                _("Column '%(column)s' is missing. Add it, even if left empty.")
                % {"column": column.name},
            )
    return positions


def _problem(row: int, column: str, message: str) -> str:
    return _("Row %(row)s, column '%(column)s': %(message)s") % {
        "row": row,
        "column": column,
        "message": message,
    }


class _RowChecker:
    def __init__(self, survey_import: SurveyImport, positions: dict[str, int]) -> None:
        self.organisation = survey_import.survey.organisation
        self.positions = positions
        self.questions: list[QuestionDefinition] = survey_import.version.definition[
            "questions"
        ]
        self.columns_by_question: dict[str, list[Column]] = {}
        for column in import_columns(survey=survey_import.survey):
            if column.question_key:
                self.columns_by_question.setdefault(column.question_key, []).append(
                    column
                )
        self.areas_by_code = {
            area.code.upper(): area
            for area in Area.objects.filter(organisation=self.organisation)
        }
        self.area_of_postcode: dict[str, Area | None] = {}

    def cell(self, row: list[str], name: str) -> str:
        index = self.positions.get(name)
        if index is None or index >= len(row):
            return ""
        return formula_unguard(row[index].strip())

    def check(
        self, number: int, row: list[str], problems: _Problems
    ) -> _ParsedRow | None:
        n_before = problems.n
        for name, index in self.positions.items():
            if index < len(row) and len(row[index]) > MAX_CELL_CHARACTERS:
                problems.add(
                    number,
                    name,
                    _problem(
                        number,
                        name,
                        _(
                            "the cell has %(length)s characters; the most a cell "
                            "may hold is %(limit)s."
                        )
                        % {"length": len(row[index]), "limit": MAX_CELL_CHARACTERS},
                    ),
                )
        if problems.n > n_before:
            return None
        about_you: dict[str, str] = {}
        for name, choices in ABOUT_YOU_FIELDS.items():
            value = self.cell(row, name)
            if value and value not in choices.values:
                problems.add(
                    number,
                    name,
                    _problem(
                        number,
                        name,
                        _("'%(value)s' is not one of %(allowed)s.")
                        % {"value": value, "allowed": ", ".join(choices.values)},
                    ),
                )
            about_you[name] = value
        postcode, area = self._area(number, row, problems)
        answers: dict[str, list[AnswerValue]] = {}
        for question in self.questions:
            key = question["key"]
            columns = self.columns_by_question.get(key, [])
            try:
                values = self._values(number, question, row, columns)
                if not values and question.get("condition"):
                    # Possibly skipped by routing on the paper form: not required.
                    answers[key] = []
                    continue
                answers[key] = answer_validate(question=question, values=values)
            except AnswerError as exc:
                column = exc.field or (columns[0].name if columns else key)
                problems.add(
                    number, column, _problem(number, column, " ".join(exc.messages))
                )
        if problems.n > n_before:
            return None
        return _ParsedRow(number, about_you, postcode, area, answers)

    def _area(
        self, number: int, row: list[str], problems: _Problems
    ) -> tuple[str, Area | None]:
        typed = self.cell(row, POSTCODE_COLUMN)
        if typed:
            compact = postcode_normalise(typed)
            if compact is None:
                problems.add(
                    number,
                    POSTCODE_COLUMN,
                    _problem(
                        number,
                        POSTCODE_COLUMN,
                        _("'%(value)s' is not a full UK postcode, like CF10 1AA.")
                        % {"value": typed},
                    ),
                )
                return "", None
            if compact not in self.area_of_postcode:
                self.area_of_postcode[compact] = area_for_postcode(
                    organisation=self.organisation, postcode=compact
                )
            return compact, self.area_of_postcode[compact]
        code = self.cell(row, AREA_COLUMN).upper()
        if code:
            if code not in self.areas_by_code:
                problems.add(
                    number,
                    AREA_COLUMN,
                    _problem(
                        number,
                        AREA_COLUMN,
                        _("'%(value)s' is not the code of one of your areas.")
                        % {"value": code},
                    ),
                )
            return "", self.areas_by_code.get(code)
        return "", None

    def _values(
        self,
        number: int,
        question: QuestionDefinition,
        row: list[str],
        columns: list[Column],
    ) -> list[str]:
        kind = question["kind"]
        if kind == QuestionKind.MULTIPLE_CHOICE:
            chosen = []
            for column in columns:
                value = self.cell(row, column.name)
                if value not in ("", "0", "1"):
                    raise AnswerError(
                        _("enter 1 if chosen, 0 or nothing if not."), field=column.name
                    )
                if value == "1":
                    chosen.append(column.item)
            return chosen
        if kind == QuestionKind.RANKING:
            ranked: list[tuple[int, str]] = []
            for column in columns:
                value = self.cell(row, column.name)
                if not value:
                    continue
                try:
                    rank = int(float(value))
                except ValueError:
                    rank = 0
                if rank < 1:
                    raise AnswerError(
                        _("enter a rank: 1 for first, 2 for second and so on."),
                        field=column.name,
                    )
                ranked.append((rank, column.item))
            ranks = [rank for rank, _item in ranked]
            if len(set(ranks)) != len(ranks):
                raise AnswerError(_("Give each option a different rank."))
            return [item for _rank, item in sorted(ranked)]
        if kind == QuestionKind.MATRIX:
            pairs = []
            for column in columns:
                value = self.cell(row, column.name)
                if value:
                    pairs.append(f"{column.item}={value}")
            return pairs
        return [self.cell(row, columns[0].name)] if columns else []


# --- running ------------------------------------------------------------------------


def survey_import_run(*, survey_import_id: int) -> SurveyImport:
    """Check every row of a queued import, then save all, the valid ones, or nothing.

    Ends REJECTED (nothing saved), COMPLETED or FAILED (unexpected error; nothing
    saved). An import that is no longer queued is returned unchanged.
    """
    survey_import = SurveyImport.objects.select_related(
        "survey__organisation", "version", "requested_by"
    ).get(pk=survey_import_id)
    if survey_import.status != SurveyImport.Status.QUEUED:
        return survey_import
    survey_imports_fail_stalled()
    survey_import.status = SurveyImport.Status.RUNNING
    survey_import.started_at = timezone.now()
    survey_import.save(update_fields=["status", "started_at"])
    problems = _Problems()
    try:
        parsed = _check_file(survey_import, problems)
        if problems.n and (
            survey_import.mode == SurveyImport.Mode.ALL_OR_NOTHING or not parsed
        ):
            _finish(survey_import, SurveyImport.Status.REJECTED, problems)
        else:
            _save_rows(survey_import, parsed, problems)
    except TabularFileError as exc:
        problems.add(None, "", " ".join(exc.messages))
        _finish(survey_import, SurveyImport.Status.REJECTED, problems)
    except Exception as exc:
        logger.exception("Survey import %s failed", survey_import.pk)
        survey_import.error = _(
            "Something went wrong and nothing was imported (%(error)s). Try again, "
            "or contact support."
        ) % {"error": type(exc).__name__}
        survey_import.n_rows_imported = 0
        _finish(survey_import, SurveyImport.Status.FAILED, problems)
    return survey_import


def survey_imports_fail_stalled(*, now: datetime | None = None) -> int:
    """Mark imports still running after STALLED_AFTER as failed; return how many.

    An import runs in one worker; if that worker dies (a deploy, the machine
    restarting) its import would read "Checking and importing" for ever. Its
    rows were saved in a transaction that never committed, so nothing was
    imported and FAILED is the truth. Runs before every import starts and from
    the `fail_stalled_imports` command (cron).
    """
    now = now or timezone.now()
    stalled = SurveyImport.objects.filter(
        status=SurveyImport.Status.RUNNING, started_at__lt=now - STALLED_AFTER
    )
    n_failed = 0
    for survey_import in stalled:
        logger.warning("Survey import %s stalled; marking it failed", survey_import.pk)
        survey_import.status = SurveyImport.Status.FAILED
        survey_import.error = _(
            "The import stopped before it finished, so nothing was imported. "
            "Upload the file again."
        )
        survey_import.n_rows_imported = 0
        survey_import.finished_at = now
        survey_import.save(
            update_fields=["status", "error", "n_rows_imported", "finished_at"]
        )
        n_failed += 1
    return n_failed


def _check_file(survey_import: SurveyImport, problems: _Problems) -> list[_ParsedRow]:
    rows = _rows(survey_import, problems)
    header = next(rows, None)
    if header is None:
        raise SurveyImportError(_("The file is empty."))
    columns = import_columns(survey=survey_import.survey)
    positions = _check_header(header, columns, problems)
    if problems.n:
        return []
    checker = _RowChecker(survey_import, positions)
    parsed: list[_ParsedRow] = []
    n_rows = 0
    for number, row in enumerate(rows, start=2):
        if not any(cell.strip() for cell in row):
            continue
        n_rows += 1
        if n_rows > MAX_ROWS:
            raise SurveyImportError(
                _("The file has more than %(limit)s rows. Split it into smaller files.")
                % {"limit": f"{MAX_ROWS:,}"}
            )
        result = checker.check(number, row, problems)
        if result is not None:
            parsed.append(result)
        if n_rows % _PROGRESS_EVERY == 0:
            SurveyImport.objects.filter(pk=survey_import.pk).update(
                n_rows_checked=n_rows
            )
    survey_import.n_rows = n_rows
    survey_import.n_rows_checked = n_rows
    if not n_rows:
        raise SurveyImportError(_("The file has a header row but no responses."))
    return parsed


def _finish(survey_import: SurveyImport, status: str, problems: _Problems) -> None:
    survey_import.status = status
    survey_import.problems = problems.items
    survey_import.n_problems = problems.n
    survey_import.finished_at = timezone.now()
    survey_import.save(
        update_fields=[
            "status",
            "problems",
            "n_problems",
            "n_rows",
            "n_rows_checked",
            "n_rows_imported",
            "error",
            "finished_at",
        ]
    )


@transaction.atomic
def _save_rows(
    survey_import: SurveyImport, parsed: list[_ParsedRow], problems: _Problems
) -> None:
    now = timezone.now()
    submissions = Submission.objects.bulk_create(
        [
            Submission(
                survey=survey_import.survey,
                version=survey_import.version,
                channel=survey_import.channel,
                status=Submission.Status.SUBMITTED,
                entered_by=survey_import.requested_by,
                postcode=row.postcode,
                area=row.area,
                submitted_at=now,
                **row.about_you,
            )
            for row in parsed
        ],
        batch_size=1000,
    )
    Answer.objects.bulk_create(
        [
            Answer(
                survey=survey_import.survey,
                submission=submission,
                question_key=key,
                item=value.item,
                value_text=value.value_text,
                value_number=value.value_number,
            )
            for submission, row in zip(submissions, parsed, strict=True)
            for key, values in row.answers.items()
            for value in values
        ],
        batch_size=2000,
    )
    survey_import.n_rows_imported = len(submissions)
    _finish(survey_import, SurveyImport.Status.COMPLETED, problems)
    audit_event_create(
        actor=survey_import.requested_by,
        action="survey_import.complete",
        target=survey_import,
        organisation=survey_import.survey.organisation,
        changes={"n_rows_imported": len(submissions), "n_problems": problems.n},
    )
