"""Area lookup pages: deprivation indices and the postcode → area lookup."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from coproduce.apps.accounts.http import AuthenticatedHttpRequest
from coproduce.apps.core.forms import form_add_domain_error
from coproduce.apps.core.tabular import max_import_bytes
from coproduce.apps.organisations import selectors, services
from coproduce.apps.organisations.forms import (
    DeprivationIndexForm,
    PostcodeCheckForm,
    PostcodeLookupForm,
)
from coproduce.apps.organisations.models import DeprivationArea, Organisation
from coproduce.apps.organisations.permissions import (
    can_manage_area_lookups,
    can_view_area_lookups,
)
from coproduce.apps.organisations.postcodes import (
    is_postcode_prefix,
    postcode_compact,
    postcode_display,
)
from coproduce.errors import DomainError


def _organisation_for_viewing(
    request: AuthenticatedHttpRequest, org_slug: str
) -> Organisation:
    organisation = selectors.organisation_get(slug=org_slug)
    if not can_view_area_lookups(request.user, organisation):
        raise PermissionDenied
    return organisation


def _organisation_for_managing(
    request: AuthenticatedHttpRequest, org_slug: str
) -> Organisation:
    organisation = selectors.organisation_get(slug=org_slug)
    if not can_manage_area_lookups(request.user, organisation):
        raise PermissionDenied
    return organisation


@login_required
def area_lookup_list_view(
    request: AuthenticatedHttpRequest, org_slug: str
) -> HttpResponse:
    organisation = _organisation_for_viewing(request, org_slug)
    return render(
        request,
        "organisations/lookup_list.html",
        {
            "organisation": organisation,
            "indices": selectors.deprivation_index_list(
                actor=request.user, organisation=organisation
            ),
            "postcodes": selectors.postcode_lookup_summary(
                actor=request.user, organisation=organisation
            ),
            "can_manage": can_manage_area_lookups(request.user, organisation),
        },
    )


@login_required
def deprivation_index_create_view(
    request: AuthenticatedHttpRequest, org_slug: str
) -> HttpResponse:
    organisation = _organisation_for_managing(request, org_slug)
    form = DeprivationIndexForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            result = services.deprivation_index_import(
                actor=request.user, organisation=organisation, **form.cleaned_data
            )
        except (DomainError, ValidationError) as exc:
            form_add_domain_error(form, exc)
        else:
            messages.success(
                request,
                ngettext(
                    "Deprivation index %(name)s imported with deciles for %(count)s "
                    "area.",
                    "Deprivation index %(name)s imported with deciles for %(count)s "
                    "areas.",
                    result.n_areas,
                )
                % {"name": result.index.name, "count": f"{result.n_areas:,}"}
                + (
                    " "
                    + ngettext(
                        "%(count)s row for areas that are not yours was skipped.",
                        "%(count)s rows for areas that are not yours were skipped.",
                        result.n_skipped_rows,
                    )
                    % {"count": f"{result.n_skipped_rows:,}"}
                    if result.n_skipped_rows
                    else ""
                ),
            )
            return redirect(
                "organisations:deprivation-index-detail",
                org_slug=organisation.slug,
                pk=result.index.pk,
            )
    return render(
        request,
        "organisations/deprivation_index_form.html",
        {
            "organisation": organisation,
            "form": form,
            # Browsers never keep a chosen file when a page is shown again.
            "choose_file_again": request.method == "POST" and bool(form.errors),
            "max_megabytes": max_import_bytes() // (1024 * 1024),
        },
    )


@dataclass(frozen=True)
class DecileSummary:
    decile: int
    n_areas: int
    residents: int | None  # None when an area of the decile has no count


def _decile_summaries(rows: list[DeprivationArea]) -> list[DecileSummary]:
    summaries = []
    for decile in range(1, 11):
        in_decile = [row for row in rows if row.decile == decile]
        residents = [row.residents for row in in_decile]
        summaries.append(
            DecileSummary(
                decile=decile,
                n_areas=len(in_decile),
                residents=(
                    sum(r for r in residents if r is not None)
                    if in_decile and None not in residents
                    else None
                ),
            )
        )
    return summaries


@login_required
def deprivation_index_detail_view(
    request: AuthenticatedHttpRequest, org_slug: str, pk: int
) -> HttpResponse:
    organisation = _organisation_for_viewing(request, org_slug)
    index = selectors.deprivation_index_get(
        actor=request.user, organisation=organisation, pk=pk
    )
    rows = list(selectors.deprivation_area_list(index=index))
    return render(
        request,
        "organisations/deprivation_index_detail.html",
        {
            "organisation": organisation,
            "index": index,
            "rows": rows,
            "summaries": _decile_summaries(rows),
            "n_without_decile": selectors.deprivation_small_areas_without_decile(
                index=index
            ),
            "can_manage": can_manage_area_lookups(request.user, organisation),
        },
    )


@login_required
def deprivation_index_delete_view(
    request: AuthenticatedHttpRequest, org_slug: str, pk: int
) -> HttpResponse:
    organisation = selectors.organisation_get(slug=org_slug)
    index = selectors.deprivation_index_get(
        actor=request.user, organisation=organisation, pk=pk
    )
    if not can_manage_area_lookups(request.user, organisation):
        raise PermissionDenied
    error_messages: list[str] = []
    if request.method == "POST":
        try:
            services.deprivation_index_delete(actor=request.user, index=index)
        except (DomainError, ValidationError) as exc:
            error_messages = exc.messages
        else:
            messages.success(
                request,
                _("Deprivation index %(name)s deleted.") % {"name": index.name},
            )
            return redirect("organisations:area-lookup-list", org_slug=org_slug)
    return render(
        request,
        "organisations/deprivation_index_confirm_delete.html",
        {
            "organisation": organisation,
            "index": index,
            "error_messages": error_messages,
        },
    )


@login_required
def postcode_lookup_view(
    request: AuthenticatedHttpRequest, org_slug: str
) -> HttpResponse:
    """The lookup's postcodes per area, and a form saying where one postcode falls."""
    organisation = _organisation_for_viewing(request, org_slug)
    check_form = PostcodeCheckForm(request.GET or None)
    checked: dict[str, object] | None = None
    if check_form.is_valid():
        typed = check_form.cleaned_data["postcode"]
        compact = postcode_compact(typed)
        if not is_postcode_prefix(compact):
            check_form.add_error(
                "postcode",
                _("Enter a real postcode, like CF10 1AA."),
            )
        else:
            match = selectors.postcode_lookup_match(
                organisation=organisation, postcode=compact
            )
            checked = {
                "postcode": postcode_display(compact),
                "area": match.area if match is not None else None,
                "prefix": (
                    postcode_display(match.prefix, within=compact) if match else ""
                ),
                "is_exact": match is not None and match.prefix == compact,
            }
    return render(
        request,
        "organisations/postcode_lookup.html",
        {
            "organisation": organisation,
            "postcodes": selectors.postcode_lookup_summary(
                actor=request.user, organisation=organisation
            ),
            "check_form": check_form,
            "checked": checked,
            "can_manage": can_manage_area_lookups(request.user, organisation),
        },
    )


