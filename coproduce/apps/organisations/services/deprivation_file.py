"""Checking a deprivation file: one row per small area with its national decile.

    area_code,decile,rank,residents
    W01001234,1,57,1620

The official headings (for example "LSOA code (2011)" or "WIMD 2019 Overall
Decile") are accepted as well as the short names; rows for areas that are not
the organisation's are skipped and counted. Any problem raises one error
listing up to 50, each naming its row and column; nothing is written here
(`services.lookups` saves what the check returns). See docs/area-lookups.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import IO, TYPE_CHECKING

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from coproduce.apps.core.tabular import (
    TabularFileError,
    UploadProblems,
)
from coproduce.apps.organisations.errors import (
    DeprivationIndexError,
)
from coproduce.apps.organisations.models import Area, Nation, Organisation
from coproduce.apps.organisations.services.lookup_files import (
    AREA_CODE,
    DECILE,
    GSS_CODE,
    MAX_DEPRIVATION_ROWS,
    MAX_INTEGER,
    NATION_OF_LETTER,
    NEGATIVE_NUMBER,
    RANK,
    RESIDENTS,
    Header,
    cell_text,
    find_columns,
    read_header,
    read_rows,
    shown,
    whole_number,
)

if TYPE_CHECKING:
    pass


@dataclass(frozen=True)
class DecileCell:
    """One checked row of a deprivation file, for one of the organisation's areas."""

    row: int
    area: Area
    decile: int
    rank: int | None
    residents: int | None


@dataclass(frozen=True)
class DeprivationFile:
    cells: list[DecileCell]
    n_skipped_rows: int


class _DecileChecker:
    def __init__(
        self,
        *,
        organisation: Organisation,
        nation: str,
        header: Header,
        problems: UploadProblems,
    ) -> None:
        self.header = header
        self.problems = problems
        self.nation = nation
        self.areas_by_code = {
            area.code.upper(): area
            for area in Area.objects.filter(organisation=organisation)
        }
        self.first: dict[int, DecileCell] = {}
        self.n_skipped = 0
        self.skipped_examples: list[str] = []

    def check(self, number: int, row: list[str]) -> DecileCell | None:
        code = cell_text(row, self.header, AREA_CODE)
        if not code:
            self.problems.at(
                number,
                self.header.heading(AREA_CODE),
                _("enter the area's official code."),
            )
            return None
        area = self.areas_by_code.get(code.upper())
        if area is None:
            # A national file holds every small area of the nation: rows for
            # other organisations' areas are skipped, not errors.
            self.n_skipped += 1
            if len(self.skipped_examples) < 3:
                self.skipped_examples.append(shown(code))
            return None
        n_before = self.problems.n
        self._check_nation(number, area)
        decile = self._decile(number, row)
        rank = self._optional_number(number, row, RANK, minimum=1)
        residents = self._optional_number(number, row, RESIDENTS, minimum=0)
        if self.problems.n > n_before or decile is None:
            return None
        cell = DecileCell(number, area, decile, rank, residents)
        first = self.first.setdefault(area.pk, cell)
        if first is cell:
            return cell
        if (first.decile, first.rank, first.residents) != (decile, rank, residents):
            self.problems.at(
                number,
                self.header.heading(AREA_CODE),
                _(
                    "area %(code)s is on row %(first)s too, with different values. "
                    "Give each area one row."
                )
                % {"code": area.code, "first": first.row},
            )
        return None  # the same values twice: keep the first row only

    def _check_nation(self, number: int, area: Area) -> None:
        code = area.code.upper()
        if not GSS_CODE.match(code):
            return
        nation = NATION_OF_LETTER[code[0]]
        if nation != self.nation:
            self.problems.at(
                number,
                self.header.heading(AREA_CODE),
                _(
                    "%(code)s is an area in %(area_nation)s, but this index is for "
                    "%(nation)s. Deciles rank areas within one nation only: upload "
                    "each nation's index separately."
                )
                % {
                    "code": area.code,
                    "area_nation": nation.label,
                    "nation": Nation(self.nation).label,
                },
            )

    def _decile(self, number: int, row: list[str]) -> int | None:
        typed = cell_text(row, self.header, DECILE)
        column = self.header.heading(DECILE)
        if not typed:
            self.problems.at(
                number,
                column,
                _(
                    "enter the decile, a whole number from 1 (the most deprived "
                    "10%%) to 10."
                )
                % {},
            )
            return None
        value = whole_number(typed)
        if value is None or not 1 <= value <= 10:
            self.problems.at(
                number,
                column,
                _(
                    "'%(value)s' is not a decile. Use a whole number from 1 (the "
                    "most deprived 10%%) to 10."
                )
                % {"value": shown(typed)},
            )
            return None
        return value

    def _optional_number(
        self, number: int, row: list[str], name: str, *, minimum: int
    ) -> int | None:
        typed = cell_text(row, self.header, name)
        if not typed:
            return None
        column = self.header.heading(name)
        if NEGATIVE_NUMBER.match(typed) and name == RESIDENTS:
            self.problems.at(
                number,
                column,
                _("'%(value)s' is negative. The number of residents is 0 or more.")
                % {"value": shown(typed)},
            )
            return None
        value = whole_number(typed)
        if value is None or value < minimum or value > MAX_INTEGER:
            self.problems.at(
                number,
                column,
                _("'%(value)s' is not a whole number of %(minimum)s or more.")
                % {"value": shown(typed), "minimum": minimum},
            )
            return None
        return value


