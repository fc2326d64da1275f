"""Population profiles: import census margins per area from a file, and delete them.

The file is checked row by row first (`services.population_file`); nothing is
saved unless every row is valid. See docs/population-profiles.md.
"""

from __future__ import annotations

from typing import IO

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from coproduce.apps.accounts.models import User
from coproduce.apps.audit.services import audit_event_create
from coproduce.apps.organisations.errors import PopulationProfileError
from coproduce.apps.organisations.models import (
    Organisation,
    PopulationMargin,
    PopulationProfile,
)
from coproduce.apps.organisations.permissions import can_manage_population_profiles
from coproduce.apps.organisations.services.population_file import (
    population_file_check,
)

# --- services ---------------------------------------------------------------------


@transaction.atomic
def population_profile_import(
    *,
    actor: User,
    organisation: Organisation,
    name: str,
    source: str,
    age_base: str,
    file: IO[bytes],
    notes: str = "",
) -> PopulationProfile:
    """Create a population profile from a CSV or XLSX file of counts.

    `file` is an uploaded file (or any binary file object with a `name`). Every
    row is checked before anything is written; nothing is saved on any problem.
    Raises PermissionDenied (only administrators and analysts may import),
    PopulationProfileError (a name already used, an unreadable file, or up to
    50 problems naming their rows and columns) or ValidationError.
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
    filename = str(getattr(file, "name", "") or "")
    cells = population_file_check(
        organisation=organisation, file=file, filename=filename
    )
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
        },
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
