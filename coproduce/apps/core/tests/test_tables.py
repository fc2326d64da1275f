"""Tables shown on a page and downloaded as CSV or XLSX."""

from __future__ import annotations

import csv
import io
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from coproduce.apps.core.tables import (
    HIDDEN,
    Table,
    TableColumn,
    download_filename,
    formula_unguard,
    table_csv,
    table_csv_response,
    tables_xlsx,
)
from coproduce.testing.text import hostile_strings

COLUMNS = (
    TableColumn("group", "Group"),
    TableColumn("n", "Respondents", "count"),
    TableColumn("share", "Share", "percent"),
)


def _table(rows: tuple[tuple[object, ...], ...], **extra: object) -> Table:
    return Table("age", "Age band", COLUMNS, rows, **extra)  # type: ignore[arg-type]


def test_csv_has_header_rows_notes_and_marks_hidden_cells():
    table = _table(
        (("16 to 24", 12, 30.04), ("75 or over", HIDDEN, HIDDEN), ("Other", 0, 0.0)),
        notes=("[c]: fewer than 10 people, hidden to protect them.",),
    )
    rows = list(csv.reader(io.StringIO(table_csv(table))))
    assert rows == [
        ["Group", "Respondents", "Share (%)"],
        ["16 to 24", "12", "30.0"],
        ["75 or over", "[c]", "[c]"],
        ["Other", "0", "0.0"],
        ["[c]: fewer than 10 people, hidden to protect them."],
    ]
    assert table.has_hidden
    assert not _table((("a", 1, 1.0),)).has_hidden


def test_a_row_of_the_wrong_width_is_a_programming_error():
    with pytest.raises(ValueError, match="row 1 has 2 cells"):
        _table((("a", 1),))


@pytest.mark.parametrize("text", hostile_strings(200))
def test_hostile_text_survives_both_formats_and_cannot_run_as_a_formula(text):
    table = _table(((text, 3, 1.5), ('=HYPERLINK("http://x")', 1, 0.5)))
    rows = list(csv.reader(io.StringIO(table_csv(table))))
    assert formula_unguard(rows[1][0]) == text
    assert rows[2][0] == '\'=HYPERLINK("http://x")'
    sheet = load_workbook(io.BytesIO(tables_xlsx([table]))).active
    assert sheet is not None
    values = [
        [cell.value for cell in row if cell.value is not None]
        for row in sheet.iter_rows()
    ]
    assert values[0] == ["Age band"]
    assert values[2] == ["Group", "Respondents", "Share (%)"]
    assert values[4] == ['\'=HYPERLINK("http://x")', 1, 0.5]
    # Control characters XML cannot hold are replaced, everything else kept.
    assert formula_unguard(values[3][0]) == re.sub(
        "[\x00-\x08\x0b\x0c\x0e-\x1f]", "\ufffd", text
    )


def test_workbook_has_one_sheet_per_table_with_valid_unique_names():
    tables = [
        Table("a", "Age: band / group [2021]?", COLUMNS, ()),
        Table("b", "Age: band / group [2021]?", COLUMNS, (("x", HIDDEN, 1.0),)),
        Table("c", "x" * 40, COLUMNS, ()),
    ]
    workbook = load_workbook(io.BytesIO(tables_xlsx(tables)))
    names = workbook.sheetnames
    assert len(names) == 3
    assert len(set(names)) == 3
    assert all(len(name) <= 31 for name in names)
    assert not any(ch in name for name in names for ch in "[]:*?/\\")
    assert workbook[names[1]]["B4"].value == "[c]"


def test_an_empty_list_still_makes_a_valid_workbook():
    workbook = load_workbook(io.BytesIO(tables_xlsx([])))
    assert workbook.sheetnames == ["Table"]


def test_csv_response_is_an_attachment_with_a_bom_for_excel():
    response = table_csv_response(_table((("ŵ", 1, 1.0),)), filename="age.csv")
    assert response["Content-Disposition"] == 'attachment; filename="age.csv"'
    assert response["Cache-Control"] == "no-store"
    assert response.content.decode("utf-8").startswith("\ufeffGroup,")


@settings(max_examples=200, derandomize=True)
@given(st.lists(st.text(max_size=300), max_size=4))
def test_download_filenames_are_short_ascii_and_never_empty(parts):
    name = download_filename(*parts, extension="csv")
    assert name.endswith(".csv")
    assert len(name) <= 124
    assert name.isascii()
    assert "/" not in name
    assert '"' not in name
    assert name != ".csv"
