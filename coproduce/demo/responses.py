"""Synthetic survey responses for the demo, tests and benchmarks.

Deterministic: the same seed gives the same responses. Respondents are drawn
the way real consultations tend to be answered: older and from better-off
areas more than the population (`skew`), so the inclusion pages have a gap to
show. Rows are written with `bulk_create` in batches, not through the
answering service: this is generated data at volume (10,000 submissions for the
results benchmark), not residents' input, and the service's per-answer checks
are tested elsewhere. Every value is still checked with `answer_validate`, so
generated data never holds an answer the product would refuse.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import numpy as np
from django.db import transaction

from coproduce.apps.core.about_you import (
    PREFER_NOT_TO_SAY,
    AgeBand,
    Disability,
    Ethnicity,
    GenderIdentity,
    Sex,
    WelshAbility,
)
from coproduce.apps.organisations.models import Area
from coproduce.apps.surveys.answers import answer_validate
from coproduce.apps.surveys.definition import QuestionDefinition
from coproduce.apps.surveys.models import (
    Answer,
    QuestionKind,
    Submission,
    SurveyVersion,
)
from coproduce.apps.surveys.routing import visible_answers

# Shares of respondents per age band (16+) when skewed towards older people,
# against roughly the adult population of a Welsh borough.
_AGE_BANDS = [
    AgeBand.AGE_16_24,
    AgeBand.AGE_25_34,
    AgeBand.AGE_35_44,
    AgeBand.AGE_45_54,
    AgeBand.AGE_55_64,
    AgeBand.AGE_65_74,
    AgeBand.AGE_75_PLUS,
]
_AGE_POPULATION = [0.13, 0.15, 0.15, 0.16, 0.16, 0.13, 0.12]
_AGE_SKEWED = [0.03, 0.07, 0.11, 0.17, 0.24, 0.24, 0.14]

_WORDS = [
    "parc",
    "bws",
    "llyfrgell",
    "library",
    "bus",
    "park",
    "safe",
    "diogel",
    "lighting",
    "goleuadau",
    "bins",
    "biniau",
    "parking",
    "parcio",
    "Ŵyn",
    "ŷd",
    "café",
    "👍🏽",
    "«quoted»",
    "<b>not",
    "bold</b>",
    "&",
    "more",
]


@dataclass(frozen=True)
class GeneratedCounts:
    n_submissions: int
    n_answers: int


def _pick(
    rng: np.random.Generator, values: Sequence[str], p: Sequence[float] | np.ndarray
) -> str:
    weights = np.asarray(p, dtype=float)
    return str(values[int(rng.choice(len(values), p=weights / weights.sum()))])


def _values_for(question: QuestionDefinition, rng: np.random.Generator) -> list[str]:
    """Raw values for one question, as a resident might give them."""
    kind = question["kind"]
    options = [option["value"] for option in question["options"]]
    if not question["is_required"] and rng.random() < 0.08:
        return []  # skipped
    if kind in (QuestionKind.SHORT_TEXT, QuestionKind.LONG_TEXT):
        n_words = int(rng.integers(3, 12 if kind == QuestionKind.SHORT_TEXT else 40))
        return [" ".join(rng.choice(_WORDS, size=n_words).tolist())]
    if kind == QuestionKind.NUMBER:
        low = question["settings"].get("min")
        low = 0 if low is None else low
        high = question["settings"].get("max")
        high = low + 100 if high is None else high
        return [str(int(rng.integers(int(low), int(high) + 1)))]
    if kind == QuestionKind.DATE:
        day = date(2026, 1, 1) + timedelta(days=int(rng.integers(0, 365)))
        return [day.isoformat()]
    if kind == QuestionKind.POSTCODE:
        return [f"CF{int(rng.integers(10, 40))} {int(rng.integers(1, 9))}AB"]
    if kind in (QuestionKind.SINGLE_CHOICE, QuestionKind.SCALE):
        # Earlier options a little more popular, so charts are not flat.
        weights = np.linspace(1.6, 0.8, num=len(options))
        return [_pick(rng, options, weights)]
    if kind == QuestionKind.MULTIPLE_CHOICE:
        chosen = [value for value in options if rng.random() < 0.45]
        return chosen or [options[0]]
    if kind == QuestionKind.RANKING:
        return [str(value) for value in rng.permutation(options)]
    if kind == QuestionKind.MATRIX:
        return [f"{row['value']}={_pick(rng, options, [1.0] * len(options))}"
                for row in question["rows"]]  # fmt: skip
    return []


def _about_you(rng: np.random.Generator, *, skew: bool) -> dict[str, str]:
    def maybe(value: str) -> str:
        return PREFER_NOT_TO_SAY if rng.random() < 0.04 else value

    return {
        "age_band": maybe(
            _pick(rng, _AGE_BANDS, _AGE_SKEWED if skew else _AGE_POPULATION)
        ),
        "sex": maybe(_pick(rng, [Sex.FEMALE, Sex.MALE], [0.56, 0.44])),
        "gender_identity": maybe(
            _pick(
                rng,
                [GenderIdentity.SAME_AS_SEX, GenderIdentity.DIFFERENT],
                [0.995, 0.005],
            )
        ),
        "ethnicity": maybe(
            _pick(
                rng,
                [
                    Ethnicity.WHITE,
                    Ethnicity.ASIAN,
                    Ethnicity.MIXED,
                    Ethnicity.BLACK,
                    Ethnicity.OTHER,
                ],
                [0.96, 0.015, 0.012, 0.008, 0.005]
                if skew
                else [0.93, 0.03, 0.02, 0.012, 0.008],
            )
        ),
        "disability": maybe(
            _pick(
                rng,
                [
                    Disability.LIMITED_A_LOT,
                    Disability.LIMITED_A_LITTLE,
                    Disability.NOT_LIMITED,
                ],
                [0.09, 0.12, 0.79],
            )
        ),
        "welsh_ability": maybe(
            _pick(
                rng,
                [
                    WelshAbility.SPEAKS,
                    WelshAbility.OTHER_SKILLS,
                    WelshAbility.NO_SKILLS,
                ],
                [0.17, 0.08, 0.75],
            )
        ),
    }


def synthetic_responses_create(
    *,
    version: SurveyVersion,
    n_submissions: int,
    seed: int,
    areas: Sequence[Area] = (),
    area_weights: Sequence[float] | None = None,
    skew: bool = True,
    submitted_from: datetime,
    batch_size: int = 1000,
    postcodes: Mapping[int, Sequence[str]] | None = None,
) -> GeneratedCounts:
    """Create `n_submissions` submitted online responses to `version`.

    `area_weights` (same length as `areas`) makes some areas answer more than
    others: the demo weights its better-off wards up. `postcodes` maps an area
    id to postcodes inside it; a response from that area that answers "about
    you" gets one of them at random, or none one time in twelve (the demo's
    postcodes fall in its lookup, for reach by decile).
    """
    rng = np.random.default_rng(seed)
    # A stream of its own: adding postcodes leaves every other value unchanged.
    postcode_rng = np.random.default_rng([seed, 7])
    survey = version.survey
    questions = list(version.definition["questions"])
    asks_about_you = survey.includes_about_you
    n_answers = 0
    weights = list(area_weights) if area_weights is not None else [1.0] * len(areas)
    with transaction.atomic():
        for start in range(0, n_submissions, batch_size):
            size = min(batch_size, n_submissions - start)
            submissions = []
            answers_per_submission: list[list[tuple[str, list[str]]]] = []
            for offset in range(size):
                submitted_at = submitted_from + timedelta(minutes=7 * (start + offset))
                about = _about_you(rng, skew=skew) if asks_about_you else {}
                area = (
                    areas[
                        int(
                            rng.choice(len(areas), p=np.asarray(weights) / sum(weights))
                        )
                    ]
                    if areas
                    else None
                )
                in_area = (postcodes or {}).get(area.pk, ()) if area and about else ()
                # About one in twelve leaves the postcode blank.
                postcode = (
                    in_area[int(postcode_rng.integers(len(in_area)))]
                    if in_area and postcode_rng.random() >= 0.08
                    else ""
                )
                submissions.append(
                    Submission(
                        survey=survey,
                        version=version,
                        channel=Submission.Channel.ONLINE,
                        status=Submission.Status.SUBMITTED,
                        submitted_at=submitted_at,
                        area=area,
                        postcode=postcode,
                        about_you_consented_at=submitted_at if about else None,
                        **about,
                    )
                )
                # Answer every question, then keep only what routing shows.
                raw = {q["key"]: _values_for(q, rng) for q in questions}
                shown = visible_answers(questions, raw)
                answers_per_submission.append(list(shown.items()))
            created = Submission.objects.bulk_create(submissions)
            answer_rows = []
            by_key = {q["key"]: q for q in questions}
            for submission, answers in zip(
                created, answers_per_submission, strict=True
            ):
                for key, values in answers:
                    for value in answer_validate(question=by_key[key], values=values):
                        answer_rows.append(
                            Answer(
                                survey=survey,
                                submission=submission,
                                question_key=key,
                                item=value.item,
                                value_text=value.value_text,
                                value_number=value.value_number,
                            )
                        )
            Answer.objects.bulk_create(answer_rows, batch_size=5000)
            n_answers += len(answer_rows)
    return GeneratedCounts(n_submissions=n_submissions, n_answers=n_answers)
