"""Events (with attendance) and topics."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from coproduce.apps.audit.models import AuditEvent
from coproduce.apps.engagements.errors import EventError, TopicError
from coproduce.apps.engagements.models import EngagementEvent, Topic
from coproduce.apps.engagements.services import (
    event_create,
    event_delete,
    event_update,
    topic_create,
    topic_delete,
    topic_update,
)
from coproduce.apps.engagements.tests.factories import (
    EngagementEventFactory,
    EngagementFactory,
    TopicFactory,
)


@pytest.mark.django_db
def test_event_is_created_and_attendance_recorded_afterwards(organisation, officer):
    engagement = EngagementFactory(organisation=organisation)
    starts = timezone.now() + timedelta(days=1)
    event = event_create(
        actor=officer,
        engagement=engagement,
        title_en="Drop-in",
        title_cy="Sesiwn galw heibio",
        starts_at=starts,
        venue="Llyfrgell",
        accessibility_information_en="Step-free",
    )

    event_update(
        actor=officer,
        event=event,
        title_en="Drop-in",
        starts_at=starts,
        venue="Llyfrgell",
        attendance_count=23,
    )

    event.refresh_from_db()
    assert event.attendance_count == 23
    assert event.title_cy == ""
    changes = AuditEvent.objects.latest("pk").changes
    assert changes["attendance_count"] == {"before": None, "after": 23}


@pytest.mark.django_db
def test_negative_attendance_and_ends_before_start_are_refused(organisation, officer):
    event = EngagementEventFactory(engagement__organisation=organisation)
    starts = event.starts_at

    with pytest.raises(EventError) as exc:
        event_update(
            actor=officer,
            event=event,
            title_en="x",
            starts_at=starts,
            venue="v",
            attendance_count=-1,
        )
    assert exc.value.field == "attendance_count"
    with pytest.raises(EventError) as exc:
        event_update(
            actor=officer,
            event=event,
            title_en="x",
            starts_at=starts,
            ends_at=starts - timedelta(hours=1),
            venue="v",
        )
    assert exc.value.field == "ends_at"
    event.refresh_from_db()
    assert event.title_en != "x"
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db
def test_event_delete_is_audited_and_refused_to_analysts(
    organisation, officer, analyst
):
    event = EngagementEventFactory(engagement__organisation=organisation)

    with pytest.raises(PermissionDenied):
        event_delete(actor=analyst, event=event)
    event_delete(actor=officer, event=event)

    assert not EngagementEvent.objects.exists()
    assert AuditEvent.objects.get().action == "event.delete"


@pytest.mark.django_db
def test_topics_are_created_renamed_and_deleted(organisation, officer):
    topic = topic_create(
        actor=officer, organisation=organisation, name_en="Parks", name_cy="Parciau"
    )
    assert topic.slug == "parks"

    topic_update(actor=officer, topic=topic, name_en="Parks and play")
    topic.refresh_from_db()
    assert topic.name_en == "Parks and play"
    assert topic.slug == "parks"

    topic_delete(actor=officer, topic=topic)
    assert not Topic.objects.exists()
    actions = list(AuditEvent.objects.order_by("pk").values_list("action", flat=True))
    assert actions == ["topic.create", "topic.update", "topic.delete"]


@pytest.mark.django_db
def test_a_topic_name_is_unique_in_its_organisation(
    organisation, other_organisation, officer
):
    TopicFactory(organisation=organisation, name_en="Housing")
    TopicFactory(organisation=other_organisation, name_en="Roads")

    with pytest.raises(TopicError) as exc:
        topic_create(actor=officer, organisation=organisation, name_en="housing")
    assert exc.value.field == "name_en"
    topic_create(actor=officer, organisation=organisation, name_en="Roads")

    assert Topic.objects.filter(organisation=organisation).count() == 2
