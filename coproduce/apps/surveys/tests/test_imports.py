"""Bulk import: broken files, all-or-nothing versus valid rows only, end states."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from typing import Any
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone

from coproduce.apps.audit.models import AuditEvent
from coproduce.apps.organisations.models import PostcodeArea
from coproduce.apps.organisations.selectors import area_for_postcode
from coproduce.apps.organisations.tests.factories import AreaFactory
from coproduce.apps.surveys.exports import export_csv_lines, import_columns
from coproduce.apps.surveys.models import Answer, Submission, SurveyImport
from coproduce.apps.surveys.services.imports import (
    STALLED_AFTER,
    SurveyImportError,
    survey_import_create,
    survey_import_run,
    survey_imports_fail_stalled,
)
from coproduce.apps.surveys.tests.results_data import add_responses, survey_of
from coproduce.testing.text import hostile_strings

pytestmark = pytest.mark.django_db


def _good_row(**overrides: str) -> dict[str, str]:
    row = {
        "age_band": "25_34",
        "sex": "female",
        "postcode": "cf10 1aa",
        "short-text-q": hostile_strings(max_length=500)[0],
        "long-text-q": '=HYPERLINK("x")',
        "single-choice-q": "yes",
        "multiple-choice-q__yes": "1",
        "multiple-choice-q__no": "0",
        "multiple-choice-q__unsure": "1",
        "scale-q": "4",
        "number-q": "42",
        "date-q": "2026-03-27",
        "postcode-q": "SA1 1AA",
        "ranking-q__parks": "2",
        "ranking-q__roads": "1",
        "ranking-q__libraries": "",
        "matrix-q__safety": "agree",
        "matrix-q__cleanliness": "",
    }
    row.update(overrides)
    return row


def _csv(
    survey: Any, rows: list[dict[str, str]], header: list[str] | None = None
) -> bytes:
    if header is None:
        header = [c.name for c in import_columns(survey=survey)]
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for row in rows:
        writer.writerow([row.get(name, "") for name in header])
    return buffer.getvalue().encode("utf-8")


def _xlsx(survey: Any, rows: list[list[Any]], header: list[str] | None = None) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header or [c.name for c in import_columns(survey=survey)])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _run(
    survey: Any,
    officer: Any,
    content: bytes,
    *,
    name: str = "responses.csv",
    mode: str = SurveyImport.Mode.ALL_OR_NOTHING,
    capture: Any,
) -> SurveyImport:
    with capture(execute=True):
        survey_import = survey_import_create(
            actor=officer,
            survey=survey,
            uploaded_file=SimpleUploadedFile(name, content),
            channel=Submission.Channel.PAPER,
            mode=mode,
        )
    survey_import.refresh_from_db()
    return survey_import


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def survey(organisation):
    return survey_of(organisation)


def test_a_good_file_is_imported_with_areas_from_postcodes(
    survey, officer, organisation, django_capture_on_commit_callbacks
):
    ward = AreaFactory(organisation=organisation)
    district = AreaFactory(organisation=organisation)
    PostcodeArea.objects.create(organisation=organisation, prefix="CF10", area=district)
    PostcodeArea.objects.create(organisation=organisation, prefix="CF101", area=ward)
    content = _csv(survey, [_good_row(), _good_row(postcode="CF10 9ZZ", sex="male")])

    survey_import = _run(
        survey, officer, content, capture=django_capture_on_commit_callbacks
    )

    assert survey_import.status == SurveyImport.Status.COMPLETED, survey_import.problems
    assert survey_import.n_rows_imported == 2
    submissions = list(Submission.objects.filter(survey=survey).order_by("pk"))
    assert [s.area for s in submissions] == [ward, district]
    assert all(s.channel == Submission.Channel.PAPER for s in submissions)
    assert all(s.entered_by == officer for s in submissions)
    first = submissions[0]
    answers = {(a.question_key, a.item): a for a in first.answers.all()}
    assert (
        answers[("short-text-q", "")].value_text == hostile_strings(max_length=500)[0]
    )
    assert answers[("long-text-q", "")].value_text == '=HYPERLINK("x")'
    assert answers[("ranking-q", "roads")].value_number == 1
    assert answers[("ranking-q", "parks")].value_number == 2
    assert answers[("matrix-q", "safety")].value_text == "agree"
    assert {
        a.value_text for a in first.answers.filter(question_key="multiple-choice-q")
    } == {
        "yes",
        "unsure",
    }
    assert AuditEvent.objects.filter(action="survey_import.complete").exists()


def test_an_export_can_be_imported_again(
    survey, officer, analyst, django_capture_on_commit_callbacks
):
    add_responses(survey, 6, seed=1)
    exported = "".join(export_csv_lines(actor=analyst, survey=survey)).encode("utf-8")
    n_answers = Answer.objects.count()

    survey_import = _run(
        survey, officer, exported, capture=django_capture_on_commit_callbacks
    )

    assert survey_import.status == SurveyImport.Status.COMPLETED, survey_import.problems
    assert Submission.objects.filter(survey=survey).count() == 12
    assert Answer.objects.count() == 2 * n_answers


def test_one_bad_row_rejects_the_whole_file_by_default(
    survey, officer, django_capture_on_commit_callbacks
):
    content = _csv(
        survey,
        [
            _good_row(),
            _good_row(age_band="16-"),
            _good_row(),
            _good_row(**{"number-q": "500"}),
        ],
    )

    survey_import = _run(
        survey, officer, content, capture=django_capture_on_commit_callbacks
    )

    assert survey_import.status == SurveyImport.Status.REJECTED
    assert not Submission.objects.exists()
    messages = [p["message"] for p in survey_import.problems]
    assert messages[0].startswith("Row 3, column 'age_band': '16-' is not one of")
    assert messages[1].startswith("Row 5, column 'number-q':")
    assert survey_import.n_rows == survey_import.n_rows_checked == 4


def test_valid_rows_only_imports_the_good_rows_and_lists_the_bad(
    survey, officer, django_capture_on_commit_callbacks
):
    content = _csv(survey, [_good_row(), _good_row(**{"single-choice-q": "perhaps"})])

    survey_import = _run(
        survey,
        officer,
        content,
        mode=SurveyImport.Mode.VALID_ROWS_ONLY,
        capture=django_capture_on_commit_callbacks,
    )

    assert survey_import.status == SurveyImport.Status.COMPLETED
    assert survey_import.n_rows_imported == 1
    assert survey_import.n_problems == 1
    assert "Row 3, column 'single-choice-q'" in survey_import.problems[0]["message"]
    assert Submission.objects.count() == 1


@pytest.mark.parametrize(
    ("header_change", "expected"),
    [
        (
            lambda h: [*h, "favourite_colour"],
            "Column 'favourite_colour' is not a column",
        ),
        (lambda h: [n for n in h if n != "scale-q"], "Column 'scale-q' is missing"),
        (lambda h: [*h, "sex"], "Column 'sex' appears more than once"),
    ],
)
def test_wrong_columns_are_named(
    survey, officer, header_change, expected, django_capture_on_commit_callbacks
):
    header = header_change([c.name for c in import_columns(survey=survey)])
    content = _csv(survey, [_good_row()], header=header)

    survey_import = _run(
        survey, officer, content, capture=django_capture_on_commit_callbacks
    )

    assert survey_import.status == SurveyImport.Status.REJECTED
    assert any(expected in p["message"] for p in survey_import.problems)
    assert not Submission.objects.exists()


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("age_band,sex\n16_24,ŵ\n".encode("utf-16"), "UTF-16"),
        (
            "age_band,sex\nMŵ,é\n".encode().replace("é".encode(), b"\xe9"),
            "not saved as UTF-8",
        ),
        (b"", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "UTF-16 or is not a text file"),
    ],
)
def test_unreadable_csv_files_are_refused_with_a_clear_message(
    survey, officer, content, expected, django_capture_on_commit_callbacks
):
    survey_import = _run(
        survey, officer, content, capture=django_capture_on_commit_callbacks
    )

    assert survey_import.status == SurveyImport.Status.REJECTED
    assert expected in survey_import.problems[0]["message"]
    assert not Submission.objects.exists()


def test_a_latin_1_file_is_refused(survey, officer, django_capture_on_commit_callbacks):
    content = (
        _csv(survey, [_good_row(**{"short-text-q": "café"})])
        .decode()
        .encode("latin-1", errors="replace")
    )

    survey_import = _run(
        survey, officer, content, capture=django_capture_on_commit_callbacks
    )

    assert survey_import.status == SurveyImport.Status.REJECTED
    assert "line 2" in survey_import.problems[0]["message"]


def test_a_5_mb_cell_is_refused_naming_its_row_and_column(
    survey, officer, django_capture_on_commit_callbacks, settings
):
    settings.COPRODUCE_MAX_IMPORT_BYTES = 8 * 1024 * 1024
    content = _csv(survey, [_good_row(**{"long-text-q": "x" * (5 * 1024 * 1024)})])

    survey_import = _run(
        survey, officer, content, capture=django_capture_on_commit_callbacks
    )

    assert survey_import.status == SurveyImport.Status.REJECTED
    message = survey_import.problems[0]["message"]
    assert message.startswith("Row 2, column 'long-text-q': the cell has 5242880")


def test_a_file_over_the_size_limit_is_refused_at_upload(survey, officer, settings):
    settings.COPRODUCE_MAX_IMPORT_BYTES = 1024

    with pytest.raises(SurveyImportError, match="smaller than"):
        survey_import_create(
            actor=officer,
            survey=survey,
            uploaded_file=SimpleUploadedFile("big.csv", b"x" * 2048),
        )
    assert not SurveyImport.objects.exists()
    assert not AuditEvent.objects.exists()


def test_a_file_that_is_not_csv_or_xlsx_is_refused(survey, officer):
    with pytest.raises(SurveyImportError, match="CSV or XLSX"):
        survey_import_create(
            actor=officer,
            survey=survey,
            uploaded_file=SimpleUploadedFile("responses.pdf", b"%PDF-1.4"),
        )
    assert not SurveyImport.objects.exists()


def test_an_xlsx_file_is_imported(survey, officer, django_capture_on_commit_callbacks):
    header = [c.name for c in import_columns(survey=survey)]
    # Numbers as numbers; text starting with = would be a formula in a workbook.
    row = _good_row(**{"number-q": 42, "scale-q": 4, "long-text-q": "Da iawn ŵ"})
    content = _xlsx(survey, [[row.get(name, "") or None for name in header]])

    survey_import = _run(
        survey,
        officer,
        content,
        name="r.xlsx",
        capture=django_capture_on_commit_callbacks,
    )

    assert survey_import.status == SurveyImport.Status.COMPLETED, survey_import.problems
    number = Answer.objects.get(question_key="number-q")
    assert number.value_number == 42


def test_formulas_in_xlsx_cells_are_refused_naming_the_cell(
    survey, officer, django_capture_on_commit_callbacks
):
    header = [c.name for c in import_columns(survey=survey)]
    row = _good_row()
    values = [row.get(name, "") or None for name in header]
    values[header.index("number-q")] = "=40+2"
    content = _xlsx(survey, [values])

    survey_import = _run(
        survey,
        officer,
        content,
        name="r.xlsx",
        capture=django_capture_on_commit_callbacks,
    )

    assert survey_import.status == SurveyImport.Status.REJECTED
    column_letter = chr(ord("A") + header.index("number-q"))
    assert any(
        p["message"].startswith(
            f"Row 2, column 'number-q': cell {column_letter}2 contains a formula"
        )
        for p in survey_import.problems
    )
    assert not Submission.objects.exists()


def test_a_fake_xlsx_file_is_refused(
    survey, officer, django_capture_on_commit_callbacks
):
    for content in (b"age_band,sex\n", b"PK\x03\x04 not really a zip"):
        survey_import = _run(
            survey,
            officer,
            content,
            name="r.xlsx",
            capture=django_capture_on_commit_callbacks,
        )
        assert survey_import.status == SurveyImport.Status.REJECTED
        assert "not a real XLSX" in survey_import.problems[0]["message"]


def test_at_most_50_problems_are_kept_but_all_are_counted(
    survey, officer, django_capture_on_commit_callbacks
):
    content = _csv(survey, [_good_row(sex="x")] * 60)

    survey_import = _run(
        survey, officer, content, capture=django_capture_on_commit_callbacks
    )

    assert survey_import.n_problems == 60
    assert len(survey_import.problems) == 50


def test_an_unexpected_error_fails_the_import_and_saves_nothing(
    survey, officer, django_capture_on_commit_callbacks
):
    content = _csv(survey, [_good_row(), _good_row()])
    with mock.patch(
        "coproduce.apps.surveys.services.imports.Answer.objects.bulk_create",
        side_effect=RuntimeError("disk full"),
    ):
        survey_import = _run(
            survey, officer, content, capture=django_capture_on_commit_callbacks
        )

    assert survey_import.status == SurveyImport.Status.FAILED
    assert "RuntimeError" in survey_import.error
    assert survey_import.n_rows_imported == 0
    assert not Submission.objects.exists()
    assert not AuditEvent.objects.filter(action="survey_import.complete").exists()


def test_a_finished_import_is_not_run_again(
    survey, officer, django_capture_on_commit_callbacks
):
    survey_import = _run(
        survey,
        officer,
        _csv(survey, [_good_row()]),
        capture=django_capture_on_commit_callbacks,
    )

    again = survey_import_run(survey_import_id=survey_import.pk)

    assert again.status == SurveyImport.Status.COMPLETED
    assert Submission.objects.count() == 1


def test_the_task_is_queued_only_after_commit(
    survey, officer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        survey_import = survey_import_create(
            actor=officer,
            survey=survey,
            uploaded_file=SimpleUploadedFile("r.csv", _csv(survey, [_good_row()])),
        )
    assert len(callbacks) == 1
    survey_import.refresh_from_db()
    assert survey_import.status == SurveyImport.Status.QUEUED
    assert AuditEvent.objects.filter(action="survey_import.create").count() == 1


@pytest.mark.parametrize(
    "person", ["analyst", "elected_member", "community_organiser", "resident"]
)
def test_only_people_who_run_engagements_may_import(survey, request, person):
    with pytest.raises(PermissionDenied):
        survey_import_create(
            actor=request.getfixturevalue(person),
            survey=survey,
            uploaded_file=SimpleUploadedFile("r.csv", b"a\n"),
        )
    assert not SurveyImport.objects.exists()


def test_area_for_postcode_takes_the_longest_prefix(organisation, other_organisation):
    district = AreaFactory(organisation=organisation)
    unit = AreaFactory(organisation=organisation)
    PostcodeArea.objects.create(organisation=organisation, prefix="CF10", area=district)
    PostcodeArea.objects.create(organisation=organisation, prefix="CF101AA", area=unit)

    assert area_for_postcode(organisation=organisation, postcode="cf10 1aa") == unit
    assert area_for_postcode(organisation=organisation, postcode="CF10 2BB") == district
    assert area_for_postcode(organisation=organisation, postcode="SA1 1AA") is None
    assert (
        area_for_postcode(organisation=other_organisation, postcode="CF10 1AA") is None
    )


def test_an_import_whose_worker_died_is_marked_failed_after_an_hour(
    survey, officer, django_capture_on_commit_callbacks
):
    """A RUNNING import older than STALLED_AFTER ends FAILED; a recent one is left."""
    with django_capture_on_commit_callbacks(execute=False):
        stalled, recent = (
            survey_import_create(
                actor=officer,
                survey=survey,
                uploaded_file=SimpleUploadedFile(
                    "responses.csv", _csv(survey, [_good_row()])
                ),
                channel=Submission.Channel.PAPER,
                mode=SurveyImport.Mode.ALL_OR_NOTHING,
            )
            for _ in range(2)
        )
    now = timezone.now()
    SurveyImport.objects.filter(pk=stalled.pk).update(
        status=SurveyImport.Status.RUNNING,
        started_at=now - STALLED_AFTER - timedelta(minutes=1),
    )
    SurveyImport.objects.filter(pk=recent.pk).update(
        status=SurveyImport.Status.RUNNING, started_at=now - timedelta(minutes=5)
    )

    assert survey_imports_fail_stalled(now=now) == 1

    stalled.refresh_from_db()
    recent.refresh_from_db()
    assert stalled.status == SurveyImport.Status.FAILED
    assert "nothing was imported" in stalled.error
    assert stalled.finished_at == now
    assert recent.status == SurveyImport.Status.RUNNING
    assert not Submission.objects.filter(survey=survey).exists()
    # Running it again changes nothing.
    assert survey_imports_fail_stalled(now=now) == 0


def test_the_command_reports_how_many_imports_it_failed(survey, officer):
    out = io.StringIO()
    call_command("fail_stalled_imports", stdout=out)
    assert out.getvalue().splitlines() == [
        "Marked 0 stalled import(s) as failed.",
        "Marked 0 stalled weighting run(s) as failed.",
        "Marked 0 stalled opinion-map run(s) as failed.",
    ]


def test_a_running_import_records_when_it_started(
    survey, officer, django_capture_on_commit_callbacks
):
    survey_import = _run(
        survey,
        officer,
        _csv(survey, [_good_row()]),
        capture=django_capture_on_commit_callbacks,
    )
    assert survey_import.status == SurveyImport.Status.COMPLETED
    assert survey_import.started_at is not None
    assert survey_import.started_at <= survey_import.finished_at
