"""An officer finds out who took part, in Welsh, with axe-core on every page.

Uses the demo council: the park consultation's synthetic responses (skewed
older) and the synthetic population profile.
"""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from tests.e2e.axe import AxeAudit
from tests.e2e.conftest import DemoPeople
from tests.e2e.helpers import at, sign_in_with_mfa

PARK = "riverside-park-what-should-change"


def test_an_officer_sees_who_took_part_against_the_population_in_welsh(
    page: Any, demo: DemoPeople
) -> None:
    axe = AxeAudit()
    org = demo.org_slug
    sign_in_with_mfa(page, demo.officer, demo.password, demo.totp_secret(demo.officer))

    page.goto(f"/cy/orgs/{org}/engagements/{PARK}/")
    who_took_part = f"/cy/orgs/{org}/engagements/{PARK}/who-took-part/"
    page.locator(f'main a[href="{who_took_part}"]').click()
    expect(page).to_have_url(at(who_took_part))
    expect(page.locator("main h1")).to_have_text("Pwy gymerodd ran")
    # The demo's respondents are older than its residents: the young are missing.
    expect(page.locator(".govuk-warning-text").first).to_contain_text("Lleisiau coll")
    expect(page.locator("main table").first).to_be_visible()
    axe.check(page, "who took part (cy)")

    profiles = f"/cy/orgs/{org}/population/"
    page.goto(f"/cy/orgs/{org}/")
    page.locator(f'main a[href="{profiles}"]').click()
    expect(page).to_have_url(at(profiles))
    axe.check(page, "population profiles (cy)")
    page.locator(f'main table a[href^="{profiles}"]').first.click()
    expect(page.locator("main table").first).to_be_visible()
    axe.check(page, "population profile (cy)")
    axe.assert_clean()
