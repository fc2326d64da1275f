"""Log-in throttling and two-factor authentication for staff, through the real views."""

from __future__ import annotations

import base64

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    hotp_value,
    yield_hotp_counters_from_time,
)
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from coproduce.apps.accounts.models import User
from coproduce.apps.organisations.models import Organisation, Role
from coproduce.apps.organisations.services import membership_create, organisation_create

PASSWORD = "a-long-enough-test-password"
SECRET = base64.b32encode(b"0123456789abcdefghij").decode()


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    # allauth keeps failed attempts in the cache; each test starts from none.
    cache.clear()
    yield
    cache.clear()


def _user(email: str) -> User:
    user = User.objects.create_user(email=email, password=PASSWORD)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


def _organisation() -> Organisation:
    return organisation_create(
        actor=None,
        name_en="Cyngor Prawf",
        name_cy="Cyngor Prawf",
        slug="prawf",
        kind=Organisation.Kind.COUNCIL,
    )


def _current_code() -> str:
    counters = list(yield_hotp_counters_from_time())
    return format_hotp_value(hotp_value(SECRET, counters[len(counters) // 2]))


def _log_in(client: Client, email: str, password: str):
    return client.post(
        reverse("account_login"), {"login": email, "password": password}, follow=False
    )


@pytest.mark.django_db
def test_five_failed_log_ins_block_the_next_one_even_with_the_right_password():
    _user("wyn@example.org")
    client = Client()
    for _ in range(5):
        response = _log_in(client, "wyn@example.org", "wrong password")
        assert response.status_code == 200  # form re-shown with an error
    response = _log_in(client, "wyn@example.org", PASSWORD)
    assert response.status_code == 200
    assert "Too many failed login attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session
    # Another address from the same browser is not blocked by this one's failures.
    _user("other@example.org")
    assert _log_in(client, "other@example.org", PASSWORD).status_code == 302


@pytest.mark.django_db
def test_a_resident_logs_in_with_a_password_alone():
    _user("resident@example.org")
    client = Client()
    response = _log_in(client, "resident@example.org", PASSWORD)
    assert response.status_code == 302
    assert "_auth_user_id" in client.session


@pytest.mark.django_db
def test_staff_with_totp_must_enter_a_code_after_the_password():
    officer = _user("officer@example.org")
    organisation = _organisation()
    membership_create(
        actor=None,
        organisation=organisation,
        user=officer,
        role=Role.ENGAGEMENT_OFFICER,
    )
    TOTP.activate(officer, SECRET)
    client = Client()
    response = _log_in(client, "officer@example.org", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session  # not signed in yet

    wrong = client.post(reverse("mfa_authenticate"), {"code": "000000"})
    assert wrong.status_code == 200
    assert "_auth_user_id" not in client.session

    right = client.post(reverse("mfa_authenticate"), {"code": _current_code()})
    assert right.status_code == 302
    assert "_auth_user_id" in client.session


@pytest.mark.django_db
def test_staff_without_totp_are_sent_to_set_it_up_before_anything_else():
    administrator = _user("admin@example.org")
    organisation = _organisation()
    membership_create(
        actor=None,
        organisation=organisation,
        user=administrator,
        role=Role.ADMINISTRATOR,
    )
    client = Client()
    client.force_login(administrator)
    dashboard = reverse(
        "organisations:organisation-dashboard", kwargs={"org_slug": organisation.slug}
    )
    response = client.get(dashboard)
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")
    # The pages needed to set it up, and the public statements, still open.
    assert client.get(reverse("core:accessibility")).status_code == 200

    TOTP.activate(administrator, SECRET)
    assert client.get(dashboard).status_code == 200


@pytest.mark.django_db
def test_residents_are_never_asked_to_set_up_a_second_factor():
    resident = _user("preswylydd@example.org")
    client = Client()
    client.force_login(resident)
    assert client.get(reverse("accounts:profile")).status_code == 200
