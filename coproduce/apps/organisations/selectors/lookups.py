"""Reads for area lookups: postcodes to areas, and deprivation indices."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Count, QuerySet
from django.db.models.functions import Length
from django.shortcuts import get_object_or_404

from coproduce.apps.accounts.models import User
from coproduce.apps.organisations.models import (
    Area,
    DeprivationArea,
    DeprivationIndex,
    Organisation,
    PostcodeArea,
)
from coproduce.apps.organisations.permissions import (
    can_view_area_lookups,
)
from coproduce.apps.organisations.postcodes import (
    is_postcode_prefix,
    postcode_compact,
)


def area_for_postcode(*, organisation: Organisation, postcode: str) -> Area | None:
    """The area a postcode falls in for this organisation, or None.

    `postcode` may have spaces or lower case. The longest matching prefix wins
    (a unit beats its sector, a sector its district), as PostcodeArea says.
    """
    match = postcode_lookup_match(organisation=organisation, postcode=postcode)
    return match.area if match is not None else None


def _prefixes(compact: str) -> list[str]:
    """Every start of a compact postcode that could be in the lookup, longest first."""
    return [compact[:length] for length in range(min(len(compact), 7), 1, -1)]


def postcode_lookup_match(
    *, organisation: Organisation, postcode: str
) -> PostcodeArea | None:
    """The lookup row a postcode falls under (its longest prefix), or None."""
    compact = postcode_compact(postcode)
    if not compact:
        return None
    return (
        PostcodeArea.objects.filter(
            organisation=organisation, prefix__in=_prefixes(compact)
        )
        .select_related("area")
        .order_by(Length("prefix").desc())
        .first()
    )


# Up to this many candidate prefixes are looked up with one IN query; more, and
# the whole lookup is loaded instead (still one query).
_MAX_PREFIXES_IN_QUERY = 5000


def postcode_key(postcode: str) -> str:
    """The key `areas_for_postcodes` gives `postcode`: capitals, no spaces."""
    return postcode_compact(postcode)


def areas_for_postcodes(
    *, organisation: Organisation, postcodes: Iterable[str]
) -> dict[str, int | None]:
    """Area id of each postcode in the organisation's lookup, in one query.

    Keys are the postcodes normalised as the lookup stores them (capitals, no
    spaces: "cf10 1aa" → "CF101AA"); each value is the area id of the longest
    matching prefix (unit, then sector, then district), or None for a postcode
    that is not in the lookup, is blank, or is not a postcode. Not scoped by
    actor: callers (inclusion snapshots) have checked who may see the result.
    """
    compacts = {postcode_compact(postcode) for postcode in postcodes}
    valid = {compact for compact in compacts if is_postcode_prefix(compact)}
    candidates = {prefix for compact in valid for prefix in _prefixes(compact)}
    if not candidates:
        return dict.fromkeys(compacts)
    lookup = PostcodeArea.objects.filter(organisation=organisation)
    if len(candidates) <= _MAX_PREFIXES_IN_QUERY:
        lookup = lookup.filter(prefix__in=candidates)
    area_of_prefix = dict(lookup.values_list("prefix", "area_id"))
    return {
        compact: next(
            (
                area_of_prefix[prefix]
                for prefix in _prefixes(compact)
                if prefix in area_of_prefix
            ),
            None,
        )
        if compact in valid
        else None
        for compact in compacts
    }


@dataclass(frozen=True)
class PostcodeLookupSummary:
    n_postcodes: int
    areas: Sequence[Area]  # areas with postcodes, each with `n_postcodes`


def postcode_lookup_summary(
    *, actor: User | AnonymousUser, organisation: Organisation
) -> PostcodeLookupSummary:
    """How many postcodes the lookup holds, and per area. Raises PermissionDenied."""
    if not can_view_area_lookups(actor, organisation):
        raise PermissionDenied
    areas = list(
        Area.objects.filter(organisation=organisation)
        .annotate(n_postcodes=Count("postcode_prefixes"))
        .filter(n_postcodes__gt=0)
        .order_by("name", "pk")
    )
    return PostcodeLookupSummary(
        n_postcodes=sum(area.n_postcodes for area in areas), areas=areas
    )


def deprivation_index_list(
    *, actor: User | AnonymousUser, organisation: Organisation
) -> QuerySet[DeprivationIndex]:
    """The organisation's deprivation indices by name, with their numbers of areas.

    Raises PermissionDenied for non-members.
    """
    if not can_view_area_lookups(actor, organisation):
        raise PermissionDenied
    return (
        DeprivationIndex.objects.filter(organisation=organisation)
        .select_related("created_by")
        .annotate(n_areas=Count("areas"))
        .order_by("name", "pk")
    )


def deprivation_index_get(
    *, actor: User | AnonymousUser, organisation: Organisation, pk: int
) -> DeprivationIndex:
    """One index of the organisation; 404 if missing or in another organisation."""
    return get_object_or_404(
        deprivation_index_list(actor=actor, organisation=organisation), pk=pk
    )


@dataclass(frozen=True)
class DecileRow:
    """One area's decile (1 = most deprived 10 %) and residents (None if unknown)."""

    decile: int
    residents: int | None


def deprivation_deciles(*, index: DeprivationIndex) -> dict[int, DecileRow]:
    """Area id → decile and residents for every area in the index, in one query.

    `index` must come from `deprivation_index_get` (which checks the actor) or
    belong to the organisation whose data the caller reads.
    """
    return {
        area_id: DecileRow(decile=decile, residents=residents)
        for area_id, decile, residents in DeprivationArea.objects.filter(
            index=index
        ).values_list("area_id", "decile", "residents")
    }


def deprivation_area_list(*, index: DeprivationIndex) -> QuerySet[DeprivationArea]:
    """The index's areas, most deprived first, for the detail page."""
    return (
        DeprivationArea.objects.filter(index=index)
        .select_related("area")
        .order_by("decile", "rank", "area__code")
    )


def deprivation_small_areas_without_decile(*, index: DeprivationIndex) -> int:
    """How many of the organisation's small areas have no decile in the index."""
    return (
        Area.objects.filter(
            organisation_id=index.organisation_id, level=Area.Level.SMALL_AREA
        )
        .exclude(deprivation_deciles__index=index)
        .count()
    )


@dataclass(frozen=True)
class DeprivationLookup:
    """One deprivation index of an organisation with every area's decile."""

    index: DeprivationIndex
    deciles: dict[int, DecileRow]  # area id → decile and residents


def deprivation_lookups_for_organisation(
    *, organisation: Organisation
) -> list[DeprivationLookup]:
    """Every deprivation index of the organisation with its deciles, oldest
    first, in two queries. Not scoped by actor: for inclusion snapshots, whose
    service has checked who may see the result."""
    indices = list(
        DeprivationIndex.objects.filter(organisation=organisation).order_by(
            "created_at", "pk"
        )
    )
    by_index: dict[int, dict[int, DecileRow]] = {index.pk: {} for index in indices}
    for index_id, area_id, decile, residents in DeprivationArea.objects.filter(
        index__organisation=organisation
    ).values_list("index_id", "area_id", "decile", "residents"):
        by_index[index_id][area_id] = DecileRow(decile=decile, residents=residents)
    return [
        DeprivationLookup(index=index, deciles=by_index[index.pk]) for index in indices
    ]
