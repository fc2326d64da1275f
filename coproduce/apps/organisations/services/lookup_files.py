"""Checking area lookup files: deprivation deciles and postcode → area, CSV or XLSX.

A deprivation file has one row per small area:

    area_code,decile,rank,residents
    W01001234,1,57,1620

A postcode lookup file has one row per postcode (full unit, sector or district):

    postcode,area_code
    CF10 1AA,W01001234

Each check reads the whole file and checks every row; any problem raises one
error listing up to 50 problems, each naming its row and column. The checks
write nothing: `services.lookups` saves what they return. The official file
headings (for example "LSOA code (2011)" or "WIMD 2019 Overall Decile") are
accepted as well as the short names. See docs/area-lookups.md.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO, TYPE_CHECKING

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from coproduce.apps.core.tabular import (
    TabularFileError,
    UploadProblems,
    file_kind,
    max_import_bytes,
    read_table,
)
from coproduce.apps.organisations.errors import (
    DeprivationIndexError,
    PostcodeLookupError,
)
from coproduce.apps.organisations.models import Area, Nation, Organisation
from coproduce.apps.organisations.postcodes import (
    is_postcode_district,
    is_postcode_prefix,
    postcode_compact,
)
from coproduce.errors import DomainError

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# A national index has ~35,000 small areas (England); leave room for revisions.
MAX_DEPRIVATION_ROWS = 100_000
# A large county has a few hundred thousand postcodes.
MAX_POSTCODE_ROWS = 1_000_000
# The largest value a PositiveIntegerField holds on every database.
_MAX_INTEGER = 2_147_483_647
# Values quoted back in messages are cut to this many characters.
_SHOWN_LENGTH = 40

AREA_CODE = "area_code"
DECILE = "decile"
RANK = "rank"
RESIDENTS = "residents"
POSTCODE = "postcode"

# Official headings, compared after `_header_key` (lower case, punctuation to
# spaces). Sources: the English Indices of Deprivation 2019 files ("LSOA code
# (2011)", "Index of Multiple Deprivation (IMD) Decile (where 1 is most deprived
# 10% of LSOAs)", "Total population: mid 2015 (excluding prisoners)"), WIMD
# ("LSOA code", "WIMD 2019 Overall Decile"), SIMD ("Data_Zone",
# "SIMD2020v2_Decile") and NIMDM ("SOA2001", "Multiple Deprivation Measure Rank
# (where 1 is most deprived)"). The short names always win over these.
_INDEX_PREFIX = (
    r"(?:(?:index of multiple deprivation )?imd|wimd(?: ?\d{4})?(?: overall)?"
    r"|simd ?\d{4}(?: ?v\d)?|(?:nimdm ?\d{4} )?(?:multiple deprivation measure|mdm)"
    r"|overall)? ?"
)
_ALIASES: dict[str, re.Pattern[str]] = {
    AREA_CODE: re.compile(
        r"^(?:lsoa|soa|data ?zone|dz)(?: ?\d{2,4})?(?: ?(?:code|cd))?(?: ?\d{4})?$"
    ),
    DECILE: re.compile(rf"^{_INDEX_PREFIX}decile(?: where .*)?$"),
    RANK: re.compile(rf"^{_INDEX_PREFIX}rank(?: where .*)?$"),
    RESIDENTS: re.compile(r"^(?:population|usual residents|total population(?: .*)?)$"),
    POSTCODE: re.compile(r"^(?:post code|pcds|pcd ?\d?)$"),
}

# The first letter of an official (GSS) code names its nation: E01… is an
# English LSOA, W01… a Welsh one, S01… a Scottish data zone.
_GSS_CODE = re.compile(r"^[EWSN][0-9]{8}$")
_NATION_OF_LETTER = {
    "E": Nation.ENGLAND,
    "W": Nation.WALES,
    "S": Nation.SCOTLAND,
    "N": Nation.NORTHERN_IRELAND,
}
_WHOLE_NUMBER = re.compile(r"^[0-9]+(?:\.0+)?$")
_WITH_THOUSANDS = re.compile(r"^[0-9]{1,3}(?:,[0-9]{3})+$")
_NEGATIVE_NUMBER = re.compile(r"^-[0-9]+(?:[.,][0-9]+)*$")


def _header_key(text: str) -> str:
    """A heading compared loosely: "LSOA code (2011)" → "lsoa code 2011"."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return " ".join("".join(c if c.isalnum() else " " for c in folded).split())


def _shown(value: str) -> str:
    """A value as quoted back in a message: cut short if it is very long."""
    if len(value) <= _SHOWN_LENGTH:
        return value
    return value[: _SHOWN_LENGTH - 1] + "…"


