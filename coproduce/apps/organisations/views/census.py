"""ONS label pages: choose categories for unknown labels; see and delete saved ones."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from coproduce.apps.accounts.http import AuthenticatedHttpRequest
from coproduce.apps.core.about_you import ABOUT_YOU_FIELDS
from coproduce.apps.core.forms import form_add_domain_error
from coproduce.apps.organisations import selectors, services
from coproduce.apps.organisations.forms import CHARACTERISTIC_LABELS, CensusLabelsForm
from coproduce.apps.organisations.permissions import can_manage_population_profiles
from coproduce.apps.organisations.views.population import imported_response
from coproduce.errors import DomainError


@login_required
def census_labels_view(
    request: AuthenticatedHttpRequest, org_slug: str, pk: int
) -> HttpResponse:
    """The mapping screen: a category (or leave out) for each unknown ONS label."""
    organisation = selectors.organisation_get(slug=org_slug)
    staging = selectors.census_staging_get(
        actor=request.user, organisation=organisation, pk=pk
    )
    error_messages: list[str] = []
    try:
        unknown = services.census_staging_unknown_labels(staging=staging)
    except (DomainError, ValidationError) as exc:
        unknown, error_messages = [], list(exc.messages)
    form = CensusLabelsForm(
        request.POST if request.method == "POST" else None,
        unknown=unknown,
        leave_out=services.LEAVE_OUT,
    )
    if request.method == "POST" and not error_messages and form.is_valid():
        try:
            upload = services.census_labels_save_and_import(
                actor=request.user, staging=staging, choices=form.choices()
            )
        except (DomainError, ValidationError) as exc:
            form_add_domain_error(form, exc)
        else:
            return imported_response(request, organisation.slug, upload)
    return render(
        request,
        "organisations/census_labels.html",
        {
            "organisation": organisation,
            "staging": staging,
            "form": form,
            "unknown": unknown,
            "error_messages": error_messages,
            "characteristic_labels": CHARACTERISTIC_LABELS,
        },
    )


@require_POST
@login_required
def census_import_cancel_view(
    request: AuthenticatedHttpRequest, org_slug: str, pk: int
) -> HttpResponse:
    organisation = selectors.organisation_get(slug=org_slug)
    staging = selectors.census_staging_get(
        actor=request.user, organisation=organisation, pk=pk
    )
    services.census_import_cancel(actor=request.user, staging=staging)
    messages.success(request, _("Upload cancelled. Nothing was imported."))
    return redirect("organisations:population-profile-list", org_slug=org_slug)


def _category_label(characteristic: str, category: str) -> str:
    """The category's label as residents see it; "" for "leave out"."""
    choices = ABOUT_YOU_FIELDS.get(characteristic)
    if choices is None or not category:
        return ""
    return str(dict(choices.choices).get(category, category))


@login_required
def census_label_mapping_list_view(
    request: AuthenticatedHttpRequest, org_slug: str
) -> HttpResponse:
    organisation = selectors.organisation_get(slug=org_slug)
    mappings = selectors.census_label_mapping_list(
        actor=request.user, organisation=organisation
    )
    rows = [
        {
            "mapping": mapping,
            "characteristic": CHARACTERISTIC_LABELS.get(
                mapping.characteristic, mapping.characteristic
            ),
            "category": _category_label(mapping.characteristic, mapping.category),
        }
        for mapping in mappings
    ]
    return render(
        request,
        "organisations/census_label_mapping_list.html",
        {
            "organisation": organisation,
            "rows": rows,
            "can_manage": can_manage_population_profiles(request.user, organisation),
        },
    )


@require_POST
@login_required
def census_label_mapping_delete_view(
    request: AuthenticatedHttpRequest, org_slug: str, pk: int
) -> HttpResponse:
    organisation = selectors.organisation_get(slug=org_slug)
    mapping = selectors.census_label_mapping_get(
        actor=request.user, organisation=organisation, pk=pk
    )
    if not can_manage_population_profiles(request.user, organisation):
        raise PermissionDenied
    services.census_label_mapping_delete(actor=request.user, mapping=mapping)
    messages.success(
        request,
        _("The mapping for %(label)s was deleted. The next upload will ask again.")
        % {"label": mapping.source_label},
    )
    return redirect("organisations:census-label-mapping-list", org_slug=org_slug)
