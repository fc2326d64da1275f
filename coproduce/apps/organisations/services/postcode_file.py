"""Checking a postcode lookup file: one row per postcode (unit, sector or district).

    postcode,area_code
    CF10 1AA,W01001234

Any problem raises one error listing up to 50, each naming its row and column;
nothing is written here (`services.lookups` saves what the check returns). See
docs/area-lookups.md.
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
    PostcodeLookupError,
)
from coproduce.apps.organisations.models import Area, Organisation
from coproduce.apps.organisations.postcodes import (
    is_postcode_district,
    is_postcode_prefix,
    postcode_compact,
)
from coproduce.apps.organisations.services.lookup_files import (
    AREA_CODE,
    MAX_POSTCODE_ROWS,
    POSTCODE,
    cell_text,
    find_columns,
    read_header,
    read_rows,
    shown,
)

if TYPE_CHECKING:
    pass


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
        rows = read_rows(file, filename, problems, PostcodeLookupError)
        header_row = read_header(rows, PostcodeLookupError, _POSTCODE_COLUMNS_TEXT)
        header = find_columns(
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
            typed = cell_text(row, header, POSTCODE)
            prefix = _postcode_prefix(number, typed, postcode_column, problems)
            code = cell_text(row, header, AREA_CODE)
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
                    % {"value": shown(code)},
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
                        "postcode": shown(typed),
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
            % {"value": shown(typed)},
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
            % {"value": shown(typed), "district": prefix},
        )
        return None
    return prefix
