"""Journeys through the running site in Debian's Chromium, with axe-core on every page.

Each journey signs in as a person from the demo council (see coproduce/demo/builder.py)
and moves around by following links and submitting forms, as a person would.
"""

from __future__ import annotations

import re
from typing import Any

from django.core import mail
from playwright.sync_api import expect

from tests.e2e.axe import AxeAudit
from tests.e2e.conftest import DemoPeople
from tests.e2e.helpers import (
    assert_first_tab_reaches_skip_link,
    assert_focus_visible,
    assert_html_lang,
    assert_no_horizontal_scroll,
    at,
    current_totp_code,
    enter_totp_code,
    press_enter_and_wait,
    sign_in_with_mfa,
    sign_in_with_password,
    tab_to,
)

# A name a real Welsh council could type, plus markup that must come out as text.
HOSTILE_AREA_NAME = "Tŷ Ŵyn & Ẁaun <script>alert('x')</script> 👩🏽‍🌾"
BASE32_SECRET = re.compile(r"\b[A-Z2-7]{32}\b")
ACTIVATE_TOTP = at("/accounts/2fa/totp/activate/")
REAUTHENTICATE = re.compile(r"/accounts/reauthenticate/")


def _no_dialogs(page: Any) -> list[str]:
    """Record any alert/confirm the page opens: escaped text never opens one."""
    opened: list[str] = []

    def on_dialog(dialog: Any) -> None:
        opened.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    return opened


def _service_link(page: Any, href: str) -> Any:
    return page.locator(f'.govuk-service-navigation a[href="{href}"]')


def _assert_signed_in(page: Any, *, language_prefix: str = "") -> None:
    expect(_service_link(page, f"{language_prefix}/accounts/logout/")).to_be_visible()
    expect(_service_link(page, f"{language_prefix}/accounts/login/")).to_have_count(0)


def test_an_engagement_officer_signs_in_with_a_code_and_reads_every_page_in_welsh(
    page: Any, demo: DemoPeople
) -> None:
    axe = AxeAudit()
    org = demo.org_slug

    page.goto("/accounts/login/")
    axe.check(page, "sign-in page")
    sign_in_with_password(page, demo.officer, demo.password)
    axe.check(page, "two-factor code page")
    enter_totp_code(page, demo.totp_secret(demo.officer))
    _assert_signed_in(page)
    assert_html_lang(page, "en")

    page.get_by_role("navigation", name="Language").get_by_role(
        "link", name=re.compile("Cymraeg")
    ).click()
    expect(page).to_have_url(at("/cy/"))
    assert_html_lang(page, "cy")
    _assert_signed_in(page, language_prefix="/cy")
    axe.check(page, "home (cy)")

    visits = [
        (_service_link, f"/cy/orgs/{org}/", "dashboard (cy)"),
        (_service_link, f"/cy/orgs/{org}/areas/", "areas (cy)"),
        (_service_link, "/cy/account/", "account (cy)"),
        (None, "/cy/accessibility/", "accessibility statement (cy)"),
        (None, "/cy/privacy/", "privacy notice (cy)"),
    ]
    for find_link, href, label in visits:
        link = (
            find_link(page, href)
            if find_link
            else page.locator(f'footer a[href="{href}"]')
        )
        link.click()
        expect(page).to_have_url(at(href))
        assert_html_lang(page, "cy")
        expect(page.locator("main h1")).to_be_visible()
        # Still in Welsh: the way back to English is offered, in English.
        expect(page.locator('.app-language-switch a[hreflang="en"]')).to_have_attribute(
            "lang", "en"
        )
        axe.check(page, label)

    # An engagement officer manages nothing: no members or audit log in the menu.
    expect(_service_link(page, f"/cy/orgs/{org}/members/")).to_have_count(0)
    expect(_service_link(page, f"/cy/orgs/{org}/audit/")).to_have_count(0)
    axe.assert_clean()


