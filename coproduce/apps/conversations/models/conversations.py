"""Conversations: statements residents vote on, and the opinion map made from them.

Polis-compatible (spec docs: /work/shared/specs/opinion-map.md §2): participants
and statements carry a 0-based `number` per conversation (Polis `pid` and `tid`),
votes are agree = +1, disagree = −1, pass = 0, and every vote cast is kept in an
append-only log whose id is the recompute high-water mark.

Bilingual fields (topic, description, statement text) get `_en` and `_cy`
columns from django-modeltranslation (see translation.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from coproduce.apps.engagements.models import Engagement
from coproduce.apps.organisations.models import Organisation

if TYPE_CHECKING:
    from modeltranslation.manager import MultilingualManager

DEFAULT_LICENCE = "Open Government Licence v3.0"
# Resident statements are short, as in Polis; imported archives may hold longer.
STATEMENT_MAX_LENGTH = 280
STATEMENT_STORED_MAX_LENGTH = 1000


class Conversation(models.Model):
    """A set of statements residents vote on, attached to an engagement."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    class Moderation(models.TextChoices):
        STRICT = "strict", _("Strict: residents' statements are hidden until accepted")
        PERMISSIVE = (
            "permissive",
            _("Permissive: residents' statements are shown until rejected"),
        )

    class Source(models.TextChoices):
        NATIVE = "native", _("Run here")
        IMPORTED = "imported", _("Imported archive")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="conversations"
    )
    # Null only for imported archives that belong to no engagement here.
    engagement = models.ForeignKey(
        Engagement,
        on_delete=models.CASCADE,
        related_name="conversations",
        null=True,
        blank=True,
    )
    # Bilingual (modeltranslation): topic, description.
    topic = models.CharField(_("topic"), max_length=200)
    description = models.TextField(_("description"), max_length=5000, blank=True)
    moderation = models.CharField(
        _("moderation"),
        max_length=12,
        choices=Moderation.choices,
        default=Moderation.STRICT,
    )
    allow_resident_statements = models.BooleanField(
        _("residents may add statements"), default=True
    )
    requires_account = models.BooleanField(
        _("residents must sign in to take part"), default=False
    )
    results_published = models.BooleanField(_("results are public"), default=False)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    source = models.CharField(
        _("source"), max_length=10, choices=Source.choices, default=Source.NATIVE
    )
    licence = models.CharField(_("licence"), max_length=200, default=DEFAULT_LICENCE)
    attribution = models.TextField(_("attribution"), max_length=2000, blank=True)
    source_url = models.URLField(_("source web address"), max_length=500, blank=True)
    changes_statement = models.TextField(
        _("statement of changes"), max_length=2000, blank=True
    )
    is_read_only = models.BooleanField(_("read-only archive"), default=False)
    # Seed of every opinion-map run of this conversation (secrets.randbits(31)).
    random_state = models.PositiveIntegerField(_("random seed"))
    # Counters for the dense 0-based numbers; services bump them with an UPDATE
    # (… SET n = n + 1), which locks the row on PostgreSQL and the database on
    # SQLite, so two residents never get the same number.
    next_participant_number = models.PositiveIntegerField(default=0)
    next_statement_number = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    if TYPE_CHECKING:
        objects: ClassVar[MultilingualManager[Conversation]]
        topic_en: str | None
        topic_cy: str | None
        description_en: str | None
        description_cy: str | None

    class Meta:
        ordering = ("-created_at", "-pk")
        verbose_name = _("conversation")
        verbose_name_plural = _("conversations")

    def __str__(self) -> str:
        return self.topic

    def get_absolute_url(self) -> str:
        return reverse(
            "conversations:conversation-detail",
            kwargs={"org_slug": self.organisation.slug, "pk": self.pk},
        )

    def get_public_url(self) -> str:
        return reverse("conversations:conversation-vote", kwargs={"pk": self.pk})

    @property
    def is_open_for_votes(self) -> bool:
        return self.status == self.Status.OPEN and not self.is_read_only

    @property
    def is_strict(self) -> bool:
        return self.moderation == self.Moderation.STRICT


