"""Reading the audit log: administrators of the organisation only."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from coproduce.apps.audit.selectors import audit_action_choices, audit_event_list
from coproduce.apps.audit.tests.factories import AuditEventFactory

NOT_ADMINISTRATORS = [
    "officer",
    "analyst",
    "elected_member",
    "community_organiser",
    "resident",
    "staff_of_other_organisation",
]


@pytest.mark.django_db
def test_administrators_see_only_their_organisations_events_newest_first(
    organisation, other_organisation, administrator
):
    first = AuditEventFactory(organisation=organisation)
    second = AuditEventFactory(organisation=organisation)
    AuditEventFactory(organisation=other_organisation)

    events = audit_event_list(actor=administrator, organisation=organisation)

    assert list(events) == [second, first]


@pytest.mark.django_db
@pytest.mark.parametrize("actor_fixture", NOT_ADMINISTRATORS)
def test_nobody_else_may_read_the_log(request, organisation, actor_fixture):
    actor = request.getfixturevalue(actor_fixture)

    with pytest.raises(PermissionDenied):
        audit_event_list(actor=actor, organisation=organisation)


@pytest.mark.django_db
def test_events_filter_by_action_prefix_and_actor_address(
    organisation, administrator, officer
):
    by_officer = AuditEventFactory(
        organisation=organisation, actor=officer, action="area.create"
    )
    AuditEventFactory(organisation=organisation, action="area.delete")
    AuditEventFactory(
        organisation=organisation, actor=officer, action="invitation.create"
    )

    events = audit_event_list(
        actor=administrator,
        organisation=organisation,
        action_prefix="area.",
        actor_email=officer.email.upper(),
    )

    assert list(events) == [by_officer]


@pytest.mark.django_db
def test_the_event_list_uses_one_query_per_page(
    organisation, administrator, django_assert_max_num_queries
):
    AuditEventFactory.create_batch(20, organisation=organisation)

    with django_assert_max_num_queries(2):
        rows = [
            (e.actor_repr, e.target_repr)
            for e in audit_event_list(actor=administrator, organisation=organisation)
        ]

    assert len(rows) == 20


@pytest.mark.django_db
def test_action_choices_are_distinct_sorted_and_scoped(
    organisation, other_organisation
):
    AuditEventFactory(organisation=organisation, action="membership.remove")
    AuditEventFactory(organisation=organisation, action="area.create")
    AuditEventFactory(organisation=organisation, action="area.create")
    AuditEventFactory(organisation=other_organisation, action="invitation.cancel")

    assert audit_action_choices(organisation=organisation) == [
        "area.create",
        "membership.remove",
    ]
