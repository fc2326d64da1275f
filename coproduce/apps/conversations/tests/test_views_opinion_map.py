"""Opinion-map pages: map, groups, consensus, participation, report, status,
downloads and publishing, for staff and (once published) the public."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from pytest_django.fixtures import Settings

from coproduce.apps.accounts.models import User
from coproduce.apps.conversations import results
from coproduce.apps.conversations.models import Conversation, OpinionMapRun
from coproduce.apps.conversations.services import recompute
from coproduce.apps.conversations.tests.factories import (
    ConversationFactory,
    StatementFactory,
)
from coproduce.apps.conversations.tests.opinion_map_data import (
    add_votes,
    filled_conversation,
)
from coproduce.apps.core.tables import XLSX_CONTENT_TYPE
from coproduce.apps.engagements.tests.factories import EngagementFactory
from coproduce.apps.organisations.models import Organisation

pytestmark = pytest.mark.django_db

Capture = Callable[..., AbstractContextManager[list[Callable[[], Any]]]]
HOSTILE = [
    "<script>alert('x')</script> ŵ",
    '=HYPERLINK("http://example.com") 🏴󠁧󠁢󠁷󠁬󠁳󠁿',
    "{{ secret }} %(name)s שלום",
]
PAGES = (
    "opinion-map",
    "opinion-map-groups",
    "opinion-map-consensus",
    "opinion-map-participation",
    "opinion-map-report",
)


@pytest.fixture
def mapped(
    organisation: Organisation, django_capture_on_commit_callbacks: Capture
) -> Conversation:
    conversation = filled_conversation(organisation, texts=HOSTILE)
    with django_capture_on_commit_callbacks(execute=True):
        recompute.recompute_request(conversation=conversation)
    return conversation


def _staff_url(conversation: Conversation, name: str, *args: str) -> str:
    return reverse(
        f"conversations:{name}",
        args=(conversation.organisation.slug, conversation.pk, *args),
    )


def _public_url(conversation: Conversation, name: str) -> str:
    return reverse(f"conversations:public-{name}", args=(conversation.pk,))


def _text(response: Any) -> str:
    return str(response.content.decode())


@pytest.mark.parametrize("name", PAGES)
def test_staff_pages_render_the_snapshot_with_hostile_text_escaped(
    mapped: Conversation,
    analyst: User,
    client_for: Callable[[User | None], Client],
    name: str,
) -> None:
    response = client_for(analyst).get(_staff_url(mapped, name))

    assert response.status_code == 200
    html = _text(response)
    assert "<script>alert(" not in html
    assert "Not enough votes yet" not in html
    assert "Map made" in html
    if name != "opinion-map-participation":
        assert "&lt;script&gt;alert(" in html


def test_the_map_has_a_chart_a_table_and_each_group_in_words(
    mapped: Conversation, officer: User, client_for: Callable[[User | None], Client]
) -> None:
    response = client_for(officer).get(_staff_url(mapped, "opinion-map"))

    html = _text(response)
    report = response.context["report"]
    assert len(report.groups) >= 2
    assert re.search(r"The map shows \d+% of the variation", html)
    assert 'id="table-groups"' in html
    for group in report.groups:
        assert f"Group {group.label} ({group.size} people)" in html
    chart = response.context["chart"]
    assert chart["encoding"]["shape"]["field"] == "group"  # not colour alone
    assert len(chart["data"]["values"]) == 60
    assert "opinion-map-chart" in html
    assert "The chart shows" not in html  # not sampled
    # No dot per participant in any table.
    assert html.count('class="govuk-table__row"') <= 1 + len(report.groups)


def test_the_chart_is_sampled_evenly_and_says_so(
    mapped: Conversation,
    officer: User,
    client_for: Callable[[User | None], Client],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(results, "MAX_CHART_POINTS", 25)

    response = client_for(officer).get(_staff_url(mapped, "opinion-map"))

    points = response.context["chart"]["data"]["values"]
    assert len(points) == 20  # every 3rd of 60
    assert [p["participant_id"] for p in points] == list(range(0, 60, 3))
    assert "The chart shows 20 of the 60 participants" in _text(response)


def test_groups_show_raw_shares_with_counts_and_everyone_else(
    mapped: Conversation, officer: User, client_for: Callable[[User | None], Client]
) -> None:
    response = client_for(officer).get(_staff_url(mapped, "opinion-map-groups"))

    html = _text(response)
    share = response.context["report"].groups[0].representative[0]
    verb = "agreed" if share.direction == "agree" else "disagreed"
    expected = (
        f"{round(100 * share.n_success / share.n_trials)}% of group A {verb} "
        f"({share.n_success} of {share.n_trials})"
    )
    assert expected in html
    assert "of everyone else (" in html


def test_consensus_wording_and_gic_as_a_rank(
    mapped: Conversation, officer: User, client_for: Callable[[User | None], Client]
) -> None:
    response = client_for(officer).get(_staff_url(mapped, "opinion-map-consensus"))

    html = _text(response)
    assert "more than half of everyone who voted on them agreed" in html
    assert "90% one-sided test" in html
    assert "It is a ranking, not a percentage." in html
    assert 'class="govuk-list govuk-list--number' in html
    report = response.context["report"]
    assert len(report.consensus_agree) <= 5
    assert len(report.consensus_disagree) <= 5


def test_participation_counts_timeline_and_statement_table(
    mapped: Conversation, officer: User, client_for: Callable[[User | None], Client]
) -> None:
    response = client_for(officer).get(_staff_url(mapped, "opinion-map-participation"))

    html = _text(response)
    participation = response.context["participation"]
    assert participation.n_voters == 60
    assert participation.votes_per_day[0][1] > 0
    assert 'id="table-votes-per-day"' in html
    assert 'id="table-statements"' in html
    assert "Group A agreed" in html
    assert "Group-informed consensus rank" in html
    assert "Download the statement table (CSV)" in html


def test_pages_without_a_snapshot_say_not_enough_votes(
    organisation: Organisation,
    officer: User,
    client_for: Callable[[User | None], Client],
) -> None:
    conversation = ConversationFactory(
        engagement=EngagementFactory(organisation=organisation)
    )
    client = client_for(officer)
    for name in ("opinion-map", "opinion-map-groups", "opinion-map-consensus"):
        html = _text(client.get(_staff_url(conversation, name)))
        assert "Not enough votes yet" in html
        assert "opinion-map-chart" not in html
    html = _text(client.get(_staff_url(conversation, "opinion-map-report")))
    assert "Not enough votes yet to describe groups" in html
    assert (
        client.get(_staff_url(conversation, "opinion-map-participation")).status_code
        == 200
    )


def test_a_not_enough_votes_snapshot_shows_no_map(
    organisation: Organisation,
    officer: User,
    client_for: Callable[[User | None], Client],
    django_capture_on_commit_callbacks: Capture,
) -> None:
    conversation = ConversationFactory(
        engagement=EngagementFactory(organisation=organisation)
    )
    statement = StatementFactory(conversation=conversation)
    add_votes(conversation, [(statement.author.number, statement.number, 1)])
    with django_capture_on_commit_callbacks(execute=True):
        recompute.recompute_request(conversation=conversation)
    run = OpinionMapRun.objects.get(conversation=conversation)
    assert run.status == OpinionMapRun.Status.SUCCEEDED
    assert run.snapshot.result["status"] == "not_enough_votes"

    html = _text(client_for(officer).get(_staff_url(conversation, "opinion-map")))

    assert "Not enough votes yet" in html
    assert "opinion-map-chart" not in html


def test_public_pages_exist_only_once_published(
    mapped: Conversation, client_for: Callable[[User | None], Client]
) -> None:
    client = client_for(None)
    assert client.get(_public_url(mapped, "opinion-map")).status_code == 404

    Conversation.objects.filter(pk=mapped.pk).update(results_published=True)

    for name in PAGES:
        response = client.get(_public_url(mapped, name))
        assert response.status_code == 200
        assert "Rebuild from scratch" not in _text(response)
        assert "Download" not in _text(response)


def test_public_pages_hide_shares_of_small_groups_but_staff_see_them(
    mapped: Conversation,
    officer: User,
    client_for: Callable[[User | None], Client],
    settings: Settings,
) -> None:
    settings.COPRODUCE_OPINION_MAP_MIN_DISPLAY_GROUP = 1000
    Conversation.objects.filter(pk=mapped.pk).update(results_published=True)

    public = _text(client_for(None).get(_public_url(mapped, "opinion-map-groups")))
    staff = _text(client_for(officer).get(_staff_url(mapped, "opinion-map-groups")))
    table = _text(
        client_for(None).get(_public_url(mapped, "opinion-map-participation"))
    )

    assert "fewer than 1000 people, so its figures are not shown" in public
    assert "% of group A" not in public
    assert "% of group A" in staff
    assert "[c]" in table


def test_the_status_polls_while_a_run_is_queued_and_shows_a_failure_to_staff(
    mapped: Conversation, officer: User, client_for: Callable[[User | None], Client]
) -> None:
    run = OpinionMapRun.objects.create(conversation=mapped)
    staff = client_for(officer)

    html = _text(staff.get(_staff_url(mapped, "opinion-map-status")))
    assert 'hx-trigger="every 3s"' in html
    assert "Queued" in html

    run.status = OpinionMapRun.Status.FAILED
    run.error = "Row <b>7</b> broke"
    run.save()
    html = _text(staff.get(_staff_url(mapped, "opinion-map-status")))
    assert "hx-get" not in html
    assert "The map could not be updated" in html
    assert "Row &lt;b&gt;7&lt;/b&gt; broke" in html
    assert "The previous map is still shown." in html

    Conversation.objects.filter(pk=mapped.pk).update(results_published=True)
    public = _text(client_for(None).get(_public_url(mapped, "opinion-map-status")))
    assert "Row" not in public


def test_downloads_keep_text_intact_and_guard_formulas(
    mapped: Conversation, analyst: User, client_for: Callable[[User | None], Client]
) -> None:
    client = client_for(analyst)

    response = client.get(_staff_url(mapped, "opinion-map-download", "csv"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Number", "Statement", "State"]
    texts = {row[1] for row in rows[1:16]}
    assert HOSTILE[0] in texts
    assert "'" + HOSTILE[1] in texts

    response = client.get(_staff_url(mapped, "opinion-map-download", "xlsx"))
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    assert response.content[:2] == b"PK"

    assert (
        client.get(_staff_url(mapped, "opinion-map-download", "pdf")).status_code == 404
    )


def test_an_officer_publishes_the_report_and_the_public_can_read_it(
    mapped: Conversation, officer: User, client_for: Callable[[User | None], Client]
) -> None:
    client = client_for(officer)
    page = _text(client.get(_staff_url(mapped, "opinion-map-report")))
    assert "Publish results" in page

    response = client.post(_staff_url(mapped, "results-publish"), {"publish": "1"})

    assert response.status_code == 302
    mapped.refresh_from_db()
    assert mapped.results_published
    page = _text(client.get(_staff_url(mapped, "opinion-map-report")))
    assert _public_url(mapped, "opinion-map-report") in page
    public = client_for(None).get(_public_url(mapped, "opinion-map-report"))
    assert public.status_code == 200
    assert "mostly agreed that" in _text(public) or "disagreed that" in _text(public)
    vote_page = _text(client_for(None).get(mapped.get_public_url()))
    assert _public_url(mapped, "opinion-map-report") in vote_page

    client.post(_staff_url(mapped, "results-publish"), {"publish": "0"})
    mapped.refresh_from_db()
    assert not mapped.results_published


def test_the_rebuild_button_queues_a_rebuild(
    mapped: Conversation,
    officer: User,
    client_for: Callable[[User | None], Client],
) -> None:
    response = client_for(officer).post(_staff_url(mapped, "opinion-map-rebuild"))

    assert response.status_code == 302
    latest = OpinionMapRun.objects.filter(conversation=mapped).latest("pk")
    assert latest.is_rebuild


def test_chart_spec_is_valid_json_in_a_script_tag(
    mapped: Conversation, officer: User, client_for: Callable[[User | None], Client]
) -> None:
    html = _text(client_for(officer).get(_staff_url(mapped, "opinion-map")))
    match = re.search(
        r'<script id="opinion-map-chart" type="application/json">(.*?)</script>',
        html,
        re.S,
    )
    assert match is not None
    spec = json.loads(match.group(1))
    assert spec["mark"]["type"] == "point"


def test_the_public_groups_page_reads_in_welsh(
    mapped: Conversation, client_for: Callable[[User | None], Client]
) -> None:
    Conversation.objects.filter(pk=mapped.pk).update(results_published=True)
    with translation.override("cy"):
        url = _public_url(mapped, "opinion-map-groups")
    assert url.startswith("/cy/")

    html = _text(client_for(None).get(url))

    assert '<html lang="cy"' in html
    assert "Grwpiau barn" in html
    assert re.search(r"\d+% o grŵp A", html)


def test_an_import_shows_our_groups_beside_polis_with_the_rand_index(
    mapped: Conversation, analyst: User, client_for: Callable[[User | None], Client]
) -> None:
    from coproduce.apps.conversations.models import ReferenceGrouping

    url = _staff_url(mapped, "opinion-map")
    assert "Our groups and Polis" not in _text(client_for(analyst).get(url))
    ours = {
        p["participant_id"]: p["group"]
        for p in mapped.opinion_map_snapshots.latest("pk").result["participants"]
        if p["group"] is not None
    }
    # Polis's labels are a relabelling of ours, plus one person we did not group.
    ReferenceGrouping.objects.create(
        conversation=mapped,
        group_by_participant={
            **{str(number): 10 + group for number, group in ours.items()},
            "99999": 0,
        },
    )

    response = client_for(analyst).get(url)

    comparison = response.context["report"].polis_comparison
    assert comparison.n_compared == len(ours)
    assert comparison.adjusted_rand_index == pytest.approx(1.0)
    assert "adjusted Rand index between the two groupings is 1.00" in _text(response)


def test_published_results_are_linked_from_the_engagements_you_said_we_did(
    mapped: Conversation,
) -> None:
    engagement = mapped.engagement
    assert engagement is not None
    url = reverse(
        "engagements:engagement-detail",
        args=(engagement.organisation.slug, engagement.slug),
    )
    report = _public_url(mapped, "opinion-map-report")

    assert report not in _text(Client().get(url))
    mapped.results_published = True
    mapped.save(update_fields=["results_published"])
    html = _text(Client().get(url))
    assert f'href="{report}"' in html
    assert "opinion groups and where people agree" in html
