"""Steps the journeys share: computing TOTP codes and signing in."""

from __future__ import annotations

import re
import time
from typing import Any

from playwright.sync_api import expect


def current_totp_code(secret: str) -> str:
    """The code an authenticator app shows now for this base32 secret.

    Close to the end of a 30-second window it waits for the next one, so the code is
    still current when the server checks it.
    """
    from allauth.mfa import app_settings
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    period = app_settings.TOTP_PERIOD
    left = period - (time.time() % period)
    if left < 3:
        time.sleep(left + 0.2)
    counter = int(time.time()) // period
    return format_hotp_value(hotp_value(secret, counter))


def at(path: str) -> re.Pattern[str]:
    """Matches the page's address when its path is exactly `path` (no query)."""
    return re.compile(r"^https?://[^/]+" + re.escape(path) + "$")


def press_enter_and_wait(page: Any, locator: Any = None) -> None:
    """Press Enter (in `locator`, or wherever focus is) and wait for the next page."""
    with page.expect_navigation():
        if locator is None:
            page.keyboard.press("Enter")
        else:
            locator.press("Enter")


def sign_in_with_password(page: Any, email: str, password: str) -> None:
    """Fill in allauth's log-in form and submit it with the Enter key."""
    page.goto("/accounts/login/")
    page.locator('input[name="login"]').fill(email)
    password_input = page.locator('input[name="password"]')
    password_input.fill(password)
    press_enter_and_wait(page, password_input)


def enter_totp_code(page: Any, secret: str) -> None:
    """On the two-factor page, type the authenticator code and submit."""
    expect(page).to_have_url(at("/accounts/2fa/authenticate/"))
    code_input = page.locator('input[name="code"]')
    code_input.fill(current_totp_code(secret))
    press_enter_and_wait(page, code_input)


def sign_in_with_mfa(page: Any, email: str, password: str, secret: str) -> None:
    sign_in_with_password(page, email, password)
    enter_totp_code(page, secret)
    expect(page.locator('input[name="code"]')).to_have_count(0)


# GOV.UK Frontend's focus colour (unchanged by the 2025 rebrand).
GOVUK_FOCUS_YELLOW = "rgb(255, 221, 0)"

_FOCUS_STYLE_JS = """() => {
    const el = document.activeElement;
    if (!el || el === document.body) return null;
    const style = getComputedStyle(el);
    return {
        tag: el.tagName.toLowerCase(),
        id: el.id,
        name: el.getAttribute("name"),
        href: el.getAttribute("href"),
        text: (el.innerText || el.value || "").trim().slice(0, 80),
        outlineStyle: style.outlineStyle,
        outlineWidth: parseFloat(style.outlineWidth) || 0,
        outlineColor: style.outlineColor,
        backgroundColor: style.backgroundColor,
        boxShadow: style.boxShadow,
    };
}"""


def focused(page: Any) -> dict[str, Any] | None:
    """What has keyboard focus now, with the computed styles that show focus."""
    return page.evaluate(_FOCUS_STYLE_JS)


_ZERO_ALPHA = re.compile(r"^rgba\(.*,\s*0(\.0*)?\)$")


def _is_transparent(colour: str) -> bool:
    return colour == "transparent" or bool(_ZERO_ALPHA.match(colour.strip()))


def focus_is_visible(style: dict[str, Any]) -> bool:
    """A visible outline, or GOV.UK's yellow focus background or shadow."""
    outline = (
        style["outlineStyle"] != "none"
        and style["outlineWidth"] > 0
        and not _is_transparent(style["outlineColor"])
    )
    yellow = (
        style["backgroundColor"] == GOVUK_FOCUS_YELLOW
        or GOVUK_FOCUS_YELLOW in style["boxShadow"]
    )
    return outline or yellow


def assert_focus_visible(page: Any) -> dict[str, Any]:
    style = focused(page)
    assert style is not None, f"Nothing has keyboard focus on {page.url}."
    assert focus_is_visible(style), f"Focus is not visible on {page.url}: {style}"
    return style


def tab_to(
    page: Any, selector: str, *, backwards: bool = False, max_tabs: int = 40
) -> dict[str, Any]:
    """Press Tab (or Shift+Tab) until the element matching `selector` has focus,
    checking that every stop on the way shows focus. Fails if it is never reached."""
    key = "Shift+Tab" if backwards else "Tab"
    stops = []
    for _ in range(max_tabs):
        page.keyboard.press(key)
        style = assert_focus_visible(page)
        stops.append(style.get("text") or style.get("name") or style.get("tag"))
        if page.evaluate(
            "(selector) => document.activeElement.matches(selector)", selector
        ):
            return style
    raise AssertionError(
        f"Pressed {key} {max_tabs} times on {page.url} without reaching {selector!r}; "
        f"focus went to: {stops}"
    )


def assert_first_tab_reaches_skip_link(page: Any) -> None:
    """From a freshly loaded page, the first Tab shows the skip link, focused."""
    page.keyboard.press("Tab")
    skip = assert_focus_visible(page)
    message = f"The first Tab on {page.url} went to {skip}, not the skip link."
    assert skip["href"] == "#main-content", message
    assert skip["text"] == "Skip to main content", message


def assert_no_horizontal_scroll(page: Any) -> None:
    widths = page.evaluate(
        "() => [document.documentElement.scrollWidth, window.innerWidth]"
    )
    assert widths[0] <= widths[1], (
        f"{page.url} scrolls sideways: content is {widths[0]}px wide in a "
        f"{widths[1]}px window."
    )


def assert_html_lang(page: Any, language: str) -> None:
    expect(page.locator("html")).to_have_attribute("lang", language)
