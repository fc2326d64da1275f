"""Checking and storing one response, whatever channel it came from.

The online pages (answering.py) and officers' entry (entry.py) both check
answers here, so a response is accepted or refused the same way by either.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from coproduce.apps.core.about_you import ABOUT_YOU_FIELDS
from coproduce.apps.organisations.selectors import area_for_postcode
from coproduce.apps.surveys.answers import (
    AnswerError,
    AnswerValue,
    answer_validate,
    postcode_display,
    postcode_normalise,
)
from coproduce.apps.surveys.definition import QuestionDefinition
from coproduce.apps.surveys.models import Answer, QuestionKind, Submission, Survey
from coproduce.apps.surveys.routing import visible_questions
from coproduce.errors import DomainError

POSTCODE_FIELD = "postcode"


class AnswersInvalidError(DomainError):
    """Some answers do not fit their questions; `errors` maps key → message."""

    code = "invalid_answers"

    def __init__(self, errors: dict[str, str], labels: Mapping[str, str]) -> None:
        self.errors = errors
        super().__init__(
            [f"{labels.get(key, key)}: {msg}" for key, msg in errors.items()]
        )


def answer_raw_values(question: QuestionDefinition, rows: list[Answer]) -> list[str]:
    """Turn stored Answer rows back into the raw values `answer_validate` takes."""
    kind = question["kind"]
    if kind == QuestionKind.RANKING:
        return [r.item for r in sorted(rows, key=lambda r: r.value_number or 0)]
    if kind == QuestionKind.MATRIX:
        return [f"{r.item}={r.value_text}" for r in rows]
    return [r.value_text for r in rows]


def _labels(questions: Sequence[QuestionDefinition]) -> dict[str, str]:
    language = translation.get_language() or "en"
    return {
        q["key"]: (q["text"].get("cy") if language.startswith("cy") else "")
        or q["text"]["en"]
        for q in questions
    }


def answers_validate(
    *,
    questions: Sequence[QuestionDefinition],
    answers: Mapping[str, Sequence[str]],
    keys: Collection[str] | None = None,
    enforce_required: bool = True,
    refuse_hidden: bool = False,
) -> dict[str, list[AnswerValue]]:
    """Check the answers to `questions` (visible ones only); rows to store per key.

    `questions` is the whole survey, so earlier answers decide visibility;
    `keys`, if given, limits the check to those questions (one page). Answers
    to hidden questions are dropped, or with `refuse_hidden` (an officer's
    entry) refused. Raises AnswersInvalidError listing every problem.
    """
    shown = [
        q
        for q in visible_questions(questions, answers)
        if keys is None or q["key"] in keys
    ]
    shown_keys = {q["key"] for q in shown}
    errors: dict[str, str] = {}
    validated: dict[str, list[AnswerValue]] = {}
    if refuse_hidden:
        for question in questions:
            given = [v for v in answers.get(question["key"], []) if v.strip()]
            if question["key"] not in shown_keys and given:
                errors[question["key"]] = _(
                    "This question is not asked after the earlier answers given. "
                    "Leave it blank."
                )
    for question in shown:
        definition = question
        if not enforce_required and question["is_required"]:
            definition = {**question, "is_required": False}
        try:
            rows = answer_validate(
                question=definition, values=list(answers.get(question["key"], []))
            )
        except AnswerError as exc:
            errors[question["key"]] = " ".join(str(m) for m in exc.messages)
        else:
            if rows:
                validated[question["key"]] = rows
    if errors:
        raise AnswersInvalidError(errors, _labels(questions))
    return validated


def about_you_validate(data: Mapping[str, str]) -> dict[str, str]:
    """The 'about you' answers, checked; every one is optional.

    Raises AnswersInvalidError for an unknown category or a postcode that is
    not a UK postcode.
    """
    cleaned: dict[str, str] = {}
    errors: dict[str, str] = {}
    for name, choices in ABOUT_YOU_FIELDS.items():
        value = (data.get(name) or "").strip()
        if not value:
            continue
        if value not in choices.values:
            errors[name] = _("Select one of the answers given.")
        else:
            cleaned[name] = value
    postcode = (data.get(POSTCODE_FIELD) or "").strip()
    if postcode:
        compact = postcode_normalise(postcode)
        if compact is None:
            errors[POSTCODE_FIELD] = _("Enter a full UK postcode, like CF10 1AA.")
        else:
            cleaned[POSTCODE_FIELD] = postcode_display(compact)
    if errors:
        raise AnswersInvalidError(errors, {POSTCODE_FIELD: _("Postcode")})
    return cleaned


def submission_answers_write(
    submission: Submission, validated: dict[str, list[AnswerValue]]
) -> None:
    """Replace a submission's Answer rows with checked ones (callers lock and audit)."""
    submission.answers.all().delete()
    Answer.objects.bulk_create(
        Answer(
            survey_id=submission.survey_id,
            submission=submission,
            question_key=key,
            item=row.item,
            value_text=row.value_text,
            value_number=row.value_number,
        )
        for key, rows in validated.items()
        for row in rows
    )


def submission_about_you_apply(
    submission: Submission, survey: Survey, about_you: Mapping[str, str]
) -> None:
    """Set the 'about you' fields, the postcode's area and the consent time."""
    for name in ABOUT_YOU_FIELDS:
        setattr(submission, name, about_you.get(name, ""))
    submission.postcode = about_you.get(POSTCODE_FIELD, "")
    submission.area = (
        area_for_postcode(
            organisation=survey.organisation, postcode=submission.postcode
        )
        if submission.postcode
        else None
    )
    if any(about_you.get(name) for name in [*ABOUT_YOU_FIELDS, POSTCODE_FIELD]):
        submission.about_you_consented_at = (
            submission.about_you_consented_at or timezone.now()
        )
    else:
        submission.about_you_consented_at = None
