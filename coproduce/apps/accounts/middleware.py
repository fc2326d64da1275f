"""Staff must set up a second factor before they can do anything else."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

# Pages a staff member without MFA may still open: setting it up, signing out,
# changing language and the public statements.
_ALLOWED_URL_NAMES = frozenset(
    {
        "account_logout",
        "account_reauthenticate",
        "mfa_reauthenticate",
        "mfa_activate_totp",
        "mfa_index",
        "mfa_view_recovery_codes",
        "mfa_generate_recovery_codes",
        "mfa_download_recovery_codes",
        "set_language",
        "core:accessibility",
        "core:privacy",
    }
)


class StaffMfaRequiredMiddleware:
    """Send a signed-in member of any organisation to TOTP set-up until they have it.

    Residents (no membership) are never redirected: MFA is optional for them.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: Any,
        view_kwargs: Any,
    ) -> HttpResponse | None:
        if not settings.COPRODUCE_REQUIRE_STAFF_MFA:
            return None
        user = request.user
        if not user.is_authenticated:
            return None
        match = request.resolver_match
        if match is not None and match.view_name in _ALLOWED_URL_NAMES:
            return None
        if request.path.startswith((settings.STATIC_URL, settings.MEDIA_URL)):
            return None
        from coproduce.apps.organisations.permissions import has_staff_role

        if not has_staff_role(user):
            return None
        if Authenticator.objects.filter(
            user=user, type=Authenticator.Type.TOTP
        ).exists():
            return None
        messages.info(
            request,
            _(
                "Your role needs two-factor authentication. Set up an authenticator "
                "app to continue."
            ),
        )
        return redirect("mfa_activate_totp")
