"""Conversation services: lifecycle, seeds, residents' statements, moderation,
votes, participants, bans and abuse limits."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from pytest_django.fixtures import Settings

from coproduce.apps.accounts.models import User
from coproduce.apps.audit.models import AuditEvent
from coproduce.apps.conversations import services
from coproduce.apps.conversations.errors import (
    ConversationStateError,
    ParticipantBannedError,
    SignInRequiredError,
    StatementError,
    TooManyRequestsError,
)
from coproduce.apps.conversations.models import (
    Conversation,
    Participant,
    Statement,
    Vote,
    VoteEvent,
)
from coproduce.apps.conversations.selectors import (
    Visitor,
    anonymous_key,
    statement_list_visible,
)
from coproduce.apps.conversations.tests.factories import (
    ConversationFactory,
    ParticipantFactory,
    StatementFactory,
)
from coproduce.apps.engagements.tests.factories import EngagementFactory
from coproduce.apps.organisations.models import Organisation
from coproduce.testing.text import hostile_strings

pytestmark = pytest.mark.django_db

AGREE, PASS, DISAGREE = 1, 0, -1


BROWSER = "browser-one"


def _anonymous(token: str = BROWSER, ip: str = "192.0.2.1") -> Visitor:
    return Visitor(user=AnonymousUser(), anonymous_token=token, client_ip=ip)


def _conversation(organisation: Organisation, **kwargs: object) -> Conversation:
    return ConversationFactory(  # type: ignore[no-any-return]
        engagement=EngagementFactory(organisation=organisation), **kwargs
    )


# --- lifecycle -------------------------------------------------------------------


def test_an_officer_creates_a_draft_with_a_random_seed_and_an_audit_event(
    organisation: Organisation, officer: User
) -> None:
    engagement = EngagementFactory(organisation=organisation)

    conversation = services.conversation_create(
        actor=officer,
        engagement=engagement,
        topic_en="  Canol y dref <b>Ŵ</b>  ",
        topic_cy="Canol y dref",
    )

    assert conversation.status == Conversation.Status.DRAFT
    assert conversation.organisation == organisation
    assert conversation.topic_en == "Canol y dref <b>Ŵ</b>"
    assert conversation.licence == "Open Government Licence v3.0"
    assert 0 <= conversation.random_state < 2**31
    assert AuditEvent.objects.filter(action="conversation.create").count() == 1


@pytest.mark.parametrize(
    "role", ["analyst", "elected_member", "community_organiser", "resident"]
)
def test_only_officers_and_administrators_create_conversations(
    request: pytest.FixtureRequest, organisation: Organisation, role: str
) -> None:
    actor = request.getfixturevalue(role)
    with pytest.raises(PermissionDenied):
        services.conversation_create(
            actor=actor,
            engagement=EngagementFactory(organisation=organisation),
            topic_en="Parks",
        )
    assert not Conversation.objects.exists()
    assert not AuditEvent.objects.exists()


def test_staff_of_another_organisation_cannot_edit(
    organisation: Organisation, staff_of_other_organisation: User
) -> None:
    conversation = _conversation(organisation)
    with pytest.raises(PermissionDenied):
        services.conversation_update(
            actor=staff_of_other_organisation,
            conversation=conversation,
            topic_en="Taken over",
        )


def test_a_conversation_opens_only_with_a_seed_statement(
    organisation: Organisation, officer: User
) -> None:
    conversation = _conversation(organisation, status=Conversation.Status.DRAFT)

    with pytest.raises(ConversationStateError, match="seed statement"):
        services.conversation_open(actor=officer, conversation=conversation)

    services.statements_seed(
        actor=officer, conversation=conversation, statements_en="More trees"
    )
    services.conversation_open(actor=officer, conversation=conversation)
    services.conversation_close(actor=officer, conversation=conversation)

    conversation.refresh_from_db()
    assert conversation.status == Conversation.Status.CLOSED
    assert list(
        AuditEvent.objects.filter(action__startswith="conversation.")
        .order_by("pk")
        .values_list("action", flat=True)
    ) == ["conversation.seed", "conversation.open", "conversation.closed"]


def test_a_read_only_archive_cannot_be_opened_or_edited(
    organisation: Organisation, officer: User
) -> None:
    conversation = _conversation(
        organisation, status=Conversation.Status.CLOSED, is_read_only=True
    )
    with pytest.raises(ConversationStateError):
        services.conversation_open(actor=officer, conversation=conversation)
    with pytest.raises(ConversationStateError):
        services.conversation_update(
            actor=officer, conversation=conversation, topic_en="New"
        )


# --- seed statements -------------------------------------------------------------


def test_seeds_are_accepted_numbered_from_zero_and_get_no_vote(
    organisation: Organisation, officer: User
) -> None:
    conversation = _conversation(organisation)

    created = services.statements_seed(
        actor=officer,
        conversation=conversation,
        statements_en="More trees\n\n  Fewer cars  \nA market on Saturdays",
        statements_cy="Mwy o goed\nLlai o geir\nMarchnad ar ddydd Sadwrn",
    )

    assert [s.number for s in created] == [0, 1, 2]
    assert [s.text_cy for s in created][1] == "Llai o geir"
    assert all(s.is_seed and s.state == Statement.State.ACCEPTED for s in created)
    organiser = Participant.objects.get(conversation=conversation, user=officer)
    assert {s.author_id for s in created} == {organiser.pk}
    assert not Vote.objects.exists()
    assert not VoteEvent.objects.exists()


def test_seed_problems_name_the_field_and_line_and_save_nothing(
    organisation: Organisation, officer: User
) -> None:
    conversation = _conversation(organisation)
    StatementFactory(conversation=conversation, text_en="Already here")
    n_before = Statement.objects.count()
    too_long = "Ŵ" * 281

    with pytest.raises(StatementError) as caught:
        services.statements_seed(
            actor=officer,
            conversation=conversation,
            statements_en=f"Fine\n{too_long}\nalready   HERE\nfine",
        )

    assert caught.value.field == "statements_en"
    assert caught.value.messages == [
        "Statements in English, line 2: A statement must be 280 characters or "
        "fewer. This one has 281.",
        "Statements in English, line 3: This statement is already in the conversation.",
        "Statements in English, line 4: the same statement as line 1.",
    ]
    assert Statement.objects.count() == n_before
    assert not AuditEvent.objects.filter(action="conversation.seed").exists()


def test_seed_refuses_an_empty_list_and_a_welsh_list_of_another_length(
    organisation: Organisation, officer: User
) -> None:
    conversation = _conversation(organisation)
    with pytest.raises(StatementError, match="at least one") as empty:
        services.statements_seed(
            actor=officer, conversation=conversation, statements_en=" \n \n"
        )
    assert empty.value.field == "statements_en"
    with pytest.raises(StatementError, match="Welsh list has 1") as uneven:
        services.statements_seed(
            actor=officer,
            conversation=conversation,
            statements_en="One\nTwo",
            statements_cy="Un",
        )
    assert uneven.value.field == "statements_cy"


def test_hostile_seed_text_is_kept_intact(
    organisation: Organisation, officer: User
) -> None:
    conversation = _conversation(organisation)
    lines = [
        s for s in hostile_strings(max_length=280) if "\n" not in s and len(s) <= 280
    ]
    created = services.statements_seed(
        actor=officer, conversation=conversation, statements_en="\n".join(lines)
    )
    assert [s.text_en for s in created] == [line.strip() for line in lines]


# --- residents' statements ---------------------------------------------------------


def test_a_resident_statement_waits_hidden_under_strict_moderation_with_an_agree(
    organisation: Organisation,
) -> None:
    conversation = _conversation(organisation, moderation="strict")

    statement = services.statement_submit(
        conversation=conversation, visitor=_anonymous(), text="  Mwy o fysiau  "
    )

    assert statement.state == Statement.State.UNMODERATED
    assert statement.text_en == "Mwy o fysiau"
    assert statement not in statement_list_visible(conversation=conversation)
    vote = Vote.objects.get(statement=statement)
    assert vote.value == AGREE
    assert vote.participant == statement.author
    assert VoteEvent.objects.filter(statement=statement, value=AGREE).count() == 1
    assert statement.author.first_vote_at is not None
    # Residents' statements are not audited one by one.
    assert not AuditEvent.objects.exists()


def test_a_permissive_conversation_shows_unmoderated_statements(
    organisation: Organisation,
) -> None:
    conversation = _conversation(organisation, moderation="permissive")
    statement = services.statement_submit(
        conversation=conversation,
        visitor=_anonymous(),
        text="Bysiau gyda'r nos",
        language="cy",
    )
    assert statement.text_cy == "Bysiau gyda'r nos"
    assert not statement.text_en
    assert statement in statement_list_visible(conversation=conversation)


def test_statements_are_refused_when_residents_may_not_add_them(
    organisation: Organisation,
) -> None:
    conversation = _conversation(organisation, allow_resident_statements=False)
    with pytest.raises(ConversationStateError):
        services.statement_submit(
            conversation=conversation, visitor=_anonymous(), text="Mine"
        )
    assert not Participant.objects.exists()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("   ", "Enter a statement."),
        ("x" * 281, "A statement must be 280 characters or fewer. This one has 281."),
    ],
)
def test_a_resident_statement_is_validated_with_a_message_for_the_text_field(
    organisation: Organisation, text: str, message: str
) -> None:
    conversation = _conversation(organisation)
    with pytest.raises(StatementError) as caught:
        services.statement_submit(
            conversation=conversation, visitor=_anonymous(), text=text
        )
    assert caught.value.field == "text"
    assert caught.value.messages == [message]
    assert not Statement.objects.exists()
    assert not Participant.objects.exists()  # rolled back with the statement


def test_statements_per_hour_are_limited(
    organisation: Organisation,
    settings: Settings,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    settings.COPRODUCE_CONVERSATION_STATEMENTS_PER_HOUR = 2
    conversation = _conversation(organisation)
    for n in range(2):
        # Limits count after commit (see limits.limit_count).
        with django_capture_on_commit_callbacks(execute=True):
            services.statement_submit(
                conversation=conversation, visitor=_anonymous(), text=f"Idea {n}"
            )
    with pytest.raises(TooManyRequestsError, match="2 statements in the last hour"):
        services.statement_submit(
            conversation=conversation, visitor=_anonymous(), text="Idea 3"
        )
    assert Statement.objects.count() == 2


# --- moderation --------------------------------------------------------------------


def test_rejecting_needs_a_reason_and_other_needs_detail(
    organisation: Organisation, officer: User
) -> None:
    statement = StatementFactory(
        conversation=_conversation(organisation), state=Statement.State.UNMODERATED
    )
    with pytest.raises(StatementError) as no_reason:
        services.statement_moderate(
            actor=officer, statement=statement, decision="reject"
        )
    assert no_reason.value.field == "reason"
    with pytest.raises(StatementError) as no_note:
        services.statement_moderate(
            actor=officer, statement=statement, decision="reject", reason="other"
        )
    assert no_note.value.field == "note"

    services.statement_moderate(
        actor=officer, statement=statement, decision="reject", reason="personal"
    )

    statement.refresh_from_db()
    assert statement.state == Statement.State.REJECTED
    assert statement.moderation_reason == "personal"
    assert statement.moderated_by == officer
    event = AuditEvent.objects.get(action="statement.reject")
    assert event.changes["reason"] == "personal"


def test_meta_statements_are_accepted_and_flagged(
    organisation: Organisation, officer: User
) -> None:
    statement = StatementFactory(
        conversation=_conversation(organisation), state=Statement.State.UNMODERATED
    )
    services.statement_moderate(actor=officer, statement=statement, decision="meta")
    statement.refresh_from_db()
    assert statement.state == Statement.State.ACCEPTED
    assert statement.is_meta
    services.statement_moderate(actor=officer, statement=statement, decision="accept")
    statement.refresh_from_db()
    assert not statement.is_meta


def test_analysts_cannot_moderate(organisation: Organisation, analyst: User) -> None:
    statement = StatementFactory(
        conversation=_conversation(organisation), state=Statement.State.UNMODERATED
    )
    with pytest.raises(PermissionDenied):
        services.statement_moderate(
            actor=analyst, statement=statement, decision="accept"
        )
    statement.refresh_from_db()
    assert statement.state == Statement.State.UNMODERATED


# --- votes -------------------------------------------------------------------------


def test_the_latest_vote_wins_and_every_cast_is_logged(
    organisation: Organisation,
) -> None:
    conversation = _conversation(organisation)
    statement = StatementFactory(conversation=conversation)
    visitor = _anonymous()

    for value in (AGREE, DISAGREE, PASS):
        services.vote_cast(
            conversation=conversation,
            visitor=visitor,
            statement_number=statement.number,
            value=value,
        )

    vote = Vote.objects.get(statement=statement, participant__anonymous_key__gt="")
    assert vote.value == PASS
    events = VoteEvent.objects.filter(participant=vote.participant).order_by("pk")
    assert [e.value for e in events] == [AGREE, DISAGREE, PASS]
    assert Participant.objects.filter(conversation=conversation).count() == 2


def test_the_database_keeps_only_a_hash_of_the_browser_token(
    organisation: Organisation,
) -> None:
    conversation = _conversation(organisation)
    statement = StatementFactory(conversation=conversation)
    services.vote_cast(
        conversation=conversation,
        visitor=_anonymous("secret-token"),
        statement_number=statement.number,
        value=AGREE,
    )
    participant = Participant.objects.get(
        conversation=conversation,
        anonymous_key=anonymous_key(conversation=conversation, token="secret-token"),
    )
    assert "secret-token" not in participant.anonymous_key
    assert participant.user is None


def test_a_signed_in_resident_is_one_participant(
    organisation: Organisation, resident: User
) -> None:
    conversation = _conversation(organisation)
    first, second = StatementFactory.create_batch(2, conversation=conversation)
    visitor = Visitor(user=resident)
    for statement in (first, second):
        services.vote_cast(
            conversation=conversation,
            visitor=visitor,
            statement_number=statement.number,
            value=AGREE,
        )
    assert Participant.objects.filter(user=resident).count() == 1


def test_participant_numbers_are_dense_and_unique(
    organisation: Organisation,
) -> None:
    conversation = _conversation(organisation)
    statement = StatementFactory(conversation=conversation)  # author is number 0
    # A stale in-memory copy must not hand out numbers again.
    stale = Conversation.objects.get(pk=conversation.pk)
    for n in range(15):
        services.vote_cast(
            conversation=stale,
            visitor=_anonymous(f"token-{n}"),
            statement_number=statement.number,
            value=AGREE,
        )
    numbers = sorted(
        Participant.objects.filter(conversation=conversation).values_list(
            "number", flat=True
        )
    )
    assert numbers == list(range(16))


@pytest.mark.parametrize(
    ("state", "moderation"),
    [
        (Statement.State.REJECTED, "permissive"),
        (Statement.State.UNMODERATED, "strict"),
    ],
)
def test_hidden_and_rejected_statements_refuse_votes(
    organisation: Organisation, state: int, moderation: str
) -> None:
    conversation = _conversation(organisation, moderation=moderation)
    statement = StatementFactory(conversation=conversation, state=state)
    with pytest.raises(StatementError):
        services.vote_cast(
            conversation=conversation,
            visitor=_anonymous(),
            statement_number=statement.number,
            value=AGREE,
        )
    assert not VoteEvent.objects.exists()


def test_an_unknown_statement_or_value_is_refused(organisation: Organisation) -> None:
    conversation = _conversation(organisation)
    statement = StatementFactory(conversation=conversation)
    with pytest.raises(StatementError):
        services.vote_cast(
            conversation=conversation,
            visitor=_anonymous(),
            statement_number=999,
            value=AGREE,
        )
    with pytest.raises(StatementError):
        services.vote_cast(
            conversation=conversation,
            visitor=_anonymous(),
            statement_number=statement.number,
            value=2,
        )
    assert not Vote.objects.exists()


@pytest.mark.parametrize(
    "changes",
    [{"status": Conversation.Status.CLOSED}, {"is_read_only": True}],
)
def test_closed_and_read_only_conversations_refuse_votes(
    organisation: Organisation, changes: dict[str, object]
) -> None:
    conversation = _conversation(organisation, **changes)
    statement = StatementFactory(conversation=conversation)
    with pytest.raises(ConversationStateError):
        services.vote_cast(
            conversation=conversation,
            visitor=_anonymous(),
            statement_number=statement.number,
            value=AGREE,
        )
    assert not Vote.objects.exists()


def test_requires_account_refuses_anonymous_votes(
    organisation: Organisation, resident: User
) -> None:
    conversation = _conversation(organisation, requires_account=True)
    statement = StatementFactory(conversation=conversation)
    with pytest.raises(SignInRequiredError, match="Sign in"):
        services.vote_cast(
            conversation=conversation,
            visitor=_anonymous(),
            statement_number=statement.number,
            value=AGREE,
        )
    services.vote_cast(
        conversation=conversation,
        visitor=Visitor(user=resident),
        statement_number=statement.number,
        value=AGREE,
    )
    assert Vote.objects.filter(participant__user=resident).count() == 1


def test_banned_participants_cannot_vote_and_bans_are_audited(
    organisation: Organisation, officer: User
) -> None:
    conversation = _conversation(organisation)
    statement = StatementFactory(conversation=conversation)
    visitor = _anonymous()
    services.vote_cast(
        conversation=conversation,
        visitor=visitor,
        statement_number=statement.number,
        value=AGREE,
    )
    participant = Participant.objects.get(anonymous_key__gt="", votes__isnull=False)

    services.participant_ban(actor=officer, participant=participant)

    with pytest.raises(ParticipantBannedError):
        services.vote_cast(
            conversation=conversation,
            visitor=visitor,
            statement_number=statement.number,
            value=DISAGREE,
        )
    with pytest.raises(ConversationStateError):
        services.participant_ban(actor=officer, participant=participant)
    assert VoteEvent.objects.filter(participant=participant).count() == 1
    services.participant_unban(actor=officer, participant=participant)
    assert list(AuditEvent.objects.order_by("pk").values_list("action", flat=True)) == [
        "participant.ban",
        "participant.unban",
    ]


def test_analysts_cannot_ban(organisation: Organisation, analyst: User) -> None:
    participant = ParticipantFactory(conversation=_conversation(organisation))
    with pytest.raises(PermissionDenied):
        services.participant_ban(actor=analyst, participant=participant)


def test_votes_per_minute_are_limited_with_a_friendly_message(
    organisation: Organisation,
    settings: Settings,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    settings.COPRODUCE_CONVERSATION_VOTES_PER_MINUTE = 3
    conversation = _conversation(organisation)
    statements = StatementFactory.create_batch(4, conversation=conversation)
    visitor = _anonymous()
    for statement in statements[:3]:
        with django_capture_on_commit_callbacks(execute=True):
            services.vote_cast(
                conversation=conversation,
                visitor=visitor,
                statement_number=statement.number,
                value=AGREE,
            )
    with pytest.raises(TooManyRequestsError, match="wait a minute"):
        services.vote_cast(
            conversation=conversation,
            visitor=visitor,
            statement_number=statements[3].number,
            value=AGREE,
        )
    assert VoteEvent.objects.count() == 3


def test_new_anonymous_participants_per_address_are_limited(
    organisation: Organisation,
    settings: Settings,
    resident: User,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    settings.COPRODUCE_CONVERSATION_NEW_PARTICIPANTS_PER_IP_PER_HOUR = 2
    conversation = _conversation(organisation)
    statement = StatementFactory(conversation=conversation)

    def vote(visitor: Visitor) -> None:
        with django_capture_on_commit_callbacks(execute=True):
            services.vote_cast(
                conversation=conversation,
                visitor=visitor,
                statement_number=statement.number,
                value=AGREE,
            )

    vote(_anonymous("a"))
    vote(_anonymous("b"))
    vote(_anonymous("a"))  # returning participants are not new
    with pytest.raises(TooManyRequestsError, match="in an hour"):
        vote(_anonymous("c"))
    vote(_anonymous("d", ip="198.51.100.7"))  # another address
    vote(Visitor(user=resident, client_ip="192.0.2.1"))  # signed in: not limited
    assert Participant.objects.filter(conversation=conversation).count() == 5


def test_a_vote_counts_towards_the_limit_only_once_committed(
    organisation: Organisation,
    settings: Settings,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    settings.COPRODUCE_CONVERSATION_VOTES_PER_MINUTE = 1
    conversation = _conversation(organisation)
    first, second = StatementFactory.create_batch(2, conversation=conversation)
    visitor = _anonymous()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.vote_cast(
            conversation=conversation,
            visitor=visitor,
            statement_number=first.number,
            value=AGREE,
        )
    # Not committed yet: the cache holds no count, so the next vote is taken.
    services.vote_cast(
        conversation=conversation,
        visitor=visitor,
        statement_number=second.number,
        value=AGREE,
    )
    # The first vote also made a new participant: both count after commit.
    # (The opinion map's recompute request adds its own callback: not a count.)
    assert [
        callback.keywords["kind"]
        for callback in callbacks
        if "kind" in callback.keywords
    ] == [
        "new-participant",
        "vote",
    ]
    for callback in callbacks:
        callback()
    with pytest.raises(TooManyRequestsError):
        services.vote_cast(
            conversation=conversation,
            visitor=visitor,
            statement_number=second.number,
            value=DISAGREE,
        )
