"""Exports read back: CSV, XLSX and SPSS keep every value, label and hostile text."""

from __future__ import annotations

import csv
import io
import tempfile
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from hypothesis import given
from hypothesis import strategies as st

from coproduce.apps.core.about_you import AgeBand
from coproduce.apps.core.tables import formula_guard, formula_unguard
from coproduce.apps.surveys.exports import (
    _spss_truncate,
    export_csv_lines,
    export_records,
    export_sav,
    export_xlsx,
    spss_names,
    survey_export_columns,
)
from coproduce.apps.surveys.models import Answer, Submission
from coproduce.apps.surveys.tests.factories import AnswerFactory
from coproduce.apps.surveys.tests.results_data import add_responses, survey_of
from coproduce.testing.text import hostile_strings

pytestmark = pytest.mark.django_db


def _expected(survey, analyst):
    columns = survey_export_columns(survey=survey)
    return columns, list(export_records(actor=analyst, survey=survey, columns=columns))


def _as_text(value):
    if value is None:
        return ""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


def test_csv_round_trip_keeps_every_value_and_hostile_text(organisation, analyst):
    survey = survey_of(organisation)
    submissions = add_responses(survey, 15, seed=1)
    hostile = [*hostile_strings(max_length=500), "=SUM(A1:A2)", "+44 1234", "@cmd"]
    for submission, text in zip(submissions, hostile, strict=False):
        Answer.objects.filter(
            submission=submission, question_key="short-text-q"
        ).delete()
        AnswerFactory(
            submission=submission, question_key="short-text-q", value_text=text
        )
    columns, records = _expected(survey, analyst)

    content = "".join(export_csv_lines(actor=analyst, survey=survey))

    assert content.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(content[1:], newline="")))
    assert rows[0] == [c.name for c in columns]
    assert len(rows) == 16
    for row, record in zip(rows[1:], records, strict=True):
        for cell, column in zip(row, columns, strict=True):
            assert formula_unguard(cell) == _as_text(record[column.name])
    texts = {
        formula_unguard(r[[c.name for c in columns].index("short-text-q")])
        for r in rows[1:]
    }
    assert "=SUM(A1:A2)" in texts
    guarded = [r for r in rows[1:] if "SUM(" in "".join(r)]
    assert all("'=SUM(A1:A2)" in r for r in guarded)


def test_csv_columns_spread_multiple_choice_ranking_and_grid(organisation, analyst):
    survey = survey_of(organisation)
    add_responses(survey, 3, seed=2)

    names = [c.name for c in survey_export_columns(survey=survey)]

    assert names[:4] == ["submission_id", "version", "channel", "submitted_at"]
    assert "age_band" in names
    assert "area_code" in names
    for option in ("yes", "no", "unsure"):
        assert f"multiple-choice-q__{option}" in names
    for option in ("parks", "roads", "libraries"):
        assert f"ranking-q__{option}" in names
    assert "matrix-q__safety" in names
    assert "postcode" not in names


def test_xlsx_round_trip(organisation, analyst):
    from openpyxl import load_workbook

    survey = survey_of(organisation)
    add_responses(survey, 10, seed=3)
    columns, records = _expected(survey, analyst)

    workbook = load_workbook(io.BytesIO(export_xlsx(actor=analyst, survey=survey)))

    sheet = workbook["responses"]
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == [c.name for c in columns]
    for row, record in zip(rows[1:], records, strict=True):
        for cell, column in zip(row, columns, strict=True):
            value = record[column.name]
            if isinstance(cell, str):
                assert formula_unguard(cell) == _as_text(value)
            else:
                assert cell == value or (cell is None and value in (None, ""))
    labels = {r[0]: r[1] for r in workbook["questions"].iter_rows(values_only=True)}
    first_question = survey.current_version.definition["questions"][0]
    assert (
        formula_unguard(labels[first_question["key"]]) == first_question["text"]["en"]
    )
    # No cell is a formula, whatever residents typed.
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)


