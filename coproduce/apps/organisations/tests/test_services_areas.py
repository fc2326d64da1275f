"""area_create, area_update, area_delete: rules, refusals and audit events."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from coproduce.apps.audit.models import AuditEvent
from coproduce.apps.organisations.errors import AreaCycleError, AreaError
from coproduce.apps.organisations.models import Area
from coproduce.apps.organisations.services import (
    area_create,
    area_delete,
    area_update,
)
from coproduce.apps.organisations.tests.factories import AreaFactory
from coproduce.testing.text import hostile_strings

NON_ADMIN_FIXTURES = [
    "officer",
    "analyst",
    "elected_member",
    "community_organiser",
    "resident",
    "staff_of_other_organisation",
]


def _update_kwargs(area: Area, **changes: object) -> dict[str, object]:
    kwargs: dict[str, object] = {
        "name_en": area.name_en,
        "name_cy": area.name_cy,
        "code": area.code,
        "level": area.level,
        "parent": area.parent,
    }
    kwargs.update(changes)
    return kwargs


# --- area_create ---------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("name", hostile_strings(max_length=200))
def test_create_stores_hostile_names_intact_and_records_an_audit_event(
    organisation, administrator, name
):
    area = area_create(
        actor=administrator,
        organisation=organisation,
        name_en=name,
        name_cy=name,
        code="W05000001",
        level=Area.Level.WARD,
    )

    area.refresh_from_db()
    assert area.name_en == name
    assert area.name_cy == name
    event = AuditEvent.objects.get()
    assert event.action == "area.create"
    assert event.actor == administrator
    assert event.organisation == organisation
    assert event.target_id == str(area.pk)
    assert event.changes["code"] == "W05000001"


@pytest.mark.django_db
def test_create_normalises_the_code_to_upper_case_without_spaces(
    organisation, administrator
):
    area = area_create(
        actor=administrator,
        organisation=organisation,
        name_en="Splott",
        code="  w05000999 ",
        level=Area.Level.WARD,
    )

    assert Area.objects.get(pk=area.pk).code == "W05000999"


@pytest.mark.django_db
def test_create_refuses_a_code_already_used_in_the_organisation_and_saves_nothing(
    organisation, administrator
):
    AreaFactory(organisation=organisation, code="W05000001")

    with pytest.raises(AreaError) as excinfo:
        area_create(
            actor=administrator,
            organisation=organisation,
            name_en="Duplicate",
            code="w05000001",
            level=Area.Level.WARD,
        )

    assert excinfo.value.field == "code"
    assert excinfo.value.messages == [
        "Another area already has the code W05000001. Each code must be unique."
    ]
    assert Area.objects.filter(organisation=organisation).count() == 1
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db
def test_create_allows_a_code_used_by_another_organisation(
    organisation, other_organisation, administrator
):
    AreaFactory(organisation=other_organisation, code="W05000001")

    area = area_create(
        actor=administrator,
        organisation=organisation,
        name_en="Same code, other council",
        code="W05000001",
        level=Area.Level.WARD,
    )

    assert Area.objects.filter(code="W05000001").count() == 2
    assert area.organisation == organisation


@pytest.mark.django_db
def test_create_refuses_a_parent_from_another_organisation(
    organisation, other_organisation, administrator
):
    foreign_parent = AreaFactory(organisation=other_organisation)

    with pytest.raises(AreaError) as excinfo:
        area_create(
            actor=administrator,
            organisation=organisation,
            name_en="Orphan",
            code="W05000002",
            level=Area.Level.WARD,
            parent=foreign_parent,
        )

    assert excinfo.value.field == "parent"
    assert "this organisation" in excinfo.value.messages[0]
    assert not Area.objects.filter(organisation=organisation).exists()
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("code", ["W05-0001", "W05 0001", "ŴALES", "W050000000001"])
def test_create_refuses_a_malformed_code_and_saves_nothing(
    organisation, administrator, code
):
    with pytest.raises(ValidationError) as excinfo:
        area_create(
            actor=administrator,
            organisation=organisation,
            name_en="Bad code",
            code=code,
            level=Area.Level.WARD,
        )

    assert "code" in excinfo.value.message_dict
    assert not Area.objects.exists()
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("actor_fixture", NON_ADMIN_FIXTURES)
def test_create_is_refused_for_everyone_but_an_administrator(
    request, organisation, actor_fixture
):
    actor = request.getfixturevalue(actor_fixture)

    with pytest.raises(PermissionDenied):
        area_create(
            actor=actor,
            organisation=organisation,
            name_en="Not allowed",
            code="W05000003",
            level=Area.Level.WARD,
        )

    assert not Area.objects.exists()
    assert not AuditEvent.objects.exists()


# --- area_update ---------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("name", hostile_strings(max_length=200))
def test_update_stores_hostile_names_and_records_only_the_changes(
    organisation, administrator, name
):
    area = AreaFactory(organisation=organisation, name_en="Old name", name_cy="Hen")

    area_update(
        actor=administrator,
        area=area,
        **_update_kwargs(area, name_en=name, name_cy=name, code="w05123456"),
    )

    area.refresh_from_db()
    assert (area.name_en, area.name_cy, area.code) == (name, name, "W05123456")
    event = AuditEvent.objects.get()
    assert event.action == "area.update"
    assert event.changes["name_en"] == {"before": "Old name", "after": name[:500]}
    assert "level" not in event.changes


@pytest.mark.django_db
def test_update_may_keep_the_areas_own_code(organisation, administrator):
    area = AreaFactory(organisation=organisation, code="W05000001")

    area_update(actor=administrator, area=area, **_update_kwargs(area, name_en="New"))

    assert Area.objects.get(pk=area.pk).name_en == "New"


@pytest.mark.django_db
def test_update_refuses_another_areas_code_and_changes_nothing(
    organisation, administrator
):
    AreaFactory(organisation=organisation, code="W05000001")
    area = AreaFactory(organisation=organisation, code="W05000002", name_en="Keep")

    with pytest.raises(AreaError, match="W05000001"):
        area_update(
            actor=administrator,
            area=area,
            **_update_kwargs(area, code="W05000001", name_en="Changed"),
        )

    area.refresh_from_db()
    assert (area.code, area.name_en) == ("W05000002", "Keep")
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db
def test_update_refuses_a_cycle_and_changes_nothing(organisation, administrator):
    # A contains B, B contains C; making C the parent of A would close a loop.
    a = AreaFactory(organisation=organisation)
    b = AreaFactory(organisation=organisation, parent=a)
    c = AreaFactory(organisation=organisation, parent=b)

    with pytest.raises(AreaCycleError) as excinfo:
        area_update(actor=administrator, area=a, **_update_kwargs(a, parent=c))

    assert excinfo.value.field == "parent"
    assert "Choose a different parent" in excinfo.value.messages[0]
    a.refresh_from_db()
    assert a.parent is None
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db
def test_update_refuses_an_area_as_its_own_parent(organisation, administrator):
    area = AreaFactory(organisation=organisation)

    with pytest.raises(AreaCycleError):
        area_update(actor=administrator, area=area, **_update_kwargs(area, parent=area))

    assert Area.objects.get(pk=area.pk).parent_id is None


@pytest.mark.django_db
def test_update_allows_moving_an_area_under_a_sibling(organisation, administrator):
    root = AreaFactory(organisation=organisation)
    left = AreaFactory(organisation=organisation, parent=root)
    right = AreaFactory(organisation=organisation, parent=root)

    area_update(actor=administrator, area=right, **_update_kwargs(right, parent=left))

    assert Area.objects.get(pk=right.pk).parent == left
    assert AuditEvent.objects.get().changes["parent"]["after"] == str(left)


@pytest.mark.django_db
def test_update_refuses_a_parent_from_another_organisation(
    organisation, other_organisation, administrator
):
    area = AreaFactory(organisation=organisation)
    foreign_parent = AreaFactory(organisation=other_organisation)

    with pytest.raises(AreaError) as excinfo:
        area_update(
            actor=administrator,
            area=area,
            **_update_kwargs(area, parent=foreign_parent),
        )

    assert excinfo.value.field == "parent"
    assert Area.objects.get(pk=area.pk).parent_id is None
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("actor_fixture", NON_ADMIN_FIXTURES)
def test_update_is_refused_for_everyone_but_an_administrator(
    request, organisation, actor_fixture
):
    actor = request.getfixturevalue(actor_fixture)
    area = AreaFactory(organisation=organisation, name_en="Keep")

    with pytest.raises(PermissionDenied):
        area_update(actor=actor, area=area, **_update_kwargs(area, name_en="Changed"))

    assert Area.objects.get(pk=area.pk).name_en == "Keep"
    assert not AuditEvent.objects.exists()


# --- area_delete ---------------------------------------------------------------


@pytest.mark.django_db
def test_delete_removes_the_area_and_keeps_its_name_in_the_audit_log(
    organisation, administrator
):
    area = AreaFactory(organisation=organisation, name_en="<script>alert(1)</script>")
    area_pk = area.pk

    area_delete(actor=administrator, area=area)

    assert not Area.objects.filter(pk=area_pk).exists()
    event = AuditEvent.objects.get()
    assert event.action == "area.delete"
    assert event.organisation == organisation
    assert event.target_id == str(area_pk)
    assert event.changes["name_en"] == "<script>alert(1)</script>"


@pytest.mark.django_db
def test_delete_refuses_an_area_with_smaller_areas_inside(organisation, administrator):
    parent = AreaFactory(organisation=organisation, name_en="Cardiff")
    AreaFactory(organisation=organisation, parent=parent)
    AreaFactory(organisation=organisation, parent=parent)

    with pytest.raises(AreaError) as excinfo:
        area_delete(actor=administrator, area=parent)

    assert excinfo.value.messages == [
        "Cardiff contains 2 smaller areas. Move or delete them first."
    ]
    assert Area.objects.filter(pk=parent.pk).exists()
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("actor_fixture", NON_ADMIN_FIXTURES)
def test_delete_is_refused_for_everyone_but_an_administrator(
    request, organisation, actor_fixture
):
    actor = request.getfixturevalue(actor_fixture)
    area = AreaFactory(organisation=organisation)

    with pytest.raises(PermissionDenied):
        area_delete(actor=actor, area=area)

    assert Area.objects.filter(pk=area.pk).exists()
    assert not AuditEvent.objects.exists()
