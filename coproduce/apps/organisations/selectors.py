"""Reads for organisations, areas, members and invitations, scoped by the actor."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Length
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from coproduce.apps.accounts.models import User
from coproduce.apps.core.about_you import ABOUT_YOU_FIELDS
from coproduce.apps.organisations.models import (
    Area,
    CensusImportStaging,
    CensusLabelMapping,
    DeprivationArea,
    DeprivationIndex,
    Invitation,
    Membership,
    Organisation,
    PopulationMargin,
    PopulationProfile,
    PostcodeArea,
    Role,
)
from coproduce.apps.organisations.permissions import (
    can_manage_organisation,
    can_manage_population_profiles,
    can_view_area_lookups,
    can_view_areas,
    can_view_population_profiles,
)
from coproduce.apps.organisations.postcodes import (
    is_postcode_prefix,
    postcode_compact,
)


def organisation_get(*, slug: str) -> Organisation:
    """The organisation with this slug, or 404. Organisations are public."""
    return get_object_or_404(Organisation, slug=slug)


def organisation_list() -> QuerySet[Organisation]:
    """Every organisation, for the public home page."""
    return Organisation.objects.order_by("name")


def organisation_list_for_user(*, user: User | AnonymousUser) -> QuerySet[Organisation]:
    """Organisations where `user` holds a role, by name."""
    if not user.is_authenticated:
        return Organisation.objects.none()
    return Organisation.objects.filter(memberships__user=user).order_by("name")


def membership_list_for_user(*, user: User | AnonymousUser) -> QuerySet[Membership]:
    """The user's memberships with their organisations, for navigation."""
    if not user.is_authenticated:
        return Membership.objects.none()
    return (
        Membership.objects.filter(user=user)
        .select_related("organisation")
        .order_by("organisation__name")
    )


def area_list(
    *, actor: User | AnonymousUser, organisation: Organisation
) -> QuerySet[Area]:
    """The organisation's areas. Raises PermissionDenied for non-members."""
    if not can_view_areas(actor, organisation):
        raise PermissionDenied
    return (
        Area.objects.filter(organisation=organisation)
        .select_related("parent")
        .annotate(n_children=Count("children"))
        .order_by("name", "pk")
    )


def area_tree(
    *, actor: User | AnonymousUser, organisation: Organisation
) -> list[tuple[Area, int]]:
    """Areas in tree order (each parent followed by its children) with their depth."""
    areas = list(area_list(actor=actor, organisation=organisation))
    children: dict[int | None, list[Area]] = {}
    for area in areas:
        children.setdefault(area.parent_id, []).append(area)
    ordered: list[tuple[Area, int]] = []

    def walk(parent_id: int | None, depth: int) -> None:
        for child in children.get(parent_id, []):
            ordered.append((child, depth))
            walk(child.pk, depth + 1)

    walk(None, 0)
    return ordered


def area_get(
    *, actor: User | AnonymousUser, organisation: Organisation, pk: int
) -> Area:
    """One area of the organisation, 404 if missing or in another organisation."""
    return get_object_or_404(area_list(actor=actor, organisation=organisation), pk=pk)


def area_list_ancestors(*, area: Area, include_self: bool = False) -> list[Area]:
    """The area's parents up to the root, nearest first."""
    ancestors = [area] if include_self else []
    current = area.parent
    seen = {area.pk}
    while current is not None and current.pk not in seen:
        ancestors.append(current)
        seen.add(current.pk)
        current = current.parent
    return ancestors


def membership_list(
    *, actor: User | AnonymousUser, organisation: Organisation
) -> QuerySet[Membership]:
    """Members of the organisation. Administrators only."""
    if not can_manage_organisation(actor, organisation):
        raise PermissionDenied
    return (
        Membership.objects.filter(organisation=organisation)
        .select_related("user")
        .order_by("user__email")
    )


def membership_get(
    *, actor: User | AnonymousUser, organisation: Organisation, pk: int
) -> Membership:
    return get_object_or_404(
        membership_list(actor=actor, organisation=organisation), pk=pk
    )


def organisation_list_where_sole_administrator(*, user: User) -> list[Organisation]:
    """Organisations that would have no administrator left without `user`."""
    administered_by_user = Organisation.objects.filter(
        memberships__user=user, memberships__role=Role.ADMINISTRATOR
    )
    # Count in a separate query: a Count over the join filtered to `user` above
    # would only ever see the user's own membership, and so always be 1.
    organisations = Organisation.objects.filter(pk__in=administered_by_user).annotate(
        n_administrators=Count(
            "memberships",
            filter=Q(memberships__role=Role.ADMINISTRATOR),
            distinct=True,
        )
    )
    return [o for o in organisations if o.n_administrators == 1]


