"""Reads for conversations, scoped by organisation and actor, and statement routing."""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from coproduce.analytics.opinion_map.priority import choose_next_statement
from coproduce.apps.accounts.models import User
from coproduce.apps.conversations.models import (
    Conversation,
    OpinionMapSnapshot,
    Participant,
    Statement,
    Vote,
    VoteEvent,
)
from coproduce.apps.conversations.permissions import can_view_conversation_admin
from coproduce.apps.engagements.models import Engagement
from coproduce.apps.organisations.models import Organisation

State = Statement.State


@dataclass(frozen=True)
class Visitor:
    """Who is acting on the public pages: the view builds it from the request.

    `anonymous_token` is the raw token from the signed cookie (or a new one the
    view will set); `client_ip` is used only, hashed, for the abuse limit.
    """

    user: User | AnonymousUser | None
    anonymous_token: str = ""
    client_ip: str = ""

    @property
    def signed_in_user(self) -> User | None:
        user = self.user
        if isinstance(user, User) and user.is_authenticated and user.is_active:
            return user
        return None


def anonymous_key(*, conversation: Conversation, token: str) -> str:
    """The stored form of a browser's token: it never leaves this conversation."""
    return hashlib.sha256(f"{conversation.pk}:{token}".encode()).hexdigest()


def participant_find(
    *, conversation: Conversation, visitor: Visitor
) -> Participant | None:
    """The visitor's participant in this conversation, if they have acted before."""
    user = visitor.signed_in_user
    if user is not None:
        return Participant.objects.filter(conversation=conversation, user=user).first()
    if not visitor.anonymous_token:
        return None
    return Participant.objects.filter(
        conversation=conversation,
        anonymous_key=anonymous_key(
            conversation=conversation, token=visitor.anonymous_token
        ),
    ).first()


# --- staff pages ---------------------------------------------------------------


def conversation_list(
    *, organisation: Organisation, engagement: Engagement | None = None
) -> QuerySet[Conversation]:
    """Conversations of one organisation (or one of its engagements), newest first.

    Staff pages only: the view checks the actor is a member.
    """
    conversations = Conversation.objects.filter(organisation=organisation)
    if engagement is not None:
        conversations = conversations.filter(engagement=engagement)
    return conversations.select_related("organisation", "engagement").annotate(
        n_participants=Count("participants", distinct=True),
        n_statements=Count("statements", distinct=True),
    )


def conversation_get(*, organisation: Organisation, pk: int) -> Conversation:
    """One conversation of this organisation; 404 for another's or a missing one."""
    return get_object_or_404(
        Conversation.objects.select_related("organisation", "engagement"),
        organisation=organisation,
        pk=pk,
    )


def conversation_get_public(*, actor: User | AnonymousUser, pk: int) -> Conversation:
    """A conversation residents may see: open or closed; drafts only for members."""
    conversation = get_object_or_404(
        Conversation.objects.select_related("organisation", "engagement"), pk=pk
    )
    if conversation.status == Conversation.Status.DRAFT and not (
        can_view_conversation_admin(actor, conversation.organisation)
    ):
        raise Http404
    return conversation


@dataclass(frozen=True)
class ConversationCounts:
    n_participants: int
    n_voters: int
    n_banned: int
    n_votes: int
    n_vote_events: int
    n_accepted: int
    n_unmoderated: int
    n_rejected: int
    n_meta: int
    n_seed: int

    @property
    def n_statements(self) -> int:
        return self.n_accepted + self.n_unmoderated + self.n_rejected


def conversation_counts(*, conversation: Conversation) -> ConversationCounts:
    """Participants, votes and statements by state, for the staff detail page."""
    participants = Participant.objects.filter(conversation=conversation).aggregate(
        total=Count("pk"),
        voters=Count("pk", filter=Q(first_vote_at__isnull=False)),
        banned=Count("pk", filter=Q(is_banned=True)),
    )
    statements = Statement.objects.filter(conversation=conversation).aggregate(
        accepted=Count("pk", filter=Q(state=State.ACCEPTED)),
        unmoderated=Count("pk", filter=Q(state=State.UNMODERATED)),
        rejected=Count("pk", filter=Q(state=State.REJECTED)),
        meta=Count("pk", filter=Q(is_meta=True)),
        seed=Count("pk", filter=Q(is_seed=True)),
    )
    return ConversationCounts(
        n_participants=participants["total"],
        n_voters=participants["voters"],
        n_banned=participants["banned"],
        n_votes=Vote.objects.filter(conversation=conversation).count(),
        n_vote_events=VoteEvent.objects.filter(conversation=conversation).count(),
        n_accepted=statements["accepted"],
        n_unmoderated=statements["unmoderated"],
        n_rejected=statements["rejected"],
        n_meta=statements["meta"],
        n_seed=statements["seed"],
    )


