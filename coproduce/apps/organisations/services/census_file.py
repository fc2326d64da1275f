"""Checking an ONS Census 2021 table for a population profile.

ONS's "Create a custom dataset" tool and the Census 2021 flexible and bulk
tables give one row per area and category, for example:

    Lower layer Super Output Areas Code,Lower layer Super Output Areas,\
Age (86 categories) Code,Age (86 categories),Observation
    W01000001,Isle of Anglesey 001A,17,Aged 17 years,21

`census_layout` recognises the layout from its header; `census_rows_check`
turns the rows into the product's margins: each ONS label goes to a product
category through the built-in table (`organisations.census_labels`), then the
organisation's saved mappings, and several ONS rows add up into one category
per area. Labels nobody knows yet are returned for the mapping screen. Writes
nothing. See docs/population-profiles.md.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from coproduce.apps.core.about_you import ABOUT_YOU_FIELDS
from coproduce.apps.core.tabular import UploadProblems
from coproduce.apps.organisations.census_labels import (
    LabelKind,
    census_label_match,
    census_variable_characteristic,
    label_key,
)
from coproduce.apps.organisations.errors import PopulationProfileError
from coproduce.apps.organisations.models import Area
from coproduce.apps.organisations.services.population_file import (
    MAX_ROWS,
    MarginCell,
    population_category_match,
    too_many_rows,
    whole_number,
)

OBSERVATION = "observation"
# ONS labels are at most about 120 characters; longer text is not a label.
MAX_LABEL_LENGTH = 200
_CODE_SUFFIX = " code"


@dataclass(frozen=True)
class CensusLayout:
    """Where an ONS table keeps what the profile needs; other columns are ignored."""

    area_code: int  # column index of the geography's code
    area_heading: str
    category: int  # column index of the variable's category label
    heading: str  # the variable's heading, such as "Age (86 categories)"
    count: int  # column index of "Observation"
    count_heading: str
    # Where a row names its own count column (nomis tables made long), or None.
    count_heading_index: int | None = None


@dataclass(frozen=True)
class UnknownLabel:
    """An ONS label neither the built-in table nor the saved mappings know."""

    filename: str
    characteristic: str
    key: str
    label: str
    n_rows: int
    first_row: int


@dataclass
class CensusTable:
    """One checked ONS table: its margins and what was left out."""

    characteristic: str
    heading: str
    cells: list[MarginCell]
    # Every resident the table counts per area, left-out rows included.
    totals: dict[Area, int]
    unknown: list[UnknownLabel]
    n_left_out_rows: int
    n_left_out_residents: int


def _name(text: str) -> str:
    return " ".join(text.casefold().split())


def is_census_header(header: list[str]) -> bool:
    """True if the header is an ONS long table's: an Observation and a code column."""
    names = [_name(cell) for cell in header]
    return OBSERVATION in names and any(n.endswith(_CODE_SUFFIX) for n in names)


def census_layout(header: list[str]) -> CensusLayout:
    """Find the geography code, the category label and the count in an ONS header.

    The first "… Code" column is the geography's; its name column and every
    other "… Code" column are ignored. Exactly one other column must remain:
    the variable's category labels. Raises PopulationProfileError otherwise.
    """
    names = [_name(cell) for cell in header]
    count = names.index(OBSERVATION)
    code_columns = [i for i, n in enumerate(names) if n.endswith(_CODE_SUFFIX)]
    area_code = code_columns[0]
    area_name = names[area_code][: -len(_CODE_SUFFIX)]
    variables = [
        i
        for i, n in enumerate(names)
        if n and i != count and i not in code_columns and n != area_name and n != "date"
    ]
    if not variables:
        raise PopulationProfileError(
            _(
                "Row 1: the ONS table has no column of categories next to "
                "'Observation'. Download the table again with one variable, such "
                "as 'Age (86 categories)'."
            ),
            field="file",
        )
    if len(variables) > 1:
        raise PopulationProfileError(
            _(
                "Row 1: the ONS table has more than one variable (%(columns)s). "
                "Download one variable per file: a profile adds the files up."
            )
            % {"columns": ", ".join(f"'{header[i].strip()}'" for i in variables)},
            field="file",
        )
    return CensusLayout(
        area_code=area_code,
        area_heading=header[area_code].strip(),
        category=variables[0],
        heading=header[variables[0]].strip(),
        count=count,
        count_heading=header[count].strip(),
    )


