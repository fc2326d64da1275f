"""Survey responses as files: CSV, XLSX and SPSS .sav, one row per submission.

The column layout (see `export_columns`) is shared with imports, so an officer
can export a blank template, fill it in and import it. Submissions are read in
primary-key chunks with two queries per chunk (submissions, then their answers),
so memory and queries grow with chunks, never per submission.

Spreadsheet programs run a cell that starts with = + - @ (or a tab or carriage
return) as a formula; every text cell that does gets an apostrophe in front
("formula injection" guard). Imports remove that apostrophe again.
"""

from __future__ import annotations

import csv
import io
import re
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.utils import translation

from coproduce.apps.accounts.models import User
from coproduce.apps.core.about_you import ABOUT_YOU_FIELDS, ABOUT_YOU_LABELS
from coproduce.apps.core.tables import formula_guard
from coproduce.apps.engagements.permissions import can_export_responses
from coproduce.apps.surveys.definition import QuestionDefinition, localised
from coproduce.apps.surveys.models import Answer, QuestionKind, Submission, Survey
from coproduce.apps.surveys.selectors.results import (
    questions_across_versions,
    survey_version_list,
)

CHUNK_SIZE = 1000
FIXED_COLUMNS = ("submission_id", "version", "channel", "submitted_at")
AREA_COLUMN = "area_code"
POSTCODE_COLUMN = "postcode"  # accepted by imports, never exported


@dataclass(frozen=True, slots=True)
class Column:
    """One column: its name, label, and which part of which answer fills it."""

    name: str
    label_en: str
    label_cy: str
    source: str  # "fixed", "about_you", "area", or a question kind
    question_key: str = ""
    item: str = ""  # the option (multiple choice, ranking) or row (grid)
    # Allowed values and their labels (English), for value labels and checks.
    values: tuple[tuple[str, str], ...] = ()


def question_columns(question: QuestionDefinition) -> list[Column]:
    """The columns of one question in the export and import layout."""
    key, kind = question["key"], question["kind"]
    text = question["text"]
    options = tuple((o["value"], o["label"]["en"]) for o in question["options"])
    if kind in (QuestionKind.MULTIPLE_CHOICE, QuestionKind.RANKING):
        return [
            Column(
                name=f"{key}__{option['value']}",
                label_en=f"{text['en']}: {option['label']['en']}",
                label_cy=f"{localised(text, 'cy')}: {localised(option['label'], 'cy')}",
                source=kind,
                question_key=key,
                item=option["value"],
            )
            for option in question["options"]
        ]
    if kind == QuestionKind.MATRIX:
        return [
            Column(
                name=f"{key}__{row['value']}",
                label_en=f"{text['en']}: {row['label']['en']}",
                label_cy=f"{localised(text, 'cy')}: {localised(row['label'], 'cy')}",
                source=kind,
                question_key=key,
                item=row["value"],
                values=options,
            )
            for row in question["rows"]
        ]
    return [
        Column(
            name=key,
            label_en=text["en"],
            label_cy=localised(text, "cy"),
            source=kind,
            question_key=key,
            values=options,
        )
    ]


def about_you_columns() -> list[Column]:
    columns = []
    for name, choices in ABOUT_YOU_FIELDS.items():
        with translation.override("en"):
            label_en = str(ABOUT_YOU_LABELS[name])
            values = tuple((value, str(text)) for value, text in choices.choices)
        with translation.override("cy"):
            label_cy = str(ABOUT_YOU_LABELS[name])
        columns.append(
            Column(
                name=name,
                label_en=label_en,
                label_cy=label_cy,
                source="about_you",
                values=values,
            )
        )
    return columns


def export_columns(definitions: list[QuestionDefinition]) -> list[Column]:
    """Fixed columns, about-you fields, area code, then each question's columns."""
    fixed = [
        Column(name=name, label_en=name, label_cy=name, source="fixed")
        for name in FIXED_COLUMNS
    ]
    fixed[2] = Column(
        name="channel",
        label_en="channel",
        label_cy="channel",
        source="fixed",
        values=tuple(
            (value, str(label)) for value, label in Submission.Channel.choices
        ),
    )
    area = Column(
        name=AREA_COLUMN, label_en="area code", label_cy="area code", source="area"
    )
    columns = [*fixed, *about_you_columns(), area]
    for question in definitions:
        columns.extend(question_columns(question))
    return columns


def survey_export_columns(*, survey: Survey) -> list[Column]:
    """Columns covering every version's questions (latest wording)."""
    definitions, _asked_in, _differing = questions_across_versions(
        survey_version_list(survey=survey)
    )
    return export_columns(definitions)


def _number_text(number: float | None) -> str:
    if number is None:
        return ""
    return str(int(number)) if float(number).is_integer() else repr(number)