_DEPRIVATION_COLUMNS_TEXT = gettext_lazy(
    "area_code and decile (rank and residents are optional)"
)


def deprivation_file_check(
    *, organisation: Organisation, nation: str, file: IO[bytes], filename: str
) -> DeprivationFile:
    """Check a deprivation file; return the rows for the organisation's areas.

    Rows for codes that are not areas of the organisation are skipped and
    counted. Raises DeprivationIndexError naming up to 50 problems.
    """
    problems = UploadProblems()
    try:
        rows = read_rows(file, filename, problems, DeprivationIndexError)
        header_row = read_header(rows, DeprivationIndexError, _DEPRIVATION_COLUMNS_TEXT)
        header = find_columns(
            header_row,
            required=(AREA_CODE, DECILE),
            optional=(RANK, RESIDENTS),
            interchangeable=frozenset(),
            columns_text=_DEPRIVATION_COLUMNS_TEXT,
            problems=problems,
        )
        if problems.n:
            raise problems.error(DeprivationIndexError)
        checker = _DecileChecker(
            organisation=organisation, nation=nation, header=header, problems=problems
        )
        cells: list[DecileCell] = []
        n_rows = 0
        for number, row in enumerate(rows, start=2):
            if not any(cell.strip() for cell in row):
                continue
            n_rows += 1
            if n_rows > MAX_DEPRIVATION_ROWS:
                raise DeprivationIndexError(
                    _(
                        "The file has more than %(limit)s rows. A national index "
                        "has fewer: check that it is the right file."
                    )
                    % {"limit": f"{MAX_DEPRIVATION_ROWS:,}"},
                    field="file",
                )
            cell = checker.check(number, row)
            if cell is not None:
                cells.append(cell)
    except TabularFileError as exc:
        raise DeprivationIndexError(exc.messages, field="file") from None
    if not n_rows:
        raise DeprivationIndexError(
            _("The file has a header row but no areas."), field="file"
        )
    if not problems.n and not checker.first:
        examples = sorted(checker.areas_by_code)[:3]
        problems.add(
            _(
                "None of the %(count)s area codes in the file (such as %(file_codes)s) "
                "is the code of one of your areas (such as %(your_codes)s). Check "
                "that the file is for the right nation and small areas, and that "
                "your areas have their official codes."
            )
            % {
                "count": f"{checker.n_skipped:,}",
                "file_codes": ", ".join(checker.skipped_examples),
                "your_codes": ", ".join(examples) or _("none yet"),
            }
        )
    if problems.n:
        raise problems.error(DeprivationIndexError)
    return DeprivationFile(cells=cells, n_skipped_rows=checker.n_skipped)
