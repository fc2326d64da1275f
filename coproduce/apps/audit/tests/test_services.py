"""Writing the audit log: snapshots, differences, and what an event records."""

from __future__ import annotations

import pytest

from coproduce.apps.audit.services import (
    audit_diff,
    audit_event_create,
    audit_events_pseudonymise_user,
    audit_snapshot,
)
from coproduce.apps.audit.tests.factories import AuditEventFactory
from coproduce.apps.organisations.tests.factories import AreaFactory
from coproduce.testing.text import hostile_strings


@pytest.mark.django_db
def test_an_event_takes_its_organisation_from_the_target(organisation, officer):
    area = AreaFactory(organisation=organisation)

    event = audit_event_create(actor=officer, action="area.update", target=area)

    assert event.organisation == organisation
    assert event.actor_repr == officer.email
    assert event.target_type == "organisations.area"
    assert event.target_id == str(area.pk)


@pytest.mark.django_db
@pytest.mark.parametrize("name", hostile_strings(max_length=200))
def test_an_event_keeps_a_hostile_target_name_intact(organisation, name):
    area = AreaFactory(organisation=organisation, name_en=name, code="W05000001")

    event = audit_event_create(actor=None, action="area.update", target=area)

    event.refresh_from_db()
    assert event.target_repr == f"{name} (W05000001)"
    assert event.actor is None
    assert event.actor_repr == ""


@pytest.mark.django_db
def test_a_very_long_target_name_is_cut_to_fit(organisation):
    area = AreaFactory(organisation=organisation, name_en="Ŵ" * 200)
    area.name_en = "Ŵ" * 400  # longer than the column, as str() of other models may be

    event = audit_event_create(actor=None, action="area.update", target=area)

    assert len(event.target_repr) == 300


def test_a_snapshot_shortens_long_values_and_keeps_numbers():
    area = AreaFactory.build(name_en="x" * 600, name_cy="Ŵyn", code="W05000001")

    snapshot = audit_snapshot(area, ["name_en", "name_cy", "code", "parent"])

    assert snapshot["name_en"] == "x" * 500 + "…"
    assert snapshot["name_cy"] == "Ŵyn"
    assert snapshot["parent"] is None


def test_a_diff_lists_only_the_fields_that_changed():
    assert audit_diff({"a": 1, "b": "x"}, {"a": 1, "b": "y", "c": None}) == {
        "b": {"before": "x", "after": "y"}
    }


@pytest.mark.django_db
def test_pseudonymising_replaces_only_that_actors_address(organisation, officer):
    theirs = AuditEventFactory(organisation=organisation, actor=officer)
    others = AuditEventFactory(organisation=organisation)

    n_changed = audit_events_pseudonymise_user(user=officer)

    theirs.refresh_from_db()
    others.refresh_from_db()
    assert n_changed == 1
    assert theirs.actor_repr == f"deleted-account-{officer.pk}"
    assert others.actor_repr == others.actor.email


@pytest.mark.django_db
def test_pseudonymising_also_erases_the_address_from_events_about_the_person(
    organisation, administrator, officer
):
    about_them = AuditEventFactory(
        organisation=organisation,
        actor=administrator,
        target_repr=f"{officer.email} — Engagement officer — {organisation}",
        changes={"user": officer.email.upper(), "role": "analyst"},
    )

    audit_events_pseudonymise_user(user=officer)

    about_them.refresh_from_db()
    pseudonym = f"deleted-account-{officer.pk}"
    assert officer.email.lower() not in about_them.target_repr.lower()
    assert pseudonym in about_them.target_repr
    assert about_them.changes == {"user": pseudonym, "role": "analyst"}
    assert (
        about_them.actor_repr == administrator.email
    )  # the administrator keeps theirs