@login_required
def postcode_lookup_upload_view(
    request: AuthenticatedHttpRequest, org_slug: str
) -> HttpResponse:
    organisation = _organisation_for_managing(request, org_slug)
    form = PostcodeLookupForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            result = services.postcode_lookup_import(
                actor=request.user, organisation=organisation, **form.cleaned_data
            )
        except (DomainError, ValidationError) as exc:
            form_add_domain_error(form, exc)
        else:
            messages.success(
                request,
                _(
                    "Postcode lookup uploaded. New: %(added)s. Moved to another "
                    "area: %(changed)s. Removed: %(removed)s."
                )
                % {
                    "added": f"{result.n_added:,}",
                    "changed": f"{result.n_changed:,}",
                    "removed": f"{result.n_removed:,}",
                }
                + " "
                + ngettext(
                    "The lookup now holds %(count)s postcode, sector or district.",
                    "The lookup now holds %(count)s postcodes, sectors or districts.",
                    result.n_total,
                )
                % {"count": f"{result.n_total:,}"},
            )
            return redirect("organisations:postcode-lookup", org_slug=org_slug)
    return render(
        request,
        "organisations/postcode_lookup_form.html",
        {
            "organisation": organisation,
            "form": form,
            "choose_file_again": request.method == "POST" and bool(form.errors),
            "max_megabytes": max_import_bytes() // (1024 * 1024),
        },
    )


@login_required
def postcode_lookup_delete_view(
    request: AuthenticatedHttpRequest, org_slug: str
) -> HttpResponse:
    organisation = _organisation_for_managing(request, org_slug)
    error_messages: list[str] = []
    if request.method == "POST":
        try:
            n_deleted = services.postcode_lookup_delete(
                actor=request.user, organisation=organisation
            )
        except (DomainError, ValidationError) as exc:
            error_messages = exc.messages
        else:
            messages.success(
                request,
                ngettext(
                    "Postcode lookup deleted: %(count)s postcode removed.",
                    "Postcode lookup deleted: %(count)s postcodes removed.",
                    n_deleted,
                )
                % {"count": f"{n_deleted:,}"},
            )
            return redirect("organisations:postcode-lookup", org_slug=org_slug)
    return render(
        request,
        "organisations/postcode_lookup_confirm_delete.html",
        {
            "organisation": organisation,
            "postcodes": selectors.postcode_lookup_summary(
                actor=request.user, organisation=organisation
            ),
            "error_messages": error_messages,
        },
    )
