"""engagement_list filters and visibility, engagement_get, dashboard figures."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404
from django.utils import timezone

from coproduce.apps.engagements.models import Engagement, ParticipationLevel
from coproduce.apps.engagements.selectors import (
    engagement_dashboard_figures,
    engagement_get,
    engagement_list,
)
from coproduce.apps.engagements.tests.factories import (
    EngagementFactory,
    EngagementResponseFactory,
    TopicFactory,
)
from coproduce.apps.organisations.tests.factories import AreaFactory

S = Engagement.Status


@pytest.fixture
def one_of_each_status(organisation):
    return {
        status: EngagementFactory(organisation=organisation, status=status)
        for status in S
    }


@pytest.mark.django_db
@pytest.mark.parametrize("actor_fixture", ["resident", "staff_of_other_organisation"])
def test_outsiders_never_see_drafts_or_scheduled(
    request, organisation, one_of_each_status, actor_fixture
):
    actor = request.getfixturevalue(actor_fixture)

    statuses = {
        e.status for e in engagement_list(actor=actor, organisation=organisation)
    }

    assert statuses == {S.OPEN, S.CLOSED, S.RESPONDED, S.ARCHIVED}
    for hidden in (S.DRAFT, S.SCHEDULED):
        with pytest.raises(Http404):
            engagement_get(
                actor=AnonymousUser(),
                organisation=organisation,
                slug=one_of_each_status[hidden].slug,
            )


@pytest.mark.django_db
@pytest.mark.parametrize("actor_fixture", ["analyst", "elected_member", "officer"])
def test_members_see_every_status(
    request, organisation, one_of_each_status, actor_fixture
):
    actor = request.getfixturevalue(actor_fixture)

    found = engagement_list(actor=actor, organisation=organisation)

    assert {e.status for e in found} == set(S)


@pytest.mark.django_db
def test_another_organisations_engagement_is_404(organisation, other_organisation):
    foreign = EngagementFactory(organisation=other_organisation)

    with pytest.raises(Http404):
        engagement_get(
            actor=AnonymousUser(), organisation=organisation, slug=foreign.slug
        )


@pytest.mark.django_db
def test_area_filter_includes_engagements_about_larger_areas(organisation):
    county = AreaFactory(organisation=organisation)
    ward = AreaFactory(organisation=organisation, parent=county)
    other_ward = AreaFactory(organisation=organisation, parent=county)
    county_wide = EngagementFactory(organisation=organisation)
    county_wide.areas.set([county])
    in_ward = EngagementFactory(organisation=organisation)
    in_ward.areas.set([ward, other_ward])
    elsewhere = EngagementFactory(organisation=organisation)
    elsewhere.areas.set([other_ward])
    EngagementFactory(organisation=organisation)  # no area

    found = set(
        engagement_list(actor=AnonymousUser(), organisation=organisation, area=ward)
    )

    assert found == {county_wide, in_ward}


@pytest.mark.django_db
def test_topic_level_status_and_search_filters(organisation):
    topic = TopicFactory(organisation=organisation)
    tagged = EngagementFactory(
        organisation=organisation,
        level=ParticipationLevel.EMPOWER,
        status=S.CLOSED,
        title_en="Cyllideb",
        summary_cy="Cyllidebu cyfranogol yn Nhrefynwy",
    )
    tagged.topics.set([topic])
    EngagementFactory(organisation=organisation, title_en="Roads", summary_cy="")

    def find(**filters):
        return list(
            engagement_list(actor=AnonymousUser(), organisation=organisation, **filters)
        )

    assert find(topic=topic) == [tagged]
    assert find(level=ParticipationLevel.EMPOWER) == [tagged]
    assert find(status=S.CLOSED) == [tagged]
    assert find(search="nhrefynwy") == [tagged]
    assert find(search="cyllideb") == [tagged]
    assert find(search="no such words") == []


@pytest.mark.django_db
def test_the_list_takes_a_bounded_number_of_queries(
    organisation, django_assert_max_num_queries
):
    area = AreaFactory(organisation=organisation)
    topic = TopicFactory(organisation=organisation)
    for _ in range(15):
        engagement = EngagementFactory(organisation=organisation)
        engagement.areas.set([area])
        engagement.topics.set([topic])

    with django_assert_max_num_queries(4):
        engagements = list(
            engagement_list(actor=AnonymousUser(), organisation=organisation)
        )
        for engagement in engagements:
            list(engagement.areas.all())
            list(engagement.topics.all())


@pytest.mark.django_db
def test_dashboard_figures(organisation, other_organisation):
    today = timezone.localdate()
    EngagementFactory(organisation=organisation, level=ParticipationLevel.INFORM)
    EngagementFactory(organisation=organisation, level=ParticipationLevel.CONSULT)
    EngagementFactory(organisation=organisation, level=ParticipationLevel.INVOLVE)
    overdue = EngagementFactory(
        organisation=organisation,
        level=ParticipationLevel.EMPOWER,
        status=S.CLOSED,
        response_due_on=today - timedelta(days=1),
    )
    EngagementResponseFactory(engagement=overdue)  # a draft is not an answer
    answered_late = EngagementFactory(
        organisation=organisation,
        status=S.CLOSED,
        response_due_on=today - timedelta(days=3),
    )
    EngagementResponseFactory(engagement=answered_late, status="published")
    EngagementFactory(
        organisation=organisation,
        status=S.CLOSED,
        response_due_on=today,  # due today: not overdue yet
    )
    EngagementFactory(
        organisation=other_organisation,
        status=S.CLOSED,
        response_due_on=today - timedelta(days=9),
    )

    figures = engagement_dashboard_figures(organisation=organisation, today=today)

    assert figures.n_engagements == 6
    assert [(v, n) for v, _, n in figures.by_level] == [
        ("inform", 1),
        ("consult", 3),
        ("involve", 1),
        ("collaborate", 0),
        ("empower", 1),
    ]
    assert [(v, n) for v, _, n in figures.by_status] == [
        ("draft", 0),
        ("scheduled", 0),
        ("open", 3),
        ("closed", 3),
        ("responded", 0),
        ("archived", 0),
    ]
    assert figures.above_consult_share == pytest.approx(2 / 6)
    assert figures.overdue == [overdue]


@pytest.mark.django_db
def test_dashboard_figures_with_no_engagements(organisation):
    figures = engagement_dashboard_figures(organisation=organisation)

    assert figures.n_engagements == 0
    assert figures.above_consult_share is None
    assert figures.overdue == []