def census_characteristic(
    layout: CensusLayout, chosen: str, problems: UploadProblems
) -> str | None:
    """What the table counts: from its heading, or else the officer's choice."""
    inferred = census_variable_characteristic(layout.heading)
    if inferred and chosen and inferred != chosen:
        problems.add(
            _(
                "Row 1, column '%(column)s': the table counts %(inferred)s, but "
                "you chose %(chosen)s. Choose 'Work it out from the file', or the "
                "characteristic the table counts."
            )
            % {"column": layout.heading, "inferred": inferred, "chosen": chosen}
        )
        return None
    if inferred or chosen:
        return inferred or chosen
    problems.add(
        _(
            "Row 1, column '%(column)s': the heading does not say which "
            "characteristic the table counts. Choose it under 'What the ONS "
            "table counts' and upload again."
        )
        % {"column": layout.heading}
    )
    return None


def _category_label(characteristic: str, category: str) -> str:
    """The category as residents see it, in the page's language."""
    return str(ABOUT_YOU_FIELDS[characteristic](category).label)


_STRADDLE_ADVICE = {
    "age_band": gettext_lazy(
        "Download age by single year of age (for example 'Age (101 categories)' "
        "or TS007), or bands that fit inside the product's: under 16, 16 to 24, "
        "25 to 34, 35 to 44, 45 to 54, 55 to 64, 65 to 74 and 75 or over."
    ),
    "disability": gettext_lazy(
        "Download 'Disability (4 categories)' or TS038, which count 'limited a "
        "lot' and 'limited a little' apart."
    ),
    "welsh_ability": gettext_lazy(
        "Download 'Welsh language skills (detailed)' or TS032, which count "
        "people with some Welsh skills apart from people with none."
    ),
}


@dataclass
class _LabelSeen:
    label: str
    n_rows: int
    first_row: int
    spans: tuple[str, ...] = ()


def _area(
    number: int,
    code: str,
    layout: CensusLayout,
    areas_by_code: Mapping[str, Area],
    problems: UploadProblems,
) -> Area | None:
    if not code:
        problems.at(number, layout.area_heading, _("enter the area's official code."))
        return None
    area = areas_by_code.get(code.upper())
    if area is None:
        problems.at(
            number,
            layout.area_heading,
            _(
                "'%(value)s' is not the code of one of your areas. Add the area "
                "first, or download the table for your areas only."
            )
            % {"value": code},
        )
    return area


