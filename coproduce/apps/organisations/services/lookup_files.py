"""Reading area lookup files, shared by the deprivation and postcode checks.

The checks themselves are in `deprivation_file.py` and `postcode_file.py`.

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

from coproduce.apps.core.tabular import (
    UploadProblems,
    file_kind,
    max_import_bytes,
    read_table,
)
from coproduce.apps.organisations.models import Nation
from coproduce.errors import DomainError

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# A national index has ~35,000 small areas (England); leave room for revisions.
MAX_DEPRIVATION_ROWS = 100_000
# A large county has a few hundred thousand postcodes.
MAX_POSTCODE_ROWS = 1_000_000
# The largest value a PositiveIntegerField holds on every database.
MAX_INTEGER = 2_147_483_647
# Values quoted back in messages are cut to this many characters.
SHOWN_LENGTH = 40

AREA_CODE = "area_code"
DECILE = "decile"
RANK = "rank"
RESIDENTS = "residents"
POSTCODE = "postcode"

# Official headings, compared after `header_key` (lower case, punctuation to
# spaces). Sources: the English Indices of Deprivation 2019 files ("LSOA code
# (2011)", "Index of Multiple Deprivation (IMD) Decile (where 1 is most deprived
# 10% of LSOAs)", "Total population: mid 2015 (excluding prisoners)"), WIMD
# ("LSOA code", "WIMD 2019 Overall Decile"), SIMD ("Data_Zone",
# "SIMD2020v2_Decile") and NIMDM ("SOA2001", "Multiple Deprivation Measure Rank
# (where 1 is most deprived)"). The short names always win over these.
INDEX_PREFIX = (
    r"(?:(?:index of multiple deprivation )?imd|wimd(?: ?\d{4})?(?: overall)?"
    r"|simd ?\d{4}(?: ?v\d)?|(?:nimdm ?\d{4} )?(?:multiple deprivation measure|mdm)"
    r"|overall)? ?"
)
_ALIASES: dict[str, re.Pattern[str]] = {
    AREA_CODE: re.compile(
        r"^(?:lsoa|soa|data ?zone|dz)(?: ?\d{2,4})?(?: ?(?:code|cd))?(?: ?\d{4})?$"
    ),
    DECILE: re.compile(rf"^{INDEX_PREFIX}decile(?: where .*)?$"),
    RANK: re.compile(rf"^{INDEX_PREFIX}rank(?: where .*)?$"),
    RESIDENTS: re.compile(r"^(?:population|usual residents|total population(?: .*)?)$"),
    POSTCODE: re.compile(r"^(?:post code|pcds|pcd ?\d?)$"),
}

# The first letter of an official (GSS) code names its nation: E01… is an
# English LSOA, W01… a Welsh one, S01… a Scottish data zone.
GSS_CODE = re.compile(r"^[EWSN][0-9]{8}$")
NATION_OF_LETTER = {
    "E": Nation.ENGLAND,
    "W": Nation.WALES,
    "S": Nation.SCOTLAND,
    "N": Nation.NORTHERN_IRELAND,
}
WHOLE_NUMBER = re.compile(r"^[0-9]+(?:\.0+)?$")
WITH_THOUSANDS = re.compile(r"^[0-9]{1,3}(?:,[0-9]{3})+$")
NEGATIVE_NUMBER = re.compile(r"^-[0-9]+(?:[.,][0-9]+)*$")


def header_key(text: str) -> str:
    """A heading compared loosely: "LSOA code (2011)" → "lsoa code 2011"."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return " ".join("".join(c if c.isalnum() else " " for c in folded).split())


def shown(value: str) -> str:
    """A value as quoted back in a message: cut short if it is very long."""
    if len(value) <= SHOWN_LENGTH:
        return value
    return value[: SHOWN_LENGTH - 1] + "…"


def whole_number(text: str) -> int | None:
    """A whole number of 0 or more ("1234", "1,234", "12.0"), else None."""
    if len(text) > SHOWN_LENGTH:
        return None  # far beyond any count, and slow to convert
    if WHOLE_NUMBER.match(text):
        return int(text.split(".")[0])
    if WITH_THOUSANDS.match(text):
        return int(text.replace(",", ""))
    return None


@dataclass
class Header:
    """Where each column is, and the heading the file gives it (for messages)."""

    positions: dict[str, int] = field(default_factory=dict)
    headings: dict[str, str] = field(default_factory=dict)

    def heading(self, name: str) -> str:
        return self.headings.get(name, name)


def find_columns(
    header: list[str],
    *,
    required: tuple[str, ...],
    optional: tuple[str, ...],
    interchangeable: frozenset[str],
    columns_text: StrOrPromise,
    problems: UploadProblems,
) -> Header:
    """Match the header row to the columns, by short name first, then by alias.

    A column named exactly (area_code) wins over official headings. Several
    official headings for one column are a problem, because they may hold
    different codes (the postcode directory has lsoa11 and lsoa21), unless the
    column is `interchangeable` (pcd and pcds are one postcode written two ways).
    """
    found = Header()
    keys = [header_key(raw) for raw in header]
    for name in (*required, *optional):
        exact = [i for i, key in enumerate(keys) if key == header_key(name)]
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
                        f"'{shown(header[i].strip())}'" for i in aliases
                    ),
                }
            )
        if aliases:
            found.positions[name] = aliases[0]
            found.headings[name] = shown(header[aliases[0]].strip())
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


def read_rows(
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


def read_header(
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


def cell_text(row: list[str], header: Header, name: str) -> str:
    index = header.positions.get(name)
    if index is None or index >= len(row):
        return ""
    return row[index].strip()
