"""Conversation pages: the resident journey in English and Welsh, the cookie that
knows a browser again, and the officers' seed and moderation pages."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from coproduce.apps.accounts.models import User
from coproduce.apps.conversations.models import (
    Conversation,
    Participant,
    Statement,
    Vote,
    VoteEvent,
)
from coproduce.apps.conversations.tests.factories import (
    ConversationFactory,
    StatementFactory,
)
from coproduce.apps.conversations.views.public import COOKIE_NAME
from coproduce.apps.engagements.tests.factories import EngagementFactory
from coproduce.apps.organisations.models import Organisation

pytestmark = pytest.mark.django_db


def _open_conversation(organisation: Organisation, **kwargs: object) -> Conversation:
    conversation = ConversationFactory(
        engagement=EngagementFactory(organisation=organisation),
        topic_en="Our town centre",
        topic_cy="Canol ein tref",
        **kwargs,
    )
    StatementFactory(
        conversation=conversation, text_en="More trees", text_cy="Mwy o goed"
    )
    StatementFactory(
        conversation=conversation, text_en="Fewer cars", text_cy="Llai o geir"
    )
    return conversation  # type: ignore[no-any-return]


def _vote_url(conversation: Conversation, language: str = "en") -> str:
    with translation.override(language):
        return reverse(
            "conversations:conversation-vote", kwargs={"pk": conversation.pk}
        )


def _shown_number(client: Client, url: str) -> int:
    """The number of the statement the page offers (its hidden form field)."""
    page = client.get(url).content.decode()
    marker = 'name="statement" value="'
    start = page.index(marker) + len(marker)
    return int(page[start : page.index('"', start)])


def test_a_resident_votes_through_every_statement_then_adds_one(
    organisation: Organisation,
) -> None:
    conversation = _open_conversation(organisation)
    client = Client()
    url = _vote_url(conversation)

    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "You have voted on 0 of 2 statements." in html
    assert 'aria-live="polite"' in html
    assert 'id="statement" class="govuk-inset-text app-break-words" tabindex="-1"' in (
        html
    )
    assert "coproduce/voting.mjs" in html
    assert "<script>" not in html.replace("<script nonce", "")  # no inline JS
    n_participants = Participant.objects.count()
    assert n_participants == 2  # the statements' authors: a page view adds none

    for value in ("agree", "disagree"):
        number = _shown_number(client, url)
        response = client.post(url, {"statement": number, "vote": value})
        assert response.status_code == 302
        assert response.url == url

    assert COOKIE_NAME in client.cookies
    cookie = client.cookies[COOKIE_NAME]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"
    done = client.get(url).content.decode()
    assert "Thank you" in done
    assert "You have voted on 2 of 2 statements." in done
    assert "Add a statement of your own" in done

    response = client.post(
        reverse("conversations:statement-create", kwargs={"pk": conversation.pk}),
        {"text": "A market <b>on</b> Saturdays"},
        follow=True,
    )
    assert "will appear once a moderator has checked it" in response.content.decode()
    participant = Participant.objects.order_by("number").last()
    assert participant is not None
    assert participant.number == n_participants
    assert participant.votes.count() == 3
    statement = Statement.objects.get(author=participant)
    assert statement.state == Statement.State.UNMODERATED


def test_the_resident_journey_in_welsh(organisation: Organisation) -> None:
    conversation = _open_conversation(organisation)
    client = Client()
    url = _vote_url(conversation, "cy")
    assert url.startswith("/cy/")

    html = client.get(url).content.decode()

    assert '<html lang="cy"' in html
    assert "Canol ein tref" in html
    assert "Cytuno" in html
    assert "Anghytuno" in html
    assert "Rydych wedi pleidleisio ar 0 o 2 datganiad." in html
    assert "Mwy o goed" in html or "Llai o geir" in html

    number = _shown_number(client, url)
    client.post(url, {"statement": number, "vote": "pass"})
    assert "Rydych wedi pleidleisio ar 1 o 2 datganiad." in (
        client.get(url).content.decode()
    )

    with translation.override("cy"):
        create_url = reverse(
            "conversations:statement-create", kwargs={"pk": conversation.pk}
        )
    response = client.post(
        create_url,
        {"text": "Bysiau gyda'r nos"},
        follow=True,
    )
    assert "Diolch." in response.content.decode()
    assert Statement.objects.get(text_cy="Bysiau gyda'r nos").text_en in ("", None)


def test_the_same_browser_is_the_same_participant(organisation: Organisation) -> None:
    conversation = _open_conversation(organisation)
    client = Client()
    url = _vote_url(conversation)
    for _ in range(2):
        client.post(url, {"statement": _shown_number(client, url), "vote": "agree"})
    voters = Participant.objects.filter(conversation=conversation, votes__isnull=False)
    assert voters.exclude(anonymous_key="").distinct().count() == 1
    assert Vote.objects.filter(participant__anonymous_key__gt="").count() == 2


def test_a_tampered_cookie_makes_a_new_participant_not_an_error(
    organisation: Organisation,
) -> None:
    conversation = _open_conversation(organisation)
    client = Client()
    url = _vote_url(conversation)
    client.post(url, {"statement": 0, "vote": "agree"})
    client.cookies[COOKIE_NAME] = "forged-token:bad-signature"

    page = client.get(url)
    response = client.post(url, {"statement": 0, "vote": "disagree"})

    assert page.status_code == 200
    assert "You have voted on 0 of 2 statements." in page.content.decode()
    assert response.status_code == 302
    anonymous = Participant.objects.filter(
        conversation=conversation, votes__isnull=False
    ).exclude(anonymous_key="")
    assert anonymous.distinct().count() == 2


def test_an_htmx_vote_returns_the_next_statement_fragment(
    organisation: Organisation,
) -> None:
    conversation = _open_conversation(organisation)
    client = Client()
    url = _vote_url(conversation)

    response = client.post(
        url, {"statement": 0, "vote": "agree"}, headers={"HX-Request": "true"}
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert "You have voted on 1 of 2 statements." in html
    assert 'name="statement" value="1"' in html


def test_a_vote_on_a_rejected_statement_explains_and_offers_another(
    organisation: Organisation,
) -> None:
    conversation = _open_conversation(organisation)
    Statement.objects.filter(conversation=conversation, number=0).update(
        state=Statement.State.REJECTED
    )
    client = Client()

    response = client.post(_vote_url(conversation), {"statement": 0, "vote": "agree"})

    assert response.status_code == 422
    html = response.content.decode()
    assert "A moderator has removed this statement" in html
    assert 'name="statement" value="1"' in html
    assert not VoteEvent.objects.exists()


def test_a_missing_or_odd_vote_is_a_message_not_an_error(
    organisation: Organisation,
) -> None:
    conversation = _open_conversation(organisation)
    client = Client()
    url = _vote_url(conversation)
    for data in (
        {},
        {"statement": "x", "vote": "agree"},
        {"statement": 0, "vote": "9"},
    ):
        response = client.post(url, data)
        assert response.status_code == 422
    assert not Vote.objects.filter(participant__anonymous_key__gt="").exists()


def test_requires_account_sends_anonymous_people_to_sign_in(
    organisation: Organisation,
    client_for: Callable[[User | None], Client],
    resident: User,
) -> None:
    conversation = _open_conversation(organisation, requires_account=True)
    url = _vote_url(conversation)
    client = Client()

    page = client.get(url).content.decode()
    response = client.post(url, {"statement": 0, "vote": "agree"})

    assert "Sign in to take part" in page
    assert "Agree</button>" not in page
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    assert not Vote.objects.filter(participant__anonymous_key__gt="").exists()
    signed_in = client_for(resident)
    assert signed_in.post(url, {"statement": 0, "vote": "agree"}).status_code == 302
    assert Vote.objects.filter(participant__user=resident).count() == 1


def test_a_closed_conversation_is_read_only(organisation: Organisation) -> None:
    conversation = _open_conversation(organisation, status=Conversation.Status.CLOSED)
    client = Client()
    url = _vote_url(conversation)

    page = client.get(url).content.decode()
    response = client.post(url, {"statement": 0, "vote": "agree"})

    assert "This conversation is closed" in page
    assert "Agree</button>" not in page
    assert response.status_code == 409
    assert "not open" in response.content.decode()


def test_a_draft_is_hidden_from_residents(organisation: Organisation) -> None:
    conversation = _open_conversation(organisation, status=Conversation.Status.DRAFT)
    assert Client().get(_vote_url(conversation)).status_code == 404


def test_a_too_long_statement_is_shown_against_its_field(
    organisation: Organisation,
) -> None:
    conversation = _open_conversation(organisation)
    response = Client().post(
        reverse("conversations:statement-create", kwargs={"pk": conversation.pk}),
        {"text": "Ŵ" * 300},
    )
    html = response.content.decode()
    assert response.status_code == 422
    assert "There is a problem" in html
    assert 'href="#id_text"' in html
    assert "This one has 300." in html


def test_hostile_statement_text_is_escaped(organisation: Organisation) -> None:
    conversation = ConversationFactory(
        engagement=EngagementFactory(organisation=organisation)
    )
    StatementFactory(conversation=conversation, text_en="<script>alert(1)</script>")
    html = Client().get(_vote_url(conversation)).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert(1)</script>" not in html


# --- staff pages -----------------------------------------------------------------


def test_an_officer_creates_seeds_and_opens_a_conversation(
    organisation: Organisation,
    officer: User,
    client_for: Callable[[User | None], Client],
) -> None:
    client = client_for(officer)
    engagement = EngagementFactory(organisation=organisation)
    create_url = reverse(
        "conversations:conversation-create",
        kwargs={"org_slug": organisation.slug, "slug": engagement.slug},
    )

    response = client.post(
        create_url, {"topic_en": "Parks", "moderation": "permissive", "licence": ""}
    )
    conversation = Conversation.objects.get()
    assert response.url == conversation.get_absolute_url()
    assert conversation.status == Conversation.Status.DRAFT
    assert conversation.moderation == "permissive"

    kwargs = {"org_slug": organisation.slug, "pk": conversation.pk}
    seed_url = reverse("conversations:statements-seed", kwargs=kwargs)
    bad = client.post(seed_url, {"statements_en": "Trees\ntrees"})
    assert "Statements in English, line 2: the same statement as line 1." in (
        bad.content.decode()
    )
    assert not Statement.objects.exists()
    client.post(seed_url, {"statements_en": "Trees\nBenches"})
    client.post(
        reverse(
            "conversations:conversation-status", kwargs={**kwargs, "action": "open"}
        )
    )

    conversation.refresh_from_db()
    assert conversation.status == Conversation.Status.OPEN
    detail = client.get(conversation.get_absolute_url()).content.decode()
    assert conversation.get_public_url() in detail


def test_moderation_goes_to_the_next_waiting_statement(
    organisation: Organisation,
    officer: User,
    client_for: Callable[[User | None], Client],
) -> None:
    conversation = _open_conversation(organisation)
    first, second = StatementFactory.create_batch(
        2, conversation=conversation, state=Statement.State.UNMODERATED
    )
    client = client_for(officer)
    kwargs = {"org_slug": organisation.slug, "pk": conversation.pk}

    queue = client.get(reverse("conversations:moderation-queue", kwargs=kwargs))
    html = queue.content.decode()
    assert html.index(f"statement {first.number}<") < html.index(
        f"statement {second.number}<"
    )
    missing_reason = client.post(
        reverse(
            "conversations:statement-moderate",
            kwargs={**kwargs, "number": first.number},
        ),
        {"decision": "reject"},
    )
    assert "Choose the reason for rejecting the statement." in (
        missing_reason.content.decode()
    )
    response = client.post(
        reverse(
            "conversations:statement-moderate",
            kwargs={**kwargs, "number": first.number},
        ),
        {"decision": "accept"},
    )
    assert response.url.endswith(f"/statements/{second.number}/moderate/")


def test_officers_ban_and_unban_from_the_participant_list(
    organisation: Organisation,
    officer: User,
    client_for: Callable[[User | None], Client],
) -> None:
    conversation = _open_conversation(organisation)
    participant = Participant.objects.filter(conversation=conversation).first()
    assert participant is not None
    client = client_for(officer)
    url = reverse(
        "conversations:participant-ban",
        kwargs={
            "org_slug": organisation.slug,
            "pk": conversation.pk,
            "number": participant.number,
        },
    )
    client.post(url, {"action": "ban"})
    participant.refresh_from_db()
    assert participant.is_banned
    page = client.post(url, {"action": "ban"}, follow=True).content.decode()
    assert "already banned" in page
    client.post(url, {"action": "unban"})
    participant.refresh_from_db()
    assert not participant.is_banned


def test_staff_lists_take_few_queries(
    organisation: Organisation,
    officer: User,
    client_for: Callable[[User | None], Client],
    django_assert_max_num_queries: Callable[..., object],
) -> None:
    for _ in range(3):
        _open_conversation(organisation)
    client = client_for(officer)
    url = reverse(
        "conversations:conversation-list", kwargs={"org_slug": organisation.slug}
    )
    with django_assert_max_num_queries(15):  # type: ignore[operator]
        assert client.get(url).status_code == 200


def test_imported_data_shows_licence_attribution_source_and_changes(
    organisation: Organisation,
) -> None:
    # Spec §5 "Licence": pages showing imported data carry all four.
    conversation = _open_conversation(
        organisation,
        status=Conversation.Status.CLOSED,
        source=Conversation.Source.IMPORTED,
        is_read_only=True,
        licence="CC BY 4.0",
        attribution="Data from the <b>Polis</b> openData project",
        source_url="https://example.org/polis/15-per-hour",
        changes_statement="Imported into Coproduce; groups recomputed.",
    )
    html = Client().get(_vote_url(conversation)).content.decode()
    assert "CC BY 4.0" in html
    assert "Data from the &lt;b&gt;Polis&lt;/b&gt; openData project" in html
    assert 'href="https://example.org/polis/15-per-hour"' in html
    assert "Imported into Coproduce; groups recomputed." in html
    # Results not published: no public download link.
    assert "polis-export.zip" not in html

    Conversation.objects.filter(pk=conversation.pk).update(results_published=True)
    html = Client().get(_vote_url(conversation, "cy")).content.decode()
    assert "Trwydded a ffynhonnell" in html
    assert f"/conversations/{conversation.pk}/polis-export.zip" in html
