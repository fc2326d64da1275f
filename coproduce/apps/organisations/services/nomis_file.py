"""Reading nomis's wide Census 2021 bulk tables as the long rows ONS tables have.

A nomis bulk file (census2021-ts021-lsoa.csv and the like) has one row per area
of all England and Wales and one column per category:

    date,geography,geography code,Ethnic group: Total: All usual residents,\
Ethnic group: Asian, Asian British or Asian Welsh,\
Ethnic group: Asian, Asian British or Asian Welsh: Bangladeshi,…

`nomis_long_rows` turns it into (row number, [area code, label, count, column])
rows for `census_file.census_rows_check`. Rows of areas that are not the
organisation's are skipped (the file covers the whole country). Columns that
add up others are skipped too, so nobody counts twice: totals, a group whose
detailed groups are also there ("Asian, Asian British or Asian Welsh" beside
"…: Bangladeshi"), and an age band whose single years are also there (TS007).
Writes nothing. See docs/population-profiles.md.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from django.utils.translation import gettext as _

from coproduce.apps.organisations.census_labels import age_range, label_key
from coproduce.apps.organisations.errors import PopulationProfileError
from coproduce.apps.organisations.models import Area
from coproduce.apps.organisations.services.census_file import CensusLayout
from coproduce.apps.organisations.services.population_file import (
    MAX_ROWS,
    too_many_rows,
)

_MEASURE = re.compile(r";\s*measures:\s*(?P<measure>.*)$", re.IGNORECASE)
GEOGRAPHY_CODE = "geography code"


@dataclass(frozen=True)
class NomisRows:
    layout: CensusLayout
    rows: list[tuple[int, list[str]]]
    n_other_areas: int


def _name(text: str) -> str:
    return " ".join(text.casefold().split())


def _columns(header: list[str]) -> tuple[str, dict[int, str]]:
    """The variable's heading, and the category label of each count column."""
    labels: dict[int, str] = {}
    variable = ""
    for index, raw in enumerate(header):
        text = raw.strip()
        measure = _MEASURE.search(text)
        if measure is not None:
            if _name(measure.group("measure")) != "value":
                continue  # percentages repeat the counts
            text = text[: measure.start()].strip()
        if ": " not in text:
            continue  # date, geography, geography code
        prefix, label = text.split(": ", 1)
        if not variable:
            variable = prefix.strip()
        if _name(prefix) == _name(variable):
            labels[index] = label.strip()
    return variable, labels


def _subtotals(labels: dict[int, str]) -> set[int]:
    """Columns that add up other columns of the table."""
    keys = {index: label_key(label) for index, label in labels.items()}
    dropped = {
        index
        for index, key in keys.items()
        if any(other.startswith(key + ":") for other in keys.values())
    }
    ranges = {
        index: years
        for index, key in keys.items()
        if (years := age_range(key)) is not None
    }
    for index, (first, last) in ranges.items():
        if any(
            other != index
            and first <= low
            and high <= last
            and (low, high) != (first, last)
            for other, (low, high) in ranges.items()
        ):
            dropped.add(index)
    return dropped


def nomis_long_rows(
    *,
    header: list[str],
    rows: Iterator[list[str]],
    areas_by_code: Mapping[str, Area],
) -> NomisRows:
    """One long row per area of the organisation and category column.

    Raises PopulationProfileError for a table without category columns, too
    many rows, or none of the organisation's areas.
    """
    names = [_name(cell) for cell in header]
    code_index = names.index(GEOGRAPHY_CODE)
    variable, labels = _columns(header)
    if not labels:
        raise PopulationProfileError(
            _(
                "Row 1: the nomis table has no columns of counts named like "
                "'Age: Aged 17 years'. Download the table again."
            ),
            field="file",
        )
    keep = {i: label for i, label in labels.items() if i not in _subtotals(labels)}
    long_rows: list[tuple[int, list[str]]] = []
    n_other_areas = 0
    for number, row in enumerate(rows, start=2):
        if not any(value.strip() for value in row):
            continue
        code = row[code_index].strip() if code_index < len(row) else ""
        if code.upper() not in areas_by_code:
            n_other_areas += 1
            continue
        for index, label in keep.items():
            count = row[index] if index < len(row) else ""
            long_rows.append((number, [code, label, count, header[index].strip()]))
            if len(long_rows) > MAX_ROWS:
                raise too_many_rows()
    if not long_rows:
        raise PopulationProfileError(
            _(
                "None of the %(count)s areas in the nomis table is one of your "
                "areas. Check the table's area type matches your areas (for "
                "example LSOAs), or add the areas first."
            )
            % {"count": f"{n_other_areas:,}"},
            field="file",
        )
    layout = CensusLayout(
        area_code=0,
        area_heading=header[code_index].strip(),
        category=1,
        heading=variable,
        count=2,
        count_heading="",
        count_heading_index=3,
    )
    return NomisRows(layout=layout, rows=long_rows, n_other_areas=n_other_areas)
