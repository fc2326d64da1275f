"""Population profiles: import census margins per area from files, and delete them.

The files are checked row by row first (`services.population_files`); nothing
is saved unless every row is valid. See docs/population-profiles.md.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import IO

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from coproduce.apps.accounts.models import User
from coproduce.apps.audit.services import audit_event_create
from coproduce.apps.core.tabular import max_import_bytes
from coproduce.apps.organisations.errors import PopulationProfileError
from coproduce.apps.organisations.models import (
    CensusLabelMapping,
    Organisation,
    PopulationMargin,
    PopulationProfile,
)
from coproduce.apps.organisations.permissions import can_manage_population_profiles
from coproduce.apps.organisations.services.population_files import (
    UploadCheck,
    UploadedTable,
    population_files_check,
)


def uploaded_tables(file: IO[bytes] | Sequence[IO[bytes]]) -> list[UploadedTable]:
    """The name and bytes of each uploaded file (one file, or several)."""
    files = [file] if hasattr(file, "read") else list(file)
    tables = []
    for one in files:
        if hasattr(one, "seek"):
            one.seek(0)  # a form may have read the upload already
        content = one.read(max_import_bytes() + 1)
        tables.append(UploadedTable(str(getattr(one, "name", "") or ""), content))
    return tables


def saved_census_labels(organisation: Organisation) -> dict[str, dict[str, str]]:
    """The organisation's label mappings: characteristic → label key → category."""
    saved: dict[str, dict[str, str]] = {}
    for characteristic, key, category in CensusLabelMapping.objects.filter(
        organisation=organisation
    ).values_list("characteristic", "source_label_key", "category"):
        saved.setdefault(characteristic, {})[key] = category
    return saved


# --- services ---------------------------------------------------------------------


@transaction.atomic
def population_profile_import_summary(
    *,
    actor: User,
    organisation: Organisation,
    name: str,
    source: str,
    age_base: str,
    file: IO[bytes] | Sequence[IO[bytes]] | Sequence[UploadedTable],
    notes: str = "",
    characteristic: str = "",
) -> tuple[PopulationProfile, UploadCheck]:
    """Create a population profile from one or more CSV or XLSX files of counts.

    Returns the profile and the checked upload (what ONS tables left out).

    `file` is an uploaded file (or any binary file object with a `name`), or
    several: files in the product's format and ONS Census 2021 tables add up
    into one profile. `characteristic` says what an ONS table counts when its
    heading does not. Every row is checked before anything is written; nothing
    is saved on any problem. Raises PermissionDenied (only administrators and
    analysts may import), PopulationProfileError (a name already used, an
    unreadable file, or up to 50 problems naming their files, rows and
    columns), CensusLabelsUnknownError (ONS labels that need the officer's
    choice; see `census_upload`) or ValidationError.
    """
    if not can_manage_population_profiles(actor, organisation):
        raise PermissionDenied
    name = name.strip()
    if (
        name
        and PopulationProfile.objects.filter(
            organisation=organisation, name=name
        ).exists()
    ):
        raise PopulationProfileError(
            _(
                "Another population profile is already called %(name)s. Choose a "
                "different name, or delete the old profile first."
            )
            % {"name": name},
            field="name",
        )
    profile = PopulationProfile(
        organisation=organisation,
        name=name,
        source=source.strip(),
        age_base=age_base.strip(),
        notes=notes.strip(),
        created_by=actor,
    )
    profile.full_clean()
    if isinstance(file, Sequence) and all(
        isinstance(one, UploadedTable) for one in file
    ):
        tables = [one for one in file if isinstance(one, UploadedTable)]
    else:
        tables = uploaded_tables(file)  # type: ignore[arg-type]
    checked = population_files_check(
        organisation=organisation,
        files=tables,
        characteristic=characteristic,
        saved_labels=saved_census_labels(organisation),
    )
    cells = checked.cells
    filename = ", ".join(table.name for table in tables)
    profile.save()
    # Every value was checked above, cell by cell, so the margins skip
    # full_clean(): 100,000 rows would otherwise cost 100,000 validations.
    PopulationMargin.objects.bulk_create(
        [
            PopulationMargin(
                profile=profile,
                area=cell.area,
                characteristic=cell.characteristic,
                category=cell.category,
                count=cell.count,
            )
            for cell in cells
        ],
        batch_size=2000,
    )
    audit_event_create(
        actor=actor,
        action="population_profile.import",
        target=profile,
        changes={
            "name": profile.name,
            "source": profile.source,
            "age_base": profile.age_base,
            "file": filename[-255:],
            "n_margins": len(cells),
            "n_areas": len({cell.area.pk for cell in cells}),
            "census_tables": checked.census_headings,
            "n_left_out_rows": checked.n_left_out_rows,
            "n_left_out_residents": checked.n_left_out_residents,
            "n_other_areas": checked.n_other_areas,
        },
    )
    return profile, checked


@transaction.atomic
def population_profile_import(
    *,
    actor: User,
    organisation: Organisation,
    name: str,
    source: str,
    age_base: str,
    file: IO[bytes] | Sequence[IO[bytes]] | Sequence[UploadedTable],
    notes: str = "",
    characteristic: str = "",
) -> PopulationProfile:
    """Create a population profile; see `population_profile_import_summary`."""
    profile, _checked = population_profile_import_summary(
        actor=actor,
        organisation=organisation,
        name=name,
        source=source,
        age_base=age_base,
        file=file,
        notes=notes,
        characteristic=characteristic,
    )
    return profile


@transaction.atomic
def population_profile_delete(*, actor: User, profile: PopulationProfile) -> None:
    """Delete a population profile and its margins.

    Raises PermissionDenied (only administrators and analysts may delete).
    """
    if not can_manage_population_profiles(actor, profile.organisation):
        raise PermissionDenied
    profile = PopulationProfile.objects.select_for_update().get(pk=profile.pk)
    audit_event_create(
        actor=actor,
        action="population_profile.delete",
        target=profile,
        changes={
            "name": profile.name,
            "source": profile.source,
            "age_base": profile.age_base,
            "n_margins": profile.margins.count(),
        },
    )
    profile.delete()
