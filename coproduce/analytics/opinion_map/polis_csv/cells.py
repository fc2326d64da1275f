"""Cells of Polis CSV files: spreadsheet-formula guard, parsing, problem list.

The formula guard is the rule of `coproduce/apps/core/tables.py`
(`formula_guard`): a text cell starting with = + - @ tab or carriage return gets
a leading apostrophe, so a spreadsheet shows it as text instead of running it.
Analytics cannot import apps, so the rule lives here too, with one addition
that makes it reversible: text that already starts with apostrophes followed by
a formula character gets one more, so `formula_unguard(formula_guard(t)) == t`
for every `t` (core's version maps both "=x" and "'=x" to "'=x").
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from coproduce.analytics.opinion_map.polis_csv.model import MAX_PROBLEMS, Problem

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_WHOLE = re.compile(r"[+-]?\d+(?:\.0*)?")
_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_TRUE = frozenset({"true", "t", "1"})
_FALSE = frozenset({"false", "f", "0", ""})


def formula_guard(text: str) -> str:
    """Text a spreadsheet will show as text, never run as a formula."""
    return f"'{text}" if text.lstrip("'").startswith(FORMULA_STARTS) else text


def formula_unguard(text: str) -> str:
    """Undo `formula_guard` (reading our own exports)."""
    if text.startswith("'") and text.lstrip("'").startswith(FORMULA_STARTS):
        return text[1:]
    return text


@dataclass
class Problems:
    """Collects problems, keeping the first `MAX_PROBLEMS` and counting all."""

    items: list[Problem] = field(default_factory=list)
    n: int = 0

    def add(self, file: str, row: int | None, column: str | None, message: str) -> None:
        self.n += 1
        if len(self.items) < MAX_PROBLEMS:
            self.items.append(Problem(file, row, column, message))


def csv_rows(
    name: str, content: bytes, problems: Problems
) -> tuple[list[str], Iterator[tuple[int, list[str]]]] | None:
    """Header and (spreadsheet row number, cells) of a CSV file, or None.

    UTF-8, a byte-order mark tolerated. None (with a problem added) when the
    file is empty or not UTF-8 text. Row numbers count records, not lines: a
    quoted body with newlines is one row, as in a spreadsheet.
    """
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = content[: error.start].count(b"\n") + 1
        problems.add(
            name,
            None,
            None,
            f"the file is not UTF-8 text (byte {error.start + 1}, line {line}); "
            "save it as CSV UTF-8.",
        )
        return None
    if not text.strip():
        problems.add(name, None, None, "the file is empty; it needs a header row.")
        return None
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader)
    except csv.Error as error:
        problems.add(name, 1, None, f"the header is not valid CSV ({error}).")
        return None
    if not any(cell.strip() for cell in header):
        problems.add(name, 1, None, "the first row is blank; it must be the header.")
        return None

    def rows() -> Iterator[tuple[int, list[str]]]:
        number = 1
        try:
            for cells in reader:
                number += 1
                if cells:
                    yield number, cells
        except csv.Error as error:
            problems.add(name, number + 1, None, f"not valid CSV ({error}).")

    return header, rows()


def parse_whole(text: str) -> int | None:
    """A whole number written as digits ("7", "-1", "7.0"), else None."""
    if text.isascii() and text.isdigit():  # the common case, fast
        return int(text)
    text = text.strip()
    if not _WHOLE.fullmatch(text):
        return None
    return int(text.split(".")[0])


def parse_number(text: str) -> float | None:
    """A finite decimal number, else None (NaN and infinity included)."""
    if text.isascii() and text.isdigit():  # the common case, fast
        return float(text)
    text = text.strip()
    if not _NUMBER.fullmatch(text):
        return None
    value = float(text)
    return value if math.isfinite(value) else None


def parse_bool(text: str) -> bool | None:
    """true/false, t/f or 1/0 in any case (blank = false), else None."""
    lowered = text.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    return None


def shown(text: str, limit: int = 40) -> str:
    """A cell quoted for a message, cut to `limit` characters."""
    return repr(text if len(text) <= limit else text[:limit] + "…")
