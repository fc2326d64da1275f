"""Values every page needs: navigation for the signed-in person's roles."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    is_active: bool


def _nav_items(request: HttpRequest) -> tuple[list[NavItem], Any]:
    from coproduce.apps.organisations.selectors import membership_list_for_user

    user = request.user
    path = request.path
    items: list[tuple[str, str]] = []
    current_membership = None
    if user.is_authenticated:
        memberships = list(membership_list_for_user(user=user))
        match = request.resolver_match
        slug = match.kwargs.get("org_slug") if match is not None else None
        current_membership = next(
            (m for m in memberships if m.organisation.slug == slug),
            memberships[0] if memberships else None,
        )
        if current_membership is not None:
            kwargs = {"org_slug": current_membership.organisation.slug}
            items.append(
                (
                    _("Dashboard"),
                    reverse("organisations:organisation-dashboard", kwargs=kwargs),
                )
            )
            items.append(
                (
                    _("Engagements"),
                    reverse("engagements:engagement-list", kwargs=kwargs),
                )
            )
            if current_membership.role in ("administrator", "engagement_officer"):
                items.append(
                    (
                        _("Moderation"),
                        reverse("engagements:moderation-queue", kwargs=kwargs),
                    )
                )
            items.append(
                (_("Areas"), reverse("organisations:area-list", kwargs=kwargs))
            )
            if current_membership.role == "administrator":
                items.append(
                    (_("Members"), reverse("organisations:member-list", kwargs=kwargs))
                )
                items.append(
                    (_("Audit log"), reverse("audit:event-list", kwargs=kwargs))
                )
        items.append((_("Your account"), reverse("accounts:profile")))
        items.append((_("Sign out"), reverse("account_logout")))
    else:
        items.append((_("Sign in"), reverse("account_login")))
        items.append((_("Create an account"), reverse("account_signup")))
    # The dashboard's address prefixes every organisation page, so it is active
    # only on itself; other sections are active on their sub-pages too.
    dashboard_urls = {items[0][1]} if current_membership is not None else set()
    nav = [
        NavItem(
            label=label,
            url=url,
            is_active=path == url
            or (url not in dashboard_urls and path.startswith(url)),
        )
        for label, url in items
    ]
    return nav, current_membership


def site(request: HttpRequest) -> dict[str, Any]:
    """Navigation and the current organisation membership, if any."""
    if not hasattr(request, "user"):  # error pages rendered before auth middleware
        return {"nav_items": [], "current_membership": None}
    nav, membership = _nav_items(request)
    return {"nav_items": nav, "current_membership": membership}
