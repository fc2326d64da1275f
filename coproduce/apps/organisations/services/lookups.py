"""Area lookups: deprivation indices and the postcode → area lookup.

Both come from files the organisation downloads and uploads itself; nothing is
fetched from the internet. Files are checked row by row first
(`services.deprivation_file` and `services.postcode_file`); nothing is saved
unless every row is valid. See docs/area-lookups.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import IO

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from coproduce.apps.accounts.models import User
from coproduce.apps.audit.services import audit_event_create
from coproduce.apps.organisations.errors import (
    DeprivationIndexError,
    PostcodeLookupError,
)
from coproduce.apps.organisations.models import (
    DeprivationArea,
    DeprivationIndex,
    Organisation,
    PostcodeArea,
)
from coproduce.apps.organisations.permissions import can_manage_area_lookups
from coproduce.apps.organisations.services.deprivation_file import (
    deprivation_file_check,
)
from coproduce.apps.organisations.services.postcode_file import postcode_file_check

_BATCH_SIZE = 5000
# Prefixes per DELETE … IN (…): well inside SQLite's limit on query parameters.
_DELETE_BATCH_SIZE = 500


class PostcodeLookupMode:
    """What an upload does to the postcodes already in the lookup."""

    REPLACE = "replace"  # delete them all first
    ADD = "add"  # keep them; the file's rows win for postcodes in both

    ALL = (REPLACE, ADD)


@dataclass(frozen=True)
class DeprivationImport:
    index: DeprivationIndex
    n_areas: int
    n_skipped_rows: int


@dataclass(frozen=True)
class PostcodeLookupImport:
    n_postcodes: int  # distinct postcodes in the file
    n_added: int  # postcodes new to the lookup
    n_changed: int  # postcodes already in the lookup, now in another area
    n_removed: int  # postcodes of the old lookup not in the file (replace only)
    n_total: int  # postcodes in the lookup afterwards


@transaction.atomic
def deprivation_index_import(
    *,
    actor: User,
    organisation: Organisation,
    name: str,
    nation: str,
    edition: str,
    geography: str,
    file: IO[bytes],
    notes: str = "",
) -> DeprivationImport:
    """Create a deprivation index from a CSV or XLSX file of deciles per area.

    Rows for codes that are not areas of the organisation are skipped and
    counted, so a national file can be uploaded as it is. Every row for the
    organisation's areas is checked before anything is written. Raises
    PermissionDenied (only administrators and analysts may import),
    DeprivationIndexError (a name already used, an unreadable file, no area
    of the organisation in the file, or up to 50 problems naming their rows
    and columns) or ValidationError.
    """
    if not can_manage_area_lookups(actor, organisation):
        raise PermissionDenied
    name = name.strip()
    if (
        name
        and DeprivationIndex.objects.filter(
            organisation=organisation, name=name
        ).exists()
    ):
        raise DeprivationIndexError(
            _(
                "Another deprivation index is already called %(name)s. Choose a "
                "different name, or delete the old index first."
            )
            % {"name": name},
            field="name",
        )
    index = DeprivationIndex(
        organisation=organisation,
        name=name,
        nation=nation,
        edition=edition.strip(),
        geography=geography.strip(),
        notes=notes.strip(),
        created_by=actor,
    )
    index.full_clean()
    filename = str(getattr(file, "name", "") or "")
    checked = deprivation_file_check(
        organisation=organisation, nation=nation, file=file, filename=filename
    )
    index.n_skipped_rows = checked.n_skipped_rows
    index.save()
    # Every value was checked above, cell by cell, so the rows skip
    # full_clean(): a county's thousand small areas need no thousand queries.
    DeprivationArea.objects.bulk_create(
        [
            DeprivationArea(
                index=index,
                area=cell.area,
                decile=cell.decile,
                rank=cell.rank,
                residents=cell.residents,
            )
            for cell in checked.cells
        ],
        batch_size=_BATCH_SIZE,
    )
    audit_event_create(
        actor=actor,
        action="deprivation_index.import",
        target=index,
        changes={
            "name": index.name,
            "nation": index.nation,
            "edition": index.edition,
            "geography": index.geography,
            "file": filename[-255:],
            "n_areas": len(checked.cells),
            "n_skipped_rows": checked.n_skipped_rows,
        },
    )
    return DeprivationImport(
        index=index,
        n_areas=len(checked.cells),
        n_skipped_rows=checked.n_skipped_rows,
    )


@transaction.atomic
def deprivation_index_delete(*, actor: User, index: DeprivationIndex) -> None:
    """Delete a deprivation index and its deciles.

    Raises PermissionDenied (only administrators and analysts may delete).
    """
    if not can_manage_area_lookups(actor, index.organisation):
        raise PermissionDenied
    index = DeprivationIndex.objects.select_for_update().get(pk=index.pk)
    audit_event_create(
        actor=actor,
        action="deprivation_index.delete",
        target=index,
        changes={
            "name": index.name,
            "nation": index.nation,
            "edition": index.edition,
            "n_areas": index.areas.count(),
        },
    )
    index.delete()


def _lock(organisation: Organisation) -> None:
    # Two uploads at once would interleave their deletes and inserts; the
    # organisation's row serialises them.
    Organisation.objects.select_for_update().filter(pk=organisation.pk).first()


@transaction.atomic
def postcode_lookup_import(
    *,
    actor: User,
    organisation: Organisation,
    file: IO[bytes],
    mode: str = PostcodeLookupMode.REPLACE,
) -> PostcodeLookupImport:
    """Load the organisation's postcode → area lookup from a CSV or XLSX file.

    With `mode` "replace" (the default) the lookup afterwards holds exactly the
    file's rows; with "add" it keeps its other rows too, and the file's rows
    win for postcodes in both. Every row is checked before anything is
    written, and then only rows that differ are. Raises PermissionDenied (only
    administrators and analysts may upload) or PostcodeLookupError (an unknown
    mode, an unreadable file, or up to 50 problems naming their rows and
    columns).
    """
    if not can_manage_area_lookups(actor, organisation):
        raise PermissionDenied
    if mode not in PostcodeLookupMode.ALL:
        raise PostcodeLookupError(
            _("Choose whether to replace the lookup or add to it."), field="mode"
        )
    filename = str(getattr(file, "name", "") or "")
    checked = postcode_file_check(
        organisation=organisation, file=file, filename=filename
    )
    _lock(organisation)
    existing = PostcodeArea.objects.filter(organisation=organisation)
    in_file = checked.area_of_prefix
    current = dict(existing.values_list("prefix", "area_id"))
    # Only what differs is written, so uploading next year's file again
    # touches the few postcodes that moved, not all of them.
    changed = [
        p for p, area_id in in_file.items() if current.get(p, area_id) != area_id
    ]
    removed = (
        [prefix for prefix in current if prefix not in in_file]
        if mode == PostcodeLookupMode.REPLACE
        else []
    )
    if len(changed) + len(removed) == len(current):
        existing.delete()  # one statement instead of many batches
    else:
        stale = changed + removed
        for start in range(0, len(stale), _DELETE_BATCH_SIZE):
            existing.filter(
                prefix__in=stale[start : start + _DELETE_BATCH_SIZE]
            ).delete()
    # Checked above row by row; full_clean() per row would cost a query each.
    PostcodeArea.objects.bulk_create(
        (
            PostcodeArea(organisation=organisation, prefix=prefix, area_id=area_id)
            for prefix, area_id in in_file.items()
            if current.get(prefix) != area_id
        ),
        batch_size=_BATCH_SIZE,
    )
    n_added = sum(1 for prefix in in_file if prefix not in current)
    n_total = existing.count()
    audit_event_create(
        actor=actor,
        action="postcode_lookup.import",
        target=organisation,
        organisation=organisation,
        changes={
            "mode": mode,
            "file": filename[-255:],
            "n_postcodes": len(in_file),
            "n_added": n_added,
            "n_changed": len(changed),
            "n_removed": len(removed),
            "n_total": n_total,
        },
    )
    return PostcodeLookupImport(
        n_postcodes=len(in_file),
        n_added=n_added,
        n_changed=len(changed),
        n_removed=len(removed),
        n_total=n_total,
    )


@transaction.atomic
def postcode_lookup_delete(*, actor: User, organisation: Organisation) -> int:
    """Delete the organisation's whole postcode lookup; return how many rows went.

    Responses already coded to an area keep it. Raises PermissionDenied (only
    administrators and analysts may delete).
    """
    if not can_manage_area_lookups(actor, organisation):
        raise PermissionDenied
    _lock(organisation)
    n_deleted, _by_model = PostcodeArea.objects.filter(
        organisation=organisation
    ).delete()
    audit_event_create(
        actor=actor,
        action="postcode_lookup.delete",
        target=organisation,
        organisation=organisation,
        changes={"n_deleted": n_deleted},
    )
    return n_deleted
