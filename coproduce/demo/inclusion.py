"""A year of past engagements for the demo, so the inclusion trends have a story.

Six archived consultations closed over the last year, each with a short survey
and a few dozen synthetic responses. Respondents are drawn from one pool of
fictional residents: a dozen "regulars" who answer nearly everything, a larger
group who come back now and then, and people answering for the first time.
About one response in seven leaves no e-mail address, so it cannot be linked.
The open Riverside Park survey's responses are linked the same way. Then every
engagement's inclusion figures are computed on the spot (no worker needed).

Deterministic: the same seed gives the same people and the same figures.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np

from coproduce.apps.accounts.models import User
from coproduce.apps.engagements.models import Engagement, ParticipationLevel
from coproduce.apps.engagements.services import (
    engagement_change_status,
    engagement_create,
    response_publish,
    response_save,
)
from coproduce.apps.inclusion.services import inclusion_snapshots_compute_now
from coproduce.apps.organisations.models import Area, Organisation
from coproduce.apps.surveys.models import QuestionKind, Submission, Survey
from coproduce.apps.surveys.services.builder import survey_create, survey_publish
from coproduce.apps.surveys.services.questions import (
    choices_from_lines,
    question_create,
)
from coproduce.demo.responses import synthetic_responses_create

# (slug, English title, Welsh title, days since it closed, responses,
#  days from closing to a published answer or None)
PAST_ENGAGEMENTS = (
    ("library-hours", "Library opening hours", "Oriau agor llyfrgelloedd",
     330, 70, 40),
    ("town-centre-parking", "Town centre parking charges",
     "Taliadau parcio canol y dref", 270, 90, 35),
    ("play-areas", "Play areas: which to improve first",
     "Ardaloedd chwarae: pa rai i’w gwella gyntaf", 230, 50, None),
    ("street-lighting", "Street lighting at night", "Goleuadau stryd yn y nos",
     170, 60, 50),
    ("allotments", "New allotment sites", "Safleoedd rhandiroedd newydd",
     120, 40, 28),
    ("leisure-centre", "Leisure centre timetable", "Amserlen y ganolfan hamdden",
     80, 65, None),
)  # fmt: skip
N_REGULARS = 12
N_RETURNERS = 140
UNLINKED_SHARE = 0.14
REGULAR_SHARE = 0.12
RETURNER_SHARE = 0.45
EMAIL_DOMAIN = "residents.cwm-afon.example"


def _survey(officer: User, engagement: Engagement, slug: str, title: str) -> Survey:
    survey = survey_create(
        actor=officer,
        engagement=engagement,
        slug=f"{slug}-survey",
        title_en=title,
        title_cy=title,
    )
    question_create(
        actor=officer,
        survey=survey,
        kind=QuestionKind.SINGLE_CHOICE,
        text_en="Do you support the proposal?",
        text_cy="Ydych chi’n cefnogi’r cynnig?",
        is_required=True,
        options=choices_from_lines(
            english="Yes\nNo\nNot sure", welsh="Ydw\nNac ydw\nDdim yn siŵr"
        ),
    )
    survey_publish(actor=officer, survey=survey)
    survey.refresh_from_db()
    return survey


def _link(
    submissions: list[Submission], *, rng: np.random.Generator, slug: str
) -> None:
    """Give most responses a contact e-mail from the pool of fictional residents."""
    for index, submission in enumerate(submissions):
        draw = rng.random()
        if draw < UNLINKED_SHARE:
            email = ""
        elif draw < UNLINKED_SHARE + REGULAR_SHARE:
            email = f"regular{int(rng.integers(N_REGULARS))}@{EMAIL_DOMAIN}"
        elif draw < UNLINKED_SHARE + REGULAR_SHARE + RETURNER_SHARE:
            email = f"resident{int(rng.integers(N_RETURNERS))}@{EMAIL_DOMAIN}"
        else:
            email = f"first-time-{slug}-{index}@{EMAIL_DOMAIN}"
        submission.contact_email = email
    Submission.objects.bulk_update(submissions, ["contact_email"], batch_size=1000)


def demo_inclusion_build(
    *,
    organisation: Organisation,
    officer: User,
    seed: int,
    now: datetime,
) -> None:
    """Add the past engagements, link respondents, and compute inclusion figures."""
    rng = np.random.default_rng(seed + 5)
    wards = list(
        Area.objects.filter(organisation=organisation, level=Area.Level.WARD).order_by(
            "code"
        )
    )
    weights = [float(w) for w in np.linspace(3.0, 0.5, num=len(wards))]
    for number, (slug, title_en, title_cy, closed_days_ago, n_responses,
                 answered_after) in enumerate(PAST_ENGAGEMENTS):  # fmt: skip
        engagement = engagement_create(
            actor=officer,
            organisation=organisation,
            title_en=title_en,
            title_cy=title_cy,
            summary_en=f"We asked residents about {title_en.lower()}.",
            summary_cy=f"Gofynnon ni i drigolion am: {title_cy}.",
            purpose_en="The decision was made after the consultation closed.",
            purpose_cy="Gwnaed y penderfyniad ar ôl i’r ymgynghoriad gau.",
            level=ParticipationLevel.CONSULT,
            owning_team="Community Engagement Team",
            contact_email="engage@cwm-afon.example",
            areas=wards,
        )
        survey = _survey(officer, engagement, slug, title_en)
        engagement_change_status(actor=officer, engagement=engagement, status="open")
        closed_at = now - timedelta(days=closed_days_ago)
        opened_at = closed_at - timedelta(days=42)
        synthetic_responses_create(
            version=survey.current_version,  # type: ignore[arg-type]
            n_submissions=n_responses,
            seed=seed + 100 + number,
            areas=wards,
            area_weights=weights,
            skew=True,
            submitted_from=opened_at + timedelta(days=3),
        )
        engagement_change_status(actor=officer, engagement=engagement, status="closed")
        if answered_after is not None:
            response_save(
                actor=officer,
                engagement=engagement,
                what_we_heard_en=f"{n_responses} people answered.",
                what_we_heard_cy=f"Atebodd {n_responses} o bobl.",
                what_we_decided_en="We followed what most people asked for.",
                what_we_decided_cy="Gwnaethom yr hyn y gofynnodd y rhan fwyaf amdano.",
                what_changes_en="The changes start next month.",
                what_changes_cy="Mae’r newidiadau’n dechrau fis nesaf.",
                what_does_not_change_en="The budget stays the same.",
                what_does_not_change_cy="Mae’r gyllideb yr un fath.",
            )
            response_publish(actor=officer, engagement=engagement)
        engagement_change_status(
            actor=officer, engagement=engagement, status="archived"
        )
        # Their past: the services stamp "now" (as in demo/engagements.py).
        Engagement.objects.filter(pk=engagement.pk).update(
            opens_at=opened_at,
            published_at=opened_at,
            closes_at=closed_at,
            closed_at=closed_at,
            response_due_on=(closed_at + timedelta(weeks=12)).date(),
            responded_at=closed_at + timedelta(days=answered_after)
            if answered_after is not None
            else None,
        )
        if answered_after is not None:
            response = engagement.response
            type(response).objects.filter(pk=response.pk).update(
                published_at=closed_at + timedelta(days=answered_after)
            )
        # Submissions were stamped every 7 minutes from opening; spread them out.
        submissions = list(Submission.objects.filter(survey=survey).order_by("pk"))
        for index, submission in enumerate(submissions):
            submission.submitted_at = opened_at + timedelta(
                days=1 + int(index * 40 / max(len(submissions), 1)), hours=10
            )
        Submission.objects.bulk_update(submissions, ["submitted_at"])
        _link(submissions, rng=rng, slug=slug)
    park_submissions = list(
        Submission.objects.filter(
            survey__engagement__organisation=organisation,
            survey__slug="park-survey",
        ).order_by("pk")
    )
    _link(park_submissions, rng=rng, slug="park")
    inclusion_snapshots_compute_now(organisation=organisation)
