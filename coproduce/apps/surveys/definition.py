"""The frozen shape of a published survey version (SurveyVersion.definition).

Residents answer, and results and exports read, this JSON rather than the live
Question rows, so editing the working copy never changes what a published
version asked. Both languages are kept.

Shape (schema 1)::

    {
      "schema": 1,
      "title": {"en": "...", "cy": "..."},
      "introduction": {"en": "...", "cy": "..."},
      "n_pages": 2,
      "questions": [
        {
          "key": "q1", "kind": "single_choice", "page": 1,
          "text": {"en": "...", "cy": "..."},
          "help_text": {"en": "...", "cy": "..."},
          "is_required": true,
          "settings": {},
          "condition": null,
          "options": [{"value": "yes", "label": {"en": "Yes", "cy": "Ydw"}}],
          "rows": []
        }
      ]
    }

Questions are in page then position order; `rows` is used only by grids.
"""

from __future__ import annotations

from typing import Any, TypedDict

from coproduce.apps.surveys.models import Choice, Question, Survey

DEFINITION_SCHEMA = 1


class Text(TypedDict):
    en: str
    cy: str


class OptionDefinition(TypedDict):
    value: str
    label: Text


class QuestionDefinition(TypedDict):
    key: str
    kind: str
    page: int
    text: Text
    help_text: Text
    is_required: bool
    settings: dict[str, Any]
    condition: dict[str, Any] | None
    options: list[OptionDefinition]
    rows: list[OptionDefinition]


class SurveyDefinition(TypedDict):
    schema: int
    title: Text
    introduction: Text
    n_pages: int
    questions: list[QuestionDefinition]


def _text(obj: object, field: str) -> Text:
    return {
        "en": getattr(obj, f"{field}_en") or "",
        "cy": getattr(obj, f"{field}_cy") or "",
    }


def _option(choice: Choice) -> OptionDefinition:
    return {"value": choice.value, "label": _text(choice, "label")}


def definition_build(*, survey: Survey) -> SurveyDefinition:
    """The survey's working copy (questions and choices) as a definition to freeze."""
    questions = list(
        Question.objects.filter(survey=survey)
        .prefetch_related("choices")
        .order_by("page", "position", "pk")
    )
    question_definitions: list[QuestionDefinition] = []
    for question in questions:
        choices = sorted(question.choices.all(), key=lambda c: (c.position, c.pk))
        question_definitions.append(
            {
                "key": question.key,
                "kind": question.kind,
                "page": question.page,
                "text": _text(question, "text"),
                "help_text": _text(question, "help_text"),
                "is_required": question.is_required,
                "settings": dict(question.settings or {}),
                "condition": question.condition or None,
                "options": [
                    _option(c) for c in choices if c.kind == Choice.Kind.OPTION
                ],
                "rows": [_option(c) for c in choices if c.kind == Choice.Kind.ROW],
            }
        )
    return {
        "schema": DEFINITION_SCHEMA,
        "title": _text(survey, "title"),
        "introduction": _text(survey, "introduction"),
        "n_pages": max((q["page"] for q in question_definitions), default=1),
        "questions": question_definitions,
    }


def localised(text: Text, language: str) -> str:
    """The text in `language` ("en" or "cy"), falling back to English when empty."""
    if language.startswith("cy") and text.get("cy"):
        return text["cy"]
    return text.get("en", "")
