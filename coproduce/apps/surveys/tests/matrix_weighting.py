"""Weighting pages in the permission matrix (core/tests/test_permission_matrix.py).

Administrators and analysts request, follow and cancel weighting runs; other
members may not (they see weighted results once a run is done, on the results
page). Another organisation's survey under this organisation's address is 404
for its members.
"""

from __future__ import annotations

from typing import Any

from coproduce.apps.engagements.tests.factories import EngagementFactory
from coproduce.apps.surveys.models import SubmissionWeight, WeightingRun
from coproduce.apps.surveys.tests.factories import published_survey
from coproduce.apps.surveys.tests.weighting_data import example_profile
from coproduce.testing.matrix import (
    ADMINISTRATOR,
    ANALYST,
    ANONYMOUS,
    LOGIN,
    OTHER_ADMINISTRATOR,
    RESIDENT,
    ROLES,
    MatrixContext,
    Row,
    _statuses,
    members,
    post_only,
)


def weighters(ok: int | str = 200, others: int = 403) -> dict[str, int | str]:
    """Administrators and analysts get `ok`; other members get `others`."""
    return _statuses(
        {ANONYMOUS: LOGIN, RESIDENT: 403, OTHER_ADMINISTRATOR: 403},
        dict.fromkeys(ROLES, others),
        {ADMINISTRATOR: ok, ANALYST: ok},
    )


ROWS: list[Row] = [
    Row("survey_results:weighting", "weighting survey", weighters()),
    Row("survey_results:weighting", "weighting foreign survey", members(404)),
    Row("survey_results:weighting-run", "weighting run", weighters()),
    Row("survey_results:weighting-run", "weighting foreign run", members(404)),
    Row("survey_results:weighting-run-cancel", "weighting run", post_only()),
    # --- POSTs ------------------------------------------------------------------
    # Nothing chosen: the form comes back with its errors and nothing is saved.
    Row("survey_results:weighting", "weighting survey", weighters(200), "post"),
    Row(
        "survey_results:weighting",
        "weighting other survey",
        weighters(302),
        "post",
        {"characteristics": "sex", "cap": "none"},
    ),
    Row(
        "survey_results:weighting-run-cancel",
        "weighting run",
        weighters(302),
        "post",
    ),
]


def scenario_kwargs(context: MatrixContext) -> dict[str, dict[str, Any]]:
    organisation = context.organisation
    survey = published_survey(engagement=EngagementFactory(organisation=organisation))
    other = published_survey(engagement=EngagementFactory(organisation=organisation))
    foreign = published_survey(
        engagement=EngagementFactory(organisation=context.other_organisation)
    )
    profile = example_profile(organisation)
    run = WeightingRun.objects.create(
        survey=survey,
        profile=profile,
        profile_name=profile.name,
        characteristics=["sex"],
    )
    foreign_run = WeightingRun.objects.create(
        survey=foreign, profile_name="Ŵŷ <b>", characteristics=["sex"]
    )

    def address(of: Any) -> dict[str, Any]:
        return {
            "org_slug": organisation.slug,
            "engagement_slug": of.engagement.slug,
            "survey_slug": of.slug,
        }

    return {
        "weighting survey": address(survey),
        "weighting other survey": address(other),
        "weighting foreign survey": address(foreign),
        "weighting run": {**address(survey), "pk": run.pk},
        "weighting foreign run": {**address(foreign), "pk": foreign_run.pk},
    }


def database_state() -> tuple[Any, ...]:
    return (
        list(WeightingRun.objects.order_by("pk").values_list("pk", "status")),
        SubmissionWeight.objects.count(),
    )
