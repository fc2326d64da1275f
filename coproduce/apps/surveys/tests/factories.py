"""Surveys, questions, published versions, submissions and answers.

`published_survey()` builds a survey with one question of every kind and
publishes it (version 1), which most results, import and export tests need.
"""

from __future__ import annotations

from typing import Any

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from coproduce.apps.engagements.models import Engagement
from coproduce.apps.engagements.tests.factories import EngagementFactory
from coproduce.apps.surveys.definition import definition_build
from coproduce.apps.surveys.models import (
    Answer,
    AnswerTag,
    Choice,
    Question,
    QuestionKind,
    Submission,
    Survey,
    SurveyVersion,
)
from coproduce.testing.text import hostile_strings

_TITLES = hostile_strings(max_length=200)
_QUESTIONS = hostile_strings(max_length=1000)
_LABELS = hostile_strings(max_length=500)


class SurveyFactory(DjangoModelFactory):
    class Meta:
        model = Survey

    engagement = factory.SubFactory(EngagementFactory)
    organisation = factory.SelfAttribute("engagement.organisation")
    slug = factory.Sequence(lambda n: f"survey-{n}")
    title_en = factory.Iterator(_TITLES)
    title_cy = factory.Iterator(list(reversed(_TITLES)))


class QuestionFactory(DjangoModelFactory):
    class Meta:
        model = Question

    survey = factory.SubFactory(SurveyFactory)
    key = factory.Sequence(lambda n: f"q{n + 1}")
    page = 1
    position = factory.Sequence(lambda n: n)
    kind = QuestionKind.SHORT_TEXT
    text_en = factory.Iterator(_QUESTIONS)
    text_cy = factory.Iterator(list(reversed(_QUESTIONS)))


class ChoiceFactory(DjangoModelFactory):
    class Meta:
        model = Choice

    question = factory.SubFactory(QuestionFactory, kind=QuestionKind.SINGLE_CHOICE)
    kind = Choice.Kind.OPTION
    value = factory.Sequence(lambda n: f"option-{n}")
    label_en = factory.Iterator(_LABELS)
    label_cy = factory.Iterator(list(reversed(_LABELS)))
    position = factory.Sequence(lambda n: n)


def _options(question: Question, values: list[str], kind: str = "option") -> None:
    for position, value in enumerate(values):
        ChoiceFactory(question=question, kind=kind, value=value, position=position)


def questions_of_every_kind(survey: Survey, *, page: int = 1) -> dict[str, Question]:
    """One question of each kind on `survey`, keyed by kind; choice values are ASCII."""
    made: dict[str, Question] = {}
    for position, kind in enumerate(QuestionKind):
        settings: dict[str, Any] = {}
        if kind == QuestionKind.NUMBER:
            settings = {"min": 0, "max": 120, "integer_only": True}
        question = QuestionFactory(
            survey=survey,
            key=f"{kind.value.replace('_', '-')}-q",
            kind=kind,
            page=page,
            position=position,
            settings=settings,
        )
        if kind in (QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE):
            _options(question, ["yes", "no", "unsure"])
        elif kind == QuestionKind.SCALE:
            _options(question, ["1", "2", "3", "4", "5"])
        elif kind == QuestionKind.RANKING:
            _options(question, ["parks", "roads", "libraries"])
        elif kind == QuestionKind.MATRIX:
            _options(question, ["agree", "neutral", "disagree"])
            _options(question, ["safety", "cleanliness"], kind="row")
        made[kind] = question
    return made


def survey_version_create(
    survey: Survey, *, number: int | None = None
) -> SurveyVersion:
    """Freeze the survey's working copy as its next version and make it current.

    A test shortcut for the publish service: no permission check, no audit.
    """
    if number is None:
        number = survey.versions.count() + 1
    version = SurveyVersion.objects.create(
        survey=survey,
        number=number,
        definition=definition_build(survey=survey),
        published_at=timezone.now(),
    )
    survey.current_version = version
    survey.save(update_fields=["current_version", "updated_at"])
    return version


def published_survey(**survey_kwargs: Any) -> Survey:
    """An open engagement's survey with one question of every kind, published."""
    survey_kwargs.setdefault(
        "engagement", EngagementFactory(status=Engagement.Status.OPEN)
    )
    survey = SurveyFactory(**survey_kwargs)
    questions_of_every_kind(survey)
    survey_version_create(survey)
    return survey


class SubmissionFactory(DjangoModelFactory):
    """A submitted online response to the survey's current version, no answers."""

    class Meta:
        model = Submission

    survey = factory.SubFactory(SurveyFactory)
    version = factory.LazyAttribute(lambda o: o.survey.current_version)
    channel = Submission.Channel.ONLINE
    status = Submission.Status.SUBMITTED
    submitted_at = factory.LazyFunction(timezone.now)


class AnswerFactory(DjangoModelFactory):
    class Meta:
        model = Answer

    submission = factory.SubFactory(SubmissionFactory)
    survey = factory.SelfAttribute("submission.survey")
    question_key = "short-text-q"
    value_text = factory.Iterator(hostile_strings(max_length=10000))


class AnswerTagFactory(DjangoModelFactory):
    class Meta:
        model = AnswerTag

    survey = factory.SubFactory(SurveyFactory)
    name = factory.Sequence(lambda n: f"Thema {n} ŵ")
