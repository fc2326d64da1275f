"""Checking a whole population profile upload: one or more CSV or XLSX files.

Each file is either in the product's own format (area_code, characteristic,
category, count) or an ONS Census 2021 table (one variable per file, see
`services.census_file`). The files of one upload become one profile, so their
totals are checked together. Writes nothing. See docs/population-profiles.md.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from coproduce.apps.core.tabular import TabularFileError, UploadProblems
from coproduce.apps.organisations.errors import PopulationProfileError
from coproduce.apps.organisations.models import Area, Organisation
from coproduce.apps.organisations.services.census_file import (
    UnknownLabel,
    census_characteristic,
    census_layout,
    census_rows_check,
    is_census_header,
)
from coproduce.apps.organisations.services.nomis_file import (
    GEOGRAPHY_CODE,
    nomis_long_rows,
)
from coproduce.apps.organisations.services.population_file import (
    MarginCell,
    cell_totals,
    check_totals,
    product_rows_check,
    read_rows,
)


class CensusLabelsUnknownError(PopulationProfileError):
    """Every row is fine, but some ONS labels need the officer's mapping.

    `unknown` lists them with their row counts and first rows. Nothing is saved.
    """

    code = "census_labels_unknown"

    def __init__(self, unknown: list[UnknownLabel]) -> None:
        self.unknown = unknown
        super().__init__(
            _("Some category labels in the ONS table need your choice."),
            field="file",
        )


@dataclass(frozen=True)
class UploadedTable:
    """One uploaded file's name and bytes."""

    name: str
    content: bytes


@dataclass
class UploadCheck:
    """A checked upload: the margins to save, and what the ONS tables left out."""

    cells: list[MarginCell]
    n_left_out_rows: int = 0
    n_left_out_residents: int = 0
    census_headings: list[str] = field(default_factory=list)
    # Rows of nomis bulk tables for areas that are not the organisation's.
    n_other_areas: int = 0


def population_files_check(
    *,
    organisation: Organisation,
    files: Sequence[UploadedTable],
    characteristic: str = "",
    saved_labels: Mapping[str, Mapping[str, str]] | None = None,
) -> UploadCheck:
    """Check every row of every file; return the margins to save.

    `characteristic` is the officer's choice for ONS tables whose heading does
    not say what they count; `saved_labels` maps characteristic → label key →
    category ("" = leave out), the organisation's saved mappings. Raises
    PopulationProfileError listing up to 50 problems (each naming its file when
    there are several, its row and its column), or CensusLabelsUnknownError
    when only unknown ONS labels stand in the way.
    """
    if not files:
        raise PopulationProfileError(_("Select a CSV or XLSX file."), field="file")
    saved_labels = saved_labels or {}
    problems = UploadProblems()
    areas_by_code = {
        area.code.upper(): area
        for area in Area.objects.filter(organisation=organisation)
    }
    result = UploadCheck(cells=[])
    totals: dict[Area, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    file_of_characteristic: dict[str, str] = {}
    unknown: list[UnknownLabel] = []
    for file in files:
        problems.filename = file.name if len(files) > 1 else ""
        try:
            rows = read_rows(file.content, file.name, problems)
            header = next(rows, None)
            if header is None or not any(cell.strip() for cell in header):
                problems.add(
                    _(
                        "The file is empty. The first row must name the columns "
                        "area_code, characteristic, category and count, or be the "
                        "header of an ONS table."
                    )
                )
                continue
            is_nomis = GEOGRAPHY_CODE in [
                " ".join(cell.casefold().split()) for cell in header
            ]
            if not is_nomis and not is_census_header(header):
                cells = product_rows_check(
                    organisation=organisation,
                    header=header,
                    rows=rows,
                    problems=problems,
                )
                for area, by_characteristic in cell_totals(cells).items():
                    for name, total in by_characteristic.items():
                        totals[area][name] += total
                result.cells.extend(cells)
                characteristics = {cell.characteristic for cell in cells}
            else:
                if is_nomis:
                    nomis = nomis_long_rows(
                        header=header, rows=rows, areas_by_code=areas_by_code
                    )
                    layout, numbered = nomis.layout, iter(nomis.rows)
                    result.n_other_areas += nomis.n_other_areas
                else:
                    layout = census_layout(header)
                    numbered = enumerate(rows, start=2)
                chosen = census_characteristic(layout, characteristic, problems)
                if chosen is None:
                    continue
                table = census_rows_check(
                    filename=file.name,
                    layout=layout,
                    characteristic=chosen,
                    rows=numbered,
                    areas_by_code=areas_by_code,
                    saved=saved_labels.get(chosen, {}),
                    problems=problems,
                )
                for area, total in table.totals.items():
                    totals[area][chosen] += total
                result.cells.extend(table.cells)
                result.n_left_out_rows += table.n_left_out_rows
                result.n_left_out_residents += table.n_left_out_residents
                result.census_headings.append(table.heading)
                unknown.extend(table.unknown)
                characteristics = {chosen}
        except (TabularFileError, PopulationProfileError) as exc:
            for message in exc.messages:
                problems.add(message)
            continue
        problems.filename = ""  # the message names both files
        for name in sorted(characteristics):
            other = file_of_characteristic.setdefault(name, file.name)
            if other != file.name:
                problems.add(
                    _(
                        "Both %(first)s and %(second)s count %(characteristic)s. "
                        "Upload one table for each characteristic."
                    )
                    % {"first": other, "second": file.name, "characteristic": name}
                )
    problems.filename = ""
    if problems.n:
        raise problems.error(PopulationProfileError)
    # Totals only mean something once every row is valid. Unknown labels count
    # in them already, so a file that cannot add up fails before any mapping.
    check_totals(totals, problems)
    if problems.n:
        raise problems.error(PopulationProfileError)
    if unknown:
        raise CensusLabelsUnknownError(unknown)
    return result
