"""Area lookup pages in the permission matrix (see coproduce/testing/matrix.py).

Every member reads deprivation indices and the postcode lookup; only
administrators and analysts upload and delete them. Another organisation's
index under this organisation's address is 404 for those who may read here.
"""

from __future__ import annotations

from typing import Any

from coproduce.apps.organisations.models import (
    DeprivationArea,
    DeprivationIndex,
    PostcodeArea,
)
from coproduce.apps.organisations.tests.factories_lookups import (
    DeprivationAreaFactory,
    DeprivationIndexFactory,
    PostcodeAreaFactory,
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


_INDEX_WITHOUT_FILE = {
    "name": "WIMD 2019",
    "nation": "wales",
    "edition": "WIMD 2019",
    "geography": "LSOA 2011",
}

ROWS: list[Row] = [
    Row("organisations:area-lookup-list", "organisation", members()),
    Row("organisations:deprivation-index-create", "organisation", managers()),
    Row("organisations:deprivation-index-detail", "deprivation index", members()),
    Row("organisations:deprivation-index-delete", "deprivation index", managers()),
    Row(
        "organisations:deprivation-index-detail",
        "foreign deprivation index",
        members(404),
    ),
    Row(
        "organisations:deprivation-index-delete",
        "foreign deprivation index",
        managers(404, others=404),
    ),
    Row("organisations:postcode-lookup", "organisation", members()),
    Row("organisations:postcode-lookup-upload", "organisation", managers()),
    Row("organisations:postcode-lookup-delete", "organisation", managers()),
    # POSTs without a file: managers see the error summary, nothing changes.
    Row(
        "organisations:deprivation-index-create",
        "organisation",
        managers(200),
        "post",
        _INDEX_WITHOUT_FILE,
    ),
    Row(
        "organisations:postcode-lookup-upload",
        "organisation",
        managers(200),
        "post",
        {"mode": "replace"},
    ),
    Row(
        "organisations:deprivation-index-delete",
        "deprivation index",
        managers(302),
        "post",
    ),
    Row(
        "organisations:deprivation-index-delete",
        "foreign deprivation index",
        managers(404, others=404),
        "post",
    ),
    Row(
        "organisations:postcode-lookup-delete",
        "organisation",
        managers(302),
        "post",
    ),
]


def scenario_kwargs(context: MatrixContext) -> dict[str, dict[str, Any]]:
    org = {"org_slug": context.organisation.slug}
    index = DeprivationIndexFactory(organisation=context.organisation)
    DeprivationAreaFactory(index=index)
    PostcodeAreaFactory(organisation=context.organisation, prefix="CF10")
    PostcodeAreaFactory(organisation=context.other_organisation, prefix="CF10")
    foreign = DeprivationIndexFactory(organisation=context.other_organisation)
    return {
        "deprivation index": {**org, "pk": index.pk},
        "foreign deprivation index": {**org, "pk": foreign.pk},
    }


def database_state() -> tuple[Any, ...]:
    return (
        list(DeprivationIndex.objects.order_by("pk").values_list("pk", "name")),
        DeprivationArea.objects.count(),
        sorted(PostcodeArea.objects.values_list("organisation_id", "prefix")),
    )
