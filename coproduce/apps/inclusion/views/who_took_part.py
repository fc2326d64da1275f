"""Inclusion pages: who took part."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render

from coproduce.apps.accounts.http import AuthenticatedHttpRequest
from coproduce.apps.engagements.permissions import can_view_results
from coproduce.apps.engagements.selectors import engagement_get
from coproduce.apps.inclusion.selectors import engagement_who_took_part
from coproduce.apps.organisations.selectors import (
    organisation_get,
    population_profile_list,
)


@login_required
def engagement_who_took_part_view(
    request: AuthenticatedHttpRequest, org_slug: str, slug: str
) -> HttpResponse:
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
    return render(
        request,
        "inclusion/engagement_who_took_part.html",
        {
            "organisation": organisation,
            "engagement": engagement,
            "profiles": profiles,
            "report": report,
        },
    )