def _whole_number(text: str) -> int | None:
    """A whole number of 0 or more ("1234", "1,234", "12.0"), else None."""
    if len(text) > _SHOWN_LENGTH:
        return None  # far beyond any count, and slow to convert
    if _WHOLE_NUMBER.match(text):
        return int(text.split(".")[0])
    if _WITH_THOUSANDS.match(text):
        return int(text.replace(",", ""))
    return None


@dataclass
class _Header:
    """Where each column is, and the heading the file gives it (for messages)."""

    positions: dict[str, int] = field(default_factory=dict)
    headings: dict[str, str] = field(default_factory=dict)

    def heading(self, name: str) -> str:
        return self.headings.get(name, name)


def _find_columns(
    header: list[str],
    *,
    required: tuple[str, ...],
    optional: tuple[str, ...],
    interchangeable: frozenset[str],
    columns_text: StrOrPromise,
    problems: UploadProblems,
) -> _Header:
    """Match the header row to the columns, by short name first, then by alias.

    A column named exactly (area_code) wins over official headings. Several
    official headings for one column are a problem, because they may hold
    different codes (the postcode directory has lsoa11 and lsoa21), unless the
    column is `interchangeable` (pcd and pcds are one postcode written two ways).
    """
    found = _Header()
    keys = [_header_key(raw) for raw in header]
    for name in (*required, *optional):
        exact = [i for i, key in enumerate(keys) if key == _header_key(name)]
        if len(exact) > 1:
            problems.at(1, name, _("the column appears more than once. Keep only one."))
        if exact:
            found.positions[name] = exact[0]
            found.headings[name] = header[exact[0]].strip()
            continue
        aliases = [i for i, key in enumerate(keys) if _ALIASES[name].match(key)]
        if len(aliases) > 1 and name not in interchangeable:
            problems.add(
                _(
                    "Row 1: more than one column could be '%(name)s' (%(columns)s). "
                    "Rename the one to use to %(name)s, or delete the others."
                )
                % {
                    "name": name,
                    "columns": ", ".join(
                        f"'{_shown(header[i].strip())}'" for i in aliases
                    ),
                }
            )
        if aliases:
            found.positions[name] = aliases[0]
            found.headings[name] = _shown(header[aliases[0]].strip())
    missing = [name for name in required if name not in found.positions]
    if missing:
        problems.add(
            _(
                "Row 1: the file has no column %(missing)s. The first row must name "
                "the columns %(required)s."
            )
            % {
                "missing": ", ".join(f"'{name}'" for name in missing),
                "required": columns_text,
            }
        )
    return found


def _rows(
    file: IO[bytes],
    filename: str,
    problems: UploadProblems,
    error_class: type[DomainError],
) -> Iterator[list[str]]:
    if not file_kind(filename):
        raise error_class(
            _("The selected file must be a CSV or XLSX file."), field="file"
        )
    if hasattr(file, "seek"):
        file.seek(0)  # a form may have read the upload already
    content = file.read(max_import_bytes() + 1)

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


def _header_row(
    rows: Iterator[list[str]], error_class: type[DomainError], columns: StrOrPromise
) -> list[str]:
    header = next(rows, None)
    if header is None or not any(cell.strip() for cell in header):
        raise error_class(
            _("The file is empty. The first row must name the columns %(columns)s.")
            % {"columns": columns},
            field="file",
        )
    return header


def _cell(row: list[str], header: _Header, name: str) -> str:
    index = header.positions.get(name)
    if index is None or index >= len(row):
        return ""
    return row[index].strip()