def _submissions(survey: Survey) -> QuerySet[Submission]:
    return Submission.objects.filter(
        survey=survey, status=Submission.Status.SUBMITTED
    ).order_by("pk")


def export_records(
    *, actor: User | AnonymousUser, survey: Survey, columns: list[Column]
) -> Iterator[dict[str, Any]]:
    """One dict per submitted response: column name → value (str, float or None).

    Raises PermissionDenied for people who may not export responses.
    """
    if not can_export_responses(actor, survey.organisation):
        raise PermissionDenied
    by_question: dict[str, list[Column]] = {}
    for column in columns:
        if column.question_key:
            by_question.setdefault(column.question_key, []).append(column)
    last_pk = 0
    fields = (
        "pk",
        "version__number",
        "channel",
        "submitted_at",
        "area__code",
        *ABOUT_YOU_FIELDS,
    )
    while True:
        chunk = list(
            _submissions(survey).filter(pk__gt=last_pk).values(*fields)[:CHUNK_SIZE]
        )
        if not chunk:
            return
        last_pk = chunk[-1]["pk"]
        answers: dict[int, list[tuple[str, str, str, float | None]]] = {}
        for row in (
            Answer.objects.filter(submission_id__in=[s["pk"] for s in chunk])
            .order_by("submission_id", "pk")
            .values_list(
                "submission_id", "question_key", "item", "value_text", "value_number"
            )
        ):
            answers.setdefault(row[0], []).append(row[1:])
        for submission in chunk:
            record: dict[str, Any] = {
                "submission_id": submission["pk"],
                "version": submission["version__number"],
                "channel": submission["channel"],
                "submitted_at": submission["submitted_at"].isoformat()
                if submission["submitted_at"]
                else "",
                AREA_COLUMN: submission["area__code"] or "",
            }
            for name in ABOUT_YOU_FIELDS:
                record[name] = submission[name]
            record.update(_answer_cells(answers.get(submission["pk"], []), by_question))
            yield record


def _answer_cells(
    rows: list[tuple[str, str, str, float | None]],
    by_question: dict[str, list[Column]],
) -> dict[str, Any]:
    given: dict[str, list[tuple[str, str, float | None]]] = {}
    for key, item, text, number in rows:
        given.setdefault(key, []).append((item, text, number))
    cells: dict[str, Any] = {}
    for key, columns in by_question.items():
        values = given.get(key)
        kind = columns[0].source
        for column in columns:
            cells[column.name] = None
        if not values:
            continue
        if kind == QuestionKind.MULTIPLE_CHOICE:
            chosen = {text for _item, text, _number in values}
            for column in columns:
                cells[column.name] = 1 if column.item in chosen else 0
        elif kind == QuestionKind.RANKING:
            ranks = {item: number for item, _text, number in values}
            for column in columns:
                cells[column.name] = ranks.get(column.item)
        elif kind == QuestionKind.MATRIX:
            chosen_by_row = {item: text for item, text, _number in values}
            for column in columns:
                cells[column.name] = chosen_by_row.get(column.item)
        elif kind == QuestionKind.NUMBER:
            cells[columns[0].name] = values[0][2]
        else:
            cells[columns[0].name] = values[0][1]
    return cells


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return _number_text(value)
    if isinstance(value, int):
        return str(value)
    return formula_guard(str(value))


def export_csv_lines(*, actor: User | AnonymousUser, survey: Survey) -> Iterator[str]:
    """The CSV export, line by line (for a streaming response).

    UTF-8 with a byte-order mark so Excel reads Welsh letters correctly.
    """
    columns = survey_export_columns(survey=survey)
    records = export_records(actor=actor, survey=survey, columns=columns)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([column.name for column in columns])
    yield "\ufeff" + buffer.getvalue()
    for record in records:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow([_cell_text(record[column.name]) for column in columns])
        yield buffer.getvalue()


def template_csv(*, survey: Survey) -> str:
    """A blank import template: the header of the current version's columns."""
    columns = import_columns(survey=survey)
    buffer = io.StringIO()
    csv.writer(buffer).writerow([column.name for column in columns])
    return "\ufeff" + buffer.getvalue()


def import_columns(*, survey: Survey) -> list[Column]:
    """The columns an import of the current version reads (adds `postcode`)."""
    version = survey.current_version
    definitions = version.definition["questions"] if version else []
    columns = export_columns(definitions)
    position = [c.name for c in columns].index(AREA_COLUMN) + 1
    columns.insert(
        position,
        Column(
            name=POSTCODE_COLUMN,
            label_en="postcode",
            label_cy="cod post",
            source="postcode",
        ),
    )
    return columns