class Participant(models.Model):
    """Someone who voted or wrote a statement: a signed-in user or a browser."""

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="participants"
    )
    number = models.PositiveIntegerField(_("participant number"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="conversation_participants",
    )
    # SHA-256 of the conversation id and the browser's random token: the token
    # itself lives only in the signed cookie.
    anonymous_key = models.CharField(max_length=64, blank=True)
    xid = models.CharField(_("external id"), max_length=200, blank=True)
    xid_consent = models.BooleanField(default=False)
    first_vote_at = models.DateTimeField(null=True, blank=True)
    # Banned participants' future votes are refused and the opinion map leaves
    # them out (the engine call reads this flag).
    is_banned = models.BooleanField(_("banned"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("conversation", "number")
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        constraints = [
            models.UniqueConstraint(
                fields=("conversation", "number"),
                name="participant_number_unique_in_conversation",
            ),
            models.UniqueConstraint(
                fields=("conversation", "user"),
                condition=models.Q(user__isnull=False),
                name="participant_user_unique_in_conversation",
            ),
            models.UniqueConstraint(
                fields=("conversation", "anonymous_key"),
                condition=~models.Q(anonymous_key=""),
                name="participant_key_unique_in_conversation",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.conversation_id}/{self.number}"


class Statement(models.Model):
    """One short statement to agree or disagree with. `number` is Polis's `tid`."""

    class State(models.IntegerChoices):
        # The values are Polis's `moderated` column.
        ACCEPTED = 1, _("Accepted")
        UNMODERATED = 0, _("Waiting for moderation")
        REJECTED = -1, _("Rejected")

    class RejectionReason(models.TextChoices):
        OFF_TOPIC = "off_topic", _("Not about this conversation")
        PERSONAL = "personal", _("Contains personal information")
        ABUSIVE = "abusive", _("Abusive, offensive or discriminatory")
        DUPLICATE = "duplicate", _("Says the same as another statement")
        MORE_THAN_ONE = "more_than_one", _("More than one idea")
        UNCLEAR = "unclear", _("Hard to understand")
        OTHER = "other", _("Another reason")

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="statements"
    )
    number = models.PositiveIntegerField(_("statement number"))
    author = models.ForeignKey(
        Participant, on_delete=models.PROTECT, related_name="statements"
    )
    # Bilingual (modeltranslation): text. A resident's statement is stored in
    # the language they wrote it in; the other column stays empty.
    text = models.TextField(_("statement"), max_length=STATEMENT_STORED_MAX_LENGTH)
    state = models.SmallIntegerField(
        _("moderation state"), choices=State.choices, default=State.UNMODERATED
    )
    is_seed = models.BooleanField(_("seed statement"), default=False)
    is_meta = models.BooleanField(_("about the process"), default=False)
    moderation_reason = models.CharField(
        _("reason"), max_length=20, choices=RejectionReason.choices, blank=True
    )
    moderation_note = models.TextField(_("more detail"), max_length=1000, blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    moderated_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    if TYPE_CHECKING:
        objects: ClassVar[MultilingualManager[Statement]]
        text_en: str | None
        text_cy: str | None

    class Meta:
        ordering = ("conversation", "number")
        verbose_name = _("statement")
        verbose_name_plural = _("statements")
        constraints = [
            models.UniqueConstraint(
                fields=("conversation", "number"),
                name="statement_number_unique_in_conversation",
            ),
        ]
        indexes = [models.Index(fields=("conversation", "state", "created_at"))]

    def __str__(self) -> str:
        return f"{self.number}: {self.text}"[:100]


class Vote(models.Model):
    """The current vote of one participant on one statement (the latest wins)."""

    class Value(models.IntegerChoices):
        AGREE = 1, _("Agree")
        PASS = 0, _("Pass or unsure")
        DISAGREE = -1, _("Disagree")

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="votes"
    )
    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="votes"
    )
    statement = models.ForeignKey(
        Statement, on_delete=models.CASCADE, related_name="votes"
    )
    value = models.SmallIntegerField(choices=Value.choices)
    cast_at = models.DateTimeField()

    class Meta:
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        constraints = [
            models.UniqueConstraint(
                fields=("participant", "statement"),
                name="vote_unique_per_participant_and_statement",
            ),
            models.CheckConstraint(
                condition=models.Q(value__in=(-1, 0, 1)), name="vote_value_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.participant_id} → {self.statement_id}: {self.value}"


class VoteEvent(models.Model):
    """Every vote ever cast, in order; never updated or deleted by the product.

    The auto-increment id is the event sequence: the opinion map records the
    highest id it has read (`vote_event_high_water`) and loads only later ones.
    """

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="vote_events"
    )
    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="vote_events"
    )
    statement = models.ForeignKey(
        Statement, on_delete=models.CASCADE, related_name="vote_events"
    )
    value = models.SmallIntegerField(choices=Vote.Value.choices)
    cast_at = models.DateTimeField()

    class Meta:
        ordering = ("pk",)
        verbose_name = _("vote event")
        verbose_name_plural = _("vote events")
        indexes = [models.Index(fields=("conversation", "id"))]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(value__in=(-1, 0, 1)),
                name="vote_event_value_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk}: {self.participant_id} → {self.statement_id}"
