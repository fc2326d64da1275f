"""Header positions and per-cell checks shared by the Polis file readers."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from coproduce.analytics.opinion_map.polis_csv.cells import (
    Problems,
    csv_rows,
    parse_number,
    parse_whole,
    shown,
)
from coproduce.analytics.opinion_map.polis_csv.model import TimestampUnit

#: Timestamps at or above this are milliseconds (10¹¹ s is the year 5138).
MS_THRESHOLD = 1e11
VOTE_TEXTS = {"1": 1, "0": 0, "-1": -1, "+1": 1, "-0": 0}


@dataclass
class Columns:
    """Header positions of one CSV file, and the checks every row shares."""

    file: str
    positions: dict[str, int]
    width: int
    problems: Problems

    @classmethod
    def check(
        cls,
        file: str,
        header: list[str],
        required: tuple[str, ...],
        problems: Problems,
    ) -> Columns | None:
        positions: dict[str, int] = {}
        for index, raw in enumerate(header):
            name = raw.strip()
            if name in positions:
                problems.add(file, 1, name, "the column appears more than once.")
            positions.setdefault(name, index)
        missing = [name for name in required if name not in positions]
        for name in missing:
            problems.add(file, 1, name, "the column is missing.")
        return None if missing else cls(file, positions, len(header), problems)

    def cells(self, number: int, cells: list[str]) -> bool:
        """False (with a problem) when the row has more cells than the header.

        A shorter row is padded with blank cells, in place.
        """
        if len(cells) < self.width:
            cells.extend([""] * (self.width - len(cells)))
        elif len(cells) > self.width:
            self.problems.add(
                self.file,
                number,
                None,
                f"the row has {len(cells)} cells but the header has {self.width}.",
            )
            return False
        return True

    def get(self, cells: list[str], column: str) -> str:
        index = self.positions.get(column)
        return "" if index is None else cells[index]

    def whole(
        self, number: int, cells: list[str], column: str, *, blank_ok: bool = False
    ) -> int | None:
        """A non-negative whole number (None for blank when `blank_ok`)."""
        text = self.get(cells, column)
        if blank_ok and not text.strip():
            return None
        value = parse_whole(text)
        if value is None or value < 0:
            self.problems.add(
                self.file,
                number,
                column,
                f"{shown(text)} is not a whole number of 0 or more.",
            )
            return None
        return value

    def vote(self, number: int, text: str, column: str) -> int | None:
        value = VOTE_TEXTS.get(text.strip())
        if value is None:
            whole = parse_whole(text)
            value = whole if whole in (-1, 0, 1) else None
        if value is None:
            self.problems.add(
                self.file,
                number,
                column,
                f"{shown(text)} is not a vote; use 1 (agree), -1 (disagree) or "
                "0 (pass).",
            )
        return value


class UnitCheck:
    """One timestamp unit per file (spec §5: ≥ 10¹¹ means milliseconds)."""

    def __init__(self, file: str, problems: Problems) -> None:
        self.file, self.problems = file, problems
        self.unit: TimestampUnit | None = None
        self.first_row = 0
        self.is_reported = False

    def timestamp(
        self, columns: Columns, number: int, cells: list[str]
    ) -> float | None:
        text = columns.get(cells, "timestamp")
        value = parse_number(text)
        if value is None or value < 0:
            self.problems.add(
                self.file,
                number,
                "timestamp",
                f"{shown(text)} is not a time; use seconds or milliseconds since 1970.",
            )
            return None
        unit: TimestampUnit = "ms" if value >= MS_THRESHOLD else "s"
        if self.unit is None:
            self.unit, self.first_row = unit, number
        elif unit != self.unit and not self.is_reported:
            self.is_reported = True
            self.problems.add(
                self.file,
                number,
                "timestamp",
                f"{text.strip()} is in {UNIT_WORDS[unit]} but row {self.first_row} "
                f"is in {UNIT_WORDS[self.unit]}; a file must use one unit.",
            )
        return value

    def to_ms(self, value: float) -> float:
        return value * 1000.0 if self.unit == "s" else value


UNIT_WORDS = {"ms": "milliseconds", "s": "seconds"}


def rows_of(
    name: str, content: bytes, required: tuple[str, ...], problems: Problems
) -> tuple[Columns, Iterator[tuple[int, list[str]]]] | None:
    table = csv_rows(name, content, problems)
    if table is None:
        return None
    header, rows = table
    columns = Columns.check(name, header, required, problems)
    return None if columns is None else (columns, rows)
