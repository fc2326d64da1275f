"""ONS Census 2021 uploads that need the officer's label choices, and saved mappings.

`census_upload` imports a profile like `population_profile_import`, but when
ONS labels are unknown it keeps the upload (CensusImportStaging) instead of
failing; `census_labels_save_and_import` saves the officer's choices as the
organisation's mappings and imports the kept files, all or nothing. See
docs/population-profiles.md.
"""

from __future__ import annotations

import base64
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import IO

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from coproduce.apps.accounts.models import User
from coproduce.apps.audit.services import audit_event_create
from coproduce.apps.core.about_you import ABOUT_YOU_FIELDS, PREFER_NOT_TO_SAY
from coproduce.apps.organisations.census_labels import label_key
from coproduce.apps.organisations.errors import PopulationProfileError
from coproduce.apps.organisations.models import (
    CensusImportStaging,
    CensusLabelMapping,
    Organisation,
    PopulationProfile,
)
from coproduce.apps.organisations.permissions import can_manage_population_profiles
from coproduce.apps.organisations.services.census_file import UnknownLabel
from coproduce.apps.organisations.services.population import (
    population_profile_import_summary,
    saved_census_labels,
    uploaded_tables,
)
from coproduce.apps.organisations.services.population_files import (
    CensusLabelsUnknownError,
    UploadedTable,
    population_files_check,
)

logger = logging.getLogger(__name__)

# What the mapping screen sends for "Leave out (not counted)".
LEAVE_OUT = "leave_out"


@dataclass(frozen=True)
class CensusUpload:
    """The outcome of an upload: a profile, or a staging waiting for choices."""

    profile: PopulationProfile | None
    staging: CensusImportStaging | None
    n_left_out_rows: int = 0
    n_left_out_residents: int = 0
    n_other_areas: int = 0  # nomis rows of areas that are not the organisation's


def _staging_tables(staging: CensusImportStaging) -> list[UploadedTable]:
    return [
        UploadedTable(str(item["name"]), base64.b64decode(item["content"]))
        for item in staging.files
    ]


@transaction.atomic
def census_upload(
    *,
    actor: User,
    organisation: Organisation,
    name: str,
    source: str,
    age_base: str,
    file: IO[bytes] | Sequence[IO[bytes]],
    notes: str = "",
    characteristic: str = "",
) -> CensusUpload:
    """Import a population profile, or keep the upload if ONS labels need choices.

    Raises what `population_profile_import` raises, except
    CensusLabelsUnknownError: then nothing is imported, the files are kept for
    a day for `actor` only, and the result names the staging.
    """
    if not can_manage_population_profiles(actor, organisation):
        raise PermissionDenied
    tables = uploaded_tables(file)
    try:
        profile, checked = population_profile_import_summary(
            actor=actor,
            organisation=organisation,
            name=name,
            source=source,
            age_base=age_base,
            file=tables,
            notes=notes,
            characteristic=characteristic,
        )
    except CensusLabelsUnknownError as exc:
        # Keeping the table tidy: nobody can open an expired upload anyway.
        census_stagings_purge_expired()
        staging = CensusImportStaging(
            organisation=organisation,
            created_by=actor,
            name=name.strip(),
            source=source.strip(),
            age_base=age_base.strip(),
            notes=notes.strip(),
            characteristic=characteristic,
            files=[
                {
                    "name": table.name,
                    "content": base64.b64encode(table.content).decode(),
                }
                for table in tables
            ],
        )
        staging.full_clean()
        staging.save()
        audit_event_create(
            actor=actor,
            action="census_import.stage",
            target=staging,
            organisation=organisation,
            changes={
                "name": staging.name,
                "files": [table.name[-255:] for table in tables],
                "unknown_labels": [item.label[:200] for item in exc.unknown[:50]],
            },
        )
        return CensusUpload(profile=None, staging=staging)
    return CensusUpload(
        profile=profile,
        staging=None,
        n_left_out_rows=checked.n_left_out_rows,
        n_left_out_residents=checked.n_left_out_residents,
        n_other_areas=checked.n_other_areas,
    )


@transaction.atomic
def census_stagings_purge_expired(*, now: datetime | None = None) -> int:
    """Delete kept census uploads past their expiry; return how many.

    Nobody can open an expired upload, but its files (residents' counts) would
    stay in the database until someone uploaded again. Runs before every kept
    upload and from the `purge_expired_uploads` command (cron). Each deletion
    is recorded in the organisation's audit log.
    """
    now = now or timezone.now()
    expired = list(
        CensusImportStaging.objects.select_related("organisation").filter(
            expires_at__lte=now
        )
    )
    for staging in expired:
        audit_event_create(
            actor=None,
            action="census_import.expire",
            target=staging,
            organisation=staging.organisation,
            changes={"name": staging.name, "created_by": staging.created_by_id},
        )
    if expired:
        logger.info("Deleting %d expired census upload(s)", len(expired))
        CensusImportStaging.objects.filter(
            pk__in=[staging.pk for staging in expired]
        ).delete()
    return len(expired)


def census_staging_unknown_labels(
    *, staging: CensusImportStaging
) -> list[UnknownLabel]:
    """The labels of a kept upload that still need a choice (none if all known now).

    `staging` must come from `selectors.census_staging_get`. Raises
    PopulationProfileError if the kept files no longer pass their checks (an
    area deleted since the upload, for example).
    """
    try:
        population_files_check(
            organisation=staging.organisation,
            files=_staging_tables(staging),
            characteristic=staging.characteristic,
            saved_labels=saved_census_labels(staging.organisation),
        )
    except CensusLabelsUnknownError as exc:
        return exc.unknown
    return []