def invitation_list(
    *, actor: User | AnonymousUser, organisation: Organisation
) -> QuerySet[Invitation]:
    """Invitations still waiting for a reply, newest first. Administrators only."""
    if not can_manage_organisation(actor, organisation):
        raise PermissionDenied
    return (
        Invitation.objects.filter(
            organisation=organisation, status=Invitation.Status.PENDING
        )
        .select_related("invited_by")
        .order_by("-created_at", "-pk")
    )


def invitation_get(
    *, actor: User | AnonymousUser, organisation: Organisation, pk: int
) -> Invitation:
    if not can_manage_organisation(actor, organisation):
        raise PermissionDenied
    return get_object_or_404(
        Invitation.objects.filter(organisation=organisation).select_related(
            "invited_by"
        ),
        pk=pk,
    )


def invitation_get_by_token(*, token: str) -> Invitation:
    """A pending invitation by its secret token; 404 for unknown or used tokens."""
    invitation = (
        Invitation.objects.filter(token=token, status=Invitation.Status.PENDING)
        .select_related("organisation")
        .first()
    )
    if invitation is None:
        raise Http404
    return invitation


def organisation_summary(*, organisation: Organisation) -> dict[str, int]:
    """Counts for the organisation dashboard."""
    return Organisation.objects.filter(pk=organisation.pk).aggregate(
        n_areas=Count("areas", distinct=True),
        n_members=Count("memberships", distinct=True),
        n_pending_invitations=Count(
            "invitations",
            filter=Q(invitations__status=Invitation.Status.PENDING),
            distinct=True,
        ),
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


def _area_children(organisation_id: int) -> dict[int | None, list[int]]:
    """Parent id (None for the roots) -> its children's ids, in one query."""
    children: dict[int | None, list[int]] = {}
    for pk, parent_id in Area.objects.filter(
        organisation_id=organisation_id
    ).values_list("pk", "parent_id"):
        children.setdefault(parent_id, []).append(pk)
    return children


def area_descendant_ids(*, organisation_id: int, area_id: int) -> list[int]:
    """The area and every smaller area under it in the organisation's tree.

    Responses are coded to the smallest area known (a postcode's small area),
    so "responses in this ward" means those of the ward and of its small
    areas. Each area comes once, even if the tree had a cycle; an area of
    another organisation gives none. One query.
    """
    children = _area_children(organisation_id)
    known = {pk for pks in children.values() for pk in pks}
    if area_id not in known:
        return []
    found: list[int] = []
    seen: set[int] = set()
    waiting = [area_id]
    while waiting:
        pk = waiting.pop()
        if pk in seen:
            continue
        seen.add(pk)
        found.append(pk)
        waiting.extend(children.get(pk, []))
    return sorted(found)


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


def census_label_mapping_list(
    *, actor: User | AnonymousUser, organisation: Organisation
) -> QuerySet[CensusLabelMapping]:
    """The organisation's saved ONS label mappings, by characteristic and label.

    Raises PermissionDenied for non-members (members read them, as they read
    population profiles).
    """
    if not can_view_population_profiles(actor, organisation):
        raise PermissionDenied
    return (
        CensusLabelMapping.objects.filter(organisation=organisation)
        .select_related("created_by")
        .order_by("characteristic", "source_label_key", "pk")
    )


def census_label_mapping_get(
    *, actor: User | AnonymousUser, organisation: Organisation, pk: int
) -> CensusLabelMapping:
    """One saved mapping of the organisation; 404 if missing or another's."""
    return get_object_or_404(
        census_label_mapping_list(actor=actor, organisation=organisation), pk=pk
    )


def census_staging_get(
    *, actor: User | AnonymousUser, organisation: Organisation, pk: int
) -> CensusImportStaging:
    """The actor's own upload waiting for label choices.

    Raises PermissionDenied for people who may not import profiles; 404 for an
    upload that is missing, expired, or someone else's.
    """
    if not can_manage_population_profiles(actor, organisation):
        raise PermissionDenied
    return get_object_or_404(
        CensusImportStaging.objects.select_related("organisation"),
        organisation=organisation,
        created_by_id=actor.pk,
        expires_at__gt=timezone.now(),
        pk=pk,
    )


# --- area lookups: postcodes and deprivation ------------------------------------------

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
