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


def test_an_administrator_follows_inclusion_over_time_and_weights_results(
    page: Any, demo: DemoPeople
) -> None:
    """Inclusion dashboard, recalculating an engagement's figures, area lookups
    with a postcode check, then weighting the park survey and reading the
    weighted results: every page axe-checked, half of them in Welsh."""
    axe = AxeAudit()
    org = demo.org_slug
    admin = demo.administrator
    sign_in_with_mfa(page, admin, demo.password, demo.totp_secret(admin))

    page.goto(f"/orgs/{org}/")
    page.locator(f'main a[href="/orgs/{org}/inclusion/"]').click()
    expect(page.locator("main h1")).to_have_text("Inclusion over time")
    expect(page.locator("main table").first).to_be_visible()
    axe.check(page, "inclusion over time")

    figures = f"/orgs/{org}/engagements/{PARK}/inclusion/"
    page.goto(figures)
    page.get_by_role("button", name="Recalculate").click()
    expect(page.locator("main")).to_contain_text("Newcomers")
    axe.check(page, "engagement inclusion figures")

    page.goto(f"/cy/orgs/{org}/lookups/")
    axe.check(page, "area lookups (cy)")
    postcodes = f"/cy/orgs/{org}/lookups/postcodes/"
    page.locator(f'main a[href="{postcodes}"]').first.click()
    page.locator('main input[name="postcode"]').fill("ZZ99 9ZZ")
    page.locator('main input[name="postcode"]').press("Enter")
    expect(page.locator("main [role=status]")).to_be_visible()
    axe.check(page, "postcode check (cy)")

    results = f"/cy/orgs/{org}/engagements/{PARK}/surveys/park-survey/results/"
    page.goto(results)
    page.locator(f'main a[href="{results}weighting/"]').first.click()
    axe.check(page, "weighting request (cy)")
    # The journey's demo has 30 responses: weight by sex only, as an
    # analyst would with a small sample (more characteristics leave empty cells).
    for box in page.locator('main input[name="characteristics"]').all():
        box.uncheck()
    page.locator('main input[name="characteristics"][value="sex"]').check()
    page.locator("main form button[type=submit]").first.click()
    # The test settings run tasks at once, so the run has finished.
    expect(page.locator("#weighting-status .govuk-tag--green")).to_be_visible()
    axe.check(page, "weighting run (cy)")
    page.locator('#weighting-status a[href*="weighted=1"]').click()
    # The weighted view is current in the toggle and says how it was weighted.
    expect(page.locator('main strong[aria-current="page"]')).to_be_visible()
    expect(page.locator("main .govuk-inset-text").first).to_be_visible()
    axe.check(page, "weighted results (cy)")
    axe.assert_clean()
