"""Polis import and export pages in the permission matrix (coproduce/testing/matrix.py).

Administrators, engagement officers and analysts import; other members and
outsiders are refused, and another organisation's import is 404. Every member
downloads any conversation of the organisation; the public download exists only
for conversations whose results are published (404 otherwise, as if absent).
"""

from __future__ import annotations

from typing import Any

from coproduce.apps.conversations.models import Conversation, ConversationImport
from coproduce.apps.conversations.tests.factories import (
    ConversationFactory,
    StatementFactory,
)
from coproduce.apps.engagements.tests.factories import EngagementFactory
from coproduce.testing.matrix import (
    ACTORS,
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
    public,
)


def importers(ok: int | str = 200, others: int = 403) -> dict[str, int | str]:
    """Administrators, officers and analysts get `ok`; everyone else is refused."""
    return _statuses(
        {ANONYMOUS: LOGIN, RESIDENT: 403, OTHER_ADMINISTRATOR: 403},
        dict.fromkeys(ROLES, others),
        {ADMINISTRATOR: ok, OFFICER: ok, ANALYST: ok},
    )


def members_else_404(ok: int) -> dict[str, int | str]:
    return _statuses(dict.fromkeys(ACTORS, 404), dict.fromkeys(ROLES, ok))


ROWS: list[Row] = [
    Row("conversations:polis-import-create", "polis organisation", importers()),
    # No file: the form comes back with its errors and nothing is saved.
    Row(
        "conversations:polis-import-create",
        "polis organisation",
        importers(),
        "post",
        {"polarity": "open-data", "licence": "CC BY 4.0", "attribution": "x"},
    ),
    Row("conversations:polis-import-detail", "polis import", importers()),
    Row(
        "conversations:polis-import-detail",
        "foreign polis import",
        importers(404),
    ),
    Row("conversations:polis-export", "polis conversation", members()),
    Row("conversations:polis-export", "foreign polis conversation", members(404)),
    Row("conversations:polis-export-public", "polis published conversation", public()),
    Row(
        "conversations:polis-export-public",
        "polis unpublished conversation",
        members_else_404(200),
    ),
    Row(
        "conversations:polis-export-public",
        "polis published draft",
        members_else_404(200),
    ),
]


def scenario_kwargs(context: MatrixContext) -> dict[str, dict[str, Any]]:
    organisation, other = context.organisation, context.other_organisation
    org = {"org_slug": organisation.slug}
    engagement = EngagementFactory(organisation=organisation)
    conversation = ConversationFactory(engagement=engagement)
    StatementFactory(conversation=conversation)
    published = ConversationFactory(engagement=engagement, results_published=True)
    StatementFactory(conversation=published)
    draft = ConversationFactory(
        engagement=engagement,
        results_published=True,
        status=Conversation.Status.DRAFT,
    )
    foreign = ConversationFactory(engagement=EngagementFactory(organisation=other))
    own_import = ConversationImport.objects.create(
        organisation=organisation,
        licence="CC BY 4.0",
        status=ConversationImport.Status.FAILED,
        problems=[
            {"file": "votes.csv", "row": 2, "column": "vote", "message": "<b>x</b>"}
        ],
        n_problems=1,
    )
    foreign_import = ConversationImport.objects.create(
        organisation=other, licence="CC BY 4.0"
    )
    return {
        "polis organisation": org,
        "polis import": {**org, "pk": own_import.pk},
        "foreign polis import": {**org, "pk": foreign_import.pk},
        "polis conversation": {**org, "pk": conversation.pk},
        "foreign polis conversation": {**org, "pk": foreign.pk},
        "polis published conversation": {"pk": published.pk},
        "polis unpublished conversation": {"pk": conversation.pk},
        "polis published draft": {"pk": draft.pk},
    }


def database_state() -> tuple[Any, ...]:
    return (
        list(
            ConversationImport.objects.order_by("pk").values_list(
                "pk", "status", "conversation"
            )
        ),
    )
