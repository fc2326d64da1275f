"""The audit log for an organisation's administrators."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render

from coproduce.apps.accounts.http import AuthenticatedHttpRequest
from coproduce.apps.audit.selectors import audit_action_choices, audit_event_list
from coproduce.apps.organisations.selectors import organisation_get

_PAGE_SIZE = 50


@login_required
def event_list_view(request: AuthenticatedHttpRequest, org_slug: str) -> HttpResponse:
    organisation = organisation_get(slug=org_slug)
    action = request.GET.get("action", "")[:100]
    actor_email = request.GET.get("actor", "")[:254]
    events = audit_event_list(
        actor=request.user,
        organisation=organisation,
        action_prefix=action,
        actor_email=actor_email,
    )
    page = Paginator(events, _PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "audit/event_list.html",
        {
            "organisation": organisation,
            "page": page,
            "actions": audit_action_choices(organisation=organisation),
            "selected_action": action,
            "actor_email": actor_email,
        },
    )