def test_sav_round_trip_keeps_values_and_labels(organisation, analyst):
    import pyreadstat

    survey = survey_of(organisation)
    add_responses(survey, 12, seed=4, age_band=AgeBand.AGE_65_74)
    columns, records = _expected(survey, analyst)
    names = spss_names([c.name for c in columns])

    content = export_sav(actor=analyst, survey=survey)

    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "back.sav"
        path.write_bytes(content)
        frame, meta = pyreadstat.read_sav(str(path))
    assert list(frame.columns) == [names[c.name] for c in columns]
    labels = dict(zip(meta.column_names, meta.column_labels, strict=True))
    first_question = survey.current_version.definition["questions"][0]
    label = labels[names[first_question["key"]]]
    # Labels are cut at 256 bytes of UTF-8, never inside a character.
    assert len(label.encode()) <= 256
    assert first_question["text"]["en"].startswith(label)
    assert len(label.encode()) > 256 - 4 or label == first_question["text"]["en"]
    assert (
        meta.variable_value_labels[names["age_band"]][
            list(dict(AgeBand.choices)).index(AgeBand.AGE_65_74) + 1
        ]
        == "65 to 74"
    )
    assert meta.variable_value_labels[names["multiple-choice-q__yes"]] == {
        0.0: "Not selected",
        1.0: "Selected",
    }
    single = names["single-choice-q"]
    options = [
        o["value"] for o in survey.current_version.definition["questions"][2]["options"]
    ]
    for position, record in enumerate(records):
        value = record["single-choice-q"]
        got = frame[single][position]
        if value:
            assert got == options.index(value) + 1
        else:
            assert got != got  # NaN: not answered
        assert frame[names["short-text-q"]][position] == (record["short-text-q"] or "")
        assert frame[names["submission_id"]][position] == record["submission_id"]


def test_sav_of_a_survey_without_responses_is_valid(organisation, analyst):
    import pyreadstat

    survey = survey_of(organisation)
    content = export_sav(actor=analyst, survey=survey)
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "empty.sav"
        path.write_bytes(content)
        frame, _meta = pyreadstat.read_sav(str(path))
    assert len(frame) == 0


def test_spss_names_are_safe_short_and_unique():
    long = "q" * 100
    names = spss_names(["1st-question", "a__b", "a--b", long, long + "x", "ŵ"])

    assert names["1st-question"] == "v_1st_question"
    assert len({n.lower() for n in names.values()}) == 6
    assert all(len(n.encode()) <= 64 for n in names.values())
    assert all(n[0].isalpha() for n in names.values())


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@x", "\tx", "\rx"])
def test_formula_guard_prefixes_an_apostrophe_and_unguard_undoes_it(text):
    assert formula_guard(text) == "'" + text
    assert formula_unguard(formula_guard(text)) == text
    assert formula_guard("Hello") == "Hello"


def test_only_exporting_roles_may_export(
    organisation, elected_member, community_organiser
):
    survey = survey_of(organisation)
    for person in (elected_member, community_organiser):
        with pytest.raises(PermissionDenied):
            list(export_csv_lines(actor=person, survey=survey))


def test_export_queries_grow_with_chunks_not_submissions(
    organisation, analyst, django_assert_max_num_queries
):
    survey = survey_of(organisation)
    add_responses(survey, 30, seed=5)
    Submission.objects.update()  # nothing: keeps the data as made

    with django_assert_max_num_queries(6):
        lines = list(export_csv_lines(actor=analyst, survey=survey))
    assert len(lines) == 31


def test_xlsx_replaces_control_characters_it_cannot_hold(organisation, analyst):
    from openpyxl import load_workbook

    survey = survey_of(organisation)
    submission = add_responses(survey, 1, seed=6)[0]
    Answer.objects.filter(submission=submission, question_key="short-text-q").delete()
    AnswerFactory(
        submission=submission, question_key="short-text-q", value_text="a\x0bb\x01c"
    )

    workbook = load_workbook(io.BytesIO(export_xlsx(actor=analyst, survey=survey)))

    rows = list(workbook["responses"].iter_rows(values_only=True))
    column = list(rows[0]).index("short-text-q")
    assert rows[1][column] == "a\ufffdb\ufffdc"


@given(text=st.text(), limit=st.integers(min_value=0, max_value=300))
def test_spss_truncate_keeps_whole_characters_within_the_byte_limit(text, limit):
    cut = _spss_truncate(text, limit)
    assert len(cut.encode()) <= limit
    assert text.startswith(cut)
    # Nothing more could have fitted: the next character would pass the limit.
    if cut != text:
        assert len((cut + text[len(cut)]).encode()) > limit
