"""Tables a page shows and an analyst downloads as CSV or XLSX, from one definition.

A page builds `Table`s from its selector's result; the template renders them and
the export view writes the same rows, so what is shown and what is downloaded
never drift apart. Cells are plain values; `HIDDEN` marks a figure withheld by
small-number protection (see inclusion/disclosure.py), written as "[c]" in files,
the mark official statistics use for a confidential cell.

Text cells are guarded against spreadsheet formulas ("formula injection"): a
cell starting with = + - @ gets a leading apostrophe, as the survey exports do.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final, Literal

from django.http import Http404, HttpResponse
from django.utils.text import slugify

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX_CONTENT_TYPE: Final = (
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
)
HIDDEN_MARK: Final = "[c]"


def formula_guard(text: str) -> str:
    """Text a spreadsheet will show as text, never run as a formula."""
    return f"'{text}" if text.startswith(_FORMULA_STARTS) else text


def formula_unguard(text: str) -> str:
    """Undo `formula_guard` (imports of our own exports)."""
    if text.startswith("'") and text[1:].startswith(_FORMULA_STARTS):
        return text[1:]
    return text


class _Hidden:
    """A figure withheld to protect people in a small group."""

    _instance: _Hidden | None = None

    def __new__(cls) -> _Hidden:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "HIDDEN"

    def __str__(self) -> str:
        return HIDDEN_MARK


HIDDEN: Final = _Hidden()

Cell = str | int | float | None | _Hidden
ColumnKind = Literal["text", "count", "percent", "number"]


@dataclass(frozen=True, slots=True)
class TableColumn:
    key: str
    label: str
    kind: ColumnKind = "text"

    @property
    def is_numeric(self) -> bool:
        return self.kind != "text"


@dataclass(frozen=True, slots=True)
class Table:
    """A titled table. `slug` names it in download links and workbook sheets."""

    slug: str
    title: str
    columns: tuple[TableColumn, ...]
    rows: tuple[tuple[Cell, ...], ...]
    # Said under the table and written under it in files (e.g. what [c] means).
    notes: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        width = len(self.columns)
        for number, row in enumerate(self.rows, start=1):
            if len(row) != width:
                raise ValueError(
                    f"Table {self.slug!r} row {number} has {len(row)} cells, "
                    f"expected {width}"
                )

    @property
    def cells_with_columns(
        self,
    ) -> tuple[tuple[tuple[Cell, TableColumn], ...], ...]:
        """Each row's cells paired with their column, for templates."""
        return tuple(tuple(zip(row, self.columns, strict=True)) for row in self.rows)

    @property
    def has_hidden(self) -> bool:
        return any(cell is HIDDEN for row in self.rows for cell in row)


def _file_header(column: TableColumn) -> str:
    # Pages show "30.0%"; files hold the number, so the header says the unit.
    return f"{column.label} (%)" if column.kind == "percent" else column.label


def _file_text(cell: Cell, kind: ColumnKind) -> str:
    if cell is None:
        return ""
    if isinstance(cell, _Hidden):
        return HIDDEN_MARK
    if isinstance(cell, float):
        # As the page shows them: percentages to 1 decimal place, others to 2.
        return f"{cell:.1f}" if kind == "percent" else f"{cell:.2f}"
    return formula_guard(str(cell))


def table_csv(table: Table) -> str:
    """The table as CSV text: a header row, the rows, then any notes."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([formula_guard(_file_header(column)) for column in table.columns])
    for row in table.rows:
        writer.writerow(
            [
                _file_text(cell, column.kind)
                for cell, column in zip(row, table.columns, strict=True)
            ]
        )
    for note in table.notes:
        writer.writerow([formula_guard(note)])
    return buffer.getvalue()


_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def _sheet_title(title: str, used: set[str]) -> str:
    """An Excel sheet name: at most 31 characters, none of []:*?/\\, unique."""
    base = " ".join(_SHEET_FORBIDDEN.sub(" ", title).split()).strip("'") or "Table"
    base = base[:31]
    candidate, number = base, 2
    while candidate.casefold() in used:
        suffix = f" ({number})"
        candidate = base[: 31 - len(suffix)] + suffix
        number += 1
    used.add(candidate.casefold())
    return candidate


def _xlsx_cell(cell: Cell) -> str | int | float | None:
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if isinstance(cell, _Hidden):
        return HIDDEN_MARK
    if isinstance(cell, str):
        # XML (so XLSX) cannot hold most control characters; show where one was.
        return ILLEGAL_CHARACTERS_RE.sub("\ufffd", formula_guard(cell))
    return cell


def tables_xlsx(tables: Sequence[Table]) -> bytes:
    """A workbook with one sheet per table (title in row 1, header in row 3)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    workbook.remove(workbook.active)
    used: set[str] = set()
    for table in tables or [Table("empty", "Table", (), ())]:
        sheet = workbook.create_sheet(_sheet_title(table.title, used))
        sheet.append([_xlsx_cell(table.title)])
        sheet["A1"].font = Font(bold=True)
        sheet.append([])
        sheet.append([_xlsx_cell(_file_header(column)) for column in table.columns])
        for cell in sheet[3]:
            cell.font = Font(bold=True)
        for row in table.rows:
            sheet.append([_xlsx_cell(cell) for cell in row])
        if table.notes:
            sheet.append([])
            for note in table.notes:
                sheet.append([_xlsx_cell(note)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def download_filename(*parts: str, extension: str) -> str:
    """An ASCII file name from readable parts: "who-took-part-age.csv"."""
    stem = "-".join(filter(None, (slugify(part) for part in parts))) or "table"
    return f"{stem[:120]}.{extension}"


def table_csv_response(table: Table, *, filename: str) -> HttpResponse:
    # A byte-order mark so Excel opens UTF-8 (Welsh letters) correctly.
    response = HttpResponse(
        "\ufeff" + table_csv(table), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


def tables_xlsx_response(tables: Sequence[Table], *, filename: str) -> HttpResponse:
    response = HttpResponse(tables_xlsx(tables), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


def tables_download_response(
    tables: Sequence[Table], *, file_format: str, table_slug: str, stem: Sequence[str]
) -> HttpResponse:
    """A page's download: every table as one XLSX workbook, or the table named
    `table_slug` as CSV. Raises Http404 for another format or an unknown table.
    File names join `stem` (and the table's slug for CSV)."""
    if file_format == "xlsx":
        return tables_xlsx_response(
            tables, filename=download_filename(*stem, extension="xlsx")
        )
    if file_format == "csv":
        for table in tables:
            if table.slug == table_slug:
                return table_csv_response(
                    table,
                    filename=download_filename(*stem, table.slug, extension="csv"),
                )
    raise Http404
