"""Results pages: charts with tables, filters, free text and tags, exports, imports."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from coproduce.apps.surveys.exports import import_columns
from coproduce.apps.surveys.models import Answer, AnswerTag, SurveyImport
from coproduce.apps.surveys.tests.factories import AnswerFactory, AnswerTagFactory
from coproduce.apps.surveys.tests.results_data import add_responses, survey_of
from coproduce.testing.text import SCRIPT

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def survey(organisation):
    return survey_of(organisation)


def _url(name, survey, **extra):
    return reverse(
        f"survey_results:{name}",
        kwargs={
            "org_slug": survey.organisation.slug,
            "engagement_slug": survey.engagement.slug,
            "survey_slug": survey.slug,
            **extra,
        },
    )


def test_results_page_shows_a_chart_spec_and_a_table_per_question(
    survey, analyst, client_for
):
    add_responses(survey, 12, seed=1)

    response = client_for(analyst).get(_url("results", survey))

    assert response.status_code == 200
    content = response.content.decode()
    assert SCRIPT not in content  # hostile question text is escaped
    assert 'data-chart-spec="chart-spec-1"' in content or "chart-spec-" in content
    assert "<caption" in content
    spec = json.loads(
        content.split('id="chart-spec-3" type="application/json">')[1].split(
            "</script>"
        )[0]
    )
    assert spec["mark"]["type"] == "bar"
    assert spec["description"]
    assert "vega-embed.min.js" in content
    assert "charts.mjs" in content


def test_results_page_queries_do_not_grow_with_submissions(
    organisation, analyst, client_for, django_assert_max_num_queries
):
    counts = []
    for n in (5, 60):
        survey = survey_of(organisation)
        add_responses(survey, n, seed=n)
        client = client_for(analyst)
        client.get(_url("results", survey))  # warm the session
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            response = client.get(_url("results", survey) + "?sex=female")
        assert response.status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_a_filter_to_a_small_group_warns(survey, analyst, client_for):
    add_responses(survey, 12, seed=2, age_band="")
    add_responses(survey, 3, seed=3, age_band="75_plus")

    response = client_for(analyst).get(_url("results", survey) + "?age_band=75_plus")

    assert "Fewer than 10 people are in this group" in response.content.decode()


def test_filtering_by_a_ward_counts_its_small_areas(survey, analyst, client_for):
    from coproduce.apps.organisations.tests.factories import AreaFactory

    ward = AreaFactory(organisation=survey.organisation)
    small = [
        AreaFactory(organisation=survey.organisation, parent=ward) for _ in range(2)
    ]
    add_responses(survey, 4, seed=5, area=small[0])
    add_responses(survey, 7, seed=6, area=small[1])
    add_responses(survey, 2, seed=7)

    page = client_for(analyst).get(_url("results", survey) + f"?area={ward.pk}")

    text = page.content.decode()
    assert "An area includes the smaller areas inside it." in text
    assert page.context["results"].n_respondents == 11


def test_an_unknown_filter_value_is_an_error_not_a_500(survey, analyst, client_for):
    response = client_for(analyst).get(_url("results", survey) + "?channel=<b>")

    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()


def test_results_page_works_in_welsh(survey, analyst, client_for):
    add_responses(survey, 3, seed=4)
    url = _url("results", survey)

    response = client_for(analyst).get("/cy" + url)

    assert response.status_code == 200
    assert 'lang="cy"' in response.content.decode()


def test_free_text_is_paginated_and_filtered_by_tag(survey, analyst, client_for):
    submissions = add_responses(survey, 30, seed=5)
    Answer.objects.filter(question_key="short-text-q").delete()
    tag = AnswerTagFactory(survey=survey)
    for index, submission in enumerate(submissions):
        answer = AnswerFactory(
            submission=submission,
            question_key="short-text-q",
            value_text=f"ateb {index}",
        )
        if index < 3:
            answer.tags.add(tag)
    client = client_for(analyst)
    url = _url("free-text", survey, question_key="short-text-q")

    first = client.get(url).content.decode()
    second = client.get(url + "?page=2").content.decode()
    tagged = client.get(url + f"?tag={tag.pk}").content.decode()

    assert "30 answers" in first
    assert first.count("govuk-summary-card__content") == 25
    assert second.count("govuk-summary-card__content") == 5
    assert tagged.count("govuk-summary-card__content") == 3


def test_free_text_of_a_choice_question_is_404(survey, analyst, client_for):
    response = client_for(analyst).get(
        _url("free-text", survey, question_key="single-choice-q")
    )
    assert response.status_code == 404


def test_an_analyst_tags_and_untags_an_answer(survey, analyst, client_for):
    answer = AnswerFactory(
        submission=add_responses(survey, 1, seed=6)[0], question_key="long-text-q"
    )
    tag = AnswerTagFactory(survey=survey)
    client = client_for(analyst)

    client.post(_url("answer-tag-add", survey, pk=answer.pk), {"tag": tag.pk})
    assert list(answer.tags.all()) == [tag]
    client.post(_url("answer-tag-remove", survey, pk=answer.pk), {"tag": tag.pk})
    assert not answer.tags.exists()


@pytest.mark.parametrize("person", ["elected_member", "community_organiser"])
def test_members_who_may_not_export_cannot_tag(survey, request, person, client_for):
    answer = AnswerFactory(
        submission=add_responses(survey, 1, seed=7)[0], question_key="long-text-q"
    )
    tag = AnswerTagFactory(survey=survey)

    response = client_for(request.getfixturevalue(person)).post(
        _url("answer-tag-add", survey, pk=answer.pk), {"tag": tag.pk}
    )

    assert response.status_code == 403
    assert not answer.tags.exists()


def test_a_tag_of_another_survey_cannot_be_added(
    organisation, survey, analyst, client_for
):
    answer = AnswerFactory(
        submission=add_responses(survey, 1, seed=8)[0], question_key="long-text-q"
    )
    other_tag = AnswerTagFactory(survey=survey_of(organisation))

    client_for(analyst).post(
        _url("answer-tag-add", survey, pk=answer.pk), {"tag": other_tag.pk}
    )

    assert not answer.tags.exists()


def test_a_choice_answer_cannot_be_tagged(survey, analyst, client_for):
    add_responses(survey, 1, seed=9)
    answer = Answer.objects.filter(
        question_key="single-choice-q"
    ).first() or AnswerFactory(
        submission=survey.submissions.first(),
        question_key="single-choice-q",
        value_text="yes",
    )
    tag = AnswerTagFactory(survey=survey)

    response = client_for(analyst).post(
        _url("answer-tag-add", survey, pk=answer.pk), {"tag": tag.pk}
    )

    assert response.status_code == 404
    assert not answer.tags.exists()


def test_duplicate_tag_names_are_refused_whatever_the_case(survey, analyst, client_for):
    AnswerTagFactory(survey=survey, name="Parcio")

    response = client_for(analyst).post(_url("tag-list", survey), {"name": " parcio "})

    assert response.status_code == 200
    assert "There is already a tag called" in response.content.decode()
    assert AnswerTag.objects.count() == 1


@pytest.mark.parametrize(
    ("file_format", "content_type"),
    [
        ("csv", "text/csv; charset=utf-8"),
        ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("sav", "application/x-spss-sav"),
    ],
)
def test_exports_download_as_attachments(
    survey, analyst, client_for, file_format, content_type
):
    add_responses(survey, 3, seed=10)

    response = client_for(analyst).get(_url("export", survey, file_format=file_format))

    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Cache-Control"] == "no-store"


def test_an_unknown_export_format_is_404(survey, analyst, client_for):
    response = client_for(analyst).get(_url("export", survey, file_format="pdf"))
    assert response.status_code == 404


def test_the_blank_template_has_the_import_columns(survey, officer, client_for):
    response = client_for(officer).get(_url("import-template", survey))

    header = response.content.decode("utf-8-sig").strip().split(",")
    assert header == [c.name for c in import_columns(survey=survey)]


def test_an_officer_uploads_a_file_and_sees_the_result(
    survey, officer, client_for, django_capture_on_commit_callbacks
):
    template = client_for(officer).get(_url("import-template", survey)).content
    content = template + b"16_24,female\n"  # about-you only: no required questions
    client = client_for(officer)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            _url("import-create", survey),
            {
                "file": SimpleUploadedFile("papur.csv", content),
                "channel": "paper",
                "mode": SurveyImport.Mode.ALL_OR_NOTHING,
            },
        )

    survey_import = SurveyImport.objects.get()
    assert response.status_code == 302
    assert response.url == _url("import-detail", survey, pk=survey_import.pk)
    page = client.get(response.url)
    assert survey_import.status == SurveyImport.Status.QUEUED or page.status_code == 200
    survey_import.refresh_from_db()
    assert survey_import.status == SurveyImport.Status.COMPLETED, survey_import.problems
    fragment = client.get(response.url, HTTP_HX_REQUEST="true").content.decode()
    assert fragment.startswith('<div id="import-status"')
    assert "hx-get" not in fragment  # finished: stops polling


def test_an_upload_without_a_file_shows_an_error(survey, officer, client_for):
    response = client_for(officer).post(
        _url("import-create", survey), {"channel": "paper", "mode": "all_or_nothing"}
    )

    assert response.status_code == 200
    assert "Select a CSV or XLSX file." in response.content.decode()
    assert not SurveyImport.objects.exists()


def test_a_running_import_page_polls_and_offers_a_refresh_link(
    survey, officer, client_for
):
    survey_import = SurveyImport.objects.create(
        survey=survey,
        version=survey.current_version,
        file="survey-imports/x.csv",
        original_filename="<script>x</script>.csv",
    )

    response = client_for(officer).get(
        _url("import-detail", survey, pk=survey_import.pk)
    )

    content = response.content.decode()
    assert "hx-get" in content
    assert "Refresh" in content
    assert "<script>x</script>" not in content


@pytest.mark.parametrize("n", [3, 30])
def test_free_text_page_queries_do_not_grow_with_answers(
    survey, analyst, client_for, n, django_assert_max_num_queries
):
    add_responses(survey, n, seed=11)
    AnswerTagFactory(survey=survey)
    for answer in Answer.objects.filter(question_key="short-text-q"):
        answer.tags.add(AnswerTag.objects.get())
    client = client_for(analyst)
    url = _url("free-text", survey, question_key="short-text-q")
    client.get(url)

    with django_assert_max_num_queries(18):
        response = client.get(url)
    assert response.status_code == 200


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/", "/\\evil"]
)
def test_tagging_never_redirects_off_the_site(survey, analyst, client_for, target):
    answer = AnswerFactory(
        submission=add_responses(survey, 1, seed=12)[0], question_key="long-text-q"
    )
    tag = AnswerTagFactory(survey=survey)

    response = client_for(analyst).post(
        _url("answer-tag-add", survey, pk=answer.pk), {"tag": tag.pk, "next": target}
    )

    assert response.url == _url("free-text", survey, question_key="long-text-q")
