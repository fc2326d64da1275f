"""Inclusion snapshots and the inclusion dashboard in the permission matrix.

Every member reads the figures; officers, analysts and administrators ask for a
recalculation. Another organisation's engagement or snapshot under this
organisation's address is a 404.
"""

from __future__ import annotations

from typing import Any

from coproduce.apps.engagements.models import Engagement
from coproduce.apps.engagements.tests.factories import EngagementFactory
from coproduce.apps.inclusion.models import InclusionSnapshot
from coproduce.testing.matrix import (
    ADMINISTRATOR,
    ANALYST,
    ANONYMOUS,
    LOGIN,
    OFFICER,
    OTHER_ADMINISTRATOR,
    RESIDENT,
    ROLES,
    MatrixContext,
    Row,
    _statuses,
    members,
    post_only,
    signed_in_404,
)


def snapshotters(ok: int | str = 302) -> dict[str, int | str]:
    """Officers, analysts and administrators get `ok`; other members 403."""
    return _statuses(
        {ANONYMOUS: LOGIN, RESIDENT: 403, OTHER_ADMINISTRATOR: 403},
        dict.fromkeys(ROLES, 403),
        {ADMINISTRATOR: ok, OFFICER: ok, ANALYST: ok},
    )


ROWS: list[Row] = [
    Row("inclusion:organisation-inclusion", "organisation", members()),
    Row("inclusion:organisation-inclusion-download", "dashboard xlsx", members()),
    Row("inclusion:organisation-inclusion-download", "dashboard csv", members()),
    Row(
        "inclusion:organisation-inclusion",
        "snapshots missing organisation",
        signed_in_404(),
    ),
    Row("inclusion:engagement-snapshots", "snapshots engagement", members()),
    Row("inclusion:engagement-snapshots", "snapshots foreign engagement", members(404)),
    Row("inclusion:engagement-snapshot-detail", "snapshot", members()),
    # A failed snapshot has no figures to download.
    Row("inclusion:engagement-snapshot-download", "snapshot xlsx", members(404)),
    Row(
        "inclusion:engagement-snapshot-download", "foreign snapshot xlsx", members(404)
    ),
    Row("inclusion:engagement-snapshot-detail", "foreign snapshot", members(404)),
    Row("inclusion:engagement-snapshot-request", "snapshots engagement", post_only()),
    Row(
        "inclusion:engagement-snapshot-request",
        "snapshots engagement",
        snapshotters(302),
        "post",
    ),
    Row(
        "inclusion:engagement-snapshot-request",
        "snapshots foreign engagement",
        members(404),
        "post",
    ),
]


def scenario_kwargs(context: MatrixContext) -> dict[str, dict[str, Any]]:
    organisation = context.organisation
    org = {"org_slug": organisation.slug}
    engagement = EngagementFactory(
        organisation=organisation, status=Engagement.Status.CLOSED
    )
    foreign = EngagementFactory(
        organisation=context.other_organisation, status=Engagement.Status.CLOSED
    )
    snapshot = InclusionSnapshot.objects.create(
        organisation=organisation,
        engagement=engagement,
        status=InclusionSnapshot.Status.FAILED,
        error="<script>alert(1)</script>",
    )
    foreign_snapshot = InclusionSnapshot.objects.create(
        organisation=context.other_organisation,
        engagement=foreign,
        status=InclusionSnapshot.Status.FAILED,
    )
    return {
        "snapshots missing organisation": {"org_slug": "no-such-council"},
        "dashboard xlsx": {**org, "file_format": "xlsx"},
        "dashboard csv": {**org, "file_format": "csv"},
        "snapshots engagement": {**org, "slug": engagement.slug},
        "snapshots foreign engagement": {**org, "slug": foreign.slug},
        "snapshot": {**org, "slug": engagement.slug, "pk": snapshot.pk},
        "snapshot xlsx": {
            **org,
            "slug": engagement.slug,
            "pk": snapshot.pk,
            "file_format": "xlsx",
        },
        "foreign snapshot xlsx": {
            **org,
            "slug": engagement.slug,
            "pk": foreign_snapshot.pk,
            "file_format": "xlsx",
        },
        # Another organisation's snapshot under this engagement's address.
        "foreign snapshot": {**org, "slug": engagement.slug, "pk": foreign_snapshot.pk},
    }


def database_state() -> tuple[Any, ...]:
    return (list(InclusionSnapshot.objects.order_by("pk").values_list("pk", "status")),)
