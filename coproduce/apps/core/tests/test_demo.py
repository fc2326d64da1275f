"""The demo council: deterministic, idempotent, and showing what each page needs."""

from __future__ import annotations

import pytest
from django.utils import timezone

from coproduce.apps.core.about_you import AgeBand
from coproduce.apps.engagements.models import Engagement, EngagementResponse
from coproduce.apps.organisations.models import (
    Area,
    Organisation,
    PopulationMargin,
    PopulationProfile,
)
from coproduce.apps.surveys.models import Answer, Submission
from coproduce.demo.builder import DEMO_ORGANISATION_SLUG, demo_build

N_RESPONSES = 120

pytestmark = pytest.mark.django_db


def _snapshot() -> tuple[object, ...]:
    return (
        sorted(Engagement.objects.values_list("slug", "level", "status")),
        list(
            Submission.objects.order_by("pk").values_list(
                "age_band", "sex", "area__code", "submitted_at"
            )
        ),
        list(
            Answer.objects.order_by("pk").values_list(
                "question_key", "item", "value_text", "value_number"
            )
        ),
    )


def test_the_demo_spans_the_participation_levels_and_the_whole_loop() -> None:
    demo_build(seed=7, n_survey_responses=N_RESPONSES)

    organisation = Organisation.objects.get(slug=DEMO_ORGANISATION_SLUG)
    engagements = Engagement.objects.filter(organisation=organisation)
    assert {e.level for e in engagements} >= {
        "inform",
        "consult",
        "involve",
        "collaborate",
    }
    responded = engagements.get(status=Engagement.Status.RESPONDED)
    assert responded.response.status == EngagementResponse.Status.PUBLISHED
    assert responded.response.published_at > responded.closed_at
    # One closed engagement is past its response date, for the overdue list.
    overdue = engagements.get(status=Engagement.Status.CLOSED)
    assert overdue.response_due_on < timezone.localdate()
    # N_RESPONSES to the open park survey; the archived past engagements
    # (demo/inclusion.py) have their own few dozen each.
    park = Submission.objects.filter(status="submitted", survey__slug="park-survey")
    assert park.count() == N_RESPONSES


def test_respondents_are_skewed_older_than_the_population() -> None:
    demo_build(seed=7, n_survey_responses=N_RESPONSES)

    ages = list(Submission.objects.values_list("age_band", flat=True))
    older = sum(a in (AgeBand.AGE_55_64, AgeBand.AGE_65_74, AgeBand.AGE_75_PLUS)
                for a in ages)  # fmt: skip
    # About 41% of the adult population is 55 or over; the demo skews to ~60%.
    assert older / len(ages) > 0.5


def test_routing_is_respected_in_generated_answers() -> None:
    demo_build(seed=7, n_survey_responses=N_RESPONSES)

    never = Submission.objects.filter(answers__question_key="q1").filter(
        answers__value_text="never"
    )
    others = Submission.objects.exclude(pk__in=never.values("pk"))
    assert not Answer.objects.filter(submission__in=others, question_key="q4").exists()


def test_a_second_run_changes_nothing() -> None:
    demo_build(seed=7, n_survey_responses=40)
    first = _snapshot()
    demo_build(seed=7, n_survey_responses=40)
    assert _snapshot() == first


def test_the_demo_has_a_population_profile_for_every_small_area() -> None:
    demo_build(seed=3, n_survey_responses=N_RESPONSES)
    organisation = Organisation.objects.get(slug=DEMO_ORGANISATION_SLUG)
    profile = PopulationProfile.objects.get(organisation=organisation)
    small_areas = set(
        Area.objects.filter(
            organisation=organisation, level=Area.Level.SMALL_AREA
        ).values_list("pk", flat=True)
    )
    margins = PopulationMargin.objects.filter(profile=profile)
    assert set(margins.values_list("area_id", flat=True)) == small_areas
    # Within each area every characteristic counts the same residents.
    for area_id in small_areas:
        totals: dict[str, int] = {}
        for characteristic, count in margins.filter(area_id=area_id).values_list(
            "characteristic", "count"
        ):
            totals[characteristic] = totals.get(characteristic, 0) + count
        assert len(set(totals.values())) == 1, totals
        assert set(totals) == {
            "age_band",
            "sex",
            "gender_identity",
            "ethnicity",
            "disability",
            "welsh_ability",
        }


def test_the_demo_has_inclusion_figures_for_every_opened_engagement() -> None:
    from coproduce.apps.inclusion.disclosure import EXACT
    from coproduce.apps.inclusion.models import InclusionSnapshot
    from coproduce.apps.inclusion.selectors.dashboard import inclusion_dashboard
    from coproduce.apps.organisations.models import Role

    demo_build(seed=7, n_survey_responses=N_RESPONSES)

    organisation = Organisation.objects.get(slug=DEMO_ORGANISATION_SLUG)
    opened = Engagement.objects.filter(organisation=organisation).exclude(
        status__in=(Engagement.Status.DRAFT, Engagement.Status.SCHEDULED)
    )
    snapshots = InclusionSnapshot.objects.filter(organisation=organisation)
    assert snapshots.count() == opened.count()
    assert set(snapshots.values_list("status", flat=True)) == {"done"}
    analyst = organisation.memberships.get(role=Role.ANALYST).user
    dashboard = inclusion_dashboard(
        actor=analyst, organisation=organisation, disclosure=EXACT
    )
    # A year of history: several quarters, each with people coming back.
    assert len(dashboard.quarters) >= 4
    assert any(q.usual_suspect_pct for q in dashboard.quarters)
    assert any(q.mean_score is not None for q in dashboard.quarters)
    park = snapshots.get(engagement__surveys__slug="park-survey")
    assert park.result["linked_share"] > 0.7
    assert 0 < park.result["newcomers"]["share"] < 1


def test_the_demo_has_a_conversation_with_a_few_thousand_votes() -> None:
    from coproduce.apps.conversations.models import Conversation, Vote, VoteEvent

    demo_build(seed=7, n_survey_responses=40)

    conversation = Conversation.objects.get(
        engagement__title_en__startswith="Riverside Park"
    )
    assert conversation.status == Conversation.Status.OPEN
    assert conversation.statements.count() == 24
    assert conversation.statements.exclude(text_cy="").count() == 24
    events = VoteEvent.objects.filter(conversation=conversation)
    assert 2_000 <= events.count() <= 10_000
    pairs = set(events.values_list("participant__number", "statement__number"))
    assert Vote.objects.filter(conversation=conversation).count() == len(pairs)
    numbers = sorted(conversation.participants.values_list("number", flat=True))
    assert numbers == list(range(len(numbers)))
    assert conversation.next_participant_number == len(numbers)
    # Only the organiser (the seeds' author, participant 0) has not voted.
    not_voted = conversation.participants.filter(first_vote_at__isnull=True)
    assert list(not_voted.values_list("number", flat=True)) == [0]
    assert set(conversation.statements.values_list("author__number", flat=True)) == {0}
    # Its opinion map is computed at once, with groups, and its results are public.
    snapshot = conversation.opinion_map_snapshots.get()
    assert snapshot.result["status"] == "ok"
    assert len(snapshot.result["groups"]) >= 2
    assert snapshot.vote_event_high_water == events.order_by("pk").last().pk  # type: ignore[union-attr]
    assert conversation.results_published
