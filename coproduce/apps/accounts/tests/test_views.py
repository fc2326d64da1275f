"""A person's own account pages, and the MFA rule for staff."""

from __future__ import annotations

import pytest
from django.urls import reverse

from coproduce.apps.accounts.models import User
from coproduce.apps.accounts.tests.factories import UserFactory
from coproduce.apps.audit.models import AuditEvent
from coproduce.apps.organisations.tests.factories import MembershipFactory
from coproduce.testing.pages import (
    assert_error_summary_names_field,
    assert_error_summary_says,
    assert_escaped,
    page_text,
)
from coproduce.testing.text import hostile_strings


@pytest.mark.django_db
@pytest.mark.parametrize("name", hostile_strings(max_length=200))
def test_the_profile_saves_a_hostile_name_and_shows_it_escaped(
    resident, client_for, name
):
    client = client_for(resident)

    response = client.post(
        reverse("accounts:profile"),
        {"full_name": name, "preferred_language": "cy"},
    )
    page = client.get(reverse("accounts:profile"))

    assert response.status_code == 302
    resident.refresh_from_db()
    assert (resident.full_name, resident.preferred_language) == (name, "cy")
    assert_escaped(page, name)


@pytest.mark.django_db
def test_an_unknown_language_is_shown_in_the_error_summary(resident, client_for):
    response = client_for(resident).post(
        reverse("accounts:profile"), {"full_name": "Siân", "preferred_language": "fr"}
    )

    assert response.status_code == 200
    assert 'href="#id_preferred_language_0"' in page_text(response)
    resident.refresh_from_db()
    assert resident.preferred_language == "en"
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db
def test_deleting_without_confirming_is_shown_in_the_error_summary(
    resident, client_for
):
    response = client_for(resident).post(reverse("accounts:delete"), {})

    assert response.status_code == 200
    assert_error_summary_names_field(
        response,
        field_id="id_confirm",
        message="Confirm that you want to delete your account.",
    )
    assert User.objects.filter(pk=resident.pk).exists()


@pytest.mark.django_db
def test_deleting_an_account_signs_out_and_removes_it(resident, client_for):
    client = client_for(resident)

    response = client.post(reverse("accounts:delete"), {"confirm": "on"})

    assert response.status_code == 302
    assert response.url == reverse("core:home")
    assert not User.objects.filter(pk=resident.pk).exists()
    assert client.get(reverse("accounts:profile")).status_code == 302  # signed out


@pytest.mark.django_db
def test_the_sole_administrator_is_told_why_they_cannot_delete_their_account(
    organisation, administrator, client_for
):
    response = client_for(administrator).post(
        reverse("accounts:delete"), {"confirm": "on"}
    )

    assert response.status_code == 200
    assert_error_summary_says(
        response,
        f"You are the only administrator of {organisation.name}. Make someone "
        "else an administrator before deleting your account.",
    )
    assert User.objects.filter(pk=administrator.pk).exists()


@pytest.mark.django_db
def test_staff_without_an_authenticator_are_sent_to_set_one_up(
    organisation, client_for
):
    staff = MembershipFactory(organisation=organisation, user=UserFactory()).user

    response = client_for(staff).get(organisation.get_absolute_url())

    assert response.status_code == 302
    assert response.url == reverse("mfa_activate_totp")


@pytest.mark.django_db
def test_staff_without_an_authenticator_may_still_read_the_public_statements(
    organisation, client_for
):
    staff = MembershipFactory(organisation=organisation, user=UserFactory()).user

    response = client_for(staff).get(reverse("core:accessibility"))

    assert response.status_code == 200


@pytest.mark.django_db
def test_residents_are_never_asked_for_an_authenticator(resident, client_for):
    response = client_for(resident).get(reverse("accounts:profile"))

    assert response.status_code == 200
    assert "Optional" in page_text(response)
