"""Snapshot pages and the organisation's inclusion dashboard: rendering, escaping,
small-number protection, recalculation and the quarter trends."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from coproduce.apps.engagements.models import Engagement, EngagementResponse
from coproduce.apps.inclusion.disclosure import EXACT
from coproduce.apps.inclusion.models import InclusionSnapshot
from coproduce.apps.inclusion.selectors import inclusion_dashboard
from coproduce.apps.inclusion.selectors.dashboard import quarter_end, quarter_of
from coproduce.apps.inclusion.services import inclusion_snapshot_compute
from coproduce.apps.inclusion.tests.snapshot_helpers import (
    at,
    dated_engagement,
    respond,
)

pytestmark = pytest.mark.django_db

HOSTILE_TITLE = "<script>alert('ŵ')</script> {{ title }} 👩🏽‍🚒 مرحبا"


class _Checker(HTMLParser):
    """Fails on unbalanced tags: a cheap well-formedness check of our markup."""

    VOID = {"br", "img", "input", "meta", "link", "hr", "source", "col", "wbr"}

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.errors: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1:]}")
            return
        self.stack.pop()


def assert_valid_html(content: str) -> None:
    checker = _Checker()
    checker.feed(content)
    assert checker.errors == []
    assert checker.stack == []


def _computed(engagement, **kwargs):
    snapshot = InclusionSnapshot.objects.create(
        organisation=engagement.organisation, engagement=engagement, **kwargs
    )
    return inclusion_snapshot_compute(snapshot_id=snapshot.pk)


@pytest.fixture
def history(organisation):
    """Three closed engagements in different quarters and one open, with people
    who come back, so every trend has values."""
    today = timezone.localdate()
    made = []
    for months_ago in (9, 6, 3):
        opens = today - timedelta(days=30 * months_ago + 20)
        engagement = dated_engagement(
            organisation,
            opens_on=opens,
            closes_on=opens + timedelta(days=14),
            title_en=HOSTILE_TITLE,
        )
        for index in range(25):
            respond(engagement, opens + timedelta(days=2), email=f"p{index}@ex.org")
        made.append(engagement)
    open_one = dated_engagement(
        organisation,
        opens_on=today - timedelta(days=5),
        closes_on=today + timedelta(days=20),
        status=Engagement.Status.OPEN,
    )
    for index in range(20, 40):
        respond(open_one, today - timedelta(days=1), email=f"p{index}@ex.org")
    made.append(open_one)
    EngagementResponse.objects.create(
        engagement=made[0],
        status=EngagementResponse.Status.PUBLISHED,
        published_at=made[0].closed_at + timedelta(days=20),
    )
    for engagement in made:
        _computed(engagement)
    return made


def test_quarters_bucket_by_calendar_quarter():
    assert quarter_of(date(2026, 1, 1)) == (2026, 1)
    assert quarter_of(date(2026, 3, 31)) == (2026, 1)
    assert quarter_of(date(2026, 4, 1)) == (2026, 2)
    assert quarter_of(date(2026, 12, 31)) == (2026, 4)
    assert quarter_end((2026, 1)) == date(2026, 3, 31)
    assert quarter_end((2024, 1)) == date(2024, 3, 31)
    assert quarter_end((2026, 4)) == date(2026, 12, 31)


def test_the_dashboard_buckets_engagements_by_the_quarter_they_closed(
    organisation, analyst
):
    first = dated_engagement(
        organisation, opens_on=date(2025, 1, 10), closes_on=date(2025, 3, 31)
    )
    second = dated_engagement(
        organisation, opens_on=date(2025, 3, 1), closes_on=date(2025, 4, 1)
    )
    third = dated_engagement(
        organisation, opens_on=date(2025, 9, 1), closes_on=date(2025, 9, 30)
    )
    for engagement, day in ((first, date(2025, 2, 1)), (second, date(2025, 3, 5)),
                            (third, date(2025, 9, 5))):  # fmt: skip
        respond(engagement, day, email="same@example.org")
        respond(engagement, day, email=f"{engagement.pk}@example.org")
        _computed(engagement)
    EngagementResponse.objects.create(
        engagement=first,
        status=EngagementResponse.Status.PUBLISHED,
        published_at=at(date(2025, 4, 30)),
    )

    dashboard = inclusion_dashboard(
        actor=analyst,
        organisation=organisation,
        disclosure=EXACT,
        today=date(2026, 1, 15),
    )

    labels = [q.quarter for q in dashboard.quarters]
    assert labels == ["2025 Q1", "2025 Q2", "2025 Q3"]
    by_label = {q.quarter: q for q in dashboard.quarters}
    assert by_label["2025 Q1"].n_engagements == 1
    assert by_label["2025 Q2"].n_engagements == 1
    assert by_label["2025 Q3"].n_engagements == 1
    # One of one closed in Q1 was answered, 30 days after closing.
    assert by_label["2025 Q1"].n_closed == 1
    assert by_label["2025 Q1"].answered_pct == pytest.approx(100.0)
    assert by_label["2025 Q1"].median_days_to_answer == pytest.approx(29.0)
    assert by_label["2025 Q2"].answered_pct == pytest.approx(0.0)
    # "same@" took part in all three by the end of Q3: 1 of 4 people, U_3 = 25 %.
    assert by_label["2025 Q3"].usual_suspect_pct == pytest.approx(25.0)
    assert by_label["2025 Q1"].usual_suspect_pct == pytest.approx(0.0)
    # Newcomers in Q3: the new person only ("same@" had taken part before).
    assert by_label["2025 Q3"].newcomer_pct == pytest.approx(50.0)
    assert by_label["2025 Q1"].newcomer_pct == pytest.approx(100.0)
    assert [row.engagement for row in dashboard.rows] == [third, second, first]


def test_the_dashboard_shows_trends_charts_and_tables_with_escaped_titles(
    history, organisation, analyst, client_for
):
    response = client_for(analyst).get(
        reverse("inclusion:organisation-inclusion", args=[organisation.slug])
    )

    assert response.status_code == 200
    content = response.content.decode()
    assert "<script>alert" not in content
    assert "&lt;script&gt;alert" in content
    assert 'data-chart-spec="chart-spec-usual-suspects"' in content
    assert 'id="chart-spec-newcomers"' in content
    assert "vega-embed.min.js" in content
    assert "govuk-table" in content
    assert "never excludes anyone" in content
    assert_valid_html(content)
    for engagement in history:
        assert (
            reverse(
                "inclusion:engagement-who-took-part",
                args=[organisation.slug, engagement.slug],
            )
            in content
        )


def test_the_dashboard_hides_small_counts_from_elected_members(
    organisation, elected_member, analyst, client_for
):
    engagement = dated_engagement(
        organisation, opens_on=date(2026, 1, 1), closes_on=date(2026, 1, 31)
    )
    for index in range(4):
        respond(engagement, date(2026, 1, 5), email=f"{index}@example.org")
    _computed(engagement)
    url = reverse("inclusion:organisation-inclusion", args=[organisation.slug])

    protected = client_for(elected_member).get(url).content.decode()
    exact = client_for(analyst).get(url).content.decode()

    assert "fewer than 10" in protected
    assert "fewer than 10" not in exact
    # All four were newcomers: 100 % would give the count away.
    assert "hidden" in protected


def test_the_dashboard_without_snapshots_says_what_to_do(
    organisation, officer, client_for
):
    response = client_for(officer).get(
        reverse("inclusion:organisation-inclusion", args=[organisation.slug])
    )
    content = response.content.decode()
    assert "No inclusion figures have been calculated yet." in content
    assert "Recalculate" in content
    assert_valid_html(content)


def test_the_organisation_dashboard_links_to_inclusion(
    organisation, elected_member, client_for
):
    response = client_for(elected_member).get(
        reverse("organisations:organisation-dashboard", args=[organisation.slug])
    )
    assert (
        reverse("inclusion:organisation-inclusion", args=[organisation.slug])
        in response.content.decode()
    )


def test_the_history_page_shows_the_latest_figures_and_every_run(
    history, organisation, officer, client_for
):
    engagement = history[0]
    failed = InclusionSnapshot.objects.create(
        organisation=organisation,
        engagement=engagement,
        status=InclusionSnapshot.Status.FAILED,
        error="<b>broken</b>",
    )
    response = client_for(officer).get(
        reverse(
            "inclusion:engagement-snapshots", args=[organisation.slug, engagement.slug]
        )
    )

    content = response.content.decode()
    assert response.status_code == 200
    assert "Key figures" in content
    assert "Scheduled" in content  # computed without a person
    assert "Failed" in content
    assert "Recalculate" in content
    assert "&lt;script&gt;alert" in content
    assert 'id="chart-spec-lorenz"' in content
    assert failed.error not in content  # the error shows on its own page
    assert_valid_html(content)


def test_elected_members_see_figures_but_no_recalculate_button(
    history, organisation, elected_member, client_for
):
    engagement = history[0]
    response = client_for(elected_member).get(
        reverse(
            "inclusion:engagement-snapshots", args=[organisation.slug, engagement.slug]
        )
    )
    content = response.content.decode()
    assert "Key figures" in content
    assert "Recalculate" not in content


def test_recalculate_queues_computes_and_redirects(
    history, organisation, analyst, client_for, django_capture_on_commit_callbacks
):
    engagement = history[1]
    before = InclusionSnapshot.objects.filter(engagement=engagement).count()

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(analyst).post(
            reverse(
                "inclusion:engagement-snapshot-request",
                args=[organisation.slug, engagement.slug],
            )
        )

    assert response.status_code == 302
    newest = InclusionSnapshot.objects.filter(engagement=engagement).first()
    assert InclusionSnapshot.objects.filter(engagement=engagement).count() == before + 1
    assert newest.requested_by == analyst
    assert newest.status == InclusionSnapshot.Status.DONE
    # Nothing changed since the scheduled one: its figures were kept.
    assert newest.unchanged_from is not None


def test_a_running_snapshot_polls_and_a_failed_one_shows_its_error(
    organisation, officer, client_for
):
    engagement = dated_engagement(
        organisation, opens_on=date(2026, 1, 1), closes_on=date(2026, 1, 31)
    )
    running = InclusionSnapshot.objects.create(
        organisation=organisation,
        engagement=engagement,
        status=InclusionSnapshot.Status.RUNNING,
    )
    client = client_for(officer)
    page = client.get(
        reverse(
            "inclusion:engagement-snapshots", args=[organisation.slug, engagement.slug]
        )
    ).content.decode()
    detail_url = reverse(
        "inclusion:engagement-snapshot-detail",
        args=[organisation.slug, engagement.slug, running.pk],
    )
    assert f'hx-get="{detail_url}"' in page
    assert 'hx-trigger="every 2s"' in page
    assert "Refresh" in page  # without JavaScript

    running.status = InclusionSnapshot.Status.FAILED
    running.error = "Age band: <b>16-</b> is not a band."
    running.save()
    fragment = client.get(detail_url, headers={"HX-Request": "true"}).content.decode()
    assert "hx-trigger" not in fragment
    assert "&lt;b&gt;16-&lt;/b&gt;" in fragment
    assert "<html" not in fragment
    full = client.get(detail_url).content.decode()
    assert_valid_html(full)


def test_the_detail_page_in_welsh_renders(history, organisation, analyst, client_for):
    engagement = history[0]
    snapshot = InclusionSnapshot.objects.filter(engagement=engagement).first()
    response = client_for(analyst).get(
        "/cy"
        + reverse(
            "inclusion:engagement-snapshot-detail",
            args=[organisation.slug, engagement.slug, snapshot.pk],
        ),
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert 'lang="cy"' in content
    assert "Ffigurau" in content  # "Inclusion figures" in Welsh
    assert snapshot.input_hash in content


def _dashboard_download(client, organisation, file_format, **params):
    url = reverse(
        "inclusion:organisation-inclusion-download",
        args=[organisation.slug, file_format],
    )
    return client.get(url, params)


def test_dashboard_downloads_hold_the_page_figures_and_keep_them_hidden(
    organisation, elected_member, analyst, client_for
):
    engagement = dated_engagement(
        organisation, opens_on=date(2026, 1, 1), closes_on=date(2026, 1, 31)
    )
    for index in range(4):
        respond(engagement, date(2026, 1, 5), email=f"{index}@example.org")
    _computed(engagement)

    protected = _dashboard_download(
        client_for(elected_member), organisation, "csv", table="engagements"
    )
    exact = _dashboard_download(
        client_for(analyst), organisation, "csv", table="engagements"
    )

    assert protected.status_code == 200
    protected_rows = list(csv.reader(io.StringIO(protected.content.decode()[1:])))
    exact_rows = list(csv.reader(io.StringIO(exact.content.decode()[1:])))
    assert protected_rows[0][:3] == ["Engagement", "Closed", "Responses"]
    assert exact_rows[1][1:3] == ["2026-01-31", "4"]
    assert exact_rows[1][4] == "100.0"  # all four were newcomers
    assert protected_rows[1][2] == "[c]"
    assert protected_rows[1][4] == "[c]"
    assert protected_rows[-1][0].startswith("[c]: fewer than 10 people")


def test_dashboard_workbook_has_both_tables_and_bad_requests_are_not_found(
    history, organisation, analyst, client_for
):
    client = client_for(analyst)

    workbook = load_workbook(
        io.BytesIO(_dashboard_download(client, organisation, "xlsx").content)
    )
    trends = _dashboard_download(client, organisation, "csv")

    # Sheet names stop at Excel's 31 characters.
    assert workbook.sheetnames == [
        "Inclusion by quarter",
        "Each engagement's latest figure",
    ]
    sheet = workbook["Each engagement's latest figure"]
    assert sheet.max_row - 3 == len(history)
    assert trends.content.decode()[1:].startswith("Quarter,Engagements,")
    assert _dashboard_download(client, organisation, "pdf").status_code == 404
    assert (
        _dashboard_download(client, organisation, "csv", table="x").status_code == 404
    )