def test_an_administrator_adds_an_area_and_invites_a_member(
    page: Any, demo: DemoPeople
) -> None:
    axe = AxeAudit()
    dialogs = _no_dialogs(page)
    org = demo.org_slug

    sign_in_with_mfa(
        page, demo.administrator, demo.password, demo.totp_secret(demo.administrator)
    )
    _assert_signed_in(page)

    _service_link(page, f"/orgs/{org}/").click()
    expect(page.locator("main h1")).to_contain_text("Cwm Afon")
    axe.check(page, "dashboard")

    _service_link(page, f"/orgs/{org}/areas/").click()
    expect(page.locator("main h1")).to_have_text("Areas")
    axe.check(page, "areas")

    page.get_by_role("button", name="Add an area").click()
    expect(page).to_have_url(at(f"/orgs/{org}/areas/new/"))
    axe.check(page, "add an area")

    # Nothing filled in: the GOV.UK error summary takes focus and links to fields.
    page.get_by_role("button", name="Save area").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("There is a problem")
    expect(page).to_have_title(re.compile(r"Error"))
    name_error = summary.get_by_role("link", name="Enter the area's name in English.")
    expect(name_error).to_have_attribute("href", "#id_name_en")
    expect(page.locator("#id_name_en")).to_have_attribute(
        "aria-describedby", re.compile("id_name_en-error")
    )
    axe.check(page, "add an area, with errors")
    name_error.click()
    expect(page.locator("#id_name_en")).to_be_focused()

    page.get_by_label("Name in English").fill(HOSTILE_AREA_NAME)
    page.get_by_label("Official code").fill("w05999999 ")
    page.get_by_label("Level").select_option("ward")
    page.get_by_label("Part of (optional)").select_option(label="Cwm Afon (W06900001)")
    page.get_by_role("button", name="Save area").click()
    expect(page).to_have_url(at(f"/orgs/{org}/areas/"))
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        HOSTILE_AREA_NAME
    )
    new_row = page.locator("tbody tr", has_text="W05999999")
    expect(new_row.locator("td").first).to_have_text(HOSTILE_AREA_NAME)
    axe.check(page, "areas, after adding one")

    _service_link(page, f"/orgs/{org}/members/").click()
    expect(page.locator("main h1")).to_have_text("Members")
    expect(page.locator("main")).to_contain_text(demo.officer)
    axe.check(page, "members")

    page.get_by_role("button", name="Invite a member").click()
    expect(page).to_have_url(at(f"/orgs/{org}/members/invite/"))
    axe.check(page, "invite a member")
    invitee = "ffion.e2e@example.org"
    page.get_by_label("Email address").fill(invitee)
    page.get_by_label("Analyst").check()
    page.get_by_role("button", name="Send invitation").click()

    expect(page).to_have_url(at(f"/orgs/{org}/members/"))
    expect(page.locator(".govuk-notification-banner--success")).to_be_visible()
    invitation_row = page.locator("tbody tr", has_text=invitee)
    expect(invitation_row).to_contain_text("Analyst")
    # Tasks run at once in tests, so the e-mail has gone by the time the page shows.
    expect(invitation_row.locator(".govuk-tag")).to_have_text("Sent")
    assert [message.to for message in mail.outbox] == [[invitee]]
    axe.check(page, "members, with an invitation")

    _service_link(page, f"/orgs/{org}/audit/").click()
    expect(page.locator("main h1")).to_have_text("Audit log")
    expect(page.locator("main tbody")).to_contain_text(demo.administrator)
    axe.check(page, "audit log")

    assert dialogs == [], f"The page opened dialogs: {dialogs}"
    axe.assert_clean()


def test_a_resident_signs_in_and_reaches_their_account_with_only_the_keyboard(
    page: Any, demo: DemoPeople
) -> None:
    axe = AxeAudit()
    page.goto("/")
    axe.check(page, "home")

    assert_first_tab_reaches_skip_link(page)

    tab_to(page, 'a[href="/accounts/login/"]')
    press_enter_and_wait(page)
    expect(page).to_have_url(at("/accounts/login/"))
    axe.check(page, "sign-in page")

    tab_to(page, 'input[name="login"]')
    page.keyboard.type(demo.resident)
    tab_to(page, 'input[name="password"]')
    page.keyboard.type(demo.password)
    press_enter_and_wait(page)
    # Residents have no role, so no second factor is asked for.
    expect(page).to_have_url(at("/"))
    _assert_signed_in(page)

    # GOV.UK's success banner takes focus on arrival; the menu is back up the page.
    tab_to(page, 'a[href="/account/"]', backwards=True)
    press_enter_and_wait(page)
    expect(page).to_have_url(at("/account/"))
    expect(page.locator("main")).to_contain_text(demo.resident)

    # Skip link: Enter moves focus to main, and the next Tab stays inside main.
    assert_first_tab_reaches_skip_link(page)
    page.keyboard.press("Enter")
    expect(page.locator("main#main-content")).to_be_focused()
    page.keyboard.press("Tab")
    inside = assert_focus_visible(page)
    assert page.evaluate("() => !!document.activeElement.closest('main')"), (
        f"After the skip link, Tab went to {inside}, outside main."
    )
    axe.check(page, "account")
    axe.assert_clean()


