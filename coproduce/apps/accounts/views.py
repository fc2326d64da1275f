"""A signed-in person's own account: profile and deletion."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from coproduce.apps.accounts.forms import AccountDeleteForm, ProfileForm
from coproduce.apps.accounts.http import AuthenticatedHttpRequest
from coproduce.apps.accounts.services import user_delete_account, user_update_profile
from coproduce.apps.core.forms import form_add_domain_error
from coproduce.apps.organisations.selectors import membership_list_for_user
from coproduce.errors import DomainError


@login_required
def profile_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    if request.method == "POST":
        form = ProfileForm(request.POST)
        if form.is_valid():
            try:
                user_update_profile(actor=user, user=user, **form.cleaned_data)
            except (DomainError, ValidationError) as exc:
                form_add_domain_error(form, exc)
            else:
                messages.success(request, _("Your details have been saved."))
                return redirect("accounts:profile")
    else:
        form = ProfileForm(
            initial={
                "full_name": user.full_name,
                "preferred_language": user.preferred_language,
            }
        )
    return render(
        request,
        "accounts/profile.html",
        {"form": form, "memberships": membership_list_for_user(user=user)},
    )


@login_required
def account_delete_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    if request.method == "POST":
        form = AccountDeleteForm(request.POST)
        if form.is_valid():
            try:
                user_delete_account(actor=user, user=user)
            except (DomainError, ValidationError) as exc:
                form_add_domain_error(form, exc)
            else:
                logout(request)
                messages.success(request, _("Your account has been deleted."))
                return redirect("core:home")
    else:
        form = AccountDeleteForm()
    return render(request, "accounts/delete.html", {"form": form})
