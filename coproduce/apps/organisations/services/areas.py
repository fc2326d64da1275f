"""Writes to an organisation's tree of areas."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from coproduce.apps.accounts.models import User
from coproduce.apps.audit.services import audit_diff, audit_event_create, audit_snapshot
from coproduce.apps.organisations.errors import AreaCycleError, AreaError
from coproduce.apps.organisations.models import Area, Organisation
from coproduce.apps.organisations.permissions import can_manage_organisation

_AREA_FIELDS = ["name_en", "name_cy", "code", "level", "parent"]


def _normalise_code(code: str) -> str:
    # Codes are published in capitals; accept "w05000001 " as typed.
    return code.strip().upper()


def _check_code_is_free(
    *, organisation: Organisation, code: str, area_pk: int | None
) -> None:
    clash = Area.objects.filter(organisation=organisation, code=code)
    if area_pk is not None:  # editing: the area's own code is not a clash
        clash = clash.exclude(pk=area_pk)
    if clash.exists():
        raise AreaError(
            _("Another area already has the code %(code)s. Each code must be unique.")
            % {"code": code},
            field="code",
        )


def _check_parent(
    *, organisation: Organisation, area_pk: int | None, parent: Area | None
) -> None:
    if parent is None:
        return
    if parent.organisation_id != organisation.pk:
        raise AreaError(
            _("Choose a parent area from this organisation."), field="parent"
        )
    if area_pk is None:
        return
    # Walk up from the new parent: meeting the area itself means a cycle.
    current: Area | None = parent
    seen: set[int] = set()
    while current is not None and current.pk not in seen:
        if current.pk == area_pk:
            raise AreaCycleError(
                _(
                    "An area cannot be part of itself or of one of its own smaller "
                    "areas. Choose a different parent."
                ),
                field="parent",
            )
        seen.add(current.pk)
        current = current.parent


@transaction.atomic
def area_create(
    *,
    actor: User | None,
    organisation: Organisation,
    name_en: str,
    name_cy: str = "",
    code: str,
    level: str,
    parent: Area | None = None,
) -> Area:
    """Add an area to the organisation's tree.

    Raises PermissionDenied, AreaError (duplicate code, foreign parent) or
    ValidationError.
    """
    if actor is not None and not can_manage_organisation(actor, organisation):
        raise PermissionDenied
    code = _normalise_code(code)
    _check_code_is_free(organisation=organisation, code=code, area_pk=None)
    _check_parent(organisation=organisation, area_pk=None, parent=parent)
    area = Area(
        organisation=organisation,
        name_en=name_en.strip(),
        name_cy=name_cy.strip(),
        code=code,
        level=level,
        parent=parent,
    )
    area.full_clean()
    area.save()
    audit_event_create(
        actor=actor,
        action="area.create",
        target=area,
        changes=audit_snapshot(area, _AREA_FIELDS),
    )
    return area


@transaction.atomic
def area_update(
    *,
    actor: User,
    area: Area,
    name_en: str,
    name_cy: str,
    code: str,
    level: str,
    parent: Area | None,
) -> Area:
    """Change an area.

    Raises PermissionDenied, AreaError, AreaCycleError or ValidationError.
    """
    if not can_manage_organisation(actor, area.organisation):
        raise PermissionDenied
    area = (
        Area.objects.select_for_update().select_related("organisation").get(pk=area.pk)
    )
    before = audit_snapshot(area, _AREA_FIELDS)
    code = _normalise_code(code)
    _check_code_is_free(organisation=area.organisation, code=code, area_pk=area.pk)
    _check_parent(organisation=area.organisation, area_pk=area.pk, parent=parent)
    area.name_en = name_en.strip()
    area.name_cy = name_cy.strip()
    area.code = code
    area.level = level
    area.parent = parent
    area.full_clean()
    area.save(
        update_fields=["name_en", "name_cy", "code", "level", "parent", "updated_at"]
    )
    audit_event_create(
        actor=actor,
        action="area.update",
        target=area,
        changes=audit_diff(before, audit_snapshot(area, _AREA_FIELDS)),
    )
    return area


@transaction.atomic
def area_delete(*, actor: User, area: Area) -> None:
    """Delete an area that has no smaller areas inside it.

    Raises PermissionDenied or AreaError.
    """
    if not can_manage_organisation(actor, area.organisation):
        raise PermissionDenied
    area = Area.objects.select_for_update().get(pk=area.pk)
    n_children = Area.objects.filter(parent=area).count()
    if n_children:
        raise AreaError(
            _("%(name)s contains %(count)d smaller areas. Move or delete them first.")
            % {"name": area.name, "count": n_children}
        )
    snapshot = audit_snapshot(area, _AREA_FIELDS)
    audit_event_create(actor=actor, action="area.delete", target=area, changes=snapshot)
    area.delete()
