"""Creating, editing, opening and closing conversations."""

from __future__ import annotations

import secrets

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from coproduce.apps.accounts.models import User
from coproduce.apps.audit.services import audit_diff, audit_event_create, audit_snapshot
from coproduce.apps.conversations.errors import ConversationStateError
from coproduce.apps.conversations.models import (
    DEFAULT_LICENCE,
    Conversation,
    Statement,
)
from coproduce.apps.conversations.permissions import can_manage_conversations
from coproduce.apps.engagements.models import Engagement

Status = Conversation.Status

_FIELDS = [
    "topic_en",
    "topic_cy",
    "description_en",
    "description_cy",
    "moderation",
    "allow_resident_statements",
    "requires_account",
    "results_published",
    "licence",
    "attribution",
]


def _lock(conversation: Conversation) -> Conversation:
    # of=("self",): lock only the conversation's row. PostgreSQL refuses
    # FOR UPDATE on the nullable side of the outer join to the engagement
    # (imported archives have none); SQLite ignores the lock either way.
    return (
        Conversation.objects.select_for_update(of=("self",))
        .select_related("organisation", "engagement")
        .get(pk=conversation.pk)
    )


@transaction.atomic
def conversation_create(
    *,
    actor: User,
    engagement: Engagement,
    topic_en: str,
    topic_cy: str = "",
    description_en: str = "",
    description_cy: str = "",
    moderation: str = Conversation.Moderation.STRICT,
    allow_resident_statements: bool = True,
    requires_account: bool = False,
    results_published: bool = False,
    licence: str = DEFAULT_LICENCE,
    attribution: str = "",
) -> Conversation:
    """Create a draft conversation for an engagement, with a fresh random seed.

    Raises PermissionDenied or ValidationError.
    """
    organisation = engagement.organisation
    if not can_manage_conversations(actor, organisation):
        raise PermissionDenied
    conversation = Conversation(
        organisation=organisation,
        engagement=engagement,
        topic_en=topic_en.strip(),
        topic_cy=topic_cy.strip(),
        description_en=description_en.strip(),
        description_cy=description_cy.strip(),
        moderation=moderation,
        allow_resident_statements=allow_resident_statements,
        requires_account=requires_account,
        results_published=results_published,
        licence=licence.strip() or DEFAULT_LICENCE,
        attribution=attribution.strip(),
        status=Status.DRAFT,
        source=Conversation.Source.NATIVE,
        # Every opinion-map run of this conversation uses this seed, so its
        # published figures can be reproduced.
        random_state=secrets.randbits(31),
        created_by=actor,
    )
    conversation.full_clean()
    conversation.save()
    audit_event_create(
        actor=actor,
        action="conversation.create",
        target=conversation,
        changes=audit_snapshot(conversation, _FIELDS),
    )
    return conversation


@transaction.atomic
def conversation_update(
    *,
    actor: User,
    conversation: Conversation,
    topic_en: str,
    topic_cy: str = "",
    description_en: str = "",
    description_cy: str = "",
    moderation: str = Conversation.Moderation.STRICT,
    allow_resident_statements: bool = True,
    requires_account: bool = False,
    results_published: bool = False,
    licence: str = DEFAULT_LICENCE,
    attribution: str = "",
) -> Conversation:
    """Change a conversation's settings. Read-only archives are frozen.

    Raises PermissionDenied, ConversationStateError or ValidationError.
    """
    if not can_manage_conversations(actor, conversation.organisation):
        raise PermissionDenied
    conversation = _lock(conversation)
    if conversation.is_read_only:
        raise ConversationStateError(
            _("This conversation is a read-only archive, so it cannot be changed.")
        )
    before = audit_snapshot(conversation, _FIELDS)
    conversation.topic_en = topic_en.strip()
    conversation.topic_cy = topic_cy.strip()
    conversation.description_en = description_en.strip()
    conversation.description_cy = description_cy.strip()
    conversation.moderation = moderation
    conversation.allow_resident_statements = allow_resident_statements
    conversation.requires_account = requires_account
    conversation.results_published = results_published
    conversation.licence = licence.strip() or DEFAULT_LICENCE
    conversation.attribution = attribution.strip()
    conversation.full_clean()
    conversation.save(update_fields=[*_FIELDS, "updated_at"])
    changes = audit_diff(before, audit_snapshot(conversation, _FIELDS))
    if changes:
        audit_event_create(
            actor=actor,
            action="conversation.update",
            target=conversation,
            changes=changes,
        )
    return conversation


# The lifecycle: draft → open → closed, and a closed one may reopen.
ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    Status.DRAFT: frozenset({Status.OPEN}),
    Status.OPEN: frozenset({Status.CLOSED}),
    Status.CLOSED: frozenset({Status.OPEN}),
}


def conversation_check_transition(
    *, conversation: Conversation, to_status: str
) -> None:
    """Raise ConversationStateError unless the conversation may move to `to_status`.

    Views use it to decide which buttons to show, services before every change.
    """
    if conversation.is_read_only:
        raise ConversationStateError(
            _("This conversation is a read-only archive, so it cannot be opened.")
        )
    if to_status not in ALLOWED_TRANSITIONS.get(conversation.status, frozenset()):
        raise ConversationStateError(
            _("This conversation is %(status)s, so it cannot be changed to %(target)s.")
            % {
                "status": Status(conversation.status).label.lower(),
                "target": Status(to_status).label.lower(),
            }
        )
    if (
        to_status == Status.OPEN
        and not conversation.statements.filter(state=Statement.State.ACCEPTED).exists()
    ):
        raise ConversationStateError(
            _("Add at least one seed statement before opening the conversation.")
        )


def _change_status(
    *, actor: User, conversation: Conversation, to_status: str
) -> Conversation:
    if not can_manage_conversations(actor, conversation.organisation):
        raise PermissionDenied
    # Lock the row: two officers pressing "Close" together must not both succeed.
    conversation = _lock(conversation)
    conversation_check_transition(conversation=conversation, to_status=to_status)
    before = conversation.status
    conversation.status = to_status
    conversation.full_clean()
    conversation.save(update_fields=["status", "updated_at"])
    audit_event_create(
        actor=actor,
        action=f"conversation.{to_status}",
        target=conversation,
        changes={"status": {"before": before, "after": to_status}},
    )
    return conversation


@transaction.atomic
def conversation_open(*, actor: User, conversation: Conversation) -> Conversation:
    """Open a draft or closed conversation for votes.

    Raises PermissionDenied or ConversationStateError.
    """
    return _change_status(actor=actor, conversation=conversation, to_status=Status.OPEN)


@transaction.atomic
def conversation_close(*, actor: User, conversation: Conversation) -> Conversation:
    """Stop taking votes and statements. Raises PermissionDenied or
    ConversationStateError."""
    return _change_status(
        actor=actor, conversation=conversation, to_status=Status.CLOSED
    )
