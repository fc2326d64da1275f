"""ONS label pages in the permission matrix (see coproduce/testing/matrix.py).

An upload waiting for label choices belongs to the person who uploaded it (here
the administrator): another manager gets 404, other members 403. Every member
reads the saved label mappings; administrators and analysts delete them.
"""

from __future__ import annotations

import base64
from typing import Any

from coproduce.apps.accounts.models import User
from coproduce.apps.organisations.models import CensusImportStaging, CensusLabelMapping
from coproduce.apps.organisations.tests.factories import AreaFactory
from coproduce.apps.organisations.tests.matrix_population import managers
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


def uploader(ok: int | str = 200) -> dict[str, int | str]:
    """The administrator who uploaded gets `ok`; the analyst 404; the rest 403."""
    return _statuses(
        {ANONYMOUS: LOGIN, RESIDENT: 403, OTHER_ADMINISTRATOR: 403},
        dict.fromkeys(ROLES, 403),
        {ADMINISTRATOR: ok, ANALYST: 404},
    )


ROWS: list[Row] = [
    Row("organisations:census-labels", "census upload", uploader()),
    # No choice made: the uploader sees the error summary; nothing is saved.
    Row("organisations:census-labels", "census upload", uploader(200), "post"),
    Row(
        "organisations:census-labels",
        "foreign census upload",
        managers(404, others=403),
    ),
    Row("organisations:census-import-cancel", "census upload", post_only()),
    Row("organisations:census-import-cancel", "census upload", uploader(302), "post"),
    Row(
        "organisations:census-import-cancel",
        "foreign census upload",
        managers(404, others=403),
        "post",
    ),
    Row("organisations:census-label-mapping-list", "organisation", members()),
    Row("organisations:census-label-mapping-delete", "census mapping", post_only()),
    Row(
        "organisations:census-label-mapping-delete",
        "census mapping",
        managers(302),
        "post",
    ),
    Row(
        "organisations:census-label-mapping-delete",
        "foreign census mapping",
        managers(404, others=404),
        "post",
    ),
]

_ONS_TABLE = (
    "Lower layer Super Output Areas Code,Lower layer Super Output Areas,"
    "Ethnic group (20 categories) Code,Ethnic group (20 categories),Observation\n"
    "W01000001,Ynys Môn 001A,99,Grŵp arall ✨,10\n"
)


def _staging(organisation: Any, owner: User | None) -> CensusImportStaging:
    assert owner is not None
    AreaFactory(organisation=organisation, code="W01000001")
    return CensusImportStaging.objects.create(
        organisation=organisation,
        created_by=owner,
        name="Census 2021",
        source="ONS",
        age_base="All usual residents",
        files=[
            {
                "name": "ethnic.csv",
                "content": base64.b64encode(_ONS_TABLE.encode()).decode(),
            }
        ],
    )


def scenario_kwargs(context: MatrixContext) -> dict[str, dict[str, Any]]:
    org = {"org_slug": context.organisation.slug}
    staging = _staging(context.organisation, context.users[ADMINISTRATOR])
    foreign_owner = context.users[OTHER_ADMINISTRATOR]
    foreign = CensusImportStaging.objects.create(
        organisation=context.other_organisation,
        created_by=foreign_owner,
        name="Census",
        source="ONS",
        age_base="All",
        files=[],
    )
    mapping = CensusLabelMapping.objects.create(
        organisation=context.organisation,
        characteristic="ethnicity",
        source_label_key="cymreig",
        source_label="Cymreig",
        category="white",
    )
    foreign_mapping = CensusLabelMapping.objects.create(
        organisation=context.other_organisation,
        characteristic="sex",
        source_label_key="f",
        source_label="F",
        category="female",
    )
    return {
        "census upload": {**org, "pk": staging.pk},
        "foreign census upload": {**org, "pk": foreign.pk},
        "census mapping": {**org, "pk": mapping.pk},
        "foreign census mapping": {**org, "pk": foreign_mapping.pk},
    }


def database_state() -> tuple[Any, ...]:
    return (
        list(CensusImportStaging.objects.order_by("pk").values_list("pk", "name")),
        list(CensusLabelMapping.objects.order_by("pk").values_list("pk", "category")),
    )
