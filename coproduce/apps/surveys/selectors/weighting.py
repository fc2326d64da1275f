"""Reads for weighting runs: a survey's runs, one run, the run results use."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from coproduce.apps.core.about_you import ABOUT_YOU_FIELDS, ABOUT_YOU_LABELS
from coproduce.apps.surveys.models import Survey, WeightingRun


def weighting_run_list(*, survey: Survey) -> QuerySet[WeightingRun]:
    """The survey's runs, newest first. The caller has checked the actor."""
    return WeightingRun.objects.filter(survey=survey).select_related("requested_by")


def weighting_run_get(*, survey: Survey, pk: int) -> WeightingRun:
    """One run of the survey; 404 if missing or another survey's."""
    return get_object_or_404(
        WeightingRun.objects.select_related("survey__organisation", "requested_by"),
        survey=survey,
        pk=pk,
    )


def weighting_run_for_results(
    *, survey: Survey, run_id: str | None = None
) -> WeightingRun | None:
    """The finished run weighted results use: `run_id` if it names a finished
    run of this survey, else the latest finished one; None if there is none.

    `run_id` comes from the address, so anything that is not a whole number
    of a finished run of this survey is ignored rather than an error.
    """
    done = WeightingRun.objects.filter(survey=survey, status=WeightingRun.Status.DONE)
    if run_id and run_id.isdigit() and len(run_id) < 19:
        chosen = done.filter(pk=int(run_id)).first()
        if chosen is not None:
            return chosen
    return done.order_by("-finished_at", "-pk").first()


def achieved_margin_rows(run: WeightingRun) -> list[dict[str, Any]]:
    """The run's margins as table rows: characteristic, category, target, achieved."""
    rows = []
    for name, categories in run.achieved_margins.items():
        choices = ABOUT_YOU_FIELDS.get(name)
        for category, figures in categories.items():
            try:
                label = str(choices(category).label) if choices else category
            except ValueError:
                label = category
            rows.append(
                {
                    "characteristic": str(ABOUT_YOU_LABELS.get(name, name)),
                    "category": label,
                    "target": figures["target"],
                    "achieved": figures["achieved"],
                }
            )
    return rows
