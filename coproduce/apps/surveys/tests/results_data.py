"""Random but reproducible responses for results, export and import tests."""

from __future__ import annotations

import random
from typing import Any

from coproduce.apps.core.about_you import AgeBand, Sex
from coproduce.apps.surveys.answers import answer_validate
from coproduce.apps.surveys.models import Answer, QuestionKind, Submission, Survey
from coproduce.apps.surveys.tests.factories import SubmissionFactory
from coproduce.testing.text import hostile_strings

_TEXTS = hostile_strings(max_length=500)


def raw_values(question: dict[str, Any], rng: random.Random) -> list[str]:
    """Raw input for one question (as answers.py expects), sometimes blank."""
    kind = question["kind"]
    options = [o["value"] for o in question["options"]]
    if rng.random() < 0.15:
        return []
    if kind in (QuestionKind.SHORT_TEXT, QuestionKind.LONG_TEXT):
        return [rng.choice(_TEXTS)]
    if kind == QuestionKind.NUMBER:
        return [str(rng.randint(0, 120))]
    if kind == QuestionKind.DATE:
        return [f"2026-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}"]
    if kind == QuestionKind.POSTCODE:
        return [rng.choice(["CF10 1AA", "cf24 3bb", "SA1 1AA"])]
    if kind in (QuestionKind.SINGLE_CHOICE, QuestionKind.SCALE):
        return [rng.choice(options)]
    if kind == QuestionKind.MULTIPLE_CHOICE:
        return rng.sample(options, rng.randint(1, len(options)))
    if kind == QuestionKind.RANKING:
        return rng.sample(options, rng.randint(1, len(options)))
    if kind == QuestionKind.MATRIX:
        rows = [r["value"] for r in question["rows"]]
        return [f"{row}={rng.choice(options)}" for row in rows if rng.random() < 0.8]
    return []


def add_responses(
    survey: Survey,
    n: int,
    *,
    seed: int = 0,
    status: str = Submission.Status.SUBMITTED,
    **submission_kwargs: Any,
) -> list[Submission]:
    """`n` submissions to the survey's current version with random answers."""
    rng = random.Random(seed)
    questions = survey.current_version.definition["questions"]
    made = []
    answers = []
    for _ in range(n):
        kwargs = {
            "age_band": rng.choice([AgeBand.AGE_16_24, AgeBand.AGE_65_74, ""]),
            "sex": rng.choice([Sex.FEMALE, Sex.MALE]),
            "channel": rng.choice(
                [Submission.Channel.ONLINE, Submission.Channel.PAPER]
            ),
            **submission_kwargs,
        }
        if status != Submission.Status.SUBMITTED:
            kwargs["submitted_at"] = None
        submission = SubmissionFactory(survey=survey, status=status, **kwargs)
        made.append(submission)
        for question in questions:
            for value in answer_validate(
                question={**question, "is_required": False},
                values=raw_values(question, rng),
            ):
                answers.append(
                    Answer(
                        survey=survey,
                        submission=submission,
                        question_key=question["key"],
                        item=value.item,
                        value_text=value.value_text,
                        value_number=value.value_number,
                    )
                )
    Answer.objects.bulk_create(answers)
    return made


def survey_of(organisation: Any) -> Survey:
    """A published survey (one question of every kind) of `organisation`."""
    from coproduce.apps.engagements.tests.factories import EngagementFactory
    from coproduce.apps.surveys.tests.factories import published_survey

    return published_survey(engagement=EngagementFactory(organisation=organisation))