def census_rows_check(
    *,
    filename: str,
    layout: CensusLayout,
    characteristic: str,
    rows: Iterable[tuple[int, list[str]]],
    areas_by_code: Mapping[str, Area],
    saved: Mapping[str, str],
    problems: UploadProblems,
) -> CensusTable:
    """Check an ONS table's rows and add them up into the product's categories.

    `saved` maps label keys to the organisation's chosen category ("" = leave
    out). UploadProblems go to `problems`; unknown labels come back in the result
    (and, if other problems exist, as problems too). Raises
    PopulationProfileError for a table that is too long or empty.
    """
    sums: dict[tuple[Area, str], int] = defaultdict(int)
    first_row_of_cell: dict[tuple[Area, str], int] = {}
    totals: dict[Area, int] = defaultdict(int)
    seen_rows: dict[tuple[int, str], int] = {}
    straddles: dict[str, _LabelSeen] = {}
    unknown: dict[str, _LabelSeen] = {}
    n_left_out_rows = n_left_out_residents = n_rows = 0

    def cell(row: list[str], index: int) -> str:
        return row[index].strip() if index < len(row) else ""

    for number, row in rows:
        if not any(value.strip() for value in row):
            continue
        n_rows += 1
        if n_rows > MAX_ROWS:
            raise too_many_rows()
        n_before = problems.n
        area = _area(
            number, cell(row, layout.area_code), layout, areas_by_code, problems
        )
        label = cell(row, layout.category)
        count = whole_number(cell(row, layout.count))
        if count is None:
            count_heading = (
                layout.count_heading
                if layout.count_heading_index is None
                else cell(row, layout.count_heading_index)
            )
            problems.at(
                number,
                count_heading,
                _("'%(value)s' is not a whole number of 0 or more, like 1234.")
                % {"value": cell(row, layout.count)},
            )
        key = label_key(label)
        if not key:
            problems.at(number, layout.heading, _("enter the category's label."))
        elif len(label) > MAX_LABEL_LENGTH:
            problems.at(
                number,
                layout.heading,
                _(
                    "the label is longer than %(limit)s characters, so it is not "
                    "an ONS category. Check the file is the table as downloaded."
                )
                % {"limit": MAX_LABEL_LENGTH},
            )
        if problems.n > n_before or area is None or count is None:
            continue
        first = seen_rows.setdefault((area.pk, key), number)
        if first != number:
            problems.at(
                number,
                layout.heading,
                _(
                    "area %(code)s already has a count for '%(label)s' on row "
                    "%(first)s. Give each category one row."
                )
                % {"code": area.code, "label": label, "first": first},
            )
            continue
        match = census_label_match(characteristic, label)
        if match.kind is LabelKind.TOTAL:
            continue  # a total counts everyone twice; the categories are enough
        totals[area] += count
        category = ""
        if match.kind is LabelKind.CATEGORY:
            category = match.category
        elif match.kind is LabelKind.STRADDLES:
            seen = straddles.setdefault(key, _LabelSeen(label, 0, number, match.spans))
            seen.n_rows += 1
            continue
        elif match.kind is LabelKind.UNKNOWN:
            if key in saved:
                category = saved[key]
            else:
                category = (
                    population_category_match(
                        characteristic=characteristic, label=label
                    )
                    or ""
                )
                if not category:
                    seen = unknown.setdefault(key, _LabelSeen(label, 0, number))
                    seen.n_rows += 1
                    continue
        if not category:  # "Does not apply", "Not answered", or left out by choice
            n_left_out_rows += 1
            n_left_out_residents += count
            continue
        sums[(area, category)] += count
        first_row_of_cell.setdefault((area, category), number)

    if not n_rows:
        raise PopulationProfileError(
            _("The file has a header row but no counts."), field="file"
        )
    for seen in straddles.values():
        _add_straddle(seen, characteristic, layout, problems)
    unknown_labels = [
        UnknownLabel(
            filename=filename,
            characteristic=characteristic,
            key=key,
            label=seen.label,
            n_rows=seen.n_rows,
            first_row=seen.first_row,
        )
        for key, seen in unknown.items()
    ]
    if problems.n:
        for item in unknown_labels:
            problems.at(
                item.first_row,
                layout.heading,
                ngettext(
                    "'%(value)s' is not an ONS label the product knows for "
                    "%(characteristic)s (%(count)s row). Once the other problems "
                    "are fixed you will be asked which category it belongs to.",
                    "'%(value)s' is not an ONS label the product knows for "
                    "%(characteristic)s (%(count)s rows). Once the other problems "
                    "are fixed you will be asked which category it belongs to.",
                    item.n_rows,
                )
                % {
                    "value": item.label,
                    "characteristic": characteristic,
                    "count": item.n_rows,
                },
            )
    cells = [
        MarginCell(first_row_of_cell[key], key[0], characteristic, key[1], count)
        for key, count in sums.items()
    ]
    return CensusTable(
        characteristic=characteristic,
        heading=layout.heading,
        cells=cells,
        totals=dict(totals),
        unknown=unknown_labels,
        n_left_out_rows=n_left_out_rows,
        n_left_out_residents=n_left_out_residents,
    )


def _add_straddle(
    seen: _LabelSeen,
    characteristic: str,
    layout: CensusLayout,
    problems: UploadProblems,
) -> None:
    spans = [_category_label(characteristic, category) for category in seen.spans]
    advice = str(_STRADDLE_ADVICE.get(characteristic, ""))
    problems.at(
        seen.first_row,
        layout.heading,
        ngettext(
            "'%(value)s' (%(count)s row) covers more than one of the product's "
            "categories (%(spans)s), so its residents cannot be shared between "
            "them without guessing. %(advice)s",
            "'%(value)s' (%(count)s rows) covers more than one of the product's "
            "categories (%(spans)s), so its residents cannot be shared between "
            "them without guessing. %(advice)s",
            seen.n_rows,
        )
        % {
            "value": seen.label,
            "count": seen.n_rows,
            "spans": ", ".join(spans),
            "advice": advice,
        },
    )
