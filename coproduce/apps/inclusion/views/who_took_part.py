"""Who took part: the page, its charts and its tables as CSV or XLSX."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from coproduce.apps.accounts.http import AuthenticatedHttpRequest
from coproduce.apps.core.tables import (
    tables_download_response,
)
from coproduce.apps.engagements.models import Engagement
from coproduce.apps.engagements.permissions import can_view_results
from coproduce.apps.engagements.selectors import engagement_get
from coproduce.apps.inclusion.selectors import (
    CharacteristicRows,
    WhoTookPart,
    engagement_who_took_part,
    who_took_part_tables,
)
from coproduce.apps.organisations.models import Organisation, PopulationProfile
from coproduce.apps.organisations.selectors import (
    organisation_get,
    population_profile_list,
)

# GOV.UK colours: blue for the people who answered, dark grey for residents.
_RESPONDENTS_COLOUR = "#1d70b8"
_RESIDENTS_COLOUR = "#505a5f"


def _report(
    request: AuthenticatedHttpRequest, org_slug: str, slug: str
) -> tuple[Organisation, Engagement, list[PopulationProfile], WhoTookPart]:
    organisation = organisation_get(slug=org_slug)
    if not can_view_results(request.user, organisation):
        raise PermissionDenied
    engagement = engagement_get(
        actor=request.user, organisation=organisation, slug=slug
    )
    profiles = list(
        population_profile_list(actor=request.user, organisation=organisation)
    )
    # The chosen profile, else the newest; an unknown number falls back too.
    chosen = request.GET.get("profile", "")
    by_pk = {str(profile.pk): profile for profile in profiles}
    profile = by_pk.get(chosen) or max(
        profiles, key=lambda p: (p.created_at, p.pk), default=None
    )
    report = engagement_who_took_part(
        actor=request.user, engagement=engagement, profile=profile
    )
    return organisation, engagement, profiles, report


def chart_spec(characteristic: CharacteristicRows) -> dict[str, Any] | None:
    """Grouped bars: share of respondents beside share of residents, per group.

    A group whose count is hidden shows only its residents' bar; the table
    beside the chart carries the same figures for people who cannot see it.
    """
    if characteristic.problem or not characteristic.rows:
        return None
    respondents, residents = str(_("Respondents")), str(_("Residents"))
    values: list[dict[str, Any]] = []
    for row in characteristic.rows:
        if row.participant_pct is not None:
            values.append(
                {"group": row.label, "who": respondents, "pct": row.participant_pct}
            )
        values.append({"group": row.label, "who": residents, "pct": row.population_pct})
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v6.json",
        "description": _(
            "Bar chart: share of respondents and share of residents in each group "
            "of %(characteristic)s"
        )
        % {"characteristic": characteristic.label},
        "width": "container",
        "autosize": {"type": "fit-x", "contains": "padding"},
        "data": {"values": values},
        "mark": {"type": "bar", "tooltip": False},
        "encoding": {
            "y": {
                "field": "group",
                "type": "nominal",
                "sort": None,
                "title": None,
                "axis": {"labelLimit": 280},
            },
            "yOffset": {"field": "who", "sort": [respondents, residents]},
            "x": {
                "field": "pct",
                "type": "quantitative",
                "title": _("Share (%)"),
            },
            "color": {
                "field": "who",
                "type": "nominal",
                "title": None,
                "scale": {
                    "domain": [respondents, residents],
                    "range": [_RESPONDENTS_COLOUR, _RESIDENTS_COLOUR],
                },
                "legend": {"orient": "bottom"},
            },
        },
        "config": {"font": "Arial, sans-serif", "axis": {"labelFontSize": 14}},
    }


@login_required
def engagement_who_took_part_view(
    request: AuthenticatedHttpRequest, org_slug: str, slug: str
) -> HttpResponse:
    organisation, engagement, profiles, report = _report(request, org_slug, slug)
    tables = who_took_part_tables(report)
    by_slug = {table.slug: table for table in tables}
    characteristics = [
        {
            "characteristic": characteristic,
            "table": by_slug.get(characteristic.name),
            "chart": chart_spec(characteristic),
            "chart_id": f"chart-{characteristic.name}",
        }
        for characteristic in report.characteristics
    ]
    return render(
        request,
        "inclusion/engagement_who_took_part.html",
        {
            "organisation": organisation,
            "engagement": engagement,
            "profiles": profiles,
            "report": report,
            "summary": by_slug["summary"],
            "characteristics": characteristics,
        },
    )


@login_required
def engagement_who_took_part_download_view(
    request: AuthenticatedHttpRequest, org_slug: str, slug: str, file_format: str
) -> HttpResponse:
    """One table as CSV (?table=<slug>) or every table as an XLSX workbook."""
    _organisation, engagement, _profiles, report = _report(request, org_slug, slug)
    return tables_download_response(
        who_took_part_tables(report),
        file_format=file_format,
        table_slug=request.GET.get("table", "summary"),
        stem=(engagement.slug, "who-took-part"),
    )
