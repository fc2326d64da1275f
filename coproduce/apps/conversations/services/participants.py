"""Participants: who is taking part, created on their first vote or statement,
and bans.

A signed-in resident is one participant per conversation. Anyone else is known
by a random token in a signed cookie; the database keeps only a hash of the
conversation id and the token, so the cookie alone identifies the browser and
the database alone identifies nobody.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from coproduce.apps.accounts.models import User
from coproduce.apps.audit.services import audit_event_create
from coproduce.apps.conversations.errors import (
    ConversationStateError,
    ParticipantBannedError,
    SignInRequiredError,
    TooManyRequestsError,
)
from coproduce.apps.conversations.models import Conversation, Participant
from coproduce.apps.conversations.permissions import can_manage_conversations
from coproduce.apps.conversations.selectors import (
    Visitor,
    anonymous_key,
    participant_find,
)
from coproduce.apps.conversations.services.limits import (
    ip_subject,
    limit_count,
    limit_reached,
    new_participants_per_ip_per_hour,
)

_HOUR = 3600


def number_allocate(conversation: Conversation, counter: str) -> int:
    """Allocate the next dense 0-based number from a counter column.

    UPDATE … SET n = n + 1 takes the row lock on PostgreSQL (and the write lock
    on SQLite) before reading, so concurrent callers queue and each gets its
    own number; the unique constraints catch anything that slips through.
    """
    Conversation.objects.filter(pk=conversation.pk).update(**{counter: F(counter) + 1})
    value = Conversation.objects.values_list(counter, flat=True).get(pk=conversation.pk)
    return int(value) - 1


def participant_create(
    *,
    conversation: Conversation,
    user: User | None = None,
    key: str = "",
) -> Participant:
    """A new participant with the next number. Call inside a transaction."""
    participant = Participant(
        conversation=conversation,
        number=number_allocate(conversation, "next_participant_number"),
        user=user,
        anonymous_key=key,
    )
    participant.full_clean()
    participant.save()
    return participant


def participant_for_action(
    *, conversation: Conversation, visitor: Visitor
) -> Participant:
    """The participant acting now, created on their first vote or statement.

    Call inside the acting service's transaction. Raises SignInRequiredError
    (the conversation needs an account), ParticipantBannedError or
    TooManyRequestsError (too many new participants from one address).
    """
    user = visitor.signed_in_user
    if user is None and conversation.requires_account:
        raise SignInRequiredError(
            _("Sign in or create an account to take part in this conversation.")
        )
    participant = participant_find(conversation=conversation, visitor=visitor)
    if participant is None:
        # Two first votes from one browser at once: lock the conversation row,
        # then look again, so only one of them creates the participant.
        Conversation.objects.select_for_update().filter(pk=conversation.pk).first()
        participant = participant_find(conversation=conversation, visitor=visitor)
    if participant is None:
        if user is not None:
            participant = participant_create(conversation=conversation, user=user)
        else:
            if not visitor.anonymous_token:
                raise ConversationStateError(
                    _(
                        "Your browser did not keep our cookie, so we cannot count "
                        "your vote. Allow cookies for this site and try again."
                    )
                )
            subject = ip_subject(visitor.client_ip)
            if limit_reached(
                kind="new-participant",
                subject=subject,
                limit=new_participants_per_ip_per_hour(),
                window_seconds=_HOUR,
            ):
                raise TooManyRequestsError(
                    _(
                        "Very many people have joined this conversation from your "
                        "network in the last hour. Please try again in an hour."
                    )
                )
            participant = participant_create(
                conversation=conversation,
                key=anonymous_key(
                    conversation=conversation, token=visitor.anonymous_token
                ),
            )
            limit_count(kind="new-participant", subject=subject, window_seconds=_HOUR)
    # Lock the participant: a double click must not insert the same vote twice.
    participant = Participant.objects.select_for_update().get(pk=participant.pk)
    if participant.is_banned:
        raise ParticipantBannedError(
            _("You can no longer take part in this conversation.")
        )
    return participant


def participant_for_organiser(*, conversation: Conversation, user: User) -> Participant:
    """The officer's own participant, the author of seed statements."""
    participant = Participant.objects.filter(
        conversation=conversation, user=user
    ).first()
    if participant is None:
        participant = participant_create(conversation=conversation, user=user)
    return participant


def _set_banned(
    *, actor: User, participant: Participant, is_banned: bool
) -> Participant:
    conversation = participant.conversation
    if not can_manage_conversations(actor, conversation.organisation):
        raise PermissionDenied
    participant = Participant.objects.select_for_update().get(pk=participant.pk)
    if participant.is_banned == is_banned:
        raise ConversationStateError(
            _("This participant is already banned.")
            if is_banned
            else _("This participant is not banned.")
        )
    participant.is_banned = is_banned
    participant.full_clean()
    participant.save(update_fields=["is_banned"])
    audit_event_create(
        actor=actor,
        action="participant.ban" if is_banned else "participant.unban",
        target=participant,
        organisation=conversation.organisation,
        changes={
            "conversation": conversation.pk,
            "participant_number": participant.number,
            "is_banned": {"before": not is_banned, "after": is_banned},
        },
    )
    # Recompute point: the lead adds "request a recompute" here (banned
    # participants leave the maths).
    return participant


@transaction.atomic
def participant_ban(*, actor: User, participant: Participant) -> Participant:
    """Refuse the participant's future votes and statements, and leave them out of
    the opinion map. Their statements stay, for moderation.

    Raises PermissionDenied or ConversationStateError (already banned).
    """
    return _set_banned(actor=actor, participant=participant, is_banned=True)


@transaction.atomic
def participant_unban(*, actor: User, participant: Participant) -> Participant:
    """Let a banned participant take part again.

    Raises PermissionDenied or ConversationStateError (not banned).
    """
    return _set_banned(actor=actor, participant=participant, is_banned=False)
