"""Conditional routing: which questions and pages a respondent sees.

Pure Python over the definition dicts (definition.py), so the answering pages,
an officer's paper entry and imports all route the same way, and the rules can
be property-tested without a database.

Answers are raw values per question key, as `answers.answer_validate` takes
them (a list of strings; grids give ``"row=option"``). A condition shows its
question only when an *earlier page's* answer matches:

- ``answered`` / ``not_answered``: the earlier question has (no) answer;
- ``equals``: the earlier answer is, or includes, the first value;
- ``not_equals``: the opposite of ``equals`` (an unanswered question counts as
  "not equal", so the follow-up shows);
- ``any_of``: the earlier answer is, or includes, at least one of the values.

Conditions may refer only to questions on earlier pages. That keeps routing
working without JavaScript (a page is drawn from answers already sent) and
rules out loops. A question whose referenced question is itself hidden treats
that question as unanswered, so hiding cascades down the survey.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.utils.translation import gettext as _

from coproduce.apps.surveys.definition import QuestionDefinition

Answers = Mapping[str, Sequence[str]]

OPERATORS = ("equals", "not_equals", "any_of", "answered", "not_answered")
OPERATORS_WITH_VALUES = frozenset({"equals", "not_equals", "any_of"})


def _given(values: Sequence[str] | None) -> list[str]:
    return [v for v in (values or []) if v and v.strip()]


def condition_is_met(condition: Mapping[str, Any] | None, answers: Answers) -> bool:
    """True if a question with this condition is shown, given visible answers."""
    if not condition:
        return True
    given = _given(answers.get(str(condition.get("question", ""))))
    operator = condition.get("operator")
    values = [str(v) for v in condition.get("values") or []]
    if operator == "answered":
        return bool(given)
    if operator == "not_answered":
        return not given
    if operator == "equals":
        return bool(values) and values[0] in given
    if operator == "not_equals":
        return not (bool(values) and values[0] in given)
    if operator == "any_of":
        return any(value in given for value in values)
    # An unknown operator never hides a question: showing too much is safer
    # than silently losing answers. Publishing refuses unknown operators.
    return True


def visible_questions(
    questions: Iterable[QuestionDefinition], answers: Answers
) -> list[QuestionDefinition]:
    """The questions shown, in order, given the answers so far.

    Answers to hidden questions are ignored while deciding later questions, so
    a follow-up of a hidden question is hidden too (when its condition needs
    an answer).
    """
    shown: list[QuestionDefinition] = []
    visible_answers: dict[str, Sequence[str]] = {}
    for question in questions:
        if condition_is_met(question.get("condition"), visible_answers):
            shown.append(question)
            if question["key"] in answers:
                visible_answers[question["key"]] = answers[question["key"]]
    return shown


def visible_answers(
    questions: Iterable[QuestionDefinition], answers: Answers
) -> dict[str, list[str]]:
    """Only the answers to visible questions: hidden questions' answers are dropped."""
    return {
        question["key"]: list(answers[question["key"]])
        for question in visible_questions(questions, answers)
        if question["key"] in answers
    }


def pages_shown(questions: Sequence[QuestionDefinition], answers: Answers) -> list[int]:
    """Page numbers that have at least one visible question, in increasing order."""
    return sorted({q["page"] for q in visible_questions(questions, answers)})


def page_next(
    questions: Sequence[QuestionDefinition], answers: Answers, page: int
) -> int | None:
    """The next page after `page` with a visible question, or None at the end."""
    return next((p for p in pages_shown(questions, answers) if p > page), None)


def page_previous(
    questions: Sequence[QuestionDefinition], answers: Answers, page: int
) -> int | None:
    """The page before `page` with a visible question, or None at the start."""
    earlier = [p for p in pages_shown(questions, answers) if p < page]
    return earlier[-1] if earlier else None


def page_first(questions: Sequence[QuestionDefinition], answers: Answers) -> int | None:
    pages = pages_shown(questions, answers)
    return pages[0] if pages else None


def questions_on_page(
    questions: Sequence[QuestionDefinition], answers: Answers, page: int
) -> list[QuestionDefinition]:
    """The visible questions of one page."""
    return [q for q in visible_questions(questions, answers) if q["page"] == page]


def condition_problems(
    question: QuestionDefinition, earlier: Sequence[QuestionDefinition]
) -> list[str]:
    """What is wrong with a question's condition, as sentences naming the question.

    `earlier` are the questions before it in the survey's order.
    """
    condition = question.get("condition")
    if not condition:
        return []
    name = question["key"]
    target_key = condition.get("question")
    target = next((q for q in earlier if q["key"] == target_key), None)
    if target is None or target["page"] >= question["page"]:
        return [
            _(
                "Question %(key)s: its condition must refer to a question on an "
                "earlier page."
            )
            % {"key": name}
        ]
    operator = condition.get("operator")
    if operator not in OPERATORS:
        return [
            _("Question %(key)s: choose how the earlier answer is compared.")
            % {"key": name}
        ]
    if operator in OPERATORS_WITH_VALUES:
        values = [str(v) for v in condition.get("values") or []]
        if not values:
            return [
                _("Question %(key)s: its condition needs at least one answer to match.")
                % {"key": name}
            ]
        allowed = {o["value"] for o in target["options"]}
        if target["kind"] == "matrix":
            allowed = {
                f"{row['value']}={option['value']}"
                for row in target["rows"]
                for option in target["options"]
            }
        if allowed and any(value not in allowed for value in values):
            return [
                _(
                    "Question %(key)s: its condition uses an answer that question "
                    "%(target)s does not offer."
                )
                % {"key": name, "target": target_key}
            ]
    return []
