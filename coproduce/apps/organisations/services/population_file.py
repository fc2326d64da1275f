"""Checking a population profile file: census margins per area, CSV or XLSX.

The file is in long format, one row per area, characteristic and category:

    area_code,characteristic,category,count
    W05000001,age_band,16 to 24,1234

`product_rows_check` checks every row of such a file; `services.census_file`
reads ONS Census 2021 tables, and `services.population_files` checks a whole
upload of one or more files, raising one error that lists up to 50 problems,
each naming its row and column. Nothing here writes:
`services.population.population_profile_import` saves the checked cells. See
docs/population-profiles.md.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from django.utils import translation
from django.utils.translation import gettext as _

from coproduce.apps.core.about_you import ABOUT_YOU_FIELDS, PREFER_NOT_TO_SAY
from coproduce.apps.core.tabular import (
    UploadProblems,
    file_kind,
    read_table,
)
from coproduce.apps.organisations.errors import PopulationProfileError
from coproduce.apps.organisations.models import (
    Area,
    Organisation,
)

# Every LSOA of a large county × every category of six characteristics fits.
MAX_ROWS = 200_000
# Margins of one area must count the same residents; rounding and small-number
# perturbation in published census tables stay well inside 0.5 % (spec §8).
TOTALS_TOLERANCE = 0.005
# The largest value a PositiveBigIntegerField holds.
_MAX_COUNT = 2**63 - 1

AREA_CODE = "area_code"
CHARACTERISTIC = "characteristic"
CATEGORY = "category"
COUNT = "count"
COLUMNS = (AREA_CODE, CHARACTERISTIC, CATEGORY, COUNT)

_WHOLE_NUMBER = re.compile(r"^[0-9]+$")


def whole_number(typed: str) -> int | None:
    """A count typed as digits only, or None (negative, decimal, too big, text)."""
    if not _WHOLE_NUMBER.match(typed) or int(typed) > _MAX_COUNT:
        return None
    return int(typed)


def _normalise_label(text: str) -> str:
    """NFC, case-folded, trimmed, inner runs of white space made single spaces."""
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


def _normalise_name(text: str) -> str:
    """A column or characteristic name: "Area code" and "AREA_CODE" both match."""
    return "_".join(_normalise_label(text).replace("-", " ").split())


@functools.cache
def _english_labels(characteristic: str) -> dict[str, str]:
    """Normalised category value and English label → category value, without PNTS.

    Cached: English labels never change at run time, and a file may have
    200,000 rows.
    """
    lookup: dict[str, str] = {}
    with translation.override("en"):
        for value, label in ABOUT_YOU_FIELDS[characteristic].choices:
            if value == PREFER_NOT_TO_SAY:
                continue
            lookup[_normalise_label(str(value))] = str(value)
            lookup[_normalise_label(str(label))] = str(value)
    return lookup


def _is_prefer_not_to_say(characteristic: str, label: str) -> bool:
    choices = ABOUT_YOU_FIELDS[characteristic]
    with translation.override("en"):
        english = str(choices(PREFER_NOT_TO_SAY).label)
    return _normalise_label(label) in {
        _normalise_label(PREFER_NOT_TO_SAY),
        _normalise_label(english),
    }


def population_category_match(
    *,
    characteristic: str,
    label: str,
    saved_labels: Mapping[str, str] | None = None,
) -> str | None:
    """The product's category value that `label` names for `characteristic`, or None.

    Accepts the category value ("16_24") or its English label ("16 to 24"),
    compared after NFC normalisation, case folding and trimming. `saved_labels`
    maps further normalised labels to category values (for example an
    organisation's mapping of ONS bulk-table labels); it is consulted first.
    "Prefer not to say" never matches: no census counts it.
    """
    if characteristic not in ABOUT_YOU_FIELDS:
        return None
    normalised = _normalise_label(label)
    if saved_labels:
        mapped = saved_labels.get(normalised)
        if mapped is not None and mapped != PREFER_NOT_TO_SAY:
            return mapped
    return _english_labels(characteristic).get(normalised)


# --- checking the file ------------------------------------------------------------


@dataclass(frozen=True)
class MarginCell:
    row: int
    area: Area
    characteristic: str
    category: str
    count: int


def _header_positions(header: list[str], problems: UploadProblems) -> dict[str, int]:
    positions: dict[str, int] = {}
    for index, raw in enumerate(header):
        name = _normalise_name(raw)
        if name not in COLUMNS:
            continue  # extra columns (notes, labels) are allowed and ignored
        if name in positions:
            problems.at(1, name, _("the column appears more than once. Keep only one."))
        positions.setdefault(name, index)
    missing = [name for name in COLUMNS if name not in positions]
    if missing:
        problems.add(
            _(
                "Row 1: the file has no column %(missing)s. The first row must name "
                "the columns area_code, characteristic, category and count."
            )
            % {"missing": ", ".join(f"'{name}'" for name in missing)}
        )
    return positions


class _RowChecker:
    def __init__(self, organisation: Organisation, positions: dict[str, int]) -> None:
        self.positions = positions
        self.areas_by_code = {
            area.code.upper(): area
            for area in Area.objects.filter(organisation=organisation)
        }
        self.characteristics = {
            _normalise_name(name): name for name in ABOUT_YOU_FIELDS
        }
        self.first_row_of: dict[tuple[int, str, str], int] = {}

    def cell(self, row: list[str], name: str) -> str:
        index = self.positions[name]
        return row[index].strip() if index < len(row) else ""

    def check(
        self, number: int, row: list[str], problems: UploadProblems
    ) -> MarginCell | None:
        n_before = problems.n
        area = self._area(number, row, problems)
        characteristic = self._characteristic(number, row, problems)
        category = (
            self._category(number, row, characteristic, problems)
            if characteristic is not None
            else None
        )
        count = self._count(number, row, problems)
        if (
            problems.n > n_before
            or area is None
            or characteristic is None
            or category is None
            or count is None
        ):
            return None
        key = (area.pk, characteristic, category)
        first = self.first_row_of.setdefault(key, number)
        if first != number:
            problems.at(
                number,
                CATEGORY,
                _(
                    "area %(code)s already has a count for %(characteristic)s "
                    "'%(category)s' on row %(first)s. Give each category one row."
                )
                % {
                    "code": area.code,
                    "characteristic": characteristic,
                    "category": category,
                    "first": first,
                },
            )
            return None
        return MarginCell(number, area, characteristic, category, count)

    def _area(
        self, number: int, row: list[str], problems: UploadProblems
    ) -> Area | None:
        code = self.cell(row, AREA_CODE)
        if not code:
            problems.at(number, AREA_CODE, _("enter the area's official code."))
            return None
        area = self.areas_by_code.get(code.upper())
        if area is None:
            problems.at(
                number,
                AREA_CODE,
                _(
                    "'%(value)s' is not the code of one of your areas. Add the area "
                    "first, or correct the code."
                )
                % {"value": code},
            )
        return area

    def _characteristic(
        self, number: int, row: list[str], problems: UploadProblems
    ) -> str | None:
        typed = self.cell(row, CHARACTERISTIC)
        characteristic = self.characteristics.get(_normalise_name(typed))
        if characteristic is None:
            problems.at(
                number,
                CHARACTERISTIC,
                _("'%(value)s' is not a characteristic. Use one of %(allowed)s.")
                % {"value": typed, "allowed": ", ".join(ABOUT_YOU_FIELDS)},
            )
        return characteristic

    def _category(
        self,
        number: int,
        row: list[str],
        characteristic: str,
        problems: UploadProblems,
    ) -> str | None:
        typed = self.cell(row, CATEGORY)
        category = population_category_match(characteristic=characteristic, label=typed)
        if category is not None:
            return category
        if _is_prefer_not_to_say(characteristic, typed):
            problems.at(
                number,
                CATEGORY,
                _("'Prefer not to say' is not a population category. Remove the row."),
            )
            return None
        with translation.override("en"):
            allowed = ", ".join(
                str(label)
                for value, label in ABOUT_YOU_FIELDS[characteristic].choices
                if value != PREFER_NOT_TO_SAY
            )
        problems.at(
            number,
            CATEGORY,
            _(
                "'%(value)s' is not a category of %(characteristic)s. Use one of "
                "%(allowed)s."
            )
            % {"value": typed, "characteristic": characteristic, "allowed": allowed},
        )
        return None

    def _count(
        self, number: int, row: list[str], problems: UploadProblems
    ) -> int | None:
        typed = self.cell(row, COUNT)
        count = whole_number(typed)
        if count is None:
            problems.at(
                number,
                COUNT,
                _("'%(value)s' is not a whole number of 0 or more, like 1234.")
                % {"value": typed},
            )
        return count


def cell_totals(cells: list[MarginCell]) -> dict[Area, dict[str, int]]:
    """Residents per area and characteristic: the sum of the cells' counts."""
    totals: dict[Area, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for cell in cells:
        totals[cell.area][cell.characteristic] += cell.count
    return totals


def check_totals(totals: dict[Area, dict[str, int]], problems: UploadProblems) -> None:
    """Each area's characteristics must add up to the same residents, within 0.5 %.

    `totals` holds, per area and characteristic, every resident the file
    counts: an ONS table's rows left out of the profile ("Does not apply")
    still count here, because the table's categories together cover everyone.
    """
    order = list(ABOUT_YOU_FIELDS)
    for area, by_characteristic in totals.items():
        # Compare against the largest total: a characteristic short of it has
        # lost residents (a missing category, a different age base).
        reference = max(
            by_characteristic, key=lambda c: (by_characteristic[c], -order.index(c))
        )
        expected = by_characteristic[reference]
        for characteristic in sorted(by_characteristic, key=order.index):
            total = by_characteristic[characteristic]
            if expected - total > TOTALS_TOLERANCE * expected:
                problems.add(
                    _(
                        "Area %(code)s, column 'count': the counts for "
                        "%(characteristic)s add up to %(total)s but those for "
                        "%(reference)s add up to %(expected)s, more than 0.5%% "
                        "apart. Every characteristic must count the same "
                        "residents: check for a missing category or a different "
                        "age base."
                    )
                    % {
                        "code": area.code,
                        "characteristic": characteristic,
                        "total": f"{total:,}",
                        "reference": reference,
                        "expected": f"{expected:,}",
                    }
                )


def read_rows(
    content: bytes, filename: str, problems: UploadProblems
) -> Iterator[list[str]]:
    """Rows of one uploaded file; formula cells are reported to `problems`."""
    if not file_kind(filename):
        raise PopulationProfileError(
            _("The selected file must be a CSV or XLSX file."), field="file"
        )

    def on_formula(number: int, column: str, coordinate: str) -> None:
        problems.at(
            number,
            column,
            _(
                "cell %(cell)s contains a formula. Type the value itself instead "
                "of a formula."
            )
            % {"cell": coordinate},
        )

    return read_table(content, filename=filename, on_formula=on_formula)


def too_many_rows() -> PopulationProfileError:
    return PopulationProfileError(
        _("The file has more than %(limit)s rows. Split it into smaller profiles.")
        % {"limit": f"{MAX_ROWS:,}"},
        field="file",
    )


def product_rows_check(
    *,
    organisation: Organisation,
    header: list[str],
    rows: Iterator[list[str]],
    problems: UploadProblems,
) -> list[MarginCell]:
    """Check the rows of a file in the product's own format (after its header).

    UploadProblems go to `problems`; the valid rows come back as cells. Raises
    PopulationProfileError for a file that is too long or has no counts.
    """
    positions = _header_positions(header, problems)
    if problems.n:
        return []
    checker = _RowChecker(organisation, positions)
    cells: list[MarginCell] = []
    n_rows = 0
    for number, row in enumerate(rows, start=2):
        if not any(cell.strip() for cell in row):
            continue
        n_rows += 1
        if n_rows > MAX_ROWS:
            raise too_many_rows()
        cell = checker.check(number, row, problems)
        if cell is not None:
            cells.append(cell)
    if not n_rows:
        raise PopulationProfileError(
            _("The file has a header row but no counts."), field="file"
        )
    return cells
