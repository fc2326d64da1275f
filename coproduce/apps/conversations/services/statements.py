"""Statements: the organiser's seeds, residents' own, and their moderation."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from coproduce.apps.accounts.models import User
from coproduce.apps.audit.services import audit_event_create
from coproduce.apps.conversations.errors import (
    ConversationStateError,
    StatementError,
    TooManyRequestsError,
)
from coproduce.apps.conversations.models import (
    STATEMENT_MAX_LENGTH,
    Conversation,
    Participant,
    Statement,
    Vote,
    VoteEvent,
)
from coproduce.apps.conversations.permissions import can_manage_conversations
from coproduce.apps.conversations.selectors import Visitor
from coproduce.apps.conversations.services.limits import (
    limit_count,
    limit_reached,
    statements_per_hour,
)
from coproduce.apps.conversations.services.participants import (
    number_allocate,
    participant_for_action,
    participant_for_organiser,
)

MAX_REPORTED_PROBLEMS = 50
State = Statement.State
Reason = Statement.RejectionReason
DECISIONS = ("accept", "reject", "meta")


def _normalised(text: str) -> str:
    """For duplicate checks: case and runs of spaces do not make a new statement."""
    return " ".join(text.split()).casefold()


def _existing_texts(conversation: Conversation) -> set[str]:
    texts: set[str] = set()
    for text_en, text_cy in Statement.objects.filter(
        conversation=conversation
    ).values_list("text_en", "text_cy"):
        texts.update(_normalised(t) for t in (text_en, text_cy) if t)
    return texts


def statement_text_problem(text: str, *, taken: set[str]) -> str | None:
    """Why `text` cannot be a statement, or None. `taken`: normalised texts."""
    if not text:
        return _("Enter a statement.")
    if len(text) > STATEMENT_MAX_LENGTH:
        return _(
            "A statement must be %(limit)s characters or fewer. This one has "
            "%(length)s."
        ) % {"limit": STATEMENT_MAX_LENGTH, "length": len(text)}
    if _normalised(text) in taken:
        return _("This statement is already in the conversation.")
    return None


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _check_writable(conversation: Conversation) -> None:
    if conversation.is_read_only:
        raise ConversationStateError(
            _("This conversation is a read-only archive, so it cannot be changed.")
        )


@transaction.atomic
def statements_seed(
    *,
    actor: User,
    conversation: Conversation,
    statements_en: str,
    statements_cy: str = "",
) -> list[Statement]:
    """Add the organiser's statements, one per line; the Welsh list, if given,
    holds the same statements in the same order.

    Seeds are accepted at once and get no automatic vote. Every line is checked
    before anything is saved. Raises PermissionDenied, ConversationStateError
    or StatementError (naming the field and line of every problem).
    """
    if not can_manage_conversations(actor, conversation.organisation):
        raise PermissionDenied
    conversation = Conversation.objects.select_for_update().get(pk=conversation.pk)
    _check_writable(conversation)
    if conversation.status == Conversation.Status.CLOSED:
        raise ConversationStateError(
            _("This conversation is closed. Open it again to add statements.")
        )
    lines_en, lines_cy = _lines(statements_en), _lines(statements_cy)
    if not lines_en:
        raise StatementError(
            _("Enter at least one statement, one on each line."),
            field="statements_en",
        )
    if lines_cy and len(lines_cy) != len(lines_en):
        raise StatementError(
            _(
                "The Welsh list has %(cy)s statements but the English list has "
                "%(en)s. Give one Welsh line for each English line, or leave the "
                "Welsh list empty."
            )
            % {"cy": len(lines_cy), "en": len(lines_en)},
            field="statements_cy",
        )
    problems: list[str] = []
    existing = _existing_texts(conversation)
    for field_label, lines in (
        (_("Statements in English"), lines_en),
        (_("Statements in Welsh"), lines_cy),
    ):
        first_line: dict[str, int] = {}
        for number, line in enumerate(lines, start=1):
            key = _normalised(line)
            problem = statement_text_problem(line, taken=existing)
            if problem is None and key in first_line:
                problem = _("the same statement as line %(line)s.") % {
                    "line": first_line[key]
                }
            first_line.setdefault(key, number)
            if problem is not None:
                problems.append(
                    _("%(field)s, line %(line)s: %(problem)s")
                    % {"field": field_label, "line": number, "problem": problem}
                )
    if problems:
        raise StatementError(problems[:MAX_REPORTED_PROBLEMS], field="statements_en")
    author = participant_for_organiser(conversation=conversation, user=actor)
    now = timezone.now()
    created = []
    for index, text_en in enumerate(lines_en):
        statement = Statement(
            conversation=conversation,
            number=number_allocate(conversation, "next_statement_number"),
            author=author,
            text_en=text_en,
            text_cy=lines_cy[index] if lines_cy else "",
            state=State.ACCEPTED,
            is_seed=True,
            moderated_by=actor,
            moderated_at=now,
        )
        statement.full_clean()
        statement.save()
        created.append(statement)
    audit_event_create(
        actor=actor,
        action="conversation.seed",
        target=conversation,
        changes={
            "statements": [s.number for s in created],
            "count": len(created),
        },
    )
    # Recompute point: the lead adds "request a recompute" here.
    return created


@transaction.atomic
def statement_submit(
    *,
    conversation: Conversation,
    visitor: Visitor,
    text: str,
    language: str = "en",
) -> Statement:
    """A resident's own statement, stored in the language they wrote it in.

    It waits for moderation (hidden until accepted in strict conversations,
    shown meanwhile in permissive ones) and carries its author's automatic
    agree vote, as in Polis. Not audited one by one: the statement is its own
    record. Raises ConversationStateError, SignInRequiredError,
    ParticipantBannedError, TooManyRequestsError or StatementError.
    """
    if not conversation.is_open_for_votes:
        raise ConversationStateError(
            _("This conversation is not open, so it does not take statements.")
        )
    if not conversation.allow_resident_statements:
        raise ConversationStateError(
            _("This conversation does not take statements from residents.")
        )
    participant = participant_for_action(conversation=conversation, visitor=visitor)
    subject = f"participant-{participant.pk}"
    if limit_reached(
        kind="statement",
        subject=subject,
        limit=statements_per_hour(),
        window_seconds=3600,
    ):
        raise TooManyRequestsError(
            _(
                "You have added %(limit)s statements in the last hour, the most we "
                "take. Please come back in an hour to add more."
            )
            % {"limit": statements_per_hour()}
        )
    text = text.strip()
    problem = statement_text_problem(text, taken=_existing_texts(conversation))
    if problem is not None:
        raise StatementError(problem, field="text")
    is_welsh = language.startswith("cy")
    statement = Statement(
        conversation=conversation,
        number=number_allocate(conversation, "next_statement_number"),
        author=participant,
        text_en="" if is_welsh else text,
        text_cy=text if is_welsh else "",
        state=State.UNMODERATED,
    )
    statement.full_clean()
    statement.save()
    _author_agrees(participant=participant, statement=statement)
    limit_count(kind="statement", subject=subject, window_seconds=3600)
    # Recompute point: the lead adds "request a recompute" here.
    return statement


def _author_agrees(*, participant: Participant, statement: Statement) -> None:
    """The author agrees with their own statement (Polis does; §5 relies on it)."""
    now = timezone.now()
    Vote.objects.create(
        conversation=statement.conversation,
        participant=participant,
        statement=statement,
        value=Vote.Value.AGREE,
        cast_at=now,
    )
    VoteEvent.objects.create(
        conversation=statement.conversation,
        participant=participant,
        statement=statement,
        value=Vote.Value.AGREE,
        cast_at=now,
    )
    if participant.first_vote_at is None:
        participant.first_vote_at = now
        participant.save(update_fields=["first_vote_at"])


@transaction.atomic
def statement_moderate(
    *,
    actor: User,
    statement: Statement,
    decision: str,
    reason: str = "",
    note: str = "",
) -> Statement:
    """Accept, reject (with a reason) or accept as "about the process" (meta).

    A statement can be moderated again later, e.g. to reject one accepted by
    mistake. Raises PermissionDenied, ConversationStateError or StatementError.
    """
    conversation = statement.conversation
    if not can_manage_conversations(actor, conversation.organisation):
        raise PermissionDenied
    _check_writable(conversation)
    statement = Statement.objects.select_for_update().get(pk=statement.pk)
    if decision not in DECISIONS:
        raise StatementError(_("Choose a decision."), field="decision")
    note = note.strip()
    if decision == "reject":
        if reason not in Reason.values:
            raise StatementError(
                _("Choose the reason for rejecting the statement."), field="reason"
            )
        if reason == Reason.OTHER and not note:
            raise StatementError(_("Say why the statement is rejected."), field="note")
    else:
        reason, note = "", note if decision == "meta" else ""
    before = {"state": statement.state, "is_meta": statement.is_meta}
    statement.state = State.REJECTED if decision == "reject" else State.ACCEPTED
    statement.is_meta = decision == "meta"
    statement.moderation_reason = reason
    statement.moderation_note = note
    statement.moderated_by = actor
    statement.moderated_at = timezone.now()
    statement.full_clean()
    statement.save(
        update_fields=[
            "state",
            "is_meta",
            "moderation_reason",
            "moderation_note",
            "moderated_by",
            "moderated_at",
        ]
    )
    after = {"state": statement.state, "is_meta": statement.is_meta}
    audit_event_create(
        actor=actor,
        action=f"statement.{decision}",
        target=statement,
        organisation=conversation.organisation,
        changes={
            "conversation": conversation.pk,
            "number": statement.number,
            **{
                name: {"before": before[name], "after": after[name]}
                for name in before
                if before[name] != after[name]
            },
            **({"reason": reason} if reason else {}),
        },
    )
    # Recompute point: the lead adds "request a recompute" here (moderated-out
    # statements change the maths).
    return statement
