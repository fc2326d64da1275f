"""organisation_create, organisation_update, membership_create."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from coproduce.apps.accounts.tests.factories import UserFactory
from coproduce.apps.audit.models import AuditEvent
from coproduce.apps.organisations.models import Membership, Organisation, Role
from coproduce.apps.organisations.services import (
    membership_create,
    organisation_create,
    organisation_update,
)
from coproduce.apps.organisations.tests.factories import OrganisationFactory
from coproduce.testing.text import hostile_strings

NON_ADMIN_FIXTURES = [
    "officer",
    "analyst",
    "elected_member",
    "community_organiser",
    "resident",
    "staff_of_other_organisation",
]


@pytest.mark.django_db
@pytest.mark.parametrize("name", hostile_strings(max_length=200))
def test_create_stores_hostile_bilingual_names_and_the_first_administrator(name):
    first_admin = UserFactory()

    organisation = organisation_create(
        actor=None,
        name_en=name,
        name_cy=name,
        slug="bro-morgannwg",
        kind=Organisation.Kind.COUNCIL,
        first_administrator=first_admin,
    )

    organisation.refresh_from_db()
    assert (organisation.name_en, organisation.name_cy) == (name, name)
    assert Membership.objects.get(organisation=organisation).user == first_admin
    assert Membership.objects.get(organisation=organisation).role == (
        Role.ADMINISTRATOR
    )
    assert list(AuditEvent.objects.order_by("pk").values_list("action", flat=True)) == [
        "organisation.create",
        "membership.create",
    ]
    assert AuditEvent.objects.filter(organisation=organisation).count() == 2


@pytest.mark.django_db
def test_create_by_support_staff_records_them_as_the_actor():
    support = UserFactory(is_superuser=True, is_staff=True)

    organisation_create(
        actor=support,
        name_en="Cardiff",
        name_cy="Caerdydd",
        slug="cardiff",
        kind=Organisation.Kind.COUNCIL,
    )

    assert AuditEvent.objects.get().actor == support


@pytest.mark.django_db
def test_create_refuses_a_welsh_name_left_blank_and_saves_nothing():
    with pytest.raises(ValidationError) as excinfo:
        organisation_create(
            actor=None,
            name_en="Cardiff",
            name_cy="",
            slug="cardiff",
            kind=Organisation.Kind.COUNCIL,
        )

    assert "name_cy" in excinfo.value.message_dict
    assert not Organisation.objects.exists()
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db
def test_create_refuses_a_slug_in_use(organisation):
    with pytest.raises(ValidationError) as excinfo:
        organisation_create(
            actor=None,
            name_en="Copy",
            name_cy="Copi",
            slug=organisation.slug,
            kind=Organisation.Kind.COUNCIL,
        )

    assert "slug" in excinfo.value.message_dict
    assert Organisation.objects.count() == 1
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("actor_fixture", ["administrator", "resident"])
def test_only_support_staff_or_set_up_scripts_create_organisations(
    request, actor_fixture
):
    actor = request.getfixturevalue(actor_fixture)
    n_before = Organisation.objects.count()

    with pytest.raises(PermissionDenied):
        organisation_create(
            actor=actor,
            name_en="Rogue",
            name_cy="Twyllodrus",
            slug="rogue",
            kind=Organisation.Kind.OTHER,
        )

    assert Organisation.objects.count() == n_before
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("name", hostile_strings(max_length=200))
def test_update_stores_hostile_names_and_records_the_difference(
    organisation, administrator, name
):
    organisation_update(
        actor=administrator,
        organisation=organisation,
        name_en=name,
        name_cy="Cyngor",
        kind=Organisation.Kind.HEALTH_BOARD,
    )

    organisation.refresh_from_db()
    assert organisation.name_en == name
    assert organisation.kind == Organisation.Kind.HEALTH_BOARD
    event = AuditEvent.objects.get()
    assert event.action == "organisation.update"
    assert event.changes["kind"] == {
        "before": Organisation.Kind.COUNCIL,
        "after": Organisation.Kind.HEALTH_BOARD,
    }
    assert "slug" not in event.changes


@pytest.mark.django_db
@pytest.mark.parametrize("actor_fixture", NON_ADMIN_FIXTURES)
def test_update_is_refused_for_everyone_but_an_administrator(
    request, organisation, actor_fixture
):
    actor = request.getfixturevalue(actor_fixture)
    name_before = organisation.name_en

    with pytest.raises(PermissionDenied):
        organisation_update(
            actor=actor,
            organisation=organisation,
            name_en="Taken over",
            name_cy="Wedi'i gymryd",
            kind=Organisation.Kind.OTHER,
        )

    organisation.refresh_from_db()
    assert organisation.name_en == name_before
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db
def test_update_refuses_an_unknown_kind(organisation, administrator):
    with pytest.raises(ValidationError) as excinfo:
        organisation_update(
            actor=administrator,
            organisation=organisation,
            name_en="Cardiff",
            name_cy="Caerdydd",
            kind="<script>",
        )

    assert "kind" in excinfo.value.message_dict
    organisation.refresh_from_db()
    assert organisation.kind == Organisation.Kind.COUNCIL
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db
def test_membership_create_by_an_administrator_is_audited(organisation, administrator):
    user = UserFactory()

    membership = membership_create(
        actor=administrator, organisation=organisation, user=user, role=Role.ANALYST
    )

    assert membership.role == Role.ANALYST
    event = AuditEvent.objects.get()
    assert event.action == "membership.create"
    assert event.changes == {"user": user.email, "role": Role.ANALYST}


@pytest.mark.django_db
@pytest.mark.parametrize("actor_fixture", NON_ADMIN_FIXTURES)
def test_membership_create_is_refused_for_everyone_but_an_administrator(
    request, organisation, actor_fixture
):
    actor = request.getfixturevalue(actor_fixture)
    user = UserFactory()

    with pytest.raises(PermissionDenied):
        membership_create(
            actor=actor, organisation=organisation, user=user, role=Role.ADMINISTRATOR
        )

    assert not Membership.objects.filter(user=user).exists()
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db
def test_membership_create_refuses_a_second_role_in_the_same_organisation(
    organisation, administrator, officer
):
    with pytest.raises(ValidationError):
        membership_create(
            actor=administrator,
            organisation=organisation,
            user=officer,
            role=Role.ANALYST,
        )

    assert Membership.objects.get(user=officer).role == Role.ENGAGEMENT_OFFICER
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db
def test_the_factory_gives_each_organisation_two_different_names():
    organisation = OrganisationFactory()

    assert organisation.name_en != organisation.name_cy
