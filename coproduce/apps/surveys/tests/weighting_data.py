"""The spec §7 worked example as database rows, for the weighting tests.

Respondents: female 16–24 ×2, female 65–74 ×4, male 16–24 ×1, male 65–74 ×2
(n = 9); residents: female 500, male 500, 16–24 ("young") 400, 65–74 ("old")
600. Raking converges in one sweep to weights 100, 75, 200 and 150.
"""

from __future__ import annotations

from typing import Any

from coproduce.apps.core.about_you import AgeBand
from coproduce.apps.engagements.models import Engagement
from coproduce.apps.engagements.tests.factories import EngagementFactory
from coproduce.apps.organisations.models import Organisation, PopulationProfile
from coproduce.apps.organisations.tests.factories import (
    AreaFactory,
    PopulationMarginFactory,
    PopulationProfileFactory,
)
from coproduce.apps.surveys.models import Answer, Submission, Survey
from coproduce.apps.surveys.tests.factories import (
    AnswerFactory,
    SubmissionFactory,
    published_survey,
)

YOUNG = AgeBand.AGE_16_24
OLD = AgeBand.AGE_65_74
#: (sex, age band, how many, their weight in the spec example)
CELLS = (
    ("female", YOUNG, 2, 100.0),
    ("female", OLD, 4, 75.0),
    ("male", YOUNG, 1, 200.0),
    ("male", OLD, 2, 150.0),
)
MARGINS = (
    ("sex", "female", 500),
    ("sex", "male", 500),
    ("age_band", YOUNG, 400),
    ("age_band", OLD, 600),
)


def example_profile(organisation: Organisation, **kwargs: Any) -> PopulationProfile:
    """A profile with the example's margins on one area of `organisation`."""
    area = kwargs.pop("area", None) or AreaFactory(organisation=organisation)
    profile = PopulationProfileFactory(organisation=organisation, **kwargs)
    for characteristic, category, count in MARGINS:
        PopulationMarginFactory(
            profile=profile,
            area=area,
            characteristic=characteristic,
            category=category,
            count=count,
        )
    return profile


def example_survey(
    organisation: Organisation,
) -> tuple[Survey, PopulationProfile, list[Submission]]:
    """A published survey with the example's nine respondents, and its profile.

    Each respondent answers the single-choice question: everyone young says
    "yes", everyone old "no"; the number question gets 10 from the young and
    40 from the old.
    """
    area = AreaFactory(organisation=organisation)
    engagement = EngagementFactory(
        organisation=organisation, status=Engagement.Status.OPEN
    )
    engagement.areas.add(area)
    survey = published_survey(engagement=engagement)
    profile = example_profile(organisation, area=area)
    submissions = []
    for sex, age_band, how_many, _weight in CELLS:
        for _ in range(how_many):
            submission = SubmissionFactory(survey=survey, sex=sex, age_band=age_band)
            choice = "yes" if age_band == YOUNG else "no"
            answer_of(submission, "single-choice-q", choice)
            AnswerFactory(
                submission=submission,
                question_key="number-q",
                value_number=10 if age_band == YOUNG else 40,
            )
            submissions.append(submission)
    return survey, profile, submissions


def answer_of(submission: Submission, key: str, value: str) -> Answer:
    return AnswerFactory(submission=submission, question_key=key, value_text=value)


def expected_weight(submission: Submission) -> float:
    for sex, age_band, _n, weight in CELLS:
        if submission.sex == sex and submission.age_band == age_band:
            return weight
    raise AssertionError(f"{submission} is not one of the example's cells")
