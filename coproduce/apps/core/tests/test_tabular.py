"""core.tabular: CSV and XLSX uploads turned into rows of text, shared by imports."""

from __future__ import annotations

import io

import pytest

from coproduce.apps.core.tabular import TabularFileError, file_kind, read_table


def _refuse_formulas(row: int, column: str, cell: str) -> None:
    raise AssertionError(f"unexpected formula in {cell}")


def _xlsx(*sheets: tuple[str, list[list[object]]]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets:
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_file_kind_is_chosen_by_the_name_alone():
    assert [file_kind(n) for n in ("a.CSV", "b.xlsx", "c.xls", "")] == [
        "csv",
        "xlsx",
        "",
        "",
    ]


def test_csv_with_a_byte_order_mark_keeps_welsh_letters_intact():
    content = "\ufeffenw,cyfrif\nŴyn ŷd,3\n".encode()

    rows = list(read_table(content, filename="a.csv", on_formula=_refuse_formulas))

    assert rows == [["enw", "cyfrif"], ["Ŵyn ŷd", "3"]]


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("a,b\n".encode("utf-16"), "saved as UTF-16"),
        ("é,b\n".encode("latin-1"), "not saved as UTF-8"),
        (b"   \n", "The file is empty."),
    ],
)
def test_unreadable_csv_files_raise_a_helpful_error(content, expected):
    with pytest.raises(TabularFileError, match=expected):
        list(read_table(content, filename="a.csv", on_formula=_refuse_formulas))


def test_a_fake_workbook_is_refused():
    with pytest.raises(TabularFileError, match="not a real XLSX workbook"):
        list(read_table(b"a,b\n", filename="a.xlsx", on_formula=_refuse_formulas))


def test_the_named_sheet_is_read_and_formulas_are_reported_not_evaluated():
    content = _xlsx(
        ("notes", [["ignore me"]]),
        ("data", [["name", "count"], ["Splott", 4.0], ["Total", "=SUM(B2)"]]),
    )
    formulas: list[tuple[int, str, str]] = []

    rows = list(
        read_table(
            content,
            filename="a.xlsx",
            sheet_name="data",
            on_formula=lambda *found: formulas.append(found),
        )
    )

    assert rows == [["name", "count"], ["Splott", "4"], ["Total", ""]]
    assert formulas == [(3, "count", "B3")]
