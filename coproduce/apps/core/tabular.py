"""Reading uploaded CSV and XLSX files into rows of text, for every import.

Shared by survey response imports and population profile imports, so both give
the same advice about encodings, fake workbooks and formula cells. The readers
only turn bytes into lists of strings; checking the rows is the caller's job.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from coproduce.errors import DomainError

DEFAULT_MAX_IMPORT_BYTES = 10 * 1024 * 1024
# An upload lists at most this many problems (and counts the rest).
MAX_UPLOAD_PROBLEMS = 50

# Called for each formula cell with the row number (1 = header), the column's
# header name (or the cell's coordinate while reading the header) and the cell's
# coordinate such as "C7". The cell itself is read as "".
FormulaCallback = Callable[[int, str, str], None]


class TabularFileError(DomainError):
    """The file cannot be read at all; the message says why and what to do."""

    code = "import_invalid"


def max_import_bytes() -> int:
    """The largest upload an import accepts (setting COPRODUCE_MAX_IMPORT_BYTES)."""
    return int(
        getattr(settings, "COPRODUCE_MAX_IMPORT_BYTES", DEFAULT_MAX_IMPORT_BYTES)
    )


def file_kind(filename: str) -> str:
    """ "csv", "xlsx", or "" for any other file name."""
    lowered = filename.lower()
    if lowered.endswith(".csv"):
        return "csv"
    if lowered.endswith(".xlsx"):
        return "xlsx"
    return ""


def read_csv(content: bytes) -> Iterator[list[str]]:
    """Rows of a UTF-8 CSV file (with or without BOM). Raises TabularFileError."""
    if content.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in content[:4096]:
        raise TabularFileError(
            _(
                "The file is saved as UTF-16 or is not a text file. In your "
                "spreadsheet choose 'Save as' and 'CSV UTF-8', then upload it again."
            )
        )
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = content[: exc.start].count(b"\n") + 1
        raise TabularFileError(
            _(
                "The file is not saved as UTF-8 (a character on line %(line)s "
                "cannot be read). In your spreadsheet choose 'Save as' and "
                "'CSV UTF-8', then upload it again."
            )
            % {"line": line}
        ) from None
    # The file size is already limited; let long cells through so callers can
    # name their row and column.
    csv.field_size_limit(max(max_import_bytes(), 131072))
    try:
        yield from csv.reader(io.StringIO(text, newline=""))
    except csv.Error as exc:
        raise TabularFileError(
            _("The file is not a readable CSV file: %(error)s") % {"error": exc}
        ) from None


def xlsx_text(value: Any) -> str:
    """A workbook cell's value as the text a CSV file would hold."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return (
            value.date().isoformat() if value.time() == time(0) else value.isoformat()
        )
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _not_a_workbook() -> TabularFileError:
    return TabularFileError(
        _(
            "The file is not a real XLSX workbook. Save it from your "
            "spreadsheet as 'Excel Workbook (.xlsx)' or 'CSV UTF-8'."
        )
    )


def read_xlsx(
    content: bytes, *, sheet_name: str | None, on_formula: FormulaCallback
) -> Iterator[list[str]]:
    """Rows of the sheet `sheet_name` if the workbook has it, else the first sheet.

    Formula cells are never evaluated (their cached value may be stale or
    crafted): each is reported to `on_formula` and read as "". Raises
    TabularFileError for anything that is not a real XLSX workbook.
    """
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    if not content.startswith(b"PK\x03\x04"):
        raise _not_a_workbook()
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=False)
        sheet = (
            workbook[sheet_name]
            if sheet_name is not None and sheet_name in workbook.sheetnames
            else workbook.worksheets[0]
        )
        header: list[str] = []
        for number, row in enumerate(sheet.iter_rows(), start=1):
            values = []
            for index, cell in enumerate(row):
                if getattr(cell, "data_type", None) == "f":
                    coordinate = getattr(cell, "coordinate", "?")
                    column = header[index] if index < len(header) else coordinate
                    on_formula(number, column, coordinate)
                    values.append("")
                else:
                    values.append(xlsx_text(cell.value))
            if number == 1:
                header = [value.strip() for value in values]
            yield values
    except (zipfile.BadZipFile, InvalidFileException, KeyError, IndexError, OSError):
        raise _not_a_workbook() from None


def read_table(
    content: bytes,
    *,
    filename: str,
    on_formula: FormulaCallback,
    sheet_name: str | None = None,
) -> Iterator[list[str]]:
    """Rows of an uploaded CSV or XLSX file, chosen by its name.

    Raises TabularFileError for a file that is too big, empty, or unreadable.
    """
    if len(content) > max_import_bytes():
        raise TabularFileError(_("The file is too big to import."))
    if not content.strip():
        raise TabularFileError(_("The file is empty."))
    if file_kind(filename) == "xlsx":
        return read_xlsx(content, sheet_name=sheet_name, on_formula=on_formula)
    return read_csv(content)


@dataclass
class UploadProblems:
    """Problems found checking an upload: up to 50 kept as messages, all counted.

    Every import that reports row and column problems collects them here, so
    they all read alike ("Row 7, column 'count': …") and stop at the same
    length, then raises `error(...)` with the import's own error class.
    """

    items: list[str] = field(default_factory=list)
    n: int = 0
    # The file's name, set while checking one of several files.
    filename: str = ""

    def add(self, message: str) -> None:
        self.n += 1
        if self.filename:
            message = _("File %(file)s: %(message)s") % {
                "file": self.filename,
                "message": message,
            }
        if len(self.items) < MAX_UPLOAD_PROBLEMS:
            self.items.append(message)

    def at(self, row: int, column: str, message: str) -> None:
        self.add(
            _("Row %(row)s, column '%(column)s': %(message)s")
            % {"row": row, "column": column, "message": message}
        )

    def error(self, error_class: type[DomainError]) -> DomainError:
        """The import's error with every kept message, on its file field."""
        messages = list(self.items)
        if self.n > len(self.items):
            messages.append(
                _("… and %(count)s more problems. Fix these and upload again.")
                % {"count": self.n - len(self.items)}
            )
        return error_class(messages, field="file")
