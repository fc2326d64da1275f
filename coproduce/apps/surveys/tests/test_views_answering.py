"""Residents answering through the pages, without JavaScript."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import translation

from coproduce.apps.accounts.models import User
from coproduce.apps.engagements.models import Engagement
from coproduce.apps.engagements.tests.factories import EngagementFactory
from coproduce.apps.organisations.models import Organisation, PostcodeArea
from coproduce.apps.organisations.tests.factories import AreaFactory
from coproduce.apps.surveys.models import Answer, Submission, Survey
from coproduce.apps.surveys.tests.factories import published_survey
from coproduce.apps.surveys.tests.test_services_answering import routed_survey


def url(name: str, survey: Survey, **extra: Any) -> str:
    """The English address (a /cy/ request leaves Welsh active in the thread)."""
    with translation.override("en"):
        return _reverse(name, survey, **extra)


def _reverse(name: str, survey: Survey, **extra: Any) -> str:
    return reverse(
        f"surveys:{name}",
        kwargs={
            "org_slug": survey.organisation.slug,
            "engagement_slug": survey.engagement.slug,
            "survey_slug": survey.slug,
            **extra,
        },
    )


def test_a_resident_completes_a_routed_survey_and_never_sees_the_skipped_page(
    organisation: Organisation, client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    area = AreaFactory(organisation=organisation)
    PostcodeArea.objects.create(organisation=organisation, prefix="CF10", area=area)
    survey = routed_survey(organisation)
    start = client.get(url("survey-start", survey))
    assert start.status_code == 200
    response = client.post(url("survey-start", survey))
    assert response.url == url("survey-page", survey, page=1)
    response = client.post(url("survey-page", survey, page=1), {"q-q1": "no"})
    assert response.url == url("survey-page", survey, page=3)  # page 2 skipped
    # Asking for the skipped page directly sends the resident on.
    skipped = client.get(url("survey-page", survey, page=2))
    assert skipped.status_code == 302
    assert skipped.url == url("survey-page", survey, page=3)
    page3 = client.get(url("survey-page", survey, page=3))
    assert page3.context["back_url"] == url("survey-page", survey, page=1)
    response = client.post(url("survey-page", survey, page=3), {"q-q3": "5"})
    assert response.url == url("survey-about-you", survey)
    response = client.post(
        url("survey-about-you", survey),
        {"age_band": "35_44", "ethnicity": "prefer_not_to_say", "postcode": "cf10 1aa"},
    )
    assert response.url == url("survey-check", survey)
    check = client.get(url("survey-check", survey))
    assert check.status_code == 200
    assert [item["key"] for item in check.context["items"]] == ["q1", "q3"]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url("survey-check", survey),
            {"contact_email": "me@example.org", "wants_updates": "on"},
        )
    assert response.url == url("survey-done", survey)
    done = client.get(response.url)
    assert done.status_code == 200
    assert "me@example.org" in done.content.decode()  # "we are sending a copy"
    submission = Submission.objects.get()
    assert submission.age_band == "35_44"
    assert submission.area == area
    assert submission.wants_updates
    assert set(submission.answers.values_list("question_key", flat=True)) == {
        "q1",
        "q3",
    }
    assert len(mail.outbox) == 1
    # The answers are gone from the session: the start page starts afresh.
    assert client.get(url("survey-check", survey)).status_code == 302


def test_errors_are_shown_in_the_summary_and_inline(
    organisation: Organisation, client: Client
) -> None:
    survey = routed_survey(organisation)
    client.post(url("survey-start", survey))
    client.post(url("survey-page", survey, page=1), {"q-q1": "no"})
    response = client.post(url("survey-page", survey, page=3), {"q-q3": "eleven"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "govuk-error-summary" in body
    assert 'href="#q-q3"' in body
    assert 'id="q-q3-error"' in body
    assert 'value="eleven"' in body


def test_a_closed_survey_refuses_answers_with_a_clear_message(
    organisation: Organisation, client: Client
) -> None:
    survey = routed_survey(organisation)
    client.post(url("survey-start", survey))
    Engagement.objects.filter(pk=survey.engagement_id).update(
        status=Engagement.Status.CLOSED
    )
    start = client.get(url("survey-start", survey))
    assert "This survey is closed" in start.content.decode()
    assert "Start now" not in start.content.decode()
    response = client.post(url("survey-page", survey, page=1), {"q-q1": "no"})
    assert response.status_code == 409
    assert "This survey is closed" in response.content.decode()
    assert not Submission.objects.exists()


def test_a_draft_engagements_survey_is_404_to_the_public(
    organisation: Organisation, client: Client
) -> None:
    survey = published_survey(
        engagement=EngagementFactory(
            organisation=organisation, status=Engagement.Status.DRAFT
        )
    )
    assert client.get(url("survey-start", survey)).status_code == 404


def test_sign_in_is_required_and_explained(
    organisation: Organisation, client: Client
) -> None:
    survey = routed_survey(organisation, access=Survey.Access.SIGNED_IN)
    start = client.get(url("survey-start", survey))
    assert "You need to sign in" in start.content.decode()
    response = client.post(url("survey-start", survey))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_one_response_per_person_is_refused_with_a_message(
    organisation: Organisation,
    resident: User,
    client_for: Callable[[User | None], Client],
) -> None:
    survey = routed_survey(
        organisation, access=Survey.Access.SIGNED_IN, is_one_response_per_person=True
    )
    client = client_for(resident)
    client.post(url("survey-start", survey))
    client.post(url("survey-page", survey, page=1), {"q-q1": "no"})
    client.post(url("survey-page", survey, page=3), {"q-q3": "1"})
    client.post(url("survey-check", survey), {})
    assert Submission.objects.filter(status=Submission.Status.SUBMITTED).count() == 1
    again = client.post(url("survey-start", survey))
    assert again.status_code == 409
    assert "already answered" in again.content.decode()
    assert Submission.objects.count() == 1


def test_save_and_continue_resumes_where_the_resident_stopped(
    organisation: Organisation,
    resident: User,
    client_for: Callable[[User | None], Client],
) -> None:
    survey = routed_survey(organisation, access=Survey.Access.SIGNED_IN)
    client_for(resident).post(url("survey-start", survey))
    client_for(resident).post(url("survey-start", survey))
    first = client_for(resident)
    first.post(url("survey-start", survey))
    first.post(url("survey-page", survey, page=1), {"q-q1": "yes"})
    # A new session (another device): "Continue" goes to page 2 with q1 kept.
    second = client_for(resident)
    start = second.get(url("survey-start", survey))
    assert "Continue where you left off" in start.content.decode()
    response = second.post(url("survey-start", survey))
    assert response.url == url("survey-page", survey, page=2)


def test_every_kind_of_question_is_drawn_and_answered_without_javascript(
    organisation: Organisation, client: Client
) -> None:
    survey = published_survey(engagement=EngagementFactory(organisation=organisation))
    client.post(url("survey-start", survey))
    page = client.get(url("survey-page", survey, page=1))
    body = page.content.decode()
    for name in ["q-date-q-day", "q-ranking-q-parks", "q-matrix-q-safety"]:
        assert f'name="{name}"' in body
    response = client.post(
        url("survey-page", survey, page=1),
        {
            "q-short-text-q": "Short",
            "q-single-choice-q": "yes",
            "q-multiple-choice-q": ["yes", "unsure"],
            "q-scale-q": "5",
            "q-number-q": "7",
            "q-date-q-day": "27",
            "q-date-q-month": "3",
            "q-date-q-year": "2026",
            "q-postcode-q": "sw1a 1aa",
            "q-ranking-q-parks": "2",
            "q-ranking-q-roads": "1",
            "q-matrix-q-safety": "agree",
        },
    )
    assert response.status_code == 302
    client.post(url("survey-about-you", survey), {})
    check = client.get(url("survey-check", survey))
    assert check.status_code == 200
    client.post(url("survey-check", survey), {})
    answers = dict(
        Answer.objects.filter(item="").values_list("question_key", "value_text")
    )
    assert answers["date-q"] == "2026-03-27"
    assert answers["postcode-q"] == "SW1A 1AA"
    ranks = dict(
        Answer.objects.filter(question_key="ranking-q").values_list(
            "item", "value_number"
        )
    )
    assert ranks == {"roads": 1.0, "parks": 2.0}


def test_repeated_ranks_are_refused(organisation: Organisation, client: Client) -> None:
    survey = published_survey(engagement=EngagementFactory(organisation=organisation))
    client.post(url("survey-start", survey))
    response = client.post(
        url("survey-page", survey, page=1),
        {"q-ranking-q-parks": "1", "q-ranking-q-roads": "1"},
    )
    assert response.status_code == 200
    assert "different rank" in response.content.decode()


def test_hostile_text_is_escaped_on_every_resident_page(
    organisation: Organisation, client: Client
) -> None:
    survey = published_survey(engagement=EngagementFactory(organisation=organisation))
    client.post(url("survey-start", survey))
    pages = [
        client.get(url("survey-start", survey)),
        client.get(url("survey-page", survey, page=1)),
    ]
    client.post(
        url("survey-page", survey, page=1), {"q-short-text-q": "<script>x</script>"}
    )
    pages.append(client.get(url("survey-about-you", survey)))
    pages.append(client.get(url("survey-check", survey)))
    client.post(url("survey-check", survey), {})
    pages.append(client.get(url("survey-done", survey)))
    for page in pages:
        assert page.status_code == 200
        assert "<script>alert" not in page.content.decode()
        assert "<script>x" not in page.content.decode()


def test_residents_see_the_welsh_text_at_cy(
    organisation: Organisation, client: Client
) -> None:
    survey = routed_survey(organisation)
    version = survey.current_version
    definition = version.definition
    definition["questions"][0]["text"] = {
        "en": "Do you agree?",
        "cy": "Ydych chi'n cytuno?",
    }
    definition["questions"][2]["text"] = {"en": "How many?", "cy": ""}
    version.definition = definition
    version.save()
    client.post(url("survey-start", survey))
    page = client.get("/cy" + url("survey-page", survey, page=1))
    assert "Ydych chi&#x27;n cytuno?" in page.content.decode()
    assert "Parhau" in page.content.decode()  # the interface is in Welsh too
    client.post(url("survey-page", survey, page=1), {"q-q1": "no"})
    page3 = client.get("/cy" + url("survey-page", survey, page=3))
    assert "How many?" in page3.content.decode()  # falls back to English


def test_about_you_explains_why_we_ask_and_that_it_is_optional(
    organisation: Organisation, client: Client
) -> None:
    survey = routed_survey(organisation)
    client.post(url("survey-start", survey))
    client.post(url("survey-page", survey, page=1), {"q-q1": "no"})
    client.post(url("survey-page", survey, page=3), {"q-q3": "1"})
    body = client.get(url("survey-about-you", survey)).content.decode()
    assert "optional" in body
    assert "equality monitoring" in body
    assert "whose views are missing" in body
    assert body.count('value="prefer_not_to_say"') == 6
    assert "2021 Census" in body
