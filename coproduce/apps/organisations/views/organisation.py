"""Organisation pages: dashboard, areas, members, invitations. Thin: services decide."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from coproduce.apps.accounts.http import AuthenticatedHttpRequest
from coproduce.apps.accounts.models import User
from coproduce.apps.core.forms import form_add_domain_error
from coproduce.apps.engagements.permissions import can_manage_engagements
from coproduce.apps.engagements.selectors import engagement_dashboard_figures
from coproduce.apps.organisations import selectors, services
from coproduce.apps.organisations.forms import (
    AreaForm,
    InvitationForm,
    OrganisationForm,
    RoleForm,
)
from coproduce.apps.organisations.permissions import (
    can_manage_organisation,
    can_view_organisation_dashboard,
    can_view_population_profiles,
)
from coproduce.errors import DomainError


@login_required
def organisation_dashboard_view(
    request: AuthenticatedHttpRequest, org_slug: str
) -> HttpResponse:
    organisation = selectors.organisation_get(slug=org_slug)
    if not can_view_organisation_dashboard(request.user, organisation):
        raise PermissionDenied
    return render(
        request,
        "organisations/dashboard.html",
        {
            "organisation": organisation,
            "summary": selectors.organisation_summary(organisation=organisation),
            "can_manage": can_manage_organisation(request.user, organisation),
            "can_view_population_profiles": can_view_population_profiles(
                request.user, organisation
            ),
            "engagement_figures": engagement_dashboard_figures(
                organisation=organisation
            ),
            "can_manage_engagements": can_manage_engagements(
                request.user, organisation
            ),
        },
    )


@login_required
def organisation_update_view(
    request: AuthenticatedHttpRequest, org_slug: str
) -> HttpResponse:
    organisation = selectors.organisation_get(slug=org_slug)
    if not can_manage_organisation(request.user, organisation):
        raise PermissionDenied
    if request.method == "POST":
        form = OrganisationForm(request.POST)
        if form.is_valid():
            try:
                services.organisation_update(
                    actor=request.user, organisation=organisation, **form.cleaned_data
                )
            except (DomainError, ValidationError) as exc:
                form_add_domain_error(form, exc)
            else:
                messages.success(
                    request, _("The organisation's details have been saved.")
                )
                return redirect(organisation)
    else:
        form = OrganisationForm(
            initial={
                "name_en": organisation.name_en,
                "name_cy": organisation.name_cy,
                "kind": organisation.kind,
                "response_due_weeks": organisation.response_due_weeks,
            }
        )
    return render(
        request,
        "organisations/organisation_form.html",
        {"organisation": organisation, "form": form},
    )


@login_required
def area_list_view(request: AuthenticatedHttpRequest, org_slug: str) -> HttpResponse:
    organisation = selectors.organisation_get(slug=org_slug)
    tree = selectors.area_tree(actor=request.user, organisation=organisation)
    return render(
        request,
        "organisations/area_list.html",
        {
            "organisation": organisation,
            "tree": tree,
            "can_manage": can_manage_organisation(request.user, organisation),
        },
    )


@login_required
def area_create_view(request: AuthenticatedHttpRequest, org_slug: str) -> HttpResponse:
    organisation = selectors.organisation_get(slug=org_slug)
    if not can_manage_organisation(request.user, organisation):
        raise PermissionDenied
    form = AreaForm(request.POST or None, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        try:
            area = services.area_create(
                actor=request.user, organisation=organisation, **form.cleaned_data
            )
        except (DomainError, ValidationError) as exc:
            form_add_domain_error(form, exc)
        else:
            messages.success(request, _("Area %(name)s added.") % {"name": area.name})
            return redirect("organisations:area-list", org_slug=organisation.slug)
    return render(
        request,
        "organisations/area_form.html",
        {"organisation": organisation, "form": form, "area": None},
    )


@login_required
def area_update_view(
    request: AuthenticatedHttpRequest, org_slug: str, pk: int
) -> HttpResponse:
    organisation = selectors.organisation_get(slug=org_slug)
    area = selectors.area_get(actor=request.user, organisation=organisation, pk=pk)
    if not can_manage_organisation(request.user, organisation):
        raise PermissionDenied
    initial = {
        "name_en": area.name_en,
        "name_cy": area.name_cy,
        "code": area.code,
        "level": area.level,
        "parent": area.parent,
    }
    form = AreaForm(request.POST or None, organisation=organisation, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            area = services.area_update(
                actor=request.user, area=area, **form.cleaned_data
            )
        except (DomainError, ValidationError) as exc:
            form_add_domain_error(form, exc)
        else:
            messages.success(request, _("Area %(name)s saved.") % {"name": area.name})
            return redirect("organisations:area-list", org_slug=organisation.slug)
    return render(
        request,
        "organisations/area_form.html",
        {"organisation": organisation, "form": form, "area": area},
    )


@login_required
def area_delete_view(
    request: AuthenticatedHttpRequest, org_slug: str, pk: int
) -> HttpResponse:
    organisation = selectors.organisation_get(slug=org_slug)
    area = selectors.area_get(actor=request.user, organisation=organisation, pk=pk)
    if not can_manage_organisation(request.user, organisation):
        raise PermissionDenied
    error_messages: list[str] = []
    if request.method == "POST":
        try:
            services.area_delete(actor=request.user, area=area)
        except (DomainError, ValidationError) as exc:
            error_messages = exc.messages
        else:
            messages.success(request, _("Area %(name)s deleted.") % {"name": area.name})
            return redirect("organisations:area-list", org_slug=organisation.slug)
    return render(
        request,
        "organisations/area_confirm_delete.html",
        {"organisation": organisation, "area": area, "error_messages": error_messages},
    )


@login_required
def member_list_view(request: AuthenticatedHttpRequest, org_slug: str) -> HttpResponse:
    organisation = selectors.organisation_get(slug=org_slug)
    return render(
        request,
        "organisations/member_list.html",
        {
            "organisation": organisation,
            "memberships": selectors.membership_list(
                actor=request.user, organisation=organisation
            ),
            "invitations": selectors.invitation_list(
                actor=request.user, organisation=organisation
            ),
        },
    )


@login_required
def member_invite_view(
    request: AuthenticatedHttpRequest, org_slug: str
) -> HttpResponse:
    organisation = selectors.organisation_get(slug=org_slug)
    if not can_manage_organisation(request.user, organisation):
        raise PermissionDenied
    form = InvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = services.invitation_create(
                actor=request.user, organisation=organisation, **form.cleaned_data
            )
        except (DomainError, ValidationError) as exc:
            form_add_domain_error(form, exc)
        else:
            messages.success(
                request,
                _("Invitation to %(email)s is being sent.")
                % {"email": invitation.email},
            )
            return redirect("organisations:member-list", org_slug=organisation.slug)
    return render(
        request,
        "organisations/member_invite.html",
        {"organisation": organisation, "form": form},
    )


@login_required
def member_change_role_view(
    request: AuthenticatedHttpRequest, org_slug: str, pk: int
) -> HttpResponse:
    organisation = selectors.organisation_get(slug=org_slug)
    membership = selectors.membership_get(
        actor=request.user, organisation=organisation, pk=pk
    )
    form = RoleForm(request.POST or None, initial={"role": membership.role})
    if request.method == "POST" and form.is_valid():
        try:
            services.membership_change_role(
                actor=request.user,
                membership=membership,
                role=form.cleaned_data["role"],
            )
        except (DomainError, ValidationError) as exc:
            form_add_domain_error(form, exc)
        else:
            messages.success(
                request,
                _("%(email)s is now %(role)s.")
                % {
                    "email": membership.user.email,
                    "role": membership.get_role_display(),
                },
            )
            return redirect("organisations:member-list", org_slug=organisation.slug)
    return render(
        request,
        "organisations/member_role.html",
        {"organisation": organisation, "membership": membership, "form": form},
    )


@login_required
def member_remove_view(
    request: AuthenticatedHttpRequest, org_slug: str, pk: int
) -> HttpResponse:
    organisation = selectors.organisation_get(slug=org_slug)
    membership = selectors.membership_get(
        actor=request.user, organisation=organisation, pk=pk
    )
    error_messages: list[str] = []
    if request.method == "POST":
        try:
            services.membership_remove(actor=request.user, membership=membership)
        except (DomainError, ValidationError) as exc:
            error_messages = exc.messages
        else:
            messages.success(
                request,
                _("%(email)s has been removed from the organisation.")
                % {"email": membership.user.email},
            )
            return redirect("organisations:member-list", org_slug=organisation.slug)
    return render(
        request,
        "organisations/member_confirm_remove.html",
        {
            "organisation": organisation,
            "membership": membership,
            "error_messages": error_messages,
        },
    )


@login_required
def invitation_status_view(
    request: AuthenticatedHttpRequest, org_slug: str, pk: int
) -> HttpResponse:
    """The e-mail status of one invitation: a fragment htmx polls until it settles."""
    organisation = selectors.organisation_get(slug=org_slug)
    invitation = selectors.invitation_get(
        actor=request.user, organisation=organisation, pk=pk
    )
    return render(
        request,
        "organisations/_invitation_status.html",
        {"organisation": organisation, "invitation": invitation},
    )


@require_POST
@login_required
def invitation_resend_view(
    request: AuthenticatedHttpRequest, org_slug: str, pk: int
) -> HttpResponse:
    organisation = selectors.organisation_get(slug=org_slug)
    invitation = selectors.invitation_get(
        actor=request.user, organisation=organisation, pk=pk
    )
    try:
        services.invitation_resend(actor=request.user, invitation=invitation)
    except (DomainError, ValidationError) as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("Invitation to %(email)s is being sent again.")
            % {"email": invitation.email},
        )
    return redirect("organisations:member-list", org_slug=organisation.slug)


@require_POST
@login_required
def invitation_cancel_view(
    request: AuthenticatedHttpRequest, org_slug: str, pk: int
) -> HttpResponse:
    organisation = selectors.organisation_get(slug=org_slug)
    invitation = selectors.invitation_get(
        actor=request.user, organisation=organisation, pk=pk
    )
    try:
        services.invitation_cancel(actor=request.user, invitation=invitation)
    except (DomainError, ValidationError) as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("Invitation to %(email)s cancelled.") % {"email": invitation.email},
        )
    return redirect("organisations:member-list", org_slug=organisation.slug)


def invitation_accept_view(request: HttpRequest, token: str) -> HttpResponse:
    """Show an invitation; signed-in people accept it, others are offered to sign
    in or create an account and come back here."""
    invitation = selectors.invitation_get_by_token(token=token)
    error_messages: list[str] = []
    if request.method == "POST":
        if not isinstance(request.user, User):
            return redirect_to_login(request.get_full_path())
        try:
            membership = services.invitation_accept(user=request.user, token=token)
        except (DomainError, ValidationError) as exc:
            error_messages = exc.messages
        else:
            messages.success(
                request,
                _("You have joined %(organisation)s as %(role)s.")
                % {
                    "organisation": membership.organisation.name,
                    "role": membership.get_role_display(),
                },
            )
            return redirect(membership.organisation)
    return render(
        request,
        "organisations/invitation_accept.html",
        {"invitation": invitation, "error_messages": error_messages},
    )
