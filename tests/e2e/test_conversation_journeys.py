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
from tests.e2e.helpers import assert_html_lang, at, sign_in_with_mfa, tab_to

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


def test_an_officer_moderates_then_reads_and_publishes_the_opinion_map(
    page: Any, demo: DemoPeople
) -> None:
    """Moderation queue, the map and its table alternative, groups, consensus,
    participation, the report with "Publish results", then the public results
    in Welsh: every page axe-checked."""
    axe = AxeAudit()
    org = demo.org_slug
    conversation = _park_conversation()
    conversation.results_published = False
    conversation.save(update_fields=["results_published"])
    resident = conversation.participants.create(number=999_999)
    waiting = Statement.objects.create(
        conversation=conversation,
        number=conversation.statements.count(),
        author=resident,
        text_en="<script>alert('x')</script> Open the gates earlier",
        state=Statement.State.UNMODERATED,
    )
    sign_in_with_mfa(page, demo.officer, demo.password, demo.totp_secret(demo.officer))

    detail = f"/orgs/{org}/conversations/{conversation.pk}/"
    page.goto(detail)
    axe.check(page, "conversation detail")
    page.locator(f'main a[href="{detail}moderation/"]').click()
    expect(page.locator("main")).to_contain_text("Open the gates earlier")
    axe.check(page, "moderation queue")
    page.locator(
        f'main a[href^="{detail}statements/{waiting.number}/moderate/"]'
    ).first.click()
    page.get_by_label("Accept", exact=True).check()
    axe.check(page, "moderate a statement")
    page.locator("main form button[type=submit]").first.click()
    waiting.refresh_from_db()
    assert waiting.state == Statement.State.ACCEPTED

    page.goto(detail)
    page.get_by_role("link", name="Opinion map and results").click()
    expect(page).to_have_url(at(f"{detail}opinion-map/"))
    # The demo's planted groups: a chart with a table alternative and groups in words.
    expect(page.locator("main table").first).to_be_visible()
    expect(page.locator("main")).to_contain_text("Group A")
    axe.check(page, "opinion map")
    for suffix, label in (
        ("groups/", "groups"),
        ("consensus/", "consensus"),
        ("participation/", "participation"),
        ("report/", "report"),
    ):
        page.goto(f"{detail}opinion-map/{suffix}")
        expect(page.locator("main h1")).to_be_visible()
        axe.check(page, f"opinion map {label}")
    page.get_by_role("button", name="Publish results").click()
    expect(page.locator("main")).to_contain_text(
        f"/conversations/{conversation.pk}/results/"
    )
    conversation.refresh_from_db()
    assert conversation.results_published

    page.goto(f"/cy/conversations/{conversation.pk}/results/")
    assert_html_lang(page, "cy")
    expect(page.locator("main table").first).to_be_visible()
    axe.check(page, "public opinion map (cy)")
    page.goto(f"/cy/conversations/{conversation.pk}/results/report/")
    axe.check(page, "public report (cy)")
    axe.assert_clean()
