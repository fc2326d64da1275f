"""Reads for an organisation's areas and their tree, scoped by the actor."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Count, QuerySet
from django.shortcuts import get_object_or_404

from coproduce.apps.accounts.models import User
from coproduce.apps.organisations.models import (
    Area,
    Organisation,
)
from coproduce.apps.organisations.permissions import (
    can_view_areas,
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
