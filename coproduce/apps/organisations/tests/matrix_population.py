"""Population profile pages in the permission matrix (see coproduce/testing/matrix.py).

Every member reads profiles; only administrators and analysts upload and delete
them. Another organisation's profile under this organisation's address is 404
for those who may read profiles here.
"""

from __future__ import annotations

from typing import Any

from coproduce.apps.organisations.models import PopulationMargin, PopulationProfile
from coproduce.apps.organisations.tests.factories import (
    PopulationMarginFactory,
    PopulationProfileFactory,
)
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
)


def managers(ok: int | str = 200, others: int = 403) -> dict[str, int | str]:
    """Administrators and analysts get `ok`; other members get `others`."""
    return _statuses(
        {ANONYMOUS: LOGIN, RESIDENT: 403, OTHER_ADMINISTRATOR: 403},
        dict.fromkeys(ROLES, others),
        {ADMINISTRATOR: ok, ANALYST: ok},
    )


_UPLOAD_WITHOUT_FILE = {"name": "Census", "source": "ONS", "age_base": "16+"}

ROWS: list[Row] = [
    Row("organisations:population-profile-list", "organisation", members()),
    Row("organisations:population-profile-create", "organisation", managers()),
    Row("organisations:population-profile-detail", "population profile", members()),
    Row("organisations:population-profile-download", "population csv", members()),
    Row("organisations:population-profile-download", "population xlsx", members()),
    Row(
        "organisations:population-profile-download",
        "foreign population xlsx",
        members(404),
    ),
    Row("organisations:population-profile-delete", "population profile", managers()),
    Row(
        "organisations:population-profile-detail",
        "foreign population profile",
        members(404),
    ),
    Row(
        "organisations:population-profile-delete",
        "foreign population profile",
        managers(404, others=404),
    ),
    # A POST without a file: managers see the error summary, nothing changes.
    Row(
        "organisations:population-profile-create",
        "organisation",
        managers(200),
        "post",
        _UPLOAD_WITHOUT_FILE,
    ),
    Row(
        "organisations:population-profile-delete",
        "population profile",
        managers(302),
        "post",
    ),
    Row(
        "organisations:population-profile-delete",
        "foreign population profile",
        managers(404, others=404),
        "post",
    ),
]


def scenario_kwargs(context: MatrixContext) -> dict[str, dict[str, Any]]:
    org = {"org_slug": context.organisation.slug}
    profile = PopulationProfileFactory(organisation=context.organisation)
    PopulationMarginFactory(profile=profile)
    foreign = PopulationProfileFactory(organisation=context.other_organisation)
    return {
        "population profile": {**org, "pk": profile.pk},
        "population csv": {**org, "pk": profile.pk, "file_format": "csv"},
        "population xlsx": {**org, "pk": profile.pk, "file_format": "xlsx"},
        "foreign population xlsx": {**org, "pk": foreign.pk, "file_format": "xlsx"},
        "foreign population profile": {**org, "pk": foreign.pk},
    }


def database_state() -> tuple[Any, ...]:
    return (
        list(PopulationProfile.objects.order_by("pk").values_list("pk", "name")),
        PopulationMargin.objects.count(),
    )
