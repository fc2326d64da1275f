"""Reads for population profiles and their margins, scoped by the actor."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Count, QuerySet, Sum
from django.shortcuts import get_object_or_404

from coproduce.apps.accounts.models import User
from coproduce.apps.core.about_you import ABOUT_YOU_FIELDS
from coproduce.apps.organisations.models import (
    Area,
    Organisation,
    PopulationMargin,
    PopulationProfile,
)
from coproduce.apps.organisations.permissions import (
    can_view_population_profiles,
)
from coproduce.apps.organisations.selectors.areas import _area_children


def population_profile_list(
    *, actor: User | AnonymousUser, organisation: Organisation
) -> QuerySet[PopulationProfile]:
    """The organisation's population profiles by name, with their numbers of margins.

    Raises PermissionDenied for non-members.
    """
    if not can_view_population_profiles(actor, organisation):
        raise PermissionDenied
    return (
        PopulationProfile.objects.filter(organisation=organisation)
        .select_related("created_by")
        .annotate(n_margins=Count("margins"))
        .order_by("name", "pk")
    )


def population_profile_get(
    *, actor: User | AnonymousUser, organisation: Organisation, pk: int
) -> PopulationProfile:
    """One profile of the organisation; 404 if missing or in another organisation."""
    return get_object_or_404(
        population_profile_list(actor=actor, organisation=organisation), pk=pk
    )


def _covering_area_ids(
    *, organisation_id: int, area_ids: list[int], with_margins: set[int]
) -> set[int]:
    """The areas whose margins make up `area_ids` without counting anyone twice.

    An area with its own margins stands for itself; one without stands for its
    children, recursively, so a ward can be summed from its small areas. An area
    inside another chosen area is covered by it already.
    """
    children = _area_children(organisation_id)
    known = {pk for pks in children.values() for pk in pks}
    covering: set[int] = set()
    visited: set[int] = set()

    def cover(pk: int) -> None:
        if pk in visited:  # a chosen area inside another, or a cycle
            return
        visited.add(pk)
        if pk in with_margins:
            covering.add(pk)
            return
        for child in children.get(pk, []):
            cover(child)

    # Larger areas first, so a chosen ward inside a chosen district is not
    # counted beside it: visiting the district marks the ward visited.
    chosen = [pk for pk in area_ids if pk in known]
    depth: dict[int, int] = {}
    parent_of = {child: parent for parent, kids in children.items() for child in kids}
    for pk in chosen:
        level, current, seen = 0, parent_of.get(pk), {pk}
        while current is not None and current not in seen:
            seen.add(current)
            level += 1
            current = parent_of.get(current)
        depth[pk] = level
    for pk in sorted(chosen, key=lambda pk: depth[pk]):
        cover(pk)
    return covering


def population_margins(
    *,
    profile: PopulationProfile,
    characteristic: str,
    area_ids: list[int] | None = None,
) -> dict[str, int]:
    """Residents per category of `characteristic`, summed over areas, in form order.

    `profile` must come from `population_profile_get`, which checks the actor.
    With `area_ids`, each chosen area counts its own margins, or, where it has
    none, the sum of its smaller areas' (so wards add up from their small
    areas); areas of other organisations are ignored. Without `area_ids`, the
    areas at the top of the profile's own tree are summed, so nobody counts
    twice when a profile holds both a ward and its small areas. Categories with
    no margin row are left out.
    """
    margins = PopulationMargin.objects.filter(
        profile=profile, characteristic=characteristic
    )
    with_margins = set(margins.values_list("area_id", flat=True).distinct())
    if area_ids is None:
        # Roots of the organisation's tree: the profile's largest areas cover the rest.
        area_ids = list(
            Area.objects.filter(
                organisation_id=profile.organisation_id, parent__isnull=True
            ).values_list("pk", flat=True)
        )
    covering = _covering_area_ids(
        organisation_id=profile.organisation_id,
        area_ids=list(area_ids),
        with_margins=with_margins,
    )
    sums = dict(
        margins.filter(area_id__in=covering)
        .values_list("category")
        .annotate(total=Sum("count"))
        .values_list("category", "total")
    )
    choices = ABOUT_YOU_FIELDS.get(characteristic)
    order = list(choices.values) if choices is not None else []
    return {
        category: int(sums[category])
        for category in sorted(
            sums, key=lambda c: (order.index(c) if c in order else len(order), c)
        )
    }


def population_margin_rows(
    *, profile: PopulationProfile
) -> list[tuple[str, str, str, int]]:
    """Every count of the profile as (area code, characteristic, category,
    count), in the product's import layout, ordered by area code, then the
    "about you" order of characteristics. One query; `profile` must come from
    `population_profile_get`, which checks the actor."""
    order = {name: number for number, name in enumerate(ABOUT_YOU_FIELDS)}
    rows = list(
        PopulationMargin.objects.filter(profile=profile).values_list(
            "area__code", "characteristic", "category", "count"
        )
    )
    return sorted(rows, key=lambda row: (row[0], order.get(row[1], 99), row[2]))
