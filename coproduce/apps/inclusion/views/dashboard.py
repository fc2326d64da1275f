"""Inclusion page: the organisation's trends over time and one row per engagement."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from coproduce.apps.accounts.http import AuthenticatedHttpRequest
from coproduce.apps.core.tables import (
    Cell,
    tables_download_response,
)
from coproduce.apps.inclusion.disclosure import disclosure_for
from coproduce.apps.inclusion.permissions import (
    can_request_inclusion_snapshot,
    can_view_inclusion,
)
from coproduce.apps.inclusion.selectors import (
    QuarterFigures,
    inclusion_dashboard,
    inclusion_dashboard_tables,
)
from coproduce.apps.organisations.selectors import organisation_get

_COLOUR = "#1d70b8"  # GOV.UK blue


def _value(cell: Cell) -> float | None:
    """A chart value: hidden and missing figures leave a gap in the line."""
    if isinstance(cell, int | float):
        return float(cell)
    return None


def line_spec(
    *, description: str, quarters: list[str], values: list[float | None], y_title: str
) -> dict[str, Any]:
    """A Vega-Lite line chart of one figure by quarter (points where known)."""
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v6.json",
        "description": description,
        "width": "container",
        "height": 200,
        "autosize": {"type": "fit-x", "contains": "padding"},
        "data": {
            "values": [
                {"quarter": quarter, "value": value}
                for quarter, value in zip(quarters, values, strict=True)
            ]
        },
        "mark": {
            "type": "line",
            "point": True,
            "color": _COLOUR,
            "tooltip": False,
        },
        "encoding": {
            "x": {
                "field": "quarter",
                "type": "ordinal",
                "sort": quarters,
                "title": None,
                "axis": {"labelAngle": 0},
            },
            "y": {"field": "value", "type": "quantitative", "title": y_title},
        },
        "config": {"font": "Arial, sans-serif", "axis": {"labelFontSize": 14}},
    }


def _trends(quarters: tuple[QuarterFigures, ...]) -> list[dict[str, Any]]:
    labels = [q.quarter for q in quarters]
    trends: list[tuple[str, str, str, list[Cell], str]] = [
        (
            "score",
            _("Representativeness score"),
            _("Score out of 100"),
            [q.mean_score for q in quarters],
            "number",
        ),
        (
            "gini",
            _("How concentrated contributions are (Gini G*)"),
            _("G*, 0 to 1"),
            [q.gini_corrected for q in quarters],
            "ratio",
        ),
        (
            "top-10",
            _("Share of contributions made by the most active 10 %"),
            _("Per cent"),
            [q.top_10_pct for q in quarters],
            "percent",
        ),
        (
            "usual-suspects",
            _("Usual suspects: people in 3 or more engagements in 12 months"),
            _("Per cent of people"),
            [q.usual_suspect_pct for q in quarters],
            "percent",
        ),
        (
            "newcomers",
            _("Newcomers: people taking part for the first time"),
            _("Per cent of people"),
            [q.newcomer_pct for q in quarters],
            "percent",
        ),
        (
            "answered",
            _("Closed engagements answered (“you said, we did”)"),
            _("Per cent of engagements"),
            [q.answered_pct for q in quarters],
            "percent",
        ),
    ]
    result = []
    for key, title, y_title, values, kind in trends:
        chart_values = [_value(value) for value in values]
        result.append(
            {
                "key": key,
                "title": title,
                "kind": kind,
                "rows": list(zip(labels, values, strict=True)),
                "chart_id": f"chart-spec-{key}",
                "spec": line_spec(
                    description=_("Line chart by quarter: %(title)s")
                    % {"title": title},
                    quarters=labels,
                    values=chart_values,
                    y_title=str(y_title),
                )
                if any(value is not None for value in chart_values)
                else None,
            }
        )
    return result


@login_required
def organisation_inclusion_view(
    request: AuthenticatedHttpRequest, org_slug: str
) -> HttpResponse:
    organisation = organisation_get(slug=org_slug)
    if not can_view_inclusion(request.user, organisation):
        raise PermissionDenied
    disclosure = disclosure_for(request.user, organisation)
    dashboard = inclusion_dashboard(
        actor=request.user, organisation=organisation, disclosure=disclosure
    )
    return render(
        request,
        "inclusion/organisation_dashboard.html",
        {
            "organisation": organisation,
            "dashboard": dashboard,
            "trends": _trends(dashboard.quarters),
            "disclosure": disclosure,
            "can_request": can_request_inclusion_snapshot(request.user, organisation),
        },
    )


@login_required
def organisation_inclusion_download_view(
    request: AuthenticatedHttpRequest, org_slug: str, file_format: str
) -> HttpResponse:
    """The dashboard's tables: one as CSV (?table=trends|engagements) or both
    as an XLSX workbook, hidden figures hidden as on the page."""
    organisation = organisation_get(slug=org_slug)
    if not can_view_inclusion(request.user, organisation):
        raise PermissionDenied
    disclosure = disclosure_for(request.user, organisation)
    dashboard = inclusion_dashboard(
        actor=request.user, organisation=organisation, disclosure=disclosure
    )
    return tables_download_response(
        inclusion_dashboard_tables(dashboard, disclosure),
        file_format=file_format,
        table_slug=request.GET.get("table", "trends"),
        stem=(organisation.slug, "inclusion"),
    )
