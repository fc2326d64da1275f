"""Public pages: home, accessibility statement, privacy notice, error pages."""

from __future__ import annotations

import logging

from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.shortcuts import render
from django.template import loader

from coproduce.apps.organisations.selectors import (
    membership_list_for_user,
    organisation_list,
)

logger = logging.getLogger(__name__)


def home_view(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "core/home.html",
        {
            "organisations": organisation_list(),
            "memberships": membership_list_for_user(user=request.user),
        },
    )


def accessibility_view(request: HttpRequest) -> HttpResponse:
    return render(request, "core/accessibility.html")


def privacy_view(request: HttpRequest) -> HttpResponse:
    return render(request, "core/privacy.html")


def permission_denied_view(request: HttpRequest, exception: Exception) -> HttpResponse:
    return render(request, "403.html", status=403)


def page_not_found_view(request: HttpRequest, exception: Exception) -> HttpResponse:
    return render(request, "404.html", status=404)


def server_error_view(request: HttpRequest) -> HttpResponse:
    # Render with the request for the language and navigation, but never let a
    # broken context processor turn the error page itself into a stack trace.
    try:
        return render(request, "500.html", status=500)
    except Exception:
        logger.exception("The full 500 page failed; falling back to the plain one.")
        return HttpResponseServerError(loader.get_template("500_plain.html").render())
