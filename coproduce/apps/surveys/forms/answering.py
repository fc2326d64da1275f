"""Input shapes for answering a survey, online or typed in by an officer.

The questions come from a published definition, so the page templates draw
them (surveys/_question.html) and `raw_values` turns what was posted back into
the raw values `answers.answer_validate` checks. Fixed forms (about you,
check answers, channel) are ordinary Django forms.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from coproduce.apps.core.about_you import ABOUT_YOU_FIELDS
from coproduce.apps.surveys.definition import QuestionDefinition
from coproduce.apps.surveys.models import QuestionKind, Submission
from coproduce.apps.surveys.services.entry import ENTRY_CHANNELS


def field_name(key: str) -> str:
    """The form field name of a question (keys are slugs, so always safe)."""
    return f"q-{key}"


def _date_value(data: QueryDict, name: str) -> str:
    parts = [
        (data.get(f"{name}-{part}") or "").strip() for part in ("day", "month", "year")
    ]
    if not any(parts):
        return ""
    day, month, year = parts
    if not (day.isdigit() and month.isdigit() and year.isdigit() and len(year) == 4):
        return "not-a-date"  # answer_validate explains what a real date looks like
    return f"{year}-{int(month):02d}-{int(day):02d}"


def raw_values(question: QuestionDefinition, data: QueryDict) -> list[str]:
    """What was posted for one question, as the raw values answer_validate takes."""
    name = field_name(question["key"])
    kind = question["kind"]
    if kind == QuestionKind.MULTIPLE_CHOICE:
        return data.getlist(name)
    if kind == QuestionKind.DATE:
        value = _date_value(data, name)
        return [value] if value else []
    if kind == QuestionKind.RANKING:
        # Without JavaScript a ranking is one "rank" select per option; the
        # options come back in rank order, and a repeated rank is refused by
        # answer_validate as a repeated option would be.
        ranked: list[tuple[int, str]] = []
        for option in question["options"]:
            rank = (data.get(f"{name}-{option['value']}") or "").strip()
            if rank.isdigit():
                ranked.append((int(rank), option["value"]))
        ranks = [rank for rank, _value in ranked]
        if len(set(ranks)) != len(ranks):
            # Two options share a rank: repeat one, so answer_validate says
            # "Give each option a different rank."
            return [value for _rank, value in ranked] + [ranked[0][1]]
        return [value for _rank, value in sorted(ranked)]
    if kind == QuestionKind.MATRIX:
        pairs = []
        for row in question["rows"]:
            chosen = data.get(f"{name}-{row['value']}")
            if chosen:
                pairs.append(f"{row['value']}={chosen}")
        return pairs
    value = data.get(name) or ""
    return [value] if value.strip() else []


def posted_answers(
    questions: Sequence[QuestionDefinition], data: QueryDict
) -> dict[str, list[str]]:
    return {q["key"]: raw_values(q, data) for q in questions}


def display_values(
    question: QuestionDefinition, values: Sequence[str]
) -> dict[str, Any]:
    """What a page needs to redraw an answer: chosen values, date parts, ranks, grid."""
    shown: dict[str, Any] = {
        "values": list(values),
        "value": values[0] if values else "",
    }
    if question["kind"] == QuestionKind.DATE and values:
        year, _sep, rest = values[0].partition("-")
        month, _sep, day = rest.partition("-")
        shown.update(day=day.lstrip("0"), month=month.lstrip("0"), year=year)
    if question["kind"] == QuestionKind.RANKING:
        shown["ranks"] = {value: rank for rank, value in enumerate(values, start=1)}
    if question["kind"] == QuestionKind.MATRIX:
        shown["grid"] = dict(pair.partition("=")[::2] for pair in values)
    return shown


class AboutYouForm(forms.Form):
    """The standard 'about you' questions: every one optional, each with
    'Prefer not to say'."""

    postcode = forms.CharField(
        label=_("Your postcode (optional)"),
        max_length=10,
        required=False,
        help_text=_(
            "We use it only to see which areas we are hearing from, like CF10 1AA."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "postal-code"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        labels = {
            "age_band": _("Your age"),
            "sex": _("Your sex"),
            "gender_identity": _(
                "Is the gender you identify with the same as your sex registered "
                "at birth?"
            ),
            "ethnicity": _("Your ethnic group"),
            "disability": _(
                "Are your day-to-day activities limited because of a health problem "
                "or disability which has lasted, or is expected to last, at least "
                "12 months?"
            ),
            "welsh_ability": _("Your Welsh language skills"),
        }
        for name, choices in ABOUT_YOU_FIELDS.items():
            self.fields[name] = forms.ChoiceField(
                label=labels[name],
                choices=choices.choices,
                required=False,
                widget=forms.RadioSelect,
            )
        self.order_fields([*ABOUT_YOU_FIELDS, "postcode"])


class CheckAnswersForm(forms.Form):
    contact_email = forms.EmailField(
        label=_("Email address (optional)"),
        max_length=254,
        required=False,
        help_text=_(
            "We send a copy of your answers here, and news of what happens if you "
            "ask for it below. We use it for nothing else."
        ),
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
        error_messages={
            "invalid": _(
                "Enter an email address in the correct format, like name@example.org."
            )
        },
    )
    wants_updates = forms.BooleanField(
        label=_("Tell me what happens because of this engagement"),
        required=False,
    )

    def __init__(self, *args: Any, offers_receipt: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not offers_receipt:
            self.fields["contact_email"].help_text = _(
                "Only if you want us to tell you what happens. We use it for "
                "nothing else."
            )


class EntryChannelForm(forms.Form):
    channel = forms.ChoiceField(
        label=_("How did this response come in?"),
        choices=[(c.value, c.label) for c in ENTRY_CHANNELS],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose how the response came in.")},
    )


def about_you_data(data: Mapping[str, Any]) -> dict[str, str]:
    """The 'about you' values posted, for the answering services."""
    return {name: str(data.get(name) or "") for name in [*ABOUT_YOU_FIELDS, "postcode"]}


CHANNEL_LABELS = dict(Submission.Channel.choices)
