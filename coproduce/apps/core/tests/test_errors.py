"""Error pages: GOV.UK style, in the visitor's language, never a stack trace."""

from __future__ import annotations

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.urls import path, reverse

from coproduce.apps.core import views as core_views
from coproduce.config import urls as project_urls
from coproduce.testing.pages import page_text

SECRET_DETAIL = "db-password-hunter2-in-the-stack"


def _raising_view(request: HttpRequest) -> HttpResponse:
    raise RuntimeError(SECRET_DETAIL)


# This module doubles as a URLconf (see `pytest.mark.urls`): the product's
# URLs plus one view that always fails, with the product's error handlers.
urlpatterns = [path("boom/", _raising_view), *project_urls.urlpatterns]
handler403 = project_urls.handler403
handler404 = project_urls.handler404
handler500 = project_urls.handler500


def _assert_govuk_page(content: str, *, language: str) -> None:
    assert f'<html lang="{language}"' in content
    assert "govuk-template" in content
    assert 'class="govuk-header' in content
    assert 'class="govuk-footer' in content
    assert '<h1 class="govuk-heading-l">' in content
    assert 'id="main-content"' in content


@pytest.mark.django_db
def test_the_404_page_is_a_govuk_page_in_english(client: Client):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    content = page_text(response)
    _assert_govuk_page(content, language="en")
    assert "Page not found" in content
    assert f'href="{reverse("core:home")}"' in content


@pytest.mark.django_db
def test_the_404_page_is_a_govuk_page_in_welsh(client: Client):
    response = client.get("/cy/no-such-page/")

    assert response.status_code == 404
    content = page_text(response)
    _assert_govuk_page(content, language="cy")
    assert 'href="/cy/"' in content  # the home link stays in Welsh
    assert 'hreflang="en"' in content  # and offers the English page


@pytest.mark.django_db
def test_the_404_page_escapes_a_hostile_address(client: Client):
    response = client.get("/<script>alert(1)</script>/")

    assert response.status_code == 404
    assert "<script>alert(1)</script>" not in page_text(response)


@pytest.mark.django_db
def test_an_unknown_organisation_is_the_404_page(administrator, client_for):
    response = client_for(administrator).get("/orgs/no-such-council/")

    assert response.status_code == 404
    _assert_govuk_page(page_text(response), language="en")


@pytest.mark.django_db
def test_the_403_page_is_a_govuk_page_naming_the_signed_in_person(
    organisation, resident, client_for
):
    response = client_for(resident).get(organisation.get_absolute_url())

    assert response.status_code == 403
    content = page_text(response)
    _assert_govuk_page(content, language="en")
    assert "You do not have permission to see this page" in content


@pytest.mark.django_db
def test_the_403_page_is_a_govuk_page_in_welsh(organisation, resident, client_for):
    response = client_for(resident).get(f"/cy{organisation.get_absolute_url()}")

    assert response.status_code == 403
    _assert_govuk_page(page_text(response), language="cy")


@pytest.mark.django_db
@pytest.mark.urls(__name__)
def test_the_500_page_is_a_govuk_page_without_a_stack_trace(client: Client):
    client.raise_request_exception = False

    response = client.get("/boom/")

    assert response.status_code == 500
    content = page_text(response)
    _assert_govuk_page(content, language="en")
    assert "Sorry, there is a problem with the service" in content
    for leak in (SECRET_DETAIL, "Traceback", "RuntimeError", "_raising_view"):
        assert leak not in content


@pytest.mark.django_db
@pytest.mark.urls(__name__)
def test_the_500_page_falls_back_to_plain_html_when_the_full_page_fails(
    client: Client, monkeypatch
):
    def broken_render(*args, **kwargs):
        raise RuntimeError("the navigation query failed")

    monkeypatch.setattr(core_views, "render", broken_render)
    client.raise_request_exception = False

    response = client.get("/boom/")

    assert response.status_code == 500
    content = page_text(response)
    assert "Sorry, there is a problem with the service" in content
    assert 'lang="cy"' in content  # the plain page is bilingual
    assert SECRET_DETAIL not in content
    assert "the navigation query failed" not in content
