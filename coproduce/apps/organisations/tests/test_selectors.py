"""Reads are scoped to the organisation and the actor, with bounded queries."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

from coproduce.apps.organisations import selectors
from coproduce.apps.organisations.models import Invitation, Role
from coproduce.apps.organisations.tests.factories import (
    AreaFactory,
    InvitationFactory,
    MembershipFactory,
)

MEMBER_FIXTURES = [
    "administrator",
    "officer",
    "analyst",
    "elected_member",
    "community_organiser",
]
OUTSIDER_FIXTURES = ["resident", "staff_of_other_organisation"]
NON_ADMIN_FIXTURES = [f for f in MEMBER_FIXTURES if f != "administrator"]


@pytest.mark.django_db
def test_organisation_get_is_404_for_an_unknown_slug():
    with pytest.raises(Http404):
        selectors.organisation_get(slug="no-such-council")


@pytest.mark.django_db
def test_organisation_list_for_user_shows_only_their_organisations(
    organisation, other_organisation, officer
):
    assert list(selectors.organisation_list_for_user(user=officer)) == [organisation]
    assert not selectors.organisation_list_for_user(user=AnonymousUser()).exists()
    assert not selectors.membership_list_for_user(user=AnonymousUser()).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("actor_fixture", MEMBER_FIXTURES)
def test_every_member_sees_the_areas_of_their_organisation_only(
    request, organisation, other_organisation, actor_fixture
):
    actor = request.getfixturevalue(actor_fixture)
    own = AreaFactory(organisation=organisation)
    AreaFactory(organisation=other_organisation)

    assert list(selectors.area_list(actor=actor, organisation=organisation)) == [own]


@pytest.mark.django_db
@pytest.mark.parametrize("actor_fixture", OUTSIDER_FIXTURES)
def test_outsiders_cannot_list_areas(request, organisation, actor_fixture):
    actor = request.getfixturevalue(actor_fixture)
    AreaFactory(organisation=organisation)

    with pytest.raises(PermissionDenied):
        selectors.area_list(actor=actor, organisation=organisation)


@pytest.mark.django_db
def test_anonymous_visitors_cannot_list_areas(organisation):
    with pytest.raises(PermissionDenied):
        selectors.area_list(actor=AnonymousUser(), organisation=organisation)


@pytest.mark.django_db
def test_an_inactive_member_is_treated_as_an_outsider(organisation, officer):
    officer.is_active = False
    officer.save(update_fields=["is_active"])

    with pytest.raises(PermissionDenied):
        selectors.area_list(actor=officer, organisation=organisation)


@pytest.mark.django_db
def test_area_get_is_404_for_another_organisations_area(
    organisation, other_organisation, administrator
):
    foreign = AreaFactory(organisation=other_organisation)

    with pytest.raises(Http404):
        selectors.area_get(
            actor=administrator, organisation=organisation, pk=foreign.pk
        )


@pytest.mark.django_db
def test_area_get_is_403_for_an_administrator_of_another_organisation(
    organisation, staff_of_other_organisation
):
    area = AreaFactory(organisation=organisation)

    with pytest.raises(PermissionDenied):
        selectors.area_get(
            actor=staff_of_other_organisation, organisation=organisation, pk=area.pk
        )


@pytest.mark.django_db
def test_area_tree_lists_each_parent_before_its_children_with_depth(
    organisation, officer
):
    aber = AreaFactory(organisation=organisation, name_en="Aber")
    ely = AreaFactory(organisation=organisation, name_en="Ely")
    dol = AreaFactory(organisation=organisation, name_en="Dol", parent=aber)
    bryn = AreaFactory(organisation=organisation, name_en="Bryn", parent=aber)
    cwm = AreaFactory(organisation=organisation, name_en="Cwm", parent=bryn)
    AreaFactory(organisation=AreaFactory().organisation, name_en="Elsewhere")

    tree = selectors.area_tree(actor=officer, organisation=organisation)

    assert [(area.pk, depth) for area, depth in tree] == [
        (aber.pk, 0),
        (bryn.pk, 1),
        (cwm.pk, 2),
        (dol.pk, 1),
        (ely.pk, 0),
    ]
    n_children = {area.pk: area.n_children for area, _depth in tree}
    assert n_children == {aber.pk: 2, bryn.pk: 1, cwm.pk: 0, dol.pk: 0, ely.pk: 0}


@pytest.mark.django_db
def test_area_tree_uses_a_bounded_number_of_queries(
    organisation, officer, django_assert_max_num_queries
):
    root = AreaFactory(organisation=organisation)
    for _ in range(10):
        child = AreaFactory(organisation=organisation, parent=root)
        AreaFactory(organisation=organisation, parent=child)

    # One for the permission check, one for the areas with their parents.
    with django_assert_max_num_queries(2):
        tree = selectors.area_tree(actor=officer, organisation=organisation)
        names = [
            (area.name, area.parent.name if area.parent else "") for area, _ in tree
        ]

    assert len(names) == 21


@pytest.mark.django_db
def test_area_descendant_ids_walks_down_the_tree_once_each(
    organisation, django_assert_num_queries
):
    district = AreaFactory(organisation=organisation)
    ward = AreaFactory(organisation=organisation, parent=district)
    small = [AreaFactory(organisation=organisation, parent=ward) for _ in range(2)]
    sibling = AreaFactory(organisation=organisation, parent=district)
    AreaFactory(organisation=organisation)  # another root

    with django_assert_num_queries(1):
        found = selectors.area_descendant_ids(
            organisation_id=organisation.pk, area_id=ward.pk
        )
    assert found == sorted([ward.pk, small[0].pk, small[1].pk])
    assert selectors.area_descendant_ids(
        organisation_id=organisation.pk, area_id=district.pk
    ) == sorted([district.pk, ward.pk, small[0].pk, small[1].pk, sibling.pk])
    assert selectors.area_descendant_ids(
        organisation_id=organisation.pk, area_id=small[0].pk
    ) == [small[0].pk]


@pytest.mark.django_db
def test_area_descendant_ids_survives_a_cycle_and_ignores_other_organisations(
    organisation,
):
    from coproduce.apps.organisations.models import Area

    first = AreaFactory(organisation=organisation)
    second = AreaFactory(organisation=organisation, parent=first)
    Area.objects.filter(pk=first.pk).update(parent=second)  # a bad tree
    assert selectors.area_descendant_ids(
        organisation_id=organisation.pk, area_id=first.pk
    ) == sorted([first.pk, second.pk])
    elsewhere = AreaFactory()
    assert (
        selectors.area_descendant_ids(
            organisation_id=organisation.pk, area_id=elsewhere.pk
        )
        == []
    )


@pytest.mark.django_db
def test_area_list_ancestors_goes_up_to_the_root(organisation):
    county = AreaFactory(organisation=organisation)
    ward = AreaFactory(organisation=organisation, parent=county)
    lsoa = AreaFactory(organisation=organisation, parent=ward)

    assert selectors.area_list_ancestors(area=lsoa) == [ward, county]
    assert selectors.area_list_ancestors(area=lsoa, include_self=True) == [
        lsoa,
        ward,
        county,
    ]


@pytest.mark.django_db
def test_membership_list_shows_this_organisations_members_to_administrators(
    organisation, administrator, officer, staff_of_other_organisation
):
    members = selectors.membership_list(actor=administrator, organisation=organisation)

    assert {m.user for m in members} == {administrator, officer}


@pytest.mark.django_db
def test_membership_list_uses_a_bounded_number_of_queries(
    organisation, administrator, django_assert_max_num_queries
):
    for role in Role.values * 4:
        MembershipFactory(organisation=organisation, role=role)

    with django_assert_max_num_queries(2):
        emails = [
            m.user.email
            for m in selectors.membership_list(
                actor=administrator, organisation=organisation
            )
        ]

    assert len(emails) == 21


@pytest.mark.django_db
@pytest.mark.parametrize("actor_fixture", NON_ADMIN_FIXTURES + OUTSIDER_FIXTURES)
def test_only_administrators_list_members_and_invitations(
    request, organisation, actor_fixture
):
    actor = request.getfixturevalue(actor_fixture)

    with pytest.raises(PermissionDenied):
        selectors.membership_list(actor=actor, organisation=organisation)
    with pytest.raises(PermissionDenied):
        selectors.invitation_list(actor=actor, organisation=organisation)


@pytest.mark.django_db
def test_membership_get_is_404_for_another_organisations_member(
    organisation, administrator, staff_of_other_organisation, other_organisation
):
    foreign = staff_of_other_organisation.memberships.get(
        organisation=other_organisation
    )

    with pytest.raises(Http404):
        selectors.membership_get(
            actor=administrator, organisation=organisation, pk=foreign.pk
        )


@pytest.mark.django_db
def test_invitation_list_shows_pending_invitations_newest_first(
    organisation, other_organisation, administrator
):
    older = InvitationFactory(organisation=organisation)
    newer = InvitationFactory(organisation=organisation)
    InvitationFactory(organisation=organisation, status=Invitation.Status.CANCELLED)
    InvitationFactory(organisation=organisation, status=Invitation.Status.ACCEPTED)
    InvitationFactory(organisation=other_organisation)
    Invitation.objects.filter(pk=older.pk).update(
        created_at=timezone.now() - timedelta(days=1)
    )

    invitations = selectors.invitation_list(
        actor=administrator, organisation=organisation
    )

    assert list(invitations) == [newer, older]


@pytest.mark.django_db
def test_invitation_list_uses_a_bounded_number_of_queries(
    organisation, administrator, django_assert_max_num_queries
):
    for _ in range(15):
        InvitationFactory(organisation=organisation)

    with django_assert_max_num_queries(2):
        inviters = [
            i.invited_by.email
            for i in selectors.invitation_list(
                actor=administrator, organisation=organisation
            )
        ]

    assert len(inviters) == 15


@pytest.mark.django_db
def test_invitation_get_is_404_for_another_organisations_invitation(
    organisation, other_organisation, administrator
):
    foreign = InvitationFactory(organisation=other_organisation)

    with pytest.raises(Http404):
        selectors.invitation_get(
            actor=administrator, organisation=organisation, pk=foreign.pk
        )


@pytest.mark.django_db
@pytest.mark.parametrize(
    "status", [Invitation.Status.CANCELLED, Invitation.Status.ACCEPTED]
)
def test_invitation_get_by_token_is_404_once_the_invitation_is_used(status):
    invitation = InvitationFactory(status=status)

    with pytest.raises(Http404):
        selectors.invitation_get_by_token(token=invitation.token)


@pytest.mark.django_db
def test_organisation_summary_counts_only_this_organisation(
    organisation, other_organisation, administrator, officer
):
    AreaFactory.create_batch(3, organisation=organisation)
    AreaFactory(organisation=other_organisation)
    InvitationFactory(organisation=organisation)
    InvitationFactory(organisation=organisation, status=Invitation.Status.CANCELLED)

    assert selectors.organisation_summary(organisation=organisation) == {
        "n_areas": 3,
        "n_members": 2,
        "n_pending_invitations": 1,
    }


@pytest.mark.django_db
def test_sole_administrator_list_names_only_organisations_with_one_administrator(
    organisation, other_organisation, administrator
):
    MembershipFactory(
        organisation=other_organisation, user=administrator, role=Role.ADMINISTRATOR
    )
    MembershipFactory(organisation=other_organisation, role=Role.ADMINISTRATOR)

    assert selectors.organisation_list_where_sole_administrator(user=administrator) == [
        organisation
    ]


@pytest.mark.django_db
def test_sole_administrator_list_is_empty_for_an_officer(organisation, officer):
    assert selectors.organisation_list_where_sole_administrator(user=officer) == []
