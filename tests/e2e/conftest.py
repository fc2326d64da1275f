"""Browser journeys: Playwright drives Debian's Chromium against the live server.

The browser is launched once per session from /usr/bin/chromium (never downloaded).
Each test gets a fresh browser context and a fresh demo council, built through the
same services `make demo` uses, so the people, passwords and TOTP secrets are known.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

# Playwright's sync API runs an asyncio loop in this thread; Django's ORM would
# otherwise refuse to be called from the test body ("async context").
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
E2E_DIR = Path(__file__).resolve().parent
DEMO_SEED = 2026
# Playwright waits at most this long for a page or an element: a local server
# answers in well under a second, so a long wait only hides a hang.
TIMEOUT_MS = 10_000


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test under tests/e2e drives a browser."""
    for item in items:
        if E2E_DIR in Path(item.fspath).resolve().parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not CHROMIUM.exists():
        message = (
            f"{CHROMIUM} is missing: install Debian's chromium package "
            "(apt-get install chromium) to run the browser journeys."
        )
        if os.environ.get("COPRODUCE_REQUIRE_BROWSER") == "1":
            pytest.fail(message + " COPRODUCE_REQUIRE_BROWSER=1 makes this a failure.")
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        try:
            yield chromium
        finally:
            chromium.close()


@dataclass(frozen=True)
class DemoPeople:
    """The demo council's slug and the people the journeys sign in as."""

    org_slug: str
    password: str
    administrator: str
    officer: str
    resident: str

    @staticmethod
    def totp_secret(email: str) -> str:
        from coproduce.demo.builder import demo_totp_secret

        return demo_totp_secret(email, DEMO_SEED)


@pytest.fixture
def demo(live_server: object) -> DemoPeople:
    """The demo council, in the live server's (transactional) database."""
    from django.core.cache import cache

    from coproduce.demo.builder import (
        DEMO_EMAIL_DOMAIN,
        DEMO_ORGANISATION_SLUG,
        DEMO_PASSWORD,
        demo_build,
    )

    # Used TOTP codes and log-in throttling live in the cache: start each journey
    # with none, as a fresh server would.
    cache.clear()
    # Fewer synthetic survey responses than `make demo`: journeys don't count them.
    demo_build(seed=DEMO_SEED, n_survey_responses=30)
    return DemoPeople(
        org_slug=DEMO_ORGANISATION_SLUG,
        password=DEMO_PASSWORD,
        administrator=f"admin@{DEMO_EMAIL_DOMAIN}",
        officer=f"officer@{DEMO_EMAIL_DOMAIN}",
        resident=f"resident1@{DEMO_EMAIL_DOMAIN}",
    )


def _new_page(browser: object, live_server: object, **context_options: object):
    context = browser.new_context(base_url=live_server.url, **context_options)  # type: ignore[attr-defined]
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    # Give the page the browser's focus, so document.hasFocus() is true and focus
    # checks do not depend on which test's page was opened last.
    page.bring_to_front()
    return context, page


@pytest.fixture
def page(browser: object, live_server: object) -> Iterator[object]:
    """A desktop-sized page in a fresh context (no cookies), addresses relative."""
    context, page = _new_page(
        browser, live_server, viewport={"width": 1280, "height": 900}
    )
    yield page
    context.close()


@pytest.fixture
def phone_page(browser: object, live_server: object) -> Iterator[object]:
    """A phone-sized page (375×667, touch, device scale 2)."""
    context, page = _new_page(
        browser,
        live_server,
        viewport={"width": 375, "height": 667},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
    )
    yield page
    context.close()
