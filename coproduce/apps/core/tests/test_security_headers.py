"""Security by default: CSP with a per-request nonce, no framing, CSRF enforced."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse


@pytest.mark.django_db
def test_pages_send_a_strict_content_security_policy_with_a_fresh_nonce():
    client = Client()
    first = client.get(reverse("core:home"))
    second = client.get(reverse("core:home"))
    policy = first["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy
    nonce = re.search(r"'nonce-([^']+)'", policy).group(1)
    # The one inline script carries the nonce; the next response gets a new one.
    assert f'nonce="{nonce}"' in first.content.decode()
    assert nonce not in second["Content-Security-Policy"]


@pytest.mark.django_db
def test_pages_cannot_be_framed_or_sniffed():
    response = Client().get(reverse("core:home"))
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


@pytest.mark.django_db
def test_a_form_posted_without_the_csrf_token_is_refused():
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        reverse("account_login"), {"login": "a@example.org", "password": "x"}
    )
    assert response.status_code == 403


@pytest.mark.django_db
def test_the_welsh_page_is_marked_as_welsh_and_links_back_to_the_same_english_page():
    response = Client().get("/cy/accessibility/")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="cy"' in html
    assert 'href="/accessibility/" hreflang="en"' in html