# --- deprivation deciles -------------------------------------------------------------


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
        header: _Header,
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
        code = _cell(row, self.header, AREA_CODE)
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
                self.skipped_examples.append(_shown(code))
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
        if not _GSS_CODE.match(code):
            return
        nation = _NATION_OF_LETTER[code[0]]
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
        typed = _cell(row, self.header, DECILE)
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
        value = _whole_number(typed)
        if value is None or not 1 <= value <= 10:
            self.problems.at(
                number,
                column,
                _(
                    "'%(value)s' is not a decile. Use a whole number from 1 (the "
                    "most deprived 10%%) to 10."
                )
                % {"value": _shown(typed)},
            )
            return None
        return value

    def _optional_number(
        self, number: int, row: list[str], name: str, *, minimum: int
    ) -> int | None:
        typed = _cell(row, self.header, name)
        if not typed:
            return None
        column = self.header.heading(name)
        if _NEGATIVE_NUMBER.match(typed) and name == RESIDENTS:
            self.problems.at(
                number,
                column,
                _("'%(value)s' is negative. The number of residents is 0 or more.")
                % {"value": _shown(typed)},
            )
            return None
        value = _whole_number(typed)
        if value is None or value < minimum or value > _MAX_INTEGER:
            self.problems.at(
                number,
                column,
                _("'%(value)s' is not a whole number of %(minimum)s or more.")
                % {"value": _shown(typed), "minimum": minimum},
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
        rows = _rows(file, filename, problems, DeprivationIndexError)
        header_row = _header_row(rows, DeprivationIndexError, _DEPRIVATION_COLUMNS_TEXT)
        header = _find_columns(
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


# --- postcode lookup -----------------------------------------------------------------


@dataclass(frozen=True)
class PostcodeFile:
    """Compact postcode prefix → area id, and how many rows repeated a postcode."""

    area_of_prefix: dict[str, int]
    n_repeated_rows: int


_POSTCODE_COLUMNS_TEXT = gettext_lazy("postcode and area_code")


def postcode_file_check(
    *, organisation: Organisation, file: IO[bytes], filename: str
) -> PostcodeFile:
    """Check a postcode lookup file; return each compact postcode's area.

    Raises PostcodeLookupError naming up to 50 problems.
    """
    problems = UploadProblems()
    area_ids = {
        code.upper(): pk
        for pk, code in Area.objects.filter(organisation=organisation).values_list(
            "pk", "code"
        )
    }
    codes = {pk: code for code, pk in area_ids.items()}
    try:
        rows = _rows(file, filename, problems, PostcodeLookupError)
        header_row = _header_row(rows, PostcodeLookupError, _POSTCODE_COLUMNS_TEXT)
        header = _find_columns(
            header_row,
            required=(POSTCODE, AREA_CODE),
            optional=(),
            interchangeable=frozenset({POSTCODE}),
            columns_text=_POSTCODE_COLUMNS_TEXT,
            problems=problems,
        )
        if problems.n:
            raise problems.error(PostcodeLookupError)
        postcode_column = header.heading(POSTCODE)
        area_column = header.heading(AREA_CODE)
        area_of_prefix: dict[str, int] = {}
        first_row: dict[str, int] = {}
        n_rows = n_repeated = 0
        for number, row in enumerate(rows, start=2):
            if not any(cell.strip() for cell in row):
                continue
            n_rows += 1
            if n_rows > MAX_POSTCODE_ROWS:
                raise PostcodeLookupError(
                    _(
                        "The file has more than %(limit)s rows. Keep only the "
                        "postcodes in your areas."
                    )
                    % {"limit": f"{MAX_POSTCODE_ROWS:,}"},
                    field="file",
                )
            typed = _cell(row, header, POSTCODE)
            prefix = _postcode_prefix(number, typed, postcode_column, problems)
            code = _cell(row, header, AREA_CODE)
            area_id = area_ids.get(code.upper()) if code else None
            if not code:
                problems.at(number, area_column, _("enter the area's official code."))
            elif area_id is None:
                problems.at(
                    number,
                    area_column,
                    _(
                        "'%(value)s' is not the code of one of your areas. Add the "
                        "area first, or correct the code."
                    )
                    % {"value": _shown(code)},
                )
            if prefix is None or area_id is None:
                continue
            earlier = area_of_prefix.setdefault(prefix, area_id)
            if prefix not in first_row:
                first_row[prefix] = number
            elif earlier == area_id:
                n_repeated += 1  # the same postcode and area twice: keep one
            else:
                problems.at(
                    number,
                    postcode_column,
                    _(
                        "%(postcode)s is on row %(first)s too, in area %(first_code)s, "
                        "but here in area %(code)s. A postcode can be in one area "
                        "only."
                    )
                    % {
                        "postcode": _shown(typed),
                        "first": first_row[prefix],
                        "first_code": codes[earlier],
                        "code": codes[area_id],
                    },
                )
    except TabularFileError as exc:
        raise PostcodeLookupError(exc.messages, field="file") from None
    if not n_rows:
        raise PostcodeLookupError(
            _("The file has a header row but no postcodes."), field="file"
        )
    if problems.n:
        raise problems.error(PostcodeLookupError)
    return PostcodeFile(area_of_prefix=area_of_prefix, n_repeated_rows=n_repeated)


def _postcode_prefix(
    number: int, typed: str, column: str, problems: UploadProblems
) -> str | None:
    if not typed:
        problems.at(number, column, _("enter a postcode."))
        return None
    prefix = postcode_compact(typed)
    if not is_postcode_prefix(prefix):
        problems.at(
            number,
            column,
            _(
                "'%(value)s' is not a postcode. Enter a full postcode (CF10 1AA), "
                "a postcode sector (CF10 1) or a postcode district (CF10)."
            )
            % {"value": _shown(typed)},
        )
        return None
    _outward, _space, inward = " ".join(typed.split()).partition(" ")
    if len(inward) == 1 and is_postcode_district(prefix):
        # Without its space, sector "B1 1" reads as district "B11": stored
        # compact, the two could not be told apart.
        problems.at(
            number,
            column,
            _(
                "sector %(value)s would be confused with district %(district)s. "
                "List the full postcodes of this sector instead."
            )
            % {"value": _shown(typed), "district": prefix},
        )
        return None
    return prefix
