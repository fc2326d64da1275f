"""The engagement loop in the browser: a resident answers, the council answers back.

A resident answers the demo park survey in Welsh, on a phone-sized screen, using
only the keyboard, and asks to hear what happens. An engagement officer then
closes the engagement and publishes the "you said, we did" response, and the
resident's e-mail is in the outbox. axe-core checks every page on the way.
"""

from __future__ import annotations

from typing import Any

from django.core import mail
from playwright.sync_api import expect

from tests.e2e.axe import AxeAudit
from tests.e2e.conftest import DemoPeople
from tests.e2e.helpers import (
    at,
    press_enter_and_wait,
    sign_in_with_mfa,
    tab_to,
)

PARK = "riverside-park-what-should-change"
RESIDENT_EMAIL = "preswylydd.wyn@example.org"


def _survey_path(demo: DemoPeople, rest: str = "") -> str:
    return f"/cy/orgs/{demo.org_slug}/engagements/{PARK}/surveys/park-survey/{rest}"


def _continue(page: Any) -> None:
    """Tab to the page's submit button and press Enter."""
    tab_to(page, 'main button[type="submit"]')
    press_enter_and_wait(page)


def test_a_resident_answers_in_welsh_with_the_keyboard_and_hears_back(
    phone_page: Any, page: Any, demo: DemoPeople
) -> None:
    axe = AxeAudit()
    resident = phone_page
    resident.goto(_survey_path(demo))
    expect(resident.locator("h1")).to_contain_text("Arolwg Parc Glan-yr-Afon")
    axe.check(resident, "survey start (cy)")
    _continue(resident)  # "Dechrau nawr"

    # Page 1: the required question, by keyboard. Space picks the focused radio.
    expect(resident.locator("main")).to_contain_text("Pa mor aml")
    axe.check(resident, "survey page 1 (cy)")
    tab_to(resident, 'input[name="q-q1"]')
    resident.keyboard.press("Space")
    expect(resident.locator('input[name="q-q1"]').first).to_be_checked()
    tab_to(resident, 'input[name="q-q3"]')
    resident.keyboard.press("Space")
    _continue(resident)

    # The follow-up for people who never visit (page 2) is skipped: we visit weekly.
    expect(resident.locator("main")).not_to_contain_text("Beth sy’n eich rhwystro")
    axe.check(resident, "survey page 3 (cy)")
    _continue(resident)  # optional questions left blank

    expect(resident.locator("main")).to_contain_text("Oes unrhyw beth arall")
    tab_to(resident, "textarea")
    resident.keyboard.type("Mwy o feinciau ger yr afon, os gwelwch yn dda 👍🏽")
    axe.check(resident, "survey page 4 (cy)")
    _continue(resident)

    # About you: optional, with consent wording; answer one question.
    axe.check(resident, "about you (cy)")
    tab_to(resident, 'input[name="age_band"]')
    resident.keyboard.press("Space")
    _continue(resident)

    # Check answers, leave an e-mail address and ask to hear what happens.
    expect(resident.locator("main")).to_contain_text("Mwy o feinciau")
    axe.check(resident, "check answers (cy)")
    tab_to(resident, 'input[name="contact_email"]')
    resident.keyboard.type(RESIDENT_EMAIL)
    tab_to(resident, 'input[name="wants_updates"]')
    resident.keyboard.press("Space")
    _continue(resident)

    expect(resident.locator(".govuk-panel--confirmation")).to_be_visible()
    axe.check(resident, "answers sent (cy)")

    # The officer closes the engagement and publishes the response.
    officer = page
    sign_in_with_mfa(
        officer, demo.officer, demo.password, DemoPeople.totp_secret(demo.officer)
    )
    engagement = f"/orgs/{demo.org_slug}/engagements/{PARK}/"
    officer.goto(f"{engagement}status/close/")
    axe.check(officer, "close engagement")
    officer.get_by_role("button", name="Close now").click()
    expect(officer).to_have_url(at(engagement))
    expect(officer.locator("main")).to_contain_text("Closed")

    officer.goto(f"{engagement}response/")
    axe.check(officer, "response editor")
    for field, text in {
        "what_we_heard_en": "Most of you asked for more benches by the river.",
        "what_we_decided_en": "We will add twelve benches this spring.",
        "what_changes_en": "Benches and better lighting on the river path.",
        "what_does_not_change_en": "The café: no operator came forward.",
    }.items():
        officer.locator(f'textarea[name="{field}"]').fill(text)
    officer.get_by_role("button", name="Save and preview").click()
    axe.check(officer, "response preview")
    mail.outbox.clear()
    officer.get_by_role("button", name="Publish the response").click()
    expect(officer.locator("main")).to_contain_text("twelve benches")

    # Everyone who asked to hear back is told, including our resident.
    recipients = [address for message in mail.outbox for address in message.to]
    assert RESIDENT_EMAIL in recipients, recipients
    message = next(m for m in mail.outbox if RESIDENT_EMAIL in m.to)
    assert PARK in message.body

    # The public "you said, we did" page shows it, in Welsh too.
    resident.goto(f"/cy/orgs/{demo.org_slug}/you-said-we-did/")
    expect(resident.locator("main")).to_contain_text("Benches and better lighting")
    axe.check(resident, "you said, we did (cy)")
    axe.assert_clean()
