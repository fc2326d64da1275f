"""Opinion-map pages in the permission matrix (see coproduce/testing/matrix.py).

Staff pages: administrators, engagement officers and analysts read the map,
groups, consensus, participation, report, status and downloads; only
administrators and engagement officers rebuild and publish. Another
organisation's conversation under this organisation's address is 404 for them.
Public pages exist only once the results are published: 404 before.
"""

from __future__ import annotations

from typing import Any

from coproduce.apps.conversations.models import Conversation, OpinionMapRun
from coproduce.apps.conversations.tests.factories import ConversationFactory
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
    post_only,
    public,
)


def readers(ok: int | str = 200) -> dict[str, int | str]:
    """Administrators, engagement officers and analysts get `ok`."""
    return _statuses(
        {ANONYMOUS: LOGIN, RESIDENT: 403, OTHER_ADMINISTRATOR: 403},
        dict.fromkeys(ROLES, 403),
        {ADMINISTRATOR: ok, OFFICER: ok, ANALYST: ok},
    )


def runners(ok: int | str = 302) -> dict[str, int | str]:
    return _statuses(
        {ANONYMOUS: LOGIN, RESIDENT: 403, OTHER_ADMINISTRATOR: 403},
        dict.fromkeys(ROLES, 403),
        {ADMINISTRATOR: ok, OFFICER: ok},
    )


_PAGES = (
    "opinion-map",
    "opinion-map-groups",
    "opinion-map-consensus",
    "opinion-map-participation",
    "opinion-map-report",
)

ROWS: list[Row] = [
    *(Row(f"conversations:{name}", "staff", readers()) for name in _PAGES),
    Row("conversations:opinion-map-status", "staff", readers()),
    Row("conversations:opinion-map-download", "staff xlsx", readers()),
    Row("conversations:opinion-map-download", "staff csv", readers()),
    *(Row(f"conversations:{name}", "foreign", readers(404)) for name in _PAGES),
    Row("conversations:opinion-map-download", "foreign xlsx", readers(404)),
    *(Row(f"conversations:public-{name}", "published", public()) for name in _PAGES),
    Row("conversations:public-opinion-map-status", "published", public()),
    *(
        Row(f"conversations:public-{name}", "unpublished", dict.fromkeys(ACTORS, 404))
        for name in _PAGES
    ),
    Row(
        "conversations:public-opinion-map-status",
        "unpublished",
        dict.fromkeys(ACTORS, 404),
    ),
    Row("conversations:opinion-map-rebuild", "staff", post_only()),
    Row("conversations:opinion-map-rebuild", "staff", runners(), method="post"),
    # Analysts pass the role check, then find no such conversation: 404.
    Row("conversations:opinion-map-rebuild", "foreign", readers(404), method="post"),
    Row("conversations:results-publish", "staff", post_only()),
    Row(
        "conversations:results-publish",
        "staff",
        runners(),
        method="post",
        data={"publish": "1"},
    ),
    Row(
        "conversations:results-publish",
        "foreign",
        readers(404),
        method="post",
        data={"publish": "1"},
    ),
]


def scenario_kwargs(context: MatrixContext) -> dict[str, dict[str, Any]]:
    organisation, other = context.organisation, context.other_organisation
    engagement = EngagementFactory(organisation=organisation)
    conversation = ConversationFactory(engagement=engagement)
    published = ConversationFactory(engagement=engagement, results_published=True)
    unpublished = ConversationFactory(engagement=engagement)
    foreign = ConversationFactory(engagement=EngagementFactory(organisation=other))
    staff = {"org_slug": organisation.slug, "pk": conversation.pk}
    return {
        "staff": staff,
        "staff xlsx": {**staff, "file_format": "xlsx"},
        "staff csv": {**staff, "file_format": "csv"},
        "foreign": {"org_slug": organisation.slug, "pk": foreign.pk},
        "foreign xlsx": {
            "org_slug": organisation.slug,
            "pk": foreign.pk,
            "file_format": "xlsx",
        },
        "published": {"pk": published.pk},
        "unpublished": {"pk": unpublished.pk},
    }


def database_state() -> tuple[Any, ...]:
    return (
        list(
            Conversation.objects.order_by("pk").values_list("pk", "results_published")
        ),
        list(OpinionMapRun.objects.order_by("pk").values_list("pk", "status")),
    )
