"""Public pages and the navigation every page shows."""

from __future__ import annotations

import pytest
from django.urls import reverse

from coproduce.apps.organisations.tests.factories import OrganisationFactory
from coproduce.testing.pages import assert_escaped, page_text
from coproduce.testing.text import hostile_strings


@pytest.mark.django_db
@pytest.mark.parametrize("name", hostile_strings(max_length=200))
def test_the_home_page_lists_organisations_with_names_escaped(client, name):
    OrganisationFactory(name_en=name)

    response = client.get(reverse("core:home"))

    assert response.status_code == 200
    assert_escaped(response, name)


@pytest.mark.django_db
def test_the_home_page_shows_welsh_names_in_welsh(client):
    OrganisationFactory(name_en="Cardiff Council", name_cy="Cyngor Caerdydd")

    response = client.get("/cy/")

    assert response.status_code == 200
    assert '<html lang="cy"' in page_text(response)
    assert "Cyngor Caerdydd" in page_text(response)


@pytest.mark.django_db
def test_administrators_see_members_and_audit_log_in_the_navigation(
    organisation, administrator, client_for
):
    response = client_for(administrator).get(organisation.get_absolute_url())

    nav = {item.url for item in response.context["nav_items"]}
    assert reverse("organisations:member-list", args=[organisation.slug]) in nav
    assert reverse("audit:event-list", args=[organisation.slug]) in nav


@pytest.mark.django_db
@pytest.mark.parametrize(
    "role_fixture", ["officer", "analyst", "elected_member", "community_organiser"]
)
def test_other_roles_do_not_see_admin_pages_in_the_navigation(
    request, organisation, client_for, role_fixture
):
    user = request.getfixturevalue(role_fixture)

    response = client_for(user).get(organisation.get_absolute_url())

    nav = {item.url for item in response.context["nav_items"]}
    assert reverse("organisations:area-list", args=[organisation.slug]) in nav
    assert reverse("organisations:member-list", args=[organisation.slug]) not in nav
    assert reverse("audit:event-list", args=[organisation.slug]) not in nav


@pytest.mark.django_db
def test_anonymous_visitors_are_offered_sign_in_and_sign_up(client):
    response = client.get(reverse("core:home"))

    nav = {item.url for item in response.context["nav_items"]}
    assert nav == {reverse("account_login"), reverse("account_signup")}


@pytest.mark.django_db
def test_the_home_page_uses_a_bounded_number_of_queries(
    administrator, client_for, django_assert_max_num_queries
):
    client = client_for(administrator)
    OrganisationFactory.create_batch(15)

    with django_assert_max_num_queries(12):
        response = client.get(reverse("core:home"))

    assert response.status_code == 200