def statement_list(*, conversation: Conversation) -> QuerySet[Statement]:
    """Every statement, by number, with its vote count and author's number."""
    return (
        Statement.objects.filter(conversation=conversation)
        .select_related("author")
        .annotate(n_votes=Count("votes"))
        .order_by("number")
    )


def statement_queue(*, conversation: Conversation) -> QuerySet[Statement]:
    """Statements waiting for moderation, oldest first."""
    return (
        Statement.objects.filter(conversation=conversation, state=State.UNMODERATED)
        .select_related("author")
        .order_by("created_at", "number")
    )


def statement_get(*, conversation: Conversation, number: int) -> Statement:
    return get_object_or_404(
        Statement.objects.select_related("author", "conversation__organisation"),
        conversation=conversation,
        number=number,
    )


def participant_list(*, conversation: Conversation) -> QuerySet[Participant]:
    """Participants by number, with their vote and statement counts."""
    return (
        Participant.objects.filter(conversation=conversation)
        .annotate(
            n_votes=Count("votes", distinct=True),
            n_statements=Count("statements", distinct=True),
        )
        .order_by("number")
    )


def participant_get(*, conversation: Conversation, number: int) -> Participant:
    return get_object_or_404(
        Participant.objects.select_related("conversation__organisation"),
        conversation=conversation,
        number=number,
    )


# --- residents: routing ---------------------------------------------------------


def statement_list_visible(*, conversation: Conversation) -> QuerySet[Statement]:
    """Statements residents see: accepted, plus unmoderated unless strict."""
    states = [State.ACCEPTED]
    if not conversation.is_strict:
        states.append(State.UNMODERATED)
    return Statement.objects.filter(conversation=conversation, state__in=states)


def statement_priorities(*, conversation: Conversation) -> dict[int, float]:
    """Routing priority per statement number from the latest snapshot (or none)."""
    snapshot = (
        OpinionMapSnapshot.objects.filter(conversation=conversation)
        .order_by("-created_at", "-pk")
        .values_list("priorities", flat=True)
        .first()
    )
    if not snapshot:
        return {}
    return {int(number): float(value) for number, value in snapshot.items()}


def next_statement(
    *,
    conversation: Conversation,
    participant: Participant | None,
    rng: random.Random,
) -> Statement | None:
    """The statement to show next, drawn with probability ∝ priority (spec §3.12).

    Candidates are the visible statements the participant has not voted on, in
    ascending number, so a seeded `rng` gives a reproducible draw in tests.
    Statements newer than the latest snapshot get UNVOTED_PRIORITY.
    """
    candidates = statement_list_visible(conversation=conversation)
    if participant is not None:
        candidates = candidates.exclude(votes__participant=participant)
    numbers = list(candidates.order_by("number").values_list("number", flat=True))
    chosen = choose_next_statement(
        numbers, statement_priorities(conversation=conversation), rng
    )
    if chosen is None:
        return None
    return Statement.objects.get(conversation=conversation, number=chosen)


@dataclass(frozen=True)
class Progress:
    n_voted: int
    n_visible: int

    @property
    def is_finished(self) -> bool:
        return self.n_voted >= self.n_visible


def voting_progress(
    *, conversation: Conversation, participant: Participant | None
) -> Progress:
    """How many of the statements they can see the participant has voted on."""
    visible = statement_list_visible(conversation=conversation)
    n_voted = (
        0
        if participant is None
        else Vote.objects.filter(participant=participant, statement__in=visible).count()
    )
    return Progress(n_voted=n_voted, n_visible=visible.count())


def conversation_list_published(*, engagement: Engagement) -> QuerySet[Conversation]:
    """An engagement's conversations whose results are public, oldest first."""
    return (
        Conversation.objects.filter(engagement=engagement, results_published=True)
        .exclude(status=Conversation.Status.DRAFT)
        .order_by("created_at", "pk")
    )
