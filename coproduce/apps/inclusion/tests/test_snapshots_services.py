"""Inclusion snapshots through the database: the spec's worked examples, linking,
input hashes, failures and the number of queries (inclusion-metrics §1, §4, §5)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from coproduce.analytics.errors import InputError
from coproduce.apps.accounts.tests.factories import UserFactory
from coproduce.apps.audit.models import AuditEvent
from coproduce.apps.core.about_you import AgeBand
from coproduce.apps.engagements.models import Comment, Engagement
from coproduce.apps.inclusion.models import InclusionSnapshot
from coproduce.apps.inclusion.selectors.contributions import person_key
from coproduce.apps.inclusion.services import (
    InclusionSnapshotError,
    inclusion_snapshot_compute,
    inclusion_snapshot_request,
    inclusion_snapshots_refresh,
)
from coproduce.apps.inclusion.tests.snapshot_helpers import (
    comment,
    dated_engagement,
    respond,
)
from coproduce.apps.organisations.tests.factories import (
    AreaFactory,
    PopulationMarginFactory,
    PopulationProfileFactory,
)
from coproduce.apps.surveys.models import Submission

pytestmark = pytest.mark.django_db

Status = InclusionSnapshot.Status


def _snapshot(actor, engagement, profile=None, *, capture):
    with capture(execute=True):
        snapshot = inclusion_snapshot_request(
            actor=actor, engagement=engagement, profile=profile
        )
    snapshot.refresh_from_db()
    return snapshot


def test_usual_suspects_worked_example_40_percent_holding_75_percent(
    organisation, officer, django_capture_on_commit_callbacks
):
    """m = (1, 1, 2, 3, 5) → U_3 = 2/5; contributions (1, 2, 2, 6, 9) → 15/20."""
    start = date(2026, 1, 5)
    engagements = [
        dated_engagement(
            organisation,
            opens_on=start + timedelta(days=30 * i),
            closes_on=start + timedelta(days=30 * i + 20),
        )
        for i in range(5)
    ]
    e1, e2, e3, e4, e5 = engagements
    signed_in = UserFactory()

    def day(engagement):
        return engagement.opens_at.date() + timedelta(days=2)

    # P5: five engagements, nine contributions (one of them a comment).
    for engagement in (e1, e2, e3, e4):
        respond(engagement, day(engagement), user=signed_in)
    for _ in range(4):
        respond(e5, day(e5), user=signed_in)
    comment(e5, day(e5), author=signed_in)
    # P4: three engagements, six contributions, one e-mail written three ways.
    for engagement, spelling in ((e3, " P4@Example.org"), (e4, "p4@example.org "),
                                 (e5, "P4@EXAMPLE.ORG")):  # fmt: skip
        respond(engagement, day(engagement), email=spelling)
        respond(engagement, day(engagement), email=spelling)
    # P3: two engagements; P2: one engagement twice; P1: once.
    respond(e4, day(e4), email="p3@example.org")
    respond(e5, day(e5), email="p3@example.org")
    respond(e5, day(e5), email="p2@example.org")
    respond(e5, day(e5), email="p2@example.org")
    respond(e5, day(e5), email="p1@example.org")

    snapshot = _snapshot(officer, e5, capture=django_capture_on_commit_callbacks)

    assert snapshot.status == Status.DONE, snapshot.error
    usual = snapshot.result["usual_suspects"]
    assert usual["n_people"] == 5
    assert usual["n_usual_suspects"] == 2
    assert usual["share"] == pytest.approx(0.40)
    assert usual["contribution_share"] == pytest.approx(0.75)
    # All five took part in e5; two of them were usual suspects at its close.
    assert usual["engagement_share"] == pytest.approx(0.40)
    assert snapshot.result["n_participants"] == 5
    assert snapshot.result["linked_share"] == pytest.approx(1.0)


def test_newcomers_worked_example_is_50_percent(
    organisation, analyst, django_capture_on_commit_callbacks
):
    """A new; B took part in F last year; C joined E on 3 March and G on 5 March;
    D joined G on 1 March and E on 3 March → newcomers A and C."""
    f = dated_engagement(
        organisation, opens_on=date(2025, 4, 1), closes_on=date(2025, 4, 30)
    )
    e = dated_engagement(
        organisation, opens_on=date(2026, 3, 1), closes_on=date(2026, 3, 31)
    )
    g = dated_engagement(
        organisation, opens_on=date(2026, 2, 25), closes_on=date(2026, 3, 31)
    )
    respond(f, date(2025, 4, 10), email="b@example.org")
    respond(e, date(2026, 3, 2), email="a@example.org")
    respond(e, date(2026, 3, 2), email="b@example.org")
    respond(e, date(2026, 3, 3), email="c@example.org")
    respond(g, date(2026, 3, 5), email="c@example.org")
    respond(g, date(2026, 3, 1), email="d@example.org")
    respond(e, date(2026, 3, 3), email="d@example.org")

    snapshot = _snapshot(analyst, e, capture=django_capture_on_commit_callbacks)

    newcomers = snapshot.result["newcomers"]
    assert newcomers["n_linked_participants"] == 4
    assert newcomers["n_newcomers"] == 2
    assert newcomers["share"] == pytest.approx(0.50)
    # Records start in April 2025, less than 12 months before E opened.
    assert newcomers["records_start_on"] == "2025-04-10"
    assert newcomers["is_short_history"] is True


def test_gini_worked_example_one_person_with_six(
    organisation, administrator, django_capture_on_commit_callbacks
):
    """x = (1, 1, 1, 1, 6): G = 0.40, G* = 0.50; too few for a top-10 % share."""
    e = dated_engagement(
        organisation, opens_on=date(2026, 1, 1), closes_on=date(2026, 1, 31)
    )
    for person in "abcd":
        respond(e, date(2026, 1, 10), email=f"{person}@example.org")
    for _ in range(6):
        respond(e, date(2026, 1, 11), email="busy@example.org")

    snapshot = _snapshot(administrator, e, capture=django_capture_on_commit_callbacks)

    figures = snapshot.result["concentration"]
    assert figures["n_people"] == 5
    assert figures["gini"] == pytest.approx(0.40)
    assert figures["gini_corrected"] == pytest.approx(0.50)
    assert figures["is_top_10_shown"] is False
    assert figures["top_10_share"] is None
    assert figures["lorenz_points"][0] == [0.0, 0.0]
    assert figures["lorenz_points"][-1] == [1.0, 1.0]
    assert len(figures["lorenz_points"]) <= 101


def test_person_keys_link_accounts_and_normalised_emails_only():
    assert person_key(user_id=7) == "account:7"
    assert person_key(user_id=7, contact_email="x@example.org") == "account:7"
    assert person_key(user_id=None, contact_email="  Ŵyn@Example.ORG ") == person_key(
        user_id=None, contact_email="ŵyn@example.org"
    )
    assert person_key(user_id=None, contact_email="a@example.org") != person_key(
        user_id=None, contact_email="b@example.org"
    )
    assert person_key(user_id=None, contact_email="   ") is None
    # The e-mail itself never appears in the key.
    key = person_key(user_id=None, contact_email="secret.person@example.org")
    assert key is not None
    assert "secret" not in key
    assert "example" not in key


def test_unlinked_responses_lower_the_linked_share_and_the_warning_shows(
    organisation, officer, django_capture_on_commit_callbacks
):
    e = dated_engagement(
        organisation, opens_on=date(2026, 1, 1), closes_on=date(2026, 1, 31)
    )
    respond(e, date(2026, 1, 5), email="a@example.org")
    for _ in range(3):
        respond(e, date(2026, 1, 5))

    snapshot = _snapshot(officer, e, capture=django_capture_on_commit_callbacks)

    assert snapshot.result["linked_share"] == pytest.approx(0.25)
    assert snapshot.result["is_linked_share_low"] is True
    assert snapshot.result["n_unlinked_contributions"] == 3
    assert snapshot.result["n_participants"] == 1
    assert "a@example.org" not in str(snapshot.result)


def test_representation_is_compared_with_the_profile_and_frozen_with_its_version(
    organisation, analyst, django_capture_on_commit_callbacks
):
    e = dated_engagement(
        organisation, opens_on=date(2026, 1, 1), closes_on=date(2026, 1, 31)
    )
    area = AreaFactory(organisation=organisation)
    e.areas.add(area)
    profile = PopulationProfileFactory(organisation=organisation)
    for category, count in ((AgeBand.AGE_16_24, 300), (AgeBand.AGE_35_44, 400),
                            (AgeBand.AGE_65_74, 300)):  # fmt: skip
        PopulationMarginFactory(
            profile=profile,
            area=area,
            characteristic="age_band",
            category=category,
            count=count,
        )
    for band, n in ((AgeBand.AGE_16_24, 10), (AgeBand.AGE_35_44, 40),
                    (AgeBand.AGE_65_74, 50)):  # fmt: skip
        for _ in range(n):
            respond(e, date(2026, 1, 9), age_band=band)

    snapshot = _snapshot(
        analyst, e, profile, capture=django_capture_on_commit_callbacks
    )

    assert snapshot.characteristics == ["age_band"]
    assert snapshot.result["score"] == pytest.approx(80.0)  # D(age) = 0.20
    assert snapshot.margins_version.startswith(f"{profile.pk}:")
    assert snapshot.software_version
    assert snapshot.result["missing_groups"][0]["value"] == AgeBand.AGE_16_24
    # No deprivation index uploaded: no reach figures, never an error.
    assert snapshot.result["deprivation"] == []
    left_out = {item["name"]: item["reason"] for item in snapshot.result["left_out"]}
    assert left_out["sex"] == "no_margin"


def test_the_input_hash_changes_when_a_response_arrives_and_not_otherwise(
    organisation, officer, django_capture_on_commit_callbacks
):
    e = dated_engagement(
        organisation,
        opens_on=date(2026, 1, 1),
        closes_on=date(2026, 12, 31),
        status=Engagement.Status.OPEN,
    )
    respond(e, date(2026, 1, 5), email="a@example.org")
    first = _snapshot(officer, e, capture=django_capture_on_commit_callbacks)

    # Unfinished answers and rejected comments are not contributions.
    respond(e, date(2026, 1, 6), status=Submission.Status.IN_PROGRESS)
    comment(e, date(2026, 1, 6), author=UserFactory(), status=Comment.Status.REJECTED)
    second = _snapshot(officer, e, capture=django_capture_on_commit_callbacks)

    respond(e, date(2026, 1, 7), email="b@example.org")
    third = _snapshot(officer, e, capture=django_capture_on_commit_callbacks)

    assert len(first.input_hash) == 64
    assert second.input_hash == first.input_hash
    assert second.unchanged_from == first
    assert second.result == first.result
    assert third.input_hash != first.input_hash
    assert third.unchanged_from is None
    assert third.result["n_responses"] == 2
    assert InclusionSnapshot.objects.filter(engagement=e).count() == 3


def test_a_failed_snapshot_keeps_its_error_and_changes_nothing_else(
    organisation, officer, django_capture_on_commit_callbacks, monkeypatch
):
    e = dated_engagement(
        organisation, opens_on=date(2026, 1, 1), closes_on=date(2026, 1, 31)
    )
    respond(e, date(2026, 1, 5), email="a@example.org")
    good = _snapshot(officer, e, capture=django_capture_on_commit_callbacks)
    good_result = good.result

    def broken(inputs):
        raise InputError("Age band: '16-' is not a band in this profile.")

    monkeypatch.setattr(
        "coproduce.apps.inclusion.services.snapshots.snapshot_result_compute", broken
    )
    respond(e, date(2026, 1, 6), email="b@example.org")
    failed = _snapshot(officer, e, capture=django_capture_on_commit_callbacks)

    assert failed.status == Status.FAILED
    assert failed.error == "Age band: '16-' is not a band in this profile."
    assert failed.result == {}
    assert failed.input_hash == ""
    assert failed.characteristics == []
    assert failed.finished_at is not None
    good.refresh_from_db()
    assert good.result == good_result
    assert good.status == Status.DONE


def test_an_unexpected_error_is_recorded_without_details(
    organisation, officer, django_capture_on_commit_callbacks, monkeypatch
):
    e = dated_engagement(
        organisation, opens_on=date(2026, 1, 1), closes_on=date(2026, 1, 31)
    )

    def broken(inputs):
        raise ZeroDivisionError("secret internals")

    monkeypatch.setattr(
        "coproduce.apps.inclusion.services.snapshots.snapshot_result_compute", broken
    )
    failed = _snapshot(officer, e, capture=django_capture_on_commit_callbacks)

    assert failed.status == Status.FAILED
    assert "ZeroDivisionError" in failed.error
    assert "secret internals" not in failed.error


def test_an_engagement_with_no_contributions_gives_a_done_snapshot_with_reasons(
    organisation, officer, django_capture_on_commit_callbacks
):
    e = dated_engagement(
        organisation, opens_on=date(2026, 1, 1), closes_on=date(2026, 1, 31)
    )

    snapshot = _snapshot(officer, e, capture=django_capture_on_commit_callbacks)

    assert snapshot.status == Status.DONE
    assert snapshot.result["n_responses"] == 0
    assert snapshot.result["linked_share"] is None
    assert snapshot.result["newcomers"]["reason"] == "no_contributions"
    assert snapshot.result["concentration"]["reason"] == "too_few_people"
    assert snapshot.result["score"] is None


def test_computing_200_responses_takes_a_bounded_number_of_queries(
    organisation, officer, django_assert_max_num_queries
):
    e = dated_engagement(
        organisation, opens_on=date(2026, 1, 1), closes_on=date(2026, 1, 31)
    )
    area = AreaFactory(organisation=organisation)
    e.areas.add(area)
    profile = PopulationProfileFactory(organisation=organisation)
    PopulationMarginFactory(
        profile=profile,
        area=area,
        characteristic="age_band",
        category=AgeBand.AGE_16_24,
        count=1000,
    )
    for index in range(200):
        respond(
            e,
            date(2026, 1, 1) + timedelta(days=index % 28),
            email=f"person{index % 70}@example.org",
            age_band=AgeBand.AGE_16_24,
        )
    snapshot = InclusionSnapshot.objects.create(
        organisation=organisation, engagement=e, profile=profile
    )

    with django_assert_max_num_queries(40):
        inclusion_snapshot_compute(snapshot_id=snapshot.pk)

    snapshot.refresh_from_db()
    assert snapshot.status == Status.DONE
    assert snapshot.result["n_responses"] == 200
    assert snapshot.result["n_participants"] == 70


def test_only_officers_analysts_and_administrators_may_request(
    organisation, elected_member, community_organiser, resident,
    staff_of_other_organisation,
):  # fmt: skip
    e = dated_engagement(
        organisation, opens_on=date(2026, 1, 1), closes_on=date(2026, 1, 31)
    )
    for person in (elected_member, community_organiser, resident,
                   staff_of_other_organisation):  # fmt: skip
        with pytest.raises(PermissionDenied):
            inclusion_snapshot_request(actor=person, engagement=e)
    assert not InclusionSnapshot.objects.exists()
    assert not AuditEvent.objects.filter(action="inclusion_snapshot.request").exists()


def test_a_request_is_audited_and_refused_while_one_is_queued(organisation, officer):
    e = dated_engagement(
        organisation, opens_on=date(2026, 1, 1), closes_on=date(2026, 1, 31)
    )
    # Without capturing on-commit callbacks, the task never runs: still queued.
    first = inclusion_snapshot_request(actor=officer, engagement=e)

    with pytest.raises(InclusionSnapshotError):
        inclusion_snapshot_request(actor=officer, engagement=e)

    assert list(InclusionSnapshot.objects.all()) == [first]
    event = AuditEvent.objects.get(action="inclusion_snapshot.request")
    assert event.actor == officer
    assert event.organisation_id == organisation.pk


def test_a_draft_cannot_be_snapshotted(organisation, officer):
    e = dated_engagement(
        organisation,
        opens_on=date(2026, 1, 1),
        closes_on=date(2026, 1, 31),
        status=Engagement.Status.DRAFT,
    )
    with pytest.raises(InclusionSnapshotError):
        inclusion_snapshot_request(actor=officer, engagement=e)
    assert not InclusionSnapshot.objects.exists()


def test_a_profile_of_another_organisation_is_refused(
    organisation, other_organisation, officer
):
    e = dated_engagement(
        organisation, opens_on=date(2026, 1, 1), closes_on=date(2026, 1, 31)
    )
    foreign = PopulationProfileFactory(organisation=other_organisation)
    with pytest.raises(InclusionSnapshotError):
        inclusion_snapshot_request(actor=officer, engagement=e, profile=foreign)
    assert not InclusionSnapshot.objects.exists()


def test_the_refresh_snapshots_changed_engagements_once(
    organisation, django_capture_on_commit_callbacks
):
    today = timezone.localdate()
    open_one = dated_engagement(
        organisation,
        opens_on=today - timedelta(days=10),
        closes_on=today + timedelta(days=10),
        status=Engagement.Status.OPEN,
    )
    recent = dated_engagement(
        organisation,
        opens_on=today - timedelta(days=40),
        closes_on=today - timedelta(days=5),
    )
    old = dated_engagement(
        organisation,
        opens_on=today - timedelta(days=200),
        closes_on=today - timedelta(days=100),
    )
    respond(open_one, today - timedelta(days=2), email="a@example.org")
    respond(recent, today - timedelta(days=20), email="a@example.org")
    respond(old, today - timedelta(days=150), email="a@example.org")

    with django_capture_on_commit_callbacks(execute=True):
        first = inclusion_snapshots_refresh()
    with django_capture_on_commit_callbacks(execute=True):
        second = inclusion_snapshots_refresh()
    respond(open_one, today - timedelta(days=1), email="b@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        third = inclusion_snapshots_refresh()

    assert {s.engagement_id for s in first} == {open_one.pk, recent.pk}
    assert second == []
    # The new response is after the recent one's close: only the open one changed.
    assert [s.engagement_id for s in third] == [open_one.pk]
    assert all(s.requested_by is None for s in first)
    assert not InclusionSnapshot.objects.filter(engagement=old).exists()
    assert set(
        InclusionSnapshot.objects.values_list("status", flat=True).distinct()
    ) == {Status.DONE}


def test_the_refresh_command_queues_and_reports(
    organisation, django_capture_on_commit_callbacks
):
    from io import StringIO

    from django.core.management import call_command

    today = timezone.localdate()
    engagement = dated_engagement(
        organisation,
        opens_on=today - timedelta(days=3),
        closes_on=today + timedelta(days=3),
        status=Engagement.Status.OPEN,
    )
    respond(engagement, today - timedelta(days=1), email="a@example.org")
    out = StringIO()

    with django_capture_on_commit_callbacks(execute=True):
        call_command("inclusion_snapshots_refresh", stdout=out)

    assert "Queued 1 inclusion snapshot(s)." in out.getvalue()
    assert InclusionSnapshot.objects.get().status == Status.DONE


def test_a_stalled_snapshot_is_failed_so_a_new_one_can_be_requested(
    organisation, officer
):
    e = dated_engagement(
        organisation, opens_on=date(2026, 1, 1), closes_on=date(2026, 1, 31)
    )
    stalled = InclusionSnapshot.objects.create(
        organisation=organisation, engagement=e, status=Status.RUNNING
    )
    InclusionSnapshot.objects.filter(pk=stalled.pk).update(
        created_at=timezone.now() - timedelta(hours=2)
    )

    fresh = inclusion_snapshot_request(actor=officer, engagement=e)

    stalled.refresh_from_db()
    assert stalled.status == Status.FAILED
    assert "stopped before it finished" in stalled.error
    assert fresh.status == Status.QUEUED
