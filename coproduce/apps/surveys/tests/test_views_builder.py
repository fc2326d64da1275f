"""Officers' builder, preview, publishing and paper entry pages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from coproduce.apps.accounts.models import User
from coproduce.apps.engagements.tests.factories import EngagementFactory
from coproduce.apps.organisations.models import Organisation
from coproduce.apps.surveys.models import Question, Submission, Survey, SurveyVersion
from coproduce.apps.surveys.tests.factories import published_survey

HOSTILE = ["<script>", "onerror=alert(1)>"]


def url(name: str, survey: Survey, **extra: Any) -> str:
    return reverse(
        f"surveys:{name}",
        kwargs={
            "org_slug": survey.organisation.slug,
            "engagement_slug": survey.engagement.slug,
            "survey_slug": survey.slug,
            **extra,
        },
    )


@pytest.fixture
def survey(organisation: Organisation) -> Survey:
    return published_survey(engagement=EngagementFactory(organisation=organisation))


@pytest.fixture
def officer_client(
    officer: User, client_for: Callable[[User | None], Client]
) -> Client:
    return client_for(officer)


def _assert_escaped(body: str) -> None:
    for raw in HOSTILE:
        assert raw not in body


def test_builder_shows_pages_versions_and_unpublished_changes(
    survey: Survey, officer_client: Client, django_assert_max_num_queries: Any
) -> None:
    with django_assert_max_num_queries(25):
        response = officer_client.get(url("survey-builder", survey))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Up to date" in body
    assert "Version 1" in body
    _assert_escaped(body)
    officer_client.post(
        url("question-create", survey),
        {"kind": "short_text", "text_en": "New <script>", "page": "2"},
    )
    body = officer_client.get(url("survey-builder", survey)).content.decode()
    assert "Unpublished changes" in body
    assert "Page 2" in body
    _assert_escaped(body)


def test_the_builder_lists_many_questions_in_few_queries(
    survey: Survey, officer_client: Client, django_assert_max_num_queries: Any
) -> None:
    for n in range(20):
        Question.objects.create(
            survey=survey, key=f"extra{n}", kind="short_text", text_en=f"Q{n}", page=3
        )
    with django_assert_max_num_queries(25):
        assert officer_client.get(url("survey-builder", survey)).status_code == 200


def test_create_a_survey_then_a_question_with_options_from_lines(
    organisation: Organisation, officer_client: Client
) -> None:
    engagement = EngagementFactory(organisation=organisation)
    response = officer_client.post(
        reverse(
            "surveys:survey-create",
            kwargs={"org_slug": organisation.slug, "engagement_slug": engagement.slug},
        ),
        {"title_en": "Parks", "slug": "parks", "access": "anyone"},
    )
    survey = Survey.objects.get(slug="parks")
    assert response.url == url("survey-builder", survey)
    response = officer_client.post(
        url("question-create", survey),
        {
            "kind": "scale",
            "text_en": "How satisfied are you?",
            "text_cy": "Pa mor fodlon ydych chi?",
            "page": "1",
            "options_en": "Very satisfied\nSatisfied\nDissatisfied",
            "options_cy": "Bodlon iawn\nBodlon\nAnfodlon",
        },
    )
    assert response.status_code == 302
    question = Question.objects.get(survey=survey)
    assert list(question.choices.values_list("value", "label_cy")) == [
        ("1", "Bodlon iawn"),
        ("2", "Bodlon"),
        ("3", "Anfodlon"),
    ]
    # The edit form shows the options back, one per line.
    edit = officer_client.get(url("question-update", survey, key=question.key))
    assert "Very satisfied\nSatisfied\nDissatisfied" in edit.content.decode()


def test_question_form_errors_name_the_field(
    survey: Survey, officer_client: Client
) -> None:
    response = officer_client.post(
        url("question-create", survey),
        {
            "kind": "number",
            "text_en": "",
            "page": "0",
            "number_min": "9",
            "number_max": "1",
        },
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Enter the question in English." in body
    assert "The page number must be 1 or more." in body
    assert "The lowest number allowed must not be more than the highest." in body


def test_publishing_from_the_page_reports_problems_or_makes_a_version(
    organisation: Organisation, officer_client: Client
) -> None:
    engagement = EngagementFactory(organisation=organisation)
    officer_client.post(
        reverse(
            "surveys:survey-create",
            kwargs={"org_slug": organisation.slug, "engagement_slug": engagement.slug},
        ),
        {"title_en": "Parks", "slug": "parks", "access": "anyone"},
    )
    survey = Survey.objects.get(slug="parks")
    officer_client.post(
        url("question-create", survey),
        {"kind": "single_choice", "text_en": "Pick", "page": "1", "options_en": "Only"},
    )
    response = officer_client.post(url("survey-publish", survey), follow=True)
    assert "q1: give at least 2 answer options" in response.content.decode().replace(
        "Question q1", "q1"
    )
    assert not SurveyVersion.objects.exists()
    officer_client.post(
        url("question-update", survey, key="q1"),
        {"kind": "single_choice", "text_en": "Pick", "page": "1", "options_en": "A\nB"},
    )
    response = officer_client.post(url("survey-publish", survey), follow=True)
    assert "Version 1 published" in response.content.decode()
    assert SurveyVersion.objects.get().number == 1


def test_condition_form_offers_only_earlier_pages(
    survey: Survey, officer_client: Client
) -> None:
    later = Question.objects.create(
        survey=survey, key="later", kind="short_text", text_en="Later", page=2
    )
    page = officer_client.get(url("question-condition", survey, key=later.key))
    body = page.content.decode()
    assert 'value="single-choice-q"' in body
    assert 'value="single-choice-q|yes"' in body
    response = officer_client.post(
        url("question-condition", survey, key=later.key),
        {
            "is_conditional": "yes",
            "question": "single-choice-q",
            "operator": "equals",
            "values": ["single-choice-q|yes"],
        },
    )
    assert response.status_code == 302
    later.refresh_from_db()
    assert later.condition == {
        "question": "single-choice-q",
        "operator": "equals",
        "values": ["yes"],
    }
    first = officer_client.get(url("question-condition", survey, key="short-text-q"))
    assert "always shown" in first.content.decode()


def test_preview_and_entry_escape_hostile_text(
    survey: Survey, officer_client: Client
) -> None:
    for name in ["survey-preview", "survey-entry", "survey-update", "question-create"]:
        response = officer_client.get(url(name, survey))
        assert response.status_code == 200
        _assert_escaped(response.content.decode())
    for name in ["question-update", "question-delete", "question-condition"]:
        response = officer_client.get(url(name, survey, key="single-choice-q"))
        assert response.status_code == 200
        _assert_escaped(response.content.decode())


def test_officer_enters_a_phone_response(
    survey: Survey, officer: User, officer_client: Client
) -> None:
    response = officer_client.post(
        url("survey-entry", survey),
        {
            "channel": "phone",
            "q-single-choice-q": "no",
            "q-number-q": "44",
            "about-age_band": "75_plus",
        },
    )
    assert response.status_code == 302
    submission = Submission.objects.get()
    assert submission.channel == Submission.Channel.PHONE
    assert submission.entered_by == officer
    assert submission.age_band == "75_plus"
    assert submission.answers.count() == 2


def test_entry_errors_are_shown_and_nothing_is_saved(
    survey: Survey, officer_client: Client
) -> None:
    response = officer_client.post(
        url("survey-entry", survey), {"channel": "paper", "q-number-q": "500"}
    )
    assert response.status_code == 200
    assert "120 or less" in response.content.decode()
    response = officer_client.post(url("survey-entry", survey), {"q-number-q": "5"})
    assert "Choose how the response came in." in response.content.decode()
    assert not Submission.objects.exists()
