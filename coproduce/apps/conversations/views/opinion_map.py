"""Opinion-map pages: map, groups, consensus, participation and report.

Staff pages sit under the organisation (administrators, engagement officers and
analysts); the same pages are public, under the conversation, once its results
are published. Pages read the latest snapshot and never wait for a run; the
status box polls with htmx while a run is queued or running.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from coproduce.apps.accounts.http import AuthenticatedHttpRequest
from coproduce.apps.conversations import results, selectors, services
from coproduce.apps.conversations.models import Conversation
from coproduce.apps.conversations.permissions import (
    can_manage_conversations,
    can_view_opinion_map,
)
from coproduce.apps.core.tables import tables_download_response
from coproduce.apps.organisations.selectors import organisation_get

PAGES = ("map", "groups", "consensus", "participation", "report")
# One colour and one shape per group, so the groups differ without colour too.
GROUP_COLOURS = ("#1d70b8", "#d4351c", "#00703c", "#f47738", "#4c2c92")
GROUP_SHAPES = ("circle", "square", "triangle-up", "diamond", "cross")
UNGROUPED_COLOUR = "#b1b4b6"


def _staff(request: AuthenticatedHttpRequest, org_slug: str, pk: int) -> Conversation:
    organisation = organisation_get(slug=org_slug)
    if not can_view_opinion_map(request.user, organisation):
        raise PermissionDenied
    return selectors.conversation_get(organisation=organisation, pk=pk)


def _public(request: HttpRequest, pk: int) -> Conversation:
    conversation = selectors.conversation_get_public(actor=request.user, pk=pk)
    if not conversation.results_published:
        raise Http404
    return conversation


def _url(conversation: Conversation, name: str, *, is_public: bool) -> str:
    if is_public:
        return reverse(f"conversations:public-{name}", kwargs={"pk": conversation.pk})
    return reverse(
        f"conversations:{name}",
        kwargs={"org_slug": conversation.organisation.slug, "pk": conversation.pk},
    )


def _page_name(page: str) -> str:
    return "opinion-map" if page == "map" else f"opinion-map-{page}"


def map_chart_spec(report: results.OpinionMapReport) -> dict[str, Any] | None:
    """Scatter of participants, coloured and shaped by group (Vega-Lite)."""
    if not report.points:
        return None
    ungrouped = str(_("Not in a group"))
    domain = [group.label for group in report.groups]
    colours = [GROUP_COLOURS[i % 5] for i in range(len(domain))]
    shapes = [GROUP_SHAPES[i % 5] for i in range(len(domain))]
    if any(point["group"] == ungrouped for point in report.points):
        domain.append(ungrouped)
        colours.append(UNGROUPED_COLOUR)
        shapes.append("stroke")
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v6.json",
        "description": _(
            "Scatter chart: each dot is a participant; people close together "
            "voted alike. Colour and shape show the group."
        ),
        "width": "container",
        "height": 400,
        "autosize": {"type": "fit-x", "contains": "padding"},
        "data": {"values": [dict(p) for p in report.points]},
        "mark": {"type": "point", "filled": True, "size": 40, "tooltip": False},
        "encoding": {
            "x": {"field": "x", "type": "quantitative", "axis": None},
            "y": {"field": "y", "type": "quantitative", "axis": None},
            "color": {
                "field": "group",
                "type": "nominal",
                "title": _("Group"),
                "scale": {"domain": domain, "range": colours},
                "legend": {"orient": "bottom"},
            },
            "shape": {
                "field": "group",
                "type": "nominal",
                "scale": {"domain": domain, "range": shapes},
            },
        },
        "config": {"font": "Arial, sans-serif", "legend": {"labelFontSize": 14}},
    }


def timeline_chart_spec(participation: results.Participation) -> dict[str, Any] | None:
    if not participation.votes_per_day:
        return None
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v6.json",
        "description": _("Bar chart: votes cast each day"),
        "width": "container",
        "autosize": {"type": "fit-x", "contains": "padding"},
        "data": {
            "values": [
                {"day": day.isoformat(), "votes": n}
                for day, n in participation.votes_per_day
            ]
        },
        "mark": {"type": "bar", "tooltip": False, "color": GROUP_COLOURS[0]},
        "encoding": {
            "x": {"field": "day", "type": "ordinal", "title": _("Day")},
            "y": {"field": "votes", "type": "quantitative", "title": _("Votes cast")},
        },
        "config": {"font": "Arial, sans-serif", "axis": {"labelFontSize": 14}},
    }


def _render(
    request: HttpRequest, conversation: Conversation, page: str, *, is_public: bool
) -> HttpResponse:
    if page not in PAGES:
        raise Http404
    report = results.opinion_map_report(conversation=conversation, is_public=is_public)
    context: dict[str, Any] = {
        "conversation": conversation,
        "organisation": conversation.organisation,
        "engagement": conversation.engagement,
        "report": report,
        "status": report.status,
        "page": page,
        "is_public": is_public,
        "nav": [
            {
                "page": name,
                "url": _url(conversation, _page_name(name), is_public=is_public),
                "is_current": name == page,
            }
            for name in PAGES
        ],
        "status_url": _url(conversation, "opinion-map-status", is_public=is_public),
        "public_url": request.build_absolute_uri(
            _url(conversation, "opinion-map-report", is_public=True)
        ),
        "can_manage": not is_public
        and can_manage_conversations(request.user, conversation.organisation),
    }
    if page == "map":
        context["groups_table"] = results.groups_table(report)
        context["chart"] = map_chart_spec(report)
    if page in ("participation", "report"):
        participation = results.conversation_participation(conversation=conversation)
        context["participation"] = participation
    if page == "participation":
        context["timeline_table"] = results.votes_per_day_table(participation)
        context["timeline_chart"] = timeline_chart_spec(participation)
        context["statement_table"] = results.statement_table(report)
        if not is_public:
            context["xlsx_url"] = reverse(
                "conversations:opinion-map-download",
                args=(conversation.organisation.slug, conversation.pk, "xlsx"),
            )
    return render(request, "conversations/opinion_map.html", context)


@login_required
def opinion_map_view(
    request: AuthenticatedHttpRequest, org_slug: str, pk: int, page: str
) -> HttpResponse:
    conversation = _staff(request, org_slug, pk)
    return _render(request, conversation, page, is_public=False)


def public_opinion_map_view(request: HttpRequest, pk: int, page: str) -> HttpResponse:
    conversation = _public(request, pk)
    return _render(request, conversation, page, is_public=True)


def _status(
    request: HttpRequest, conversation: Conversation, *, is_public: bool
) -> HttpResponse:
    return render(
        request,
        "conversations/_opinion_map_status.html",
        {
            "conversation": conversation,
            "status": results.opinion_map_status(conversation=conversation),
            "status_url": _url(conversation, "opinion-map-status", is_public=is_public),
            "is_public": is_public,
        },
    )


@login_required
def opinion_map_status_view(
    request: AuthenticatedHttpRequest, org_slug: str, pk: int
) -> HttpResponse:
    return _status(request, _staff(request, org_slug, pk), is_public=False)


def public_opinion_map_status_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _status(request, _public(request, pk), is_public=True)


@login_required
def opinion_map_download_view(
    request: AuthenticatedHttpRequest, org_slug: str, pk: int, file_format: str
) -> HttpResponse:
    """The statement table (and the groups and timeline) as XLSX, or one as CSV."""
    conversation = _staff(request, org_slug, pk)
    report = results.opinion_map_report(conversation=conversation, is_public=False)
    participation = results.conversation_participation(conversation=conversation)
    tables = [
        results.statement_table(report),
        results.groups_table(report),
        results.votes_per_day_table(participation),
    ]
    return tables_download_response(
        tables,
        file_format=file_format,
        table_slug=request.GET.get("table", "statements"),
        stem=("opinion-map", str(conversation.pk)),
    )


@require_POST
@login_required
def opinion_map_rebuild_view(
    request: AuthenticatedHttpRequest, org_slug: str, pk: int
) -> HttpResponse:
    conversation = _staff(request, org_slug, pk)
    services.opinion_map_rebuild(conversation=conversation, actor=request.user)
    messages.success(
        request,
        _("A rebuild from scratch is queued. The current map stays until it ends."),
    )
    return redirect(_url(conversation, "opinion-map", is_public=False))


@require_POST
@login_required
def results_publish_view(
    request: AuthenticatedHttpRequest, org_slug: str, pk: int
) -> HttpResponse:
    conversation = _staff(request, org_slug, pk)
    is_published = request.POST.get("publish") == "1"
    services.conversation_results_publish(
        conversation=conversation, actor=request.user, is_published=is_published
    )
    if is_published:
        messages.success(
            request, _("Published. Anyone with the link can see the results.")
        )
    else:
        messages.success(request, _("The results are no longer public."))
    return redirect(_url(conversation, "opinion-map-report", is_public=False))
