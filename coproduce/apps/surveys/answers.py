"""Check one answer against its question and turn it into stored values.

Shared by every way an answer arrives (the online form, an officer's paper
entry, a CSV or XLSX import), so a value accepted by one is accepted by all.
Callers first reduce their raw input to a list of strings per question:

- text, number, date, postcode, single choice, scale: at most one string;
- multiple choice: the chosen option values;
- ranking: option values in order, first choice first;
- grid: ``"row=option"`` strings, one per answered row.

An empty list (or only blank strings) means "not answered".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _

from coproduce.apps.surveys.definition import QuestionDefinition
from coproduce.apps.surveys.models import QuestionKind
from coproduce.errors import DomainError

SHORT_TEXT_MAX_LENGTH = 500
LONG_TEXT_MAX_LENGTH = 10000

# UK postcode: outward code (area, district) and inward code (sector, unit).
# Follows the format rules of the Office for National Statistics' postcode
# directory, and accepts GIR 0AA (Girobank) as Royal Mail does.
_POSTCODE = re.compile(
    r"^(?:GIR0AA|[A-PR-UWYZ](?:[0-9][0-9A-HJKPS-UW]?|[A-HK-Y][0-9][0-9ABEHMNPRV-Y]?)"
    r"[0-9][ABD-HJLNP-UW-Z]{2})$"
)


class AnswerError(DomainError):
    """An answer does not fit its question; the message says what to change."""

    code = "invalid_answer"


@dataclass(frozen=True, slots=True)
class AnswerValue:
    """One row to store in Answer (see models.Answer for each kind's layout)."""

    item: str = ""
    value_text: str = ""
    value_number: float | None = None


def postcode_normalise(text: str) -> str | None:
    """The postcode in capitals without spaces ("CF101AA"), or None if not valid."""
    compact = re.sub(r"\s+", "", text).upper()
    return compact if _POSTCODE.fullmatch(compact) else None


def postcode_display(compact: str) -> str:
    """'CF101AA' → 'CF10 1AA' (the inward code is always the last three)."""
    return f"{compact[:-3]} {compact[-3:]}"


def _option_values(question: QuestionDefinition) -> list[str]:
    return [option["value"] for option in question["options"]]


def _number(question: QuestionDefinition, text: str) -> float:
    settings = question["settings"]
    try:
        number = float(text.replace(",", ""))
    except ValueError:
        raise AnswerError(_("Enter a number, like 12 or 3.5.")) from None
    if number != number or number in (float("inf"), float("-inf")):
        raise AnswerError(_("Enter a number, like 12 or 3.5."))
    if settings.get("integer_only") and not number.is_integer():
        raise AnswerError(_("Enter a whole number, like 12."))
    low, high = settings.get("min"), settings.get("max")
    if low is not None and number < low:
        raise AnswerError(
            _("Enter a number of %(min)s or more.") % {"min": _format(low)}
        )
    if high is not None and number > high:
        raise AnswerError(
            _("Enter a number of %(max)s or less.") % {"max": _format(high)}
        )
    return number


def _format(number: float) -> str:
    return str(int(number)) if float(number).is_integer() else str(number)


def _one(values: list[str]) -> str:
    if len(values) > 1:
        raise AnswerError(_("Give only one answer."))
    return values[0]


def answer_validate(
    *, question: QuestionDefinition, values: list[str]
) -> list[AnswerValue]:
    """The rows to store for one answer, or AnswerError saying what is wrong.

    Raises AnswerError for a missing required answer, an unknown option, a
    number out of bounds, an impossible date or a postcode that is not a UK
    postcode. Routing (whether the question was shown) is the caller's concern.
    """
    values = [value.strip() for value in values if value and value.strip()]
    kind = question["kind"]
    if not values:
        if question["is_required"]:
            if kind in (QuestionKind.MULTIPLE_CHOICE, QuestionKind.RANKING):
                raise AnswerError(_("Select at least one answer."))
            if kind in (QuestionKind.SINGLE_CHOICE, QuestionKind.SCALE):
                raise AnswerError(_("Select an answer."))
            raise AnswerError(_("Enter an answer."))
        return []

    options = _option_values(question)
    if kind in (QuestionKind.SHORT_TEXT, QuestionKind.LONG_TEXT):
        text = _one(values)
        limit = (
            SHORT_TEXT_MAX_LENGTH
            if kind == QuestionKind.SHORT_TEXT
            else LONG_TEXT_MAX_LENGTH
        )
        if len(text) > limit:
            raise AnswerError(
                _("Answer in %(limit)s characters or fewer.") % {"limit": limit}
            )
        return [AnswerValue(value_text=text)]
    if kind == QuestionKind.NUMBER:
        text = _one(values)
        return [AnswerValue(value_text=text, value_number=_number(question, text))]
    if kind == QuestionKind.DATE:
        text = _one(values)
        try:
            parsed = date.fromisoformat(text)
        except ValueError:
            raise AnswerError(_("Enter a real date, for example 27 3 2026.")) from None
        return [AnswerValue(value_text=parsed.isoformat())]
    if kind == QuestionKind.POSTCODE:
        compact = postcode_normalise(_one(values))
        if compact is None:
            raise AnswerError(_("Enter a full UK postcode, like CF10 1AA."))
        return [AnswerValue(value_text=postcode_display(compact))]
    if kind in (QuestionKind.SINGLE_CHOICE, QuestionKind.SCALE):
        value = _one(values)
        if value not in options:
            raise AnswerError(_("Select one of the answers given."))
        number = (
            float(value) if kind == QuestionKind.SCALE and _is_number(value) else None
        )
        return [AnswerValue(value_text=value, value_number=number)]
    if kind == QuestionKind.MULTIPLE_CHOICE:
        if any(value not in options for value in values):
            raise AnswerError(_("Select only answers from the list."))
        if len(set(values)) != len(values):
            raise AnswerError(_("Select each answer only once."))
        # Stored in the question's order, whatever order they arrived in.
        return [AnswerValue(value_text=v) for v in options if v in values]
    if kind == QuestionKind.RANKING:
        if any(value not in options for value in values):
            raise AnswerError(_("Rank only the options given."))
        if len(set(values)) != len(values):
            raise AnswerError(_("Give each option a different rank."))
        return [
            AnswerValue(item=value, value_number=float(rank))
            for rank, value in enumerate(values, start=1)
        ]
    if kind == QuestionKind.MATRIX:
        rows = [row["value"] for row in question["rows"]]
        chosen: dict[str, str] = {}
        for pair in values:
            row, _sep, option = pair.partition("=")
            if row not in rows or option not in options:
                raise AnswerError(_("Select one of the answers given for each row."))
            if row in chosen:
                raise AnswerError(_("Give only one answer for each row."))
            chosen[row] = option
        if question["is_required"] and len(chosen) != len(rows):
            raise AnswerError(_("Select an answer for each row."))
        return [
            AnswerValue(item=row, value_text=chosen[row])
            for row in rows
            if row in chosen
        ]
    raise AnswerError(_("This question cannot be answered."))  # an unknown kind


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True
