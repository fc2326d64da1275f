"""Inclusion pages in the permission matrix (core/tests/test_permission_matrix.py).

"Who took part" is a summary like survey results: every member may see it.
Another organisation's engagement under this organisation's address is a 404.
"""

from __future__ import annotations

from typing import Any

from coproduce.apps.engagements.models import Engagement
from coproduce.apps.engagements.tests.factories import EngagementFactory
from coproduce.apps.organisations.tests.factories import PopulationMarginFactory
from coproduce.testing.matrix import MatrixContext, Row, members

ROWS: list[Row] = [
    Row("inclusion:engagement-who-took-part", "inclusion engagement", members()),
    Row(
        "inclusion:engagement-who-took-part",
        "inclusion foreign engagement",
        members(404),
    ),
    # Downloads carry the same small-number protection as the page.
    Row("inclusion:engagement-who-took-part-download", "inclusion xlsx", members()),
    Row("inclusion:engagement-who-took-part-download", "inclusion csv", members()),
    Row(
        "inclusion:engagement-who-took-part-download",
        "inclusion foreign xlsx",
        members(404),
    ),
]


def scenario_kwargs(context: MatrixContext) -> dict[str, dict[str, Any]]:
    organisation = context.organisation
    engagement = EngagementFactory(
        organisation=organisation, status=Engagement.Status.CLOSED
    )
    foreign = EngagementFactory(organisation=context.other_organisation)
    PopulationMarginFactory(profile__organisation=organisation)
    return {
        "inclusion engagement": {
            "org_slug": organisation.slug,
            "slug": engagement.slug,
        },
        "inclusion foreign engagement": {
            "org_slug": organisation.slug,
            "slug": foreign.slug,
        },
        "inclusion xlsx": {
            "org_slug": organisation.slug,
            "slug": engagement.slug,
            "file_format": "xlsx",
        },
        "inclusion csv": {
            "org_slug": organisation.slug,
            "slug": engagement.slug,
            "file_format": "csv",
        },
        "inclusion foreign xlsx": {
            "org_slug": organisation.slug,
            "slug": foreign.slug,
            "file_format": "xlsx",
        },
    }
