"""Frozen inclusion figures: one snapshot per engagement per calculation.

A snapshot is a run row (architecture §4, "a heavy computation"): requested by
a person or by the scheduled refresh, computed by a background task, and frozen
with the hash of its inputs, the population margins' version and the software
version, so a published figure can be traced and reproduced.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from coproduce.apps.engagements.models import Engagement
from coproduce.apps.organisations.models import Organisation, PopulationProfile


class InclusionSnapshot(models.Model):
    """Who took part in one engagement, frozen at one moment.

    `result` (empty until done) is JSON with this schema (version 1); shares
    are 0–1, None where a figure cannot be given, with the reason beside it:

    ```
    {
      "schema": 1,
      "reference_on": "2026-03-31",   # close (planned close while open)
      "opened_on": "2026-01-05",
      "n_responses": 120,             # submitted survey responses
      "n_comments": 14,               # comments not rejected
      "n_contributions": 134,
      "n_linked_contributions": 110,
      "n_participants": 98,           # linked people
      "n_unlinked_contributions": 24,
      "linked_share": 0.82,
      "is_linked_share_low": false,   # below 70 %: person figures warn
      "characteristics": [            # compared with the population profile
        {"name": "age_band", "n_participants": 100, "n_unknown": 7,
         "coverage_share": 0.93, "is_coverage_low": false,
         "is_small_sample": false, "dissimilarity": 0.2, "balance_ratio": 0.2,
         "categories": [{"value": "16_24", "n_participants": 10,
                         "participant_share": 0.1, "population_share": 0.3,
                         "difference_points": -20.0, "ratio": 0.33,
                         "reading": "under-represented"}, ...]}, ...],
      "left_out": [{"name": "ethnicity", "reason": "..."}],
      "score": 85.5,                  # over exactly the names in "characteristics"
      "missing_groups": [{"characteristic": "age_band", "value": "16_24",
                          "ratio": 0.33, "difference_points": -20.0,
                          "participant_share": 0.1, "population_share": 0.3}],
      "concentration": {"n_people": 98, "gini": 0.1, "gini_corrected": 0.11,
                        "top_10_share": 0.2, "top_1_share": null,
                        "is_top_10_shown": true, "is_top_1_shown": false,
                        "lorenz_points": [[0.0, 0.0], ..., [1.0, 1.0]],
                        "reason": ""},
      "usual_suspects": {"min_engagements": 3, "window_days": 365,
                         "n_people": 400, "n_usual_suspects": 30,
                         "share": 0.075, "contribution_share": 0.3,
                         "engagement_share": 0.12,
                         "engagement_n_usual_suspects": 12, "reason": ""},
      "newcomers": {"n_linked_participants": 98, "n_newcomers": 60,
                    "share": 0.61, "records_start_on": "2025-02-01",
                    "is_short_history": false, "reason": ""},
      "deprivation": [                # one per deprivation index with areas in
        {"index_id": 3, "index": "WIMD 2019", "nation": "wales",  # scope;
         "edition": "WIMD 2019",        # null in snapshots taken before reach
         "residents_basis": "residents",  # or "small_areas" (each counts once)
         "n_participants": 200, "n_unknown": 12, "n_out_of_area": 3,
         "problem": "",                 # why reach could not be worked out
         "coverage_share": 0.93, "deprived_reach_ratio": 0.4,
         "least_deprived_ratio": 2.0, "gradient": 0.2, "notices": [],
         "deciles": [{"decile": 1, "n_participants": 8,
                      "participant_share": 0.04, "resident_share": 0.12,
                      "ratio": 0.33, "reading": "under-represented"}, ...]}]
    }
    ```
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to start")
        RUNNING = "running", _("Calculating")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="inclusion_snapshots"
    )
    engagement = models.ForeignKey(
        Engagement, on_delete=models.CASCADE, related_name="inclusion_snapshots"
    )
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.QUEUED
    )
    # Empty for the scheduled refresh.
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)
    profile = models.ForeignKey(
        PopulationProfile,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # "<profile id>:<sha256 of its margins for the engagement's areas>", so a
    # deleted or re-imported profile still shows which margins were used.
    margins_version = models.CharField(max_length=100, blank=True)
    # The about-you fields compared and scored, in order: scores are only
    # comparable over time between snapshots with the same list.
    characteristics = models.JSONField(default=list, blank=True)
    input_hash = models.CharField(max_length=64, blank=True)
    software_version = models.CharField(max_length=40, blank=True)
    # Set when the inputs were the same as an earlier snapshot's: its result
    # was copied rather than recomputed, and the history shows the check.
    unchanged_from = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    result = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ("-created_at", "-pk")
        indexes = [models.Index(fields=("engagement", "status", "-finished_at"))]

    def __str__(self) -> str:
        return f"{self.engagement} ({self.get_status_display()})"

    @property
    def is_running(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)

    @property
    def score(self) -> float | None:
        value = self.result.get("score") if self.result else None
        return float(value) if value is not None else None

    @property
    def n_responses(self) -> int | None:
        value = self.result.get("n_responses") if self.result else None
        return int(value) if value is not None else None
