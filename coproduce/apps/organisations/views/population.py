"""Population profile pages: list, upload (import), detail with margins, delete."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from coproduce.apps.accounts.http import AuthenticatedHttpRequest
from coproduce.apps.core.about_you import ABOUT_YOU_FIELDS
from coproduce.apps.core.forms import form_add_domain_error
from coproduce.apps.core.tables import (
    Table,
    TableColumn,
    tables_download_response,
)
from coproduce.apps.core.tabular import max_import_bytes
from coproduce.apps.organisations import selectors, services
from coproduce.apps.organisations.forms import PopulationAreaForm, PopulationProfileForm
from coproduce.apps.organisations.permissions import can_manage_population_profiles
from coproduce.apps.organisations.services.population_file import (
    AREA_CODE,
    CATEGORY,
    CHARACTERISTIC,
    COUNT,
)
from coproduce.errors import DomainError

CHARACTERISTIC_LABELS = {
    "age_band": gettext_lazy("Age"),
    "sex": gettext_lazy("Sex"),
    "gender_identity": gettext_lazy("Gender identity"),
    "ethnicity": gettext_lazy("Ethnic group"),
    "disability": gettext_lazy("Disability"),
    "welsh_ability": gettext_lazy("Welsh language skills"),
}


@dataclass(frozen=True)
class CategoryRow:
    label: str
    residents: int
    share_pct: float


@dataclass(frozen=True)
class CharacteristicTable:
    characteristic: str
    label: str
    rows: tuple[CategoryRow, ...]
    total: int


def _tables(
    margins_by_characteristic: dict[str, dict[str, int]],
) -> list[CharacteristicTable]:
    tables = []
    for characteristic, margins in margins_by_characteristic.items():
        if not margins:
            continue
        choices = ABOUT_YOU_FIELDS[characteristic]
        labels = {str(value): str(label) for value, label in choices.choices}
        total = sum(margins.values())
        tables.append(
            CharacteristicTable(
                characteristic=characteristic,
                label=str(CHARACTERISTIC_LABELS.get(characteristic, characteristic)),
                rows=tuple(
                    CategoryRow(
                        label=labels.get(category, category),
                        residents=count,
                        share_pct=100 * count / total if total else 0.0,
                    )
                    for category, count in margins.items()
                ),
                total=total,
            )
        )
    return tables


@login_required
def population_profile_list_view(
    request: AuthenticatedHttpRequest, org_slug: str
) -> HttpResponse:
    organisation = selectors.organisation_get(slug=org_slug)
    profiles = selectors.population_profile_list(
        actor=request.user, organisation=organisation
    )
    return render(
        request,
        "organisations/population_profile_list.html",
        {
            "organisation": organisation,
            "profiles": profiles,
            "can_manage": can_manage_population_profiles(request.user, organisation),
        },
    )


@login_required
def population_profile_create_view(
    request: AuthenticatedHttpRequest, org_slug: str
) -> HttpResponse:
    organisation = selectors.organisation_get(slug=org_slug)
    if not can_manage_population_profiles(request.user, organisation):
        raise PermissionDenied
    form = PopulationProfileForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            upload = services.census_upload(
                actor=request.user, organisation=organisation, **form.cleaned_data
            )
        except (DomainError, ValidationError) as exc:
            form_add_domain_error(form, exc)
        else:
            if upload.staging is not None:
                return redirect(
                    "organisations:census-labels",
                    org_slug=organisation.slug,
                    pk=upload.staging.pk,
                )
            return imported_response(request, organisation.slug, upload)
    return render(
        request,
        "organisations/population_profile_form.html",
        {
            "organisation": organisation,
            "form": form,
            # Browsers never keep a chosen file when a page is shown again.
            "choose_file_again": request.method == "POST" and bool(form.errors),
            "max_megabytes": max_import_bytes() // (1024 * 1024),
        },
    )


def imported_response(
    request: AuthenticatedHttpRequest, org_slug: str, upload: services.CensusUpload
) -> HttpResponse:
    """Say what was imported (and what ONS rows were left out); show the profile."""
    profile = upload.profile
    if profile is None:  # not an import: nothing to show
        return redirect("organisations:population-profile-list", org_slug=org_slug)
    messages.success(
        request,
        _("Population profile %(name)s imported.") % {"name": profile.name},
    )
    if upload.n_left_out_rows:
        messages.info(
            request,
            ngettext(
                "%(count)s row of the ONS tables (%(residents)s residents) was "
                "left out: 'Does not apply', 'Not answered' or labels you chose "
                "to leave out.",
                "%(count)s rows of the ONS tables (%(residents)s residents) were "
                "left out: 'Does not apply', 'Not answered' or labels you chose "
                "to leave out.",
                upload.n_left_out_rows,
            )
            % {
                "count": f"{upload.n_left_out_rows:,}",
                "residents": f"{upload.n_left_out_residents:,}",
            },
        )
    if upload.n_other_areas:
        messages.info(
            request,
            ngettext(
                "%(count)s row of the nomis tables was for an area that is not "
                "yours and was skipped.",
                "%(count)s rows of the nomis tables were for areas that are not "
                "yours and were skipped.",
                upload.n_other_areas,
            )
            % {"count": f"{upload.n_other_areas:,}"},
        )
    return redirect(
        "organisations:population-profile-detail",
        org_slug=org_slug,
        pk=profile.pk,
    )


@login_required
def population_profile_detail_view(
    request: AuthenticatedHttpRequest, org_slug: str, pk: int
) -> HttpResponse:
    organisation = selectors.organisation_get(slug=org_slug)
    profile = selectors.population_profile_get(
        actor=request.user, organisation=organisation, pk=pk
    )
    area_form = PopulationAreaForm(
        request.GET or None,
        areas=selectors.area_list(actor=request.user, organisation=organisation),
    )
    area = area_form.cleaned_data["area"] if area_form.is_valid() else None
    area_ids = [area.pk] if area is not None else None
    tables = _tables(
        {
            characteristic: selectors.population_margins(
                profile=profile, characteristic=characteristic, area_ids=area_ids
            )
            for characteristic in ABOUT_YOU_FIELDS
        }
    )
    return render(
        request,
        "organisations/population_profile_detail.html",
        {
            "organisation": organisation,
            "profile": profile,
            "area_form": area_form,
            "area": area,
            "tables": tables,
            "can_manage": can_manage_population_profiles(request.user, organisation),
        },
    )


def _profile_tables(
    profile_name: str, tables: list[CharacteristicTable], area_name: str
) -> list[Table]:
    """The detail page's tables as downloadable tables (residents are census
    counts, published statistics, so nothing is hidden)."""
    return [
        Table(
            slug=table.characteristic,
            title=table.label,
            columns=(
                TableColumn("category", _("Category")),
                TableColumn("residents", _("Residents"), "count"),
                TableColumn("share", _("Percentage"), "percent"),
            ),
            rows=(
                *((row.label, row.residents, row.share_pct) for row in table.rows),
                (_("Total"), table.total, 100.0),
            ),
            notes=(
                _("%(profile)s: residents of %(area)s")
                % {"profile": profile_name, "area": area_name},
            ),
        )
        for table in tables
    ]


@login_required
def population_profile_download_view(
    request: AuthenticatedHttpRequest, org_slug: str, pk: int, file_format: str
) -> HttpResponse:
    """CSV: every count in the import layout (so a profile can be corrected and
    uploaded again). XLSX: the page's tables for the chosen area, then the
    counts."""
    organisation = selectors.organisation_get(slug=org_slug)
    profile = selectors.population_profile_get(
        actor=request.user, organisation=organisation, pk=pk
    )
    counts = Table(
        slug="counts",
        title=_("Counts"),
        columns=(
            TableColumn(AREA_CODE, AREA_CODE),
            TableColumn(CHARACTERISTIC, CHARACTERISTIC),
            TableColumn(CATEGORY, CATEGORY),
            TableColumn(COUNT, COUNT, "count"),
        ),
        rows=tuple(selectors.population_margin_rows(profile=profile)),
    )
    area_form = PopulationAreaForm(
        request.GET or None,
        areas=selectors.area_list(actor=request.user, organisation=organisation),
    )
    area = area_form.cleaned_data["area"] if area_form.is_valid() else None
    shown = _tables(
        {
            characteristic: selectors.population_margins(
                profile=profile,
                characteristic=characteristic,
                area_ids=[area.pk] if area is not None else None,
            )
            for characteristic in ABOUT_YOU_FIELDS
        }
    )
    area_name = area.name if area is not None else _("the whole organisation")
    return tables_download_response(
        [*_profile_tables(profile.name, shown, area_name), counts],
        file_format=file_format,
        table_slug="counts",
        stem=(profile.name,),
    )


@login_required
def population_profile_delete_view(
    request: AuthenticatedHttpRequest, org_slug: str, pk: int
) -> HttpResponse:
    organisation = selectors.organisation_get(slug=org_slug)
    profile = selectors.population_profile_get(
        actor=request.user, organisation=organisation, pk=pk
    )
    if not can_manage_population_profiles(request.user, organisation):
        raise PermissionDenied
    error_messages: list[str] = []
    if request.method == "POST":
        try:
            services.population_profile_delete(actor=request.user, profile=profile)
        except (DomainError, ValidationError) as exc:
            error_messages = exc.messages
        else:
            messages.success(
                request,
                _("Population profile %(name)s deleted.") % {"name": profile.name},
            )
            return redirect(
                "organisations:population-profile-list", org_slug=organisation.slug
            )
    return render(
        request,
        "organisations/population_profile_confirm_delete.html",
        {
            "organisation": organisation,
            "profile": profile,
            "error_messages": error_messages,
        },
    )
