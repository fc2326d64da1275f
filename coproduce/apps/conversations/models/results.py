"""The opinion map's runs and snapshots, Polis imports and Polis's own groups.

Filled by background tasks (recompute, import); see services/recompute.py and
services/polis_import.py.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from coproduce.apps.conversations.models.conversations import Conversation
from coproduce.apps.engagements.models import Engagement
from coproduce.apps.organisations.models import Organisation


class OpinionMapRun(models.Model):
    """One recompute of a conversation's opinion map (filled by the engine task)."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="opinion_map_runs"
    )
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    duration_ms = models.PositiveIntegerField(null=True, blank=True)
    n_votes = models.PositiveIntegerField(null=True, blank=True)
    n_participants = models.PositiveIntegerField(null=True, blank=True)
    n_statements = models.PositiveIntegerField(null=True, blank=True)
    vote_event_high_water = models.BigIntegerField(null=True, blank=True)
    is_cold = models.BooleanField(default=False)
    # Staff pressed "Rebuild from scratch": the run ignores the saved state.
    is_rebuild = models.BooleanField(default=False)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    error = models.TextField(blank=True)

    class Meta:
        ordering = ("-requested_at", "-pk")
        verbose_name = _("opinion map run")
        verbose_name_plural = _("opinion map runs")
        constraints = [
            # The debounce: at most one queued run per conversation, so two
            # votes at the same moment cannot queue two runs (the second
            # INSERT fails and the request finds the queued run instead).
            models.UniqueConstraint(
                fields=("conversation",),
                condition=models.Q(status="queued"),
                name="opinion_map_run_one_queued_per_conversation",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.conversation_id}: {self.status}"

    @property
    def is_active(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)


class OpinionMapSnapshot(models.Model):
    """A frozen opinion-map result, with what is needed to reproduce it."""

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="opinion_map_snapshots"
    )
    run = models.OneToOneField(
        OpinionMapRun,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="snapshot",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    result = models.JSONField(default=dict)
    # Warm-start state (OpinionMapState.to_bytes(): npz + JSON header, no pickle).
    state = models.BinaryField(blank=True, default=b"")
    vote_event_high_water = models.BigIntegerField()
    input_hash = models.CharField(max_length=64)
    software_version = models.CharField(max_length=100)
    random_state = models.PositiveIntegerField()
    # Routing priority per statement: {str(statement number): float}.
    priorities = models.JSONField(default=dict)
    # What the engine was told, sorted numbers: a later run compares them with
    # the database and rebuilds when moderation or bans changed since.
    moderated_out = models.JSONField(default=list)
    meta = models.JSONField(default=list)
    excluded = models.JSONField(default=list)
    is_cold = models.BooleanField(default=False)

    class Meta:
        ordering = ("-created_at", "-pk")
        verbose_name = _("opinion map snapshot")
        verbose_name_plural = _("opinion map snapshots")
        indexes = [models.Index(fields=("conversation", "-created_at"))]

    def __str__(self) -> str:
        return f"{self.conversation_id} @ {self.vote_event_high_water}"


class ReferenceGrouping(models.Model):
    """Polis's own groups and published GIC of an imported conversation."""

    conversation = models.OneToOneField(
        Conversation, on_delete=models.CASCADE, related_name="reference_grouping"
    )
    # {str(participant number): Polis group-id}
    group_by_participant = models.JSONField(default=dict)
    # {str(statement number): published group-informed consensus}
    gic_by_statement = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("reference grouping")
        verbose_name_plural = _("reference groupings")

    def __str__(self) -> str:
        return f"{self.conversation_id}: {len(self.group_by_participant)} participants"


def _polis_import_path(conversation_import: ConversationImport, filename: str) -> str:
    return f"polis-imports/{conversation_import.organisation_id}/{filename}"


class ConversationImport(models.Model):
    """An uploaded Polis open-data export, imported by a background task.

    The upload (a zip, or the CSV files zipped together by the service) is
    checked completely before anything is written; the conversation, its
    participants, statements, votes and Polis's groups are then created in one
    transaction, so a failed import leaves nothing behind but this row.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to start")
        RUNNING = "running", _("Checking and importing")
        SUCCEEDED = "succeeded", _("Imported")
        FAILED = "failed", _("Not imported")

    class Polarity(models.TextChoices):
        OPEN_DATA = "open-data", _("Open data: agree is +1 (the published CSV files)")
        POLIS_DB = (
            "polis-db",
            _("Polis database: agree is −1 (Polis's database and newer report export)"),
        )

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="conversation_imports"
    )
    engagement = models.ForeignKey(
        Engagement,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    file = models.FileField(upload_to=_polis_import_path, max_length=300)
    original_filename = models.CharField(max_length=255)
    polarity = models.CharField(
        _("vote polarity"),
        max_length=10,
        choices=Polarity.choices,
        default=Polarity.OPEN_DATA,
    )
    licence = models.CharField(_("licence"), max_length=200)
    attribution = models.TextField(_("attribution"), max_length=2000, blank=True)
    source_url = models.URLField(_("source web address"), max_length=500, blank=True)
    changes_statement = models.TextField(
        _("statement of changes"), max_length=2000, blank=True
    )
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    # Up to 50: [{"file": "votes.csv", "row": 14, "column": "vote", "message": …}].
    problems = models.JSONField(default=list, blank=True)
    n_problems = models.PositiveIntegerField(default=0)
    warnings = models.JSONField(default=list, blank=True)
    error = models.TextField(blank=True)
    n_participants = models.PositiveIntegerField(default=0)
    n_statements = models.PositiveIntegerField(default=0)
    n_votes = models.PositiveIntegerField(default=0)
    n_vote_events = models.PositiveIntegerField(default=0)
    conversation = models.ForeignKey(
        Conversation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    duration_ms = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ("-created_at", "-pk")
        verbose_name = _("Polis import")
        verbose_name_plural = _("Polis imports")

    def __str__(self) -> str:
        return f"{self.original_filename} ({self.get_status_display()})"

    @property
    def is_running(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)