def export_xlsx(*, actor: User | AnonymousUser, survey: Survey) -> bytes:
    """The XLSX export: a "responses" sheet like the CSV; "questions" with labels."""
    from openpyxl import Workbook

    columns = survey_export_columns(survey=survey)
    records = export_records(actor=actor, survey=survey, columns=columns)
    workbook = Workbook(write_only=True)
    responses = workbook.create_sheet("responses")
    responses.append([column.name for column in columns])
    for record in records:
        responses.append([_xlsx_cell(record[column.name]) for column in columns])
    questions = workbook.create_sheet("questions")
    questions.append(["column", "label (English)", "label (Welsh)"])
    for column in columns:
        questions.append(
            [
                column.name,
                _xlsx_cell(column.label_en),
                _xlsx_cell(column.label_cy),
            ]
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _xlsx_cell(value: Any) -> Any:
    if isinstance(value, str):
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

        # XML (so XLSX) cannot hold most control characters; show where one was.
        return ILLEGAL_CHARACTERS_RE.sub("\ufffd", formula_guard(value))
    return value


_SPSS_NAME = re.compile(r"[^A-Za-z0-9_]")


def spss_names(names: list[str]) -> dict[str, str]:
    """SPSS-safe, unique variable names: letters, digits, _, at most 64 bytes."""
    safe: dict[str, str] = {}
    taken: set[str] = set()
    for name in names:
        candidate = _SPSS_NAME.sub("_", name)
        if not candidate or not candidate[0].isalpha():
            candidate = f"v_{candidate}"
        candidate = candidate[:64]
        unique, n = candidate, 1
        while unique.lower() in taken:
            n += 1
            suffix = f"_{n}"
            unique = candidate[: 64 - len(suffix)] + suffix
        taken.add(unique.lower())
        safe[name] = unique
    return safe


_NUMERIC_SOURCES = frozenset(
    {
        QuestionKind.NUMBER,
        QuestionKind.MULTIPLE_CHOICE,
        QuestionKind.RANKING,
        "version",
        "submission_id",
    }
)
_CODED_SOURCES = frozenset(
    {
        QuestionKind.SINGLE_CHOICE,
        QuestionKind.SCALE,
        QuestionKind.MATRIX,
        "about_you",
        "channel",
    }
)


# The .sav format limits labels in bytes (UTF-8), not characters; readstat
# cuts longer ones at that byte count, which can split a Welsh letter.
SPSS_VARIABLE_LABEL_BYTES = 256
SPSS_VALUE_LABEL_BYTES = 120


def _spss_truncate(text: str, limit: int) -> str:
    """`text` cut to at most `limit` UTF-8 bytes without splitting a character."""
    return text.encode("utf-8")[:limit].decode("utf-8", errors="ignore")


def export_sav(
    *, actor: User | AnonymousUser, survey: Survey, language: str = "en"
) -> bytes:
    """The SPSS .sav export with variable labels and value labels.

    Choices, scales, grid rows, channel and about-you answers are coded 1, 2, 3…
    in the order of their options, with value labels; multiple choice is 0/1.
    Variable labels are the question text in `language`.
    """
    import pandas as pd
    import pyreadstat

    columns = survey_export_columns(survey=survey)
    records = list(export_records(actor=actor, survey=survey, columns=columns))
    names = spss_names([column.name for column in columns])
    data: dict[str, list[Any]] = {}
    variable_labels: dict[str, str | None] = {}
    value_labels: dict[str, dict[float, str]] = {}
    for column in columns:
        name = names[column.name]
        source = column.name if column.source == "fixed" else column.source
        label = column.label_cy if language.startswith("cy") else column.label_en
        variable_labels[name] = _spss_truncate(label, SPSS_VARIABLE_LABEL_BYTES) or (
            column.name
        )
        raw = [record[column.name] for record in records]
        if source in _CODED_SOURCES and column.values:
            codes = {value: float(i) for i, (value, _l) in enumerate(column.values, 1)}
            data[name] = [codes.get(v) if v else None for v in raw]
            value_labels[name] = {
                codes[value]: _spss_truncate(text, SPSS_VALUE_LABEL_BYTES)
                for value, text in column.values
            }
        elif source in _NUMERIC_SOURCES:
            data[name] = [float(v) if v is not None else None for v in raw]
            if source == QuestionKind.MULTIPLE_CHOICE:
                value_labels[name] = {0.0: "Not selected", 1.0: "Selected"}
        else:
            data[name] = ["" if v is None else str(v) for v in raw]
    frame = pd.DataFrame(data, columns=[names[c.name] for c in columns])
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "export.sav"
        pyreadstat.write_sav(
            frame,
            str(path),
            column_labels=variable_labels,
            variable_value_labels=value_labels,
        )
        return path.read_bytes()
