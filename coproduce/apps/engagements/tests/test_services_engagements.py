"""engagement_create and engagement_update."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from coproduce.apps.audit.models import AuditEvent
from coproduce.apps.engagements.errors import EngagementError, EngagementStateError
from coproduce.apps.engagements.models import Engagement, ParticipationLevel
from coproduce.apps.engagements.services import engagement_create, engagement_update
from coproduce.apps.engagements.tests.factories import EngagementFactory, TopicFactory
from coproduce.apps.organisations.tests.factories import AreaFactory
from coproduce.testing.text import hostile_strings


def _data(**overrides):
    data = {
        "title_en": "Parc Newydd",
        "summary_en": "A new park.",
        "purpose_en": "Where the paths go.",
        "level": ParticipationLevel.INVOLVE,
        "owning_team": "Parks",
        "contact_email": "parks@example.org",
    }
    data.update(overrides)
    return data


@pytest.mark.django_db
@pytest.mark.parametrize("title", hostile_strings(max_length=200))
def test_create_keeps_hostile_text_and_makes_a_draft_with_a_slug(
    organisation, officer, title
):
    engagement = engagement_create(
        actor=officer, organisation=organisation, **_data(title_en=title)
    )

    engagement.refresh_from_db()
    assert engagement.title_en == title.strip()
    assert engagement.status == Engagement.Status.DRAFT
    assert engagement.slug
    assert engagement.created_by == officer
    assert AuditEvent.objects.get().action == "engagement.create"


@pytest.mark.django_db
def test_slugs_are_unique_per_organisation_and_never_new(
    organisation, other_organisation, officer
):
    first = engagement_create(
        actor=officer, organisation=organisation, **_data(title_en="New")
    )
    second = engagement_create(
        actor=officer, organisation=organisation, **_data(title_en="New")
    )
    EngagementFactory(organisation=other_organisation, slug="parc")
    third = engagement_create(
        actor=officer, organisation=organisation, **_data(title_en="Parc")
    )

    assert first.slug == "new-2"
    assert second.slug == "new-3"
    assert third.slug == "parc"


@pytest.mark.django_db
def test_create_refuses_another_organisations_area_and_saves_nothing(
    organisation, other_organisation, officer
):
    foreign_area = AreaFactory(organisation=other_organisation)

    with pytest.raises(EngagementError) as exc:
        engagement_create(
            actor=officer,
            organisation=organisation,
            areas=[foreign_area],
            **_data(),
        )

    assert exc.value.field == "areas"
    assert not Engagement.objects.exists()
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db
def test_create_refuses_another_organisations_topic(
    organisation, other_organisation, officer
):
    with pytest.raises(EngagementError) as exc:
        engagement_create(
            actor=officer,
            organisation=organisation,
            topics=[TopicFactory(organisation=other_organisation)],
            **_data(),
        )

    assert exc.value.field == "topics"
    assert not Engagement.objects.exists()


@pytest.mark.django_db
def test_create_refuses_closing_before_opening(organisation, officer):
    now = timezone.now()

    with pytest.raises(EngagementError) as exc:
        engagement_create(
            actor=officer,
            organisation=organisation,
            opens_at=now + timedelta(days=2),
            closes_at=now + timedelta(days=1),
            **_data(),
        )

    assert exc.value.field == "closes_at"
    assert not Engagement.objects.exists()


@pytest.mark.django_db
def test_create_needs_a_purpose(organisation, officer):
    with pytest.raises(ValidationError) as exc:
        engagement_create(
            actor=officer, organisation=organisation, **_data(purpose_en="  ")
        )

    assert "purpose_en" in exc.value.message_dict
    assert not Engagement.objects.exists()
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "actor_fixture",
    ["analyst", "elected_member", "community_organiser", "resident"],
)
def test_only_officers_create(request, organisation, actor_fixture):
    with pytest.raises(PermissionDenied):
        engagement_create(
            actor=request.getfixturevalue(actor_fixture),
            organisation=organisation,
            **_data(),
        )

    assert not Engagement.objects.exists()


@pytest.mark.django_db
def test_update_changes_fields_keeps_the_slug_and_records_the_difference(
    organisation, officer
):
    engagement = EngagementFactory(organisation=organisation, slug="old-slug")
    area, topic = (
        AreaFactory(organisation=organisation),
        TopicFactory(organisation=organisation),
    )

    engagement_update(
        actor=officer,
        engagement=engagement,
        areas=[area],
        topics=[topic],
        **_data(title_en="Renamed"),
    )

    engagement.refresh_from_db()
    assert engagement.title_en == "Renamed"
    assert engagement.slug == "old-slug"
    assert list(engagement.areas.all()) == [area]
    assert list(engagement.topics.all()) == [topic]
    changes = AuditEvent.objects.get().changes
    assert changes["title_en"]["after"] == "Renamed"
    assert changes["areas"]["after"] == [str(area)]


@pytest.mark.django_db
def test_archived_engagements_cannot_be_edited(organisation, officer):
    engagement = EngagementFactory(
        organisation=organisation, status=Engagement.Status.ARCHIVED
    )
    title = engagement.title_en

    with pytest.raises(EngagementStateError):
        engagement_update(actor=officer, engagement=engagement, **_data())

    engagement.refresh_from_db()
    assert engagement.title_en == title
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db
def test_a_scheduled_engagement_keeps_future_dates(organisation, officer):
    now = timezone.now()
    engagement = EngagementFactory(
        organisation=organisation,
        status=Engagement.Status.SCHEDULED,
        opens_at=now + timedelta(days=1),
        closes_at=now + timedelta(days=9),
    )

    with pytest.raises(EngagementError):
        engagement_update(
            actor=officer, engagement=engagement, opens_at=None, **_data()
        )

    engagement.refresh_from_db()
    assert engagement.opens_at is not None
