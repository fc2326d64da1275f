"""The engagement lifecycle: every transition, allowed and refused, and the
scheduled job that opens and closes engagements."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.utils import timezone

from coproduce.apps.audit.models import AuditEvent
from coproduce.apps.engagements.errors import EngagementStateError
from coproduce.apps.engagements.models import Engagement
from coproduce.apps.engagements.services import (
    ALLOWED_TRANSITIONS,
    engagement_advance_due,
    engagement_change_status,
    engagement_check_transition,
    engagement_set_response_due,
)
from coproduce.apps.engagements.tests.factories import EngagementFactory

S = Engagement.Status
NOW = timezone.now()

EXPECTED_ALLOWED = {
    (S.DRAFT, S.SCHEDULED),
    (S.DRAFT, S.OPEN),
    (S.SCHEDULED, S.OPEN),
    (S.OPEN, S.CLOSED),
    (S.CLOSED, S.ARCHIVED),
    (S.RESPONDED, S.ARCHIVED),
}
BY_HAND = (S.SCHEDULED, S.OPEN, S.CLOSED, S.RESPONDED, S.ARCHIVED, S.DRAFT)


def _engagement(status: str, organisation, **kwargs) -> Engagement:
    """An engagement in `status` whose dates allow every date-dependent move."""
    kwargs.setdefault("opens_at", timezone.now() + timedelta(days=2))
    kwargs.setdefault("closes_at", timezone.now() + timedelta(days=30))
    if status in (S.CLOSED, S.RESPONDED, S.ARCHIVED):
        kwargs.setdefault("closed_at", timezone.now() - timedelta(days=1))
    return EngagementFactory(organisation=organisation, status=status, **kwargs)


def _row(engagement: Engagement) -> tuple:
    return tuple(
        Engagement.objects.filter(pk=engagement.pk).values_list(
            "status",
            "opens_at",
            "closes_at",
            "closed_at",
            "response_due_on",
            "responded_at",
            "archived_at",
            "published_at",
            "updated_at",
        )[0]
    )


def test_the_table_is_exactly_the_documented_lifecycle():
    table = {(a, b) for a, targets in ALLOWED_TRANSITIONS.items() for b in targets}
    assert table == EXPECTED_ALLOWED | {(S.CLOSED, S.RESPONDED)}


@pytest.mark.django_db
@pytest.mark.parametrize("current", list(S))
@pytest.mark.parametrize("target", BY_HAND)
def test_each_transition_by_hand_is_allowed_or_refused_changing_nothing(
    organisation, officer, current, target
):
    engagement = _engagement(current, organisation)
    before = _row(engagement)

    if (current, target) in EXPECTED_ALLOWED:
        engagement_change_status(actor=officer, engagement=engagement, status=target)
        engagement.refresh_from_db()
        assert engagement.status == target
        event = AuditEvent.objects.get()
        assert event.action == f"engagement.{target}"
        assert event.changes["status"] == {"before": current, "after": target}
    else:
        with pytest.raises(EngagementStateError) as exc:
            engagement_change_status(
                actor=officer, engagement=engagement, status=target
            )
        assert str(S(current).label) in str(exc.value)
        assert _row(engagement) == before
        assert not AuditEvent.objects.exists()


@pytest.mark.django_db
def test_responded_is_refused_by_hand_even_from_closed(organisation, officer):
    engagement = _engagement(S.CLOSED, organisation)

    with pytest.raises(EngagementStateError, match="publishing"):
        engagement_change_status(
            actor=officer, engagement=engagement, status=S.RESPONDED
        )

    engagement.refresh_from_db()
    assert engagement.status == S.CLOSED


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("opens_in_days", "closes_in_days"),
    [(None, 30), (2, None), (-1, 30)],
)
def test_scheduling_needs_a_future_opening_and_a_closing_date(
    organisation, officer, opens_in_days, closes_in_days
):
    now = timezone.now()
    engagement = EngagementFactory(
        organisation=organisation,
        status=S.DRAFT,
        opens_at=None if opens_in_days is None else now + timedelta(days=opens_in_days),
        closes_at=None
        if closes_in_days is None
        else now + timedelta(days=closes_in_days),
    )

    with pytest.raises(EngagementStateError):
        engagement_change_status(
            actor=officer, engagement=engagement, status=S.SCHEDULED
        )

    engagement.refresh_from_db()
    assert engagement.status == S.DRAFT
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db
def test_opening_is_refused_when_the_closing_date_has_passed(organisation, officer):
    engagement = EngagementFactory(
        organisation=organisation,
        status=S.DRAFT,
        opens_at=timezone.now() - timedelta(days=10),
        closes_at=timezone.now() - timedelta(days=1),
    )

    with pytest.raises(EngagementStateError, match="closing date has passed"):
        engagement_change_status(actor=officer, engagement=engagement, status=S.OPEN)


@pytest.mark.django_db
def test_opening_early_sets_the_opening_time_and_publication(organisation, officer):
    engagement = _engagement(S.DRAFT, organisation, published_at=None)
    now = timezone.now()

    engagement_change_status(
        actor=officer, engagement=engagement, status=S.OPEN, now=now
    )

    engagement.refresh_from_db()
    assert engagement.opens_at == now
    assert engagement.published_at == now


@pytest.mark.django_db
def test_closing_sets_closed_at_and_the_response_due_date_from_the_organisation(
    organisation, officer
):
    organisation.response_due_weeks = 6
    organisation.save()
    engagement = EngagementFactory(organisation=organisation, status=S.OPEN)
    now = timezone.now()

    engagement_change_status(
        actor=officer, engagement=engagement, status=S.CLOSED, now=now
    )

    engagement.refresh_from_db()
    assert engagement.closed_at == now
    assert engagement.response_due_on == timezone.localdate(now) + timedelta(weeks=6)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "actor_fixture",
    [
        "analyst",
        "elected_member",
        "community_organiser",
        "resident",
        "staff_of_other_organisation",
    ],
)
def test_only_officers_and_administrators_change_status(
    request, organisation, actor_fixture
):
    actor = request.getfixturevalue(actor_fixture)
    engagement = EngagementFactory(organisation=organisation, status=S.OPEN)

    with pytest.raises(PermissionDenied):
        engagement_change_status(actor=actor, engagement=engagement, status=S.CLOSED)

    engagement.refresh_from_db()
    assert engagement.status == S.OPEN
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db
def test_administrator_may_change_status(organisation, administrator):
    engagement = EngagementFactory(organisation=organisation, status=S.OPEN)

    engagement_change_status(
        actor=administrator, engagement=engagement, status=S.CLOSED
    )

    engagement.refresh_from_db()
    assert engagement.status == S.CLOSED


@pytest.mark.django_db
def test_check_transition_for_responded_needs_the_publish_flag(organisation):
    engagement = _engagement(S.CLOSED, organisation)

    engagement_check_transition(
        engagement=engagement,
        to_status=S.RESPONDED,
        now=NOW,
        is_response_publish=True,
    )
    with pytest.raises(EngagementStateError):
        engagement_check_transition(
            engagement=engagement, to_status=S.RESPONDED, now=NOW
        )


# --- advance_due ----------------------------------------------------------------


@pytest.mark.django_db
def test_advance_due_opens_and_closes_what_is_due_and_nothing_else(organisation):
    now = timezone.now()
    due_to_open = EngagementFactory(
        organisation=organisation,
        status=S.SCHEDULED,
        opens_at=now - timedelta(minutes=5),
        closes_at=now + timedelta(days=10),
    )
    not_yet = EngagementFactory(
        organisation=organisation,
        status=S.SCHEDULED,
        opens_at=now + timedelta(days=1),
        closes_at=now + timedelta(days=10),
    )
    due_to_close = EngagementFactory(
        organisation=organisation,
        status=S.OPEN,
        opens_at=now - timedelta(days=10),
        closes_at=now - timedelta(minutes=1),
    )
    still_open = EngagementFactory(organisation=organisation, status=S.OPEN)
    draft_in_the_past = EngagementFactory(
        organisation=organisation,
        status=S.DRAFT,
        opens_at=now - timedelta(days=3),
        closes_at=now - timedelta(days=1),
    )

    assert engagement_advance_due(now=now) == (1, 1)

    statuses = {
        e.pk: e.status
        for e in Engagement.objects.filter(
            pk__in=[
                due_to_open.pk,
                not_yet.pk,
                due_to_close.pk,
                still_open.pk,
                draft_in_the_past.pk,
            ]
        )
    }
    assert statuses == {
        due_to_open.pk: S.OPEN,
        not_yet.pk: S.SCHEDULED,
        due_to_close.pk: S.CLOSED,
        still_open.pk: S.OPEN,
        draft_in_the_past.pk: S.DRAFT,
    }
    events = AuditEvent.objects.order_by("pk")
    assert [e.action for e in events] == ["engagement.open", "engagement.closed"]
    assert all(e.actor is None for e in events)


@pytest.mark.django_db
def test_advance_due_opens_then_closes_a_scheduled_engagement_whose_dates_passed(
    organisation,
):
    now = timezone.now()
    engagement = EngagementFactory(
        organisation=organisation,
        status=S.SCHEDULED,
        opens_at=now - timedelta(days=3),
        closes_at=now - timedelta(days=1),
    )

    assert engagement_advance_due(now=now) == (1, 1)

    engagement.refresh_from_db()
    assert engagement.status == S.CLOSED
    assert engagement.response_due_on is not None


@pytest.mark.django_db
def test_advance_due_run_twice_changes_nothing_more(organisation):
    now = timezone.now()
    EngagementFactory(
        organisation=organisation,
        status=S.OPEN,
        opens_at=now - timedelta(days=10),
        closes_at=now - timedelta(minutes=1),
    )
    engagement_advance_due(now=now)
    n_events = AuditEvent.objects.count()

    assert engagement_advance_due(now=now) == (0, 0)
    assert AuditEvent.objects.count() == n_events


@pytest.mark.django_db
def test_advance_engagements_command_reports_what_it_did(organisation, capsys):
    now = timezone.now()
    EngagementFactory(
        organisation=organisation,
        status=S.OPEN,
        opens_at=now - timedelta(days=10),
        closes_at=now - timedelta(minutes=1),
    )

    call_command("advance_engagements")

    assert "Opened 0, closed 1" in capsys.readouterr().out


# --- response due date -----------------------------------------------------------


@pytest.mark.django_db
def test_officer_moves_the_response_due_date(organisation, officer):
    engagement = _engagement(S.CLOSED, organisation)
    new_date = timezone.localdate() + timedelta(days=100)

    engagement_set_response_due(
        actor=officer, engagement=engagement, response_due_on=new_date
    )

    engagement.refresh_from_db()
    assert engagement.response_due_on == new_date
    assert AuditEvent.objects.get().action == "engagement.set_response_due"


@pytest.mark.django_db
def test_response_due_date_cannot_be_set_before_closing(organisation, officer):
    engagement = EngagementFactory(organisation=organisation, status=S.OPEN)

    with pytest.raises(EngagementStateError, match="Open"):
        engagement_set_response_due(
            actor=officer,
            engagement=engagement,
            response_due_on=timezone.localdate(),
        )

    engagement.refresh_from_db()
    assert engagement.response_due_on is None
    assert not AuditEvent.objects.exists()
