"""Conversations in a browser: a resident votes by keyboard in Welsh and adds a
statement; an officer moderates it and reads the opinion map. axe-core on every page.

Uses the demo council's Riverside Park conversation (24 seed statements, a few
thousand synthetic votes from three planted groups, its map computed on the spot).
"""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect

from coproduce.apps.conversations.models import Conversation, Statement, VoteEvent
from tests.e2e.axe import AxeAudit
from tests.e2e.conftest import DemoPeople
from tests.e2e.helpers import assert_html_lang, tab_to

RESIDENT_STATEMENT = "Mae angen ffynnon ddŵr yfed wrth y maes chwarae 💧"


def _park_conversation() -> Conversation:
    return Conversation.objects.get(engagement__title_en__startswith="Riverside Park")


def _progress(page: Any) -> int:
    text = page.locator("#voting-progress").inner_text()
    match = re.search(r"(\d+)", text)
    assert match is not None, text
    return int(match.group(1))


def test_a_resident_votes_by_keyboard_in_welsh_and_adds_a_statement(
    page: Any, demo: DemoPeople
) -> None:
    axe = AxeAudit()
    conversation = _park_conversation()
    votes_before = VoteEvent.objects.filter(conversation=conversation).count()
    vote_page = f"/cy/conversations/{conversation.pk}/"

    page.goto(vote_page)
    assert_html_lang(page, "cy")
    expect(page.locator("#voting-keys-help")).to_be_visible()
    expect(page.get_by_role("button", name="Cytuno")).to_be_visible()
    assert _progress(page) == 0
    axe.check(page, "voting (cy)")

    # The A key agrees (focus is not in a text box), then Tab to Disagree + Enter.
    first = page.locator("#statement p").inner_text()
    page.keyboard.press("a")
    expect(page.locator("#voting-progress")).to_contain_text("1")
    assert page.locator("#statement p").inner_text() != first
    tab_to(page, 'button[data-vote="disagree"]')
    page.keyboard.press("Enter")
    expect(page.locator("#voting-progress")).to_contain_text("2")
    page.keyboard.press("p")
    expect(page.locator("#voting-progress")).to_contain_text("3")
    # After each vote, focus is on the new statement, so keyboard and screen
    # reader users carry on from it.
    expect(page.locator("#statement")).to_be_focused()
    axe.check(page, "voting after three votes (cy)")

    stored = VoteEvent.objects.filter(conversation=conversation).count()
    assert stored == votes_before + 3

    page.get_by_role("link", name="Ychwanegu datganiad eich hun").click()
    page.locator("textarea[name=text]").fill(RESIDENT_STATEMENT)
    # Typing "a", "d" or "p" in the box must not vote.
    page.locator("textarea[name=text]").press("End")
    page.locator("textarea[name=text]").type(" a d p")
    axe.check(page, "add a statement (cy)")
    page.locator("main form button[type=submit]").last.click()
    expect(page.locator("main")).to_be_visible()
    axe.check(page, "after adding a statement (cy)")
    statement = Statement.objects.get(
        conversation=conversation, text_cy__startswith="Mae angen ffynnon"
    )
    assert statement.state == Statement.State.UNMODERATED
    # The author's automatic agree, and no stray votes from the letters typed.
    assert VoteEvent.objects.filter(conversation=conversation).count() == stored + 1
    axe.assert_clean()
