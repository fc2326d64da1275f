"""Inclusion pages: an engagement's snapshot history, one snapshot, recalculate."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from coproduce.apps.accounts.http import AuthenticatedHttpRequest
from coproduce.apps.core.tables import (
    tables_download_response,
)
from coproduce.apps.engagements.models import Engagement
from coproduce.apps.engagements.selectors import engagement_get
from coproduce.apps.inclusion.disclosure import disclosure_for
from coproduce.apps.inclusion.permissions import (
    can_request_inclusion_snapshot,
    can_view_inclusion,
)
from coproduce.apps.inclusion.selectors import (
    SnapshotReport,
    inclusion_snapshot_get,
    inclusion_snapshot_list,
    inclusion_snapshot_report,
    snapshot_report_tables,
)
from coproduce.apps.inclusion.services import (
    InclusionSnapshotError,
    inclusion_snapshot_request,
)
from coproduce.apps.organisations.models import Organisation
from coproduce.apps.organisations.selectors import (
    organisation_get,
    population_profile_get,
    population_profile_list,
)

HISTORY_LENGTH = 50


def lorenz_spec(report: SnapshotReport | None) -> dict[str, Any] | None:
    """A Vega-Lite Lorenz curve with the line of perfect equality, or None."""
    if report is None or not report.lorenz_points:
        return None
    curve = [
        {"people": u * 100, "contributions": c * 100, "line": str(_("Actual"))}
        for u, c in report.lorenz_points
    ]
    equal = [
        {"people": x, "contributions": x, "line": str(_("Everyone equal"))}
        for x in (0, 100)
    ]
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v6.json",
        "description": str(
            _(
                "Lorenz curve: the share of contributions made by the least "
                "active people, against the line where everyone contributes equally."
            )
        ),
        "width": "container",
        "height": 240,
        "autosize": {"type": "fit-x", "contains": "padding"},
        "data": {"values": curve + equal},
        "mark": {"type": "line", "tooltip": False},
        "encoding": {
            "x": {
                "field": "people",
                "type": "quantitative",
                "title": str(_("Per cent of people, least active first")),
            },
            "y": {
                "field": "contributions",
                "type": "quantitative",
                "title": str(_("Per cent of contributions")),
            },
            "color": {
                "field": "line",
                "type": "nominal",
                "title": None,
                "scale": {"range": ["#1d70b8", "#b1b4b6"]},
                "legend": {"orient": "bottom"},
            },
        },
        "config": {"font": "Arial, sans-serif", "axis": {"labelFontSize": 14}},
    }


def _engagement(
    request: AuthenticatedHttpRequest, org_slug: str, slug: str
) -> tuple[Organisation, Engagement]:
    organisation = organisation_get(slug=org_slug)
    if not can_view_inclusion(request.user, organisation):
        raise PermissionDenied
    engagement = engagement_get(
        actor=request.user, organisation=organisation, slug=slug
    )
    return organisation, engagement


@login_required
def engagement_snapshot_list_view(
    request: AuthenticatedHttpRequest, org_slug: str, slug: str
) -> HttpResponse:
    organisation, engagement = _engagement(request, org_slug, slug)
    snapshots = list(
        inclusion_snapshot_list(actor=request.user, engagement=engagement)[
            :HISTORY_LENGTH
        ]
    )
    running = next((s for s in snapshots if s.is_running), None)
    latest_done = next((s for s in snapshots if s.status == s.Status.DONE), None)
    disclosure = disclosure_for(request.user, organisation)
    can_request = can_request_inclusion_snapshot(request.user, organisation)
    report = (
        inclusion_snapshot_report(snapshot=latest_done, disclosure=disclosure)
        if latest_done is not None
        else None
    )
    return render(
        request,
        "inclusion/engagement_snapshots.html",
        {
            "organisation": organisation,
            "engagement": engagement,
            "snapshots": snapshots,
            "running": running,
            "report": report,
            "lorenz_spec": lorenz_spec(report),
            "disclosure": disclosure,
            "can_request": can_request,
            "profiles": list(
                population_profile_list(actor=request.user, organisation=organisation)
            )
            if can_request
            else [],
        },
    )


@login_required
def engagement_snapshot_detail_view(
    request: AuthenticatedHttpRequest, org_slug: str, slug: str, pk: int
) -> HttpResponse:
    organisation, engagement = _engagement(request, org_slug, slug)
    snapshot = inclusion_snapshot_get(actor=request.user, engagement=engagement, pk=pk)
    disclosure = disclosure_for(request.user, organisation)
    report = inclusion_snapshot_report(snapshot=snapshot, disclosure=disclosure)
    context = {
        "organisation": organisation,
        "engagement": engagement,
        "snapshot": snapshot,
        "report": report,
        "lorenz_spec": lorenz_spec(report),
        "disclosure": disclosure,
    }
    if request.headers.get("HX-Request"):
        return render(request, "inclusion/_snapshot_status.html", context)
    return render(request, "inclusion/engagement_snapshot_detail.html", context)


@login_required
def engagement_snapshot_download_view(
    request: AuthenticatedHttpRequest,
    org_slug: str,
    slug: str,
    pk: int,
    file_format: str,
) -> HttpResponse:
    """A done snapshot's tables: one as CSV (?table=<slug>) or all as XLSX."""
    organisation, engagement = _engagement(request, org_slug, slug)
    snapshot = inclusion_snapshot_get(actor=request.user, engagement=engagement, pk=pk)
    disclosure = disclosure_for(request.user, organisation)
    report = inclusion_snapshot_report(snapshot=snapshot, disclosure=disclosure)
    if report is None:
        raise Http404
    return tables_download_response(
        snapshot_report_tables(report, disclosure),
        file_format=file_format,
        table_slug=request.GET.get("table", "key-figures"),
        stem=(
            engagement.slug,
            "inclusion",
            snapshot.created_at.strftime("%Y%m%d-%H%M"),
        ),
    )


@require_POST
@login_required
def engagement_snapshot_request_view(
    request: AuthenticatedHttpRequest, org_slug: str, slug: str
) -> HttpResponse:
    organisation, engagement = _engagement(request, org_slug, slug)
    if not can_request_inclusion_snapshot(request.user, organisation):
        raise PermissionDenied
    profile = None
    chosen = request.POST.get("profile", "").strip()
    if chosen.isdigit():
        profile = population_profile_get(
            actor=request.user, organisation=organisation, pk=int(chosen)
        )
    try:
        inclusion_snapshot_request(
            actor=request.user, engagement=engagement, profile=profile
        )
    except InclusionSnapshotError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("Recalculating. The figures appear here when they are ready."),
        )
    return redirect(
        reverse(
            "inclusion:engagement-snapshots",
            kwargs={"org_slug": organisation.slug, "slug": engagement.slug},
        )
    )