def test_a_resident_on_a_phone_reads_the_home_page_and_sign_up_in_welsh(
    phone_page: Any, demo: DemoPeople
) -> None:
    page = phone_page
    axe = AxeAudit()

    page.goto("/cy/")
    assert_html_lang(page, "cy")
    assert_no_horizontal_scroll(page)
    axe.check(page, "home (cy, phone)")

    page.locator('main a[href="/cy/accounts/signup/"]').click()
    expect(page).to_have_url(at("/cy/accounts/signup/"))
    assert_html_lang(page, "cy")
    expect(page.locator('input[name="email"]')).to_be_visible()
    assert_no_horizontal_scroll(page)
    axe.check(page, "sign up (cy, phone)")
    axe.assert_clean()


def test_staff_without_an_authenticator_must_set_one_up_before_the_dashboard(
    page: Any, demo: DemoPeople
) -> None:
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator

    from coproduce.apps.accounts.models import User
    from coproduce.apps.organisations.models import Organisation, Role
    from coproduce.apps.organisations.services import membership_create

    email = "new.analyst@cwm-afon.example"
    user = User.objects.create_user(
        email=email, password=demo.password, full_name="Nia Ŵyn-Evans"
    )
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    membership_create(
        actor=None,
        organisation=Organisation.objects.get(slug=demo.org_slug),
        user=user,
        role=Role.ANALYST,
    )
    axe = AxeAudit()
    dashboard = f"/orgs/{demo.org_slug}/"

    sign_in_with_password(page, email, demo.password)
    # allauth asks for the password again before a second factor can be added;
    # then the set-up page opens.
    _confirm_password_if_asked(page, demo.password, axe)
    expect(page).to_have_url(ACTIVATE_TOTP)
    expect(page.locator('input[name="code"]')).to_be_visible()
    axe.check(page, "set up an authenticator")

    for blocked in (dashboard, f"/orgs/{demo.org_slug}/areas/"):
        page.goto(blocked)
        expect(page).to_have_url(ACTIVATE_TOTP)
    assert not Authenticator.objects.filter(user=user).exists()

    secret = _secret_shown_on(page)
    code_input = page.locator('input[name="code"]')
    code_input.fill(current_totp_code(secret))
    press_enter_and_wait(page, code_input)
    expect(page).not_to_have_url(ACTIVATE_TOTP)
    assert Authenticator.objects.filter(
        user=user, type=Authenticator.Type.TOTP
    ).exists()
    axe.check(page, "first page after setting up the authenticator")

    page.goto(dashboard)
    expect(page).to_have_url(at(dashboard))
    expect(page.locator("main h1")).to_contain_text("Cwm Afon")
    axe.check(page, "dashboard, after setting up the authenticator")
    axe.assert_clean()


def _confirm_password_if_asked(page: Any, password: str, axe: AxeAudit) -> None:
    if not REAUTHENTICATE.search(page.url):
        return
    axe.check(page, "confirm your password")
    password_input = page.locator('input[name="password"]')
    password_input.fill(password)
    press_enter_and_wait(page, password_input)


def _secret_shown_on(page: Any) -> str:
    """The base32 secret the TOTP set-up page shows for typing into an app.

    Read as a person who cannot scan the QR code would: open any "show more" details
    on the page, then read the key from the visible text (or a read-only field).
    """
    for summary in page.locator("main details:not([open]) > summary").all():
        summary.click()
    candidates = [page.locator("main").inner_text()]
    candidates.extend(
        page.locator("main input").evaluate_all("(els) => els.map((el) => el.value)")
    )
    for text in candidates:
        match = BASE32_SECRET.search(text.replace(" ", ""))
        if match:
            return match.group(0)
    raise AssertionError(f"No authenticator secret is shown on {page.url}.")