def _category_allowed(characteristic: str, category: str) -> bool:
    choices = ABOUT_YOU_FIELDS.get(characteristic)
    return (
        choices is not None
        and category in choices.values
        and category != PREFER_NOT_TO_SAY
    )


def _mapping_save(
    *,
    actor: User,
    organisation: Organisation,
    characteristic: str,
    label: str,
    category: str,
) -> CensusLabelMapping:
    """Create or update the organisation's mapping of `label`, safe against a race.

    Two people may choose for the same new label at the same moment: both find
    no mapping, and the second INSERT hits the unique constraint. The INSERT
    runs in a savepoint; on that conflict the row the other person saved is
    updated instead, as if they had saved first (the later choice wins, as for
    any two saves one after the other). If even that fails (the row deleted
    meanwhile, say), the officer is asked to try again: never a 500.
    """
    key = label_key(label)
    lookup = {
        "organisation": organisation,
        "characteristic": characteristic,
        "source_label_key": key,
    }
    for _attempt in range(2):
        mapping = CensusLabelMapping.objects.select_for_update().filter(
            **lookup
        ).first() or CensusLabelMapping(**lookup, created_by=actor)
        mapping.source_label = label[:500]
        mapping.category = category
        # The unique constraint is left to the database: checking it here
        # could not see another person's save that has not committed yet.
        mapping.full_clean(validate_constraints=False)
        try:
            with transaction.atomic():
                mapping.save()
        except IntegrityError:
            logger.info("Census label mapping saved concurrently; updating it")
            continue
        return mapping
    raise PopulationProfileError(
        _(
            "Someone else saved a choice for '%(label)s' at the same moment. "
            "Check the choices and select “Save choices and import” again."
        )
        % {"label": label}
    )


@transaction.atomic
def census_labels_save_and_import(
    *,
    actor: User,
    staging: CensusImportStaging,
    choices: Mapping[tuple[str, str], str],
) -> CensusUpload:
    """Save the officer's choices as the organisation's mappings, then import.

    `choices` maps (characteristic, label as in the file) to a category value or
    LEAVE_OUT. All or nothing: if the import fails, no mapping is saved and the
    upload stays for another try. Raises PermissionDenied (not the uploader, or
    not an administrator or analyst), PopulationProfileError (a choice that is
    not a category, a label still without a choice, or any problem the import
    finds) or ValidationError.
    """
    organisation = staging.organisation
    if (
        not can_manage_population_profiles(actor, organisation)
        or staging.created_by_id != actor.pk
    ):
        raise PermissionDenied
    staging = CensusImportStaging.objects.select_for_update().get(pk=staging.pk)
    if staging.is_expired:
        raise PopulationProfileError(
            _("This upload has expired. Upload the files again.")
        )
    for (characteristic, label), choice in choices.items():
        category = "" if choice == LEAVE_OUT else choice
        if choice != LEAVE_OUT and not _category_allowed(characteristic, category):
            raise PopulationProfileError(
                _("Choose a category for '%(label)s', or leave it out.")
                % {"label": label}
            )
        mapping = _mapping_save(
            actor=actor,
            organisation=organisation,
            characteristic=characteristic,
            label=label,
            category=category,
        )
        audit_event_create(
            actor=actor,
            action="census_label_mapping.save",
            target=mapping,
            organisation=organisation,
            changes={
                "characteristic": characteristic,
                "label": mapping.source_label[:200],
                "category": category,
            },
        )
    try:
        profile, checked = population_profile_import_summary(
            actor=actor,
            organisation=organisation,
            name=staging.name,
            source=staging.source,
            age_base=staging.age_base,
            file=_staging_tables(staging),
            notes=staging.notes,
            characteristic=staging.characteristic,
        )
    except CensusLabelsUnknownError as exc:
        raise PopulationProfileError(
            [
                _("Choose a category for '%(label)s', or leave it out.")
                % {"label": item.label}
                for item in exc.unknown[:50]
            ]
        ) from None
    staging.delete()
    return CensusUpload(
        profile=profile,
        staging=None,
        n_left_out_rows=checked.n_left_out_rows,
        n_left_out_residents=checked.n_left_out_residents,
        n_other_areas=checked.n_other_areas,
    )


@transaction.atomic
def census_import_cancel(*, actor: User, staging: CensusImportStaging) -> None:
    """Forget a kept upload. Raises PermissionDenied for anyone but its uploader."""
    if (
        not can_manage_population_profiles(actor, staging.organisation)
        or staging.created_by_id != actor.pk
    ):
        raise PermissionDenied
    audit_event_create(
        actor=actor,
        action="census_import.cancel",
        target=staging,
        organisation=staging.organisation,
        changes={"name": staging.name},
    )
    staging.delete()


@transaction.atomic
def census_label_mapping_delete(*, actor: User, mapping: CensusLabelMapping) -> None:
    """Forget a saved label mapping; later imports ask again.

    Profiles already imported keep their counts. Raises PermissionDenied (only
    administrators and analysts).
    """
    if not can_manage_population_profiles(actor, mapping.organisation):
        raise PermissionDenied
    audit_event_create(
        actor=actor,
        action="census_label_mapping.delete",
        target=mapping,
        organisation=mapping.organisation,
        changes={
            "characteristic": mapping.characteristic,
            "label": mapping.source_label[:200],
            "category": mapping.category,
        },
    )
    mapping.delete()
