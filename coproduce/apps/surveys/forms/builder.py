"""Input shapes for the officers' survey builder. Forms never save."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from coproduce.apps.surveys.models import QuestionKind, Survey
from coproduce.apps.surveys.routing import OPERATORS

_OPTION_HINT = _(
    "One per line. Answers are stored in this order. For a scale, start at one "
    "end (for example 'Strongly agree') and finish at the other."
)


class SurveySettingsForm(forms.Form):
    title_en = forms.CharField(
        label=_("Title in English"),
        max_length=200,
        error_messages={"required": _("Enter the survey's title in English.")},
    )
    title_cy = forms.CharField(
        label=_("Title in Welsh (optional)"), max_length=200, required=False
    )
    introduction_en = forms.CharField(
        label=_("Introduction in English (optional)"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Shown before the first question: why you ask, how long it takes."),
    )
    introduction_cy = forms.CharField(
        label=_("Introduction in Welsh (optional)"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    access = forms.ChoiceField(
        label=_("Who can answer"),
        choices=Survey.Access.choices,
        widget=forms.RadioSelect,
        initial=Survey.Access.ANYONE,
        error_messages={"required": _("Choose who can answer.")},
    )
    is_one_response_per_person = forms.BooleanField(
        label=_("Allow only one response per person"),
        required=False,
        help_text=_("Needs people to sign in."),
    )
    includes_about_you = forms.BooleanField(
        label=_("Ask the standard 'about you' questions"),
        required=False,
        initial=True,
    )
    offers_email_receipt = forms.BooleanField(
        label=_("Offer an email receipt of the answers"),
        required=False,
        initial=True,
    )


class SurveyCreateForm(SurveySettingsForm):
    slug = forms.SlugField(
        label=_("Short name for web addresses"),
        max_length=80,
        help_text=_("Lower-case letters, numbers and hyphens, like 'parks-survey'."),
        error_messages={
            "required": _("Enter a short name for web addresses."),
            "invalid": _(
                "Use only lower-case letters, numbers and hyphens, like 'parks-survey'."
            ),
        },
    )
    field_order = ["title_en", "title_cy", "slug"]


class QuestionForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Type of question"),
        choices=QuestionKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the type of question.")},
    )
    text_en = forms.CharField(
        label=_("Question in English"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Enter the question in English.")},
    )
    text_cy = forms.CharField(
        label=_("Question in Welsh (optional)"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    help_text_en = forms.CharField(
        label=_("Hint in English (optional)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    help_text_cy = forms.CharField(
        label=_("Hint in Welsh (optional)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    is_required = forms.BooleanField(label=_("An answer is required"), required=False)
    page = forms.IntegerField(
        label=_("Page"),
        min_value=1,
        max_value=50,
        initial=1,
        help_text=_("Questions on the same page are shown together."),
        error_messages={
            "required": _("Enter the page number, like 1."),
            "invalid": _("Enter the page number, like 1."),
            "min_value": _("The page number must be 1 or more."),
            "max_value": _("A survey can have up to 50 pages."),
        },
    )
    options_en = forms.CharField(
        label=_("Answer options in English"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_OPTION_HINT,
    )
    options_cy = forms.CharField(
        label=_("Answer options in Welsh (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("One per line, on the same line as the English option."),
    )
    rows_en = forms.CharField(
        label=_("Grid rows (statements) in English"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Only for grids: one statement per line."),
    )
    rows_cy = forms.CharField(
        label=_("Grid rows (statements) in Welsh (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    number_min = forms.FloatField(
        label=_("Lowest number allowed (optional)"),
        required=False,
        help_text=_("Only for number questions."),
        error_messages={"invalid": _("Enter a number, like 0.")},
    )
    number_max = forms.FloatField(
        label=_("Highest number allowed (optional)"),
        required=False,
        help_text=_("Only for number questions."),
        error_messages={"invalid": _("Enter a number, like 120.")},
    )
    integer_only = forms.BooleanField(label=_("Whole numbers only"), required=False)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        low, high = cleaned.get("number_min"), cleaned.get("number_max")
        if low is not None and high is not None and low > high:
            self.add_error(
                "number_min",
                _("The lowest number allowed must not be more than the highest."),
            )
        return cleaned


OPERATOR_LABELS = {
    "equals": _("is (or includes)"),
    "not_equals": _("is not (and does not include)"),
    "any_of": _("is any of"),
    "answered": _("has been answered"),
    "not_answered": _("has not been answered"),
}


class ConditionForm(forms.Form):
    """Show a question only when an earlier page's answer matches."""

    is_conditional = forms.ChoiceField(
        label=_("When is this question shown?"),
        choices=[
            ("no", _("Always")),
            ("yes", _("Only when an earlier answer matches")),
        ],
        widget=forms.RadioSelect,
        initial="no",
        error_messages={"required": _("Choose when this question is shown.")},
    )
    question = forms.ChoiceField(
        label=_("Earlier question"), required=False, choices=[]
    )
    operator = forms.ChoiceField(
        label=_("Its answer"),
        required=False,
        choices=[("", "")] + [(key, OPERATOR_LABELS[key]) for key in OPERATORS],
    )
    values = forms.MultipleChoiceField(
        label=_("Answers to match"),
        required=False,
        choices=[],
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Not needed for 'has been answered' and 'has not been answered'."),
    )

    def __init__(
        self,
        *args: Any,
        earlier: list[tuple[str, str]],
        value_choices: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        question_field = self.fields["question"]
        assert isinstance(question_field, forms.ChoiceField)  # noqa: S101
        question_field.choices = [("", ""), *earlier]
        values_field = self.fields["values"]
        assert isinstance(values_field, forms.ChoiceField)  # noqa: S101
        values_field.choices = value_choices

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("is_conditional") != "yes":
            return cleaned
        if not cleaned.get("question"):
            self.add_error("question", _("Choose the earlier question."))
        if not cleaned.get("operator"):
            self.add_error("operator", _("Choose how its answer is compared."))
        chosen = cleaned.get("question")
        if chosen and any(
            value.split("|", 1)[0] != chosen for value in cleaned.get("values") or []
        ):
            self.add_error(
                "values", _("Choose only answers of the earlier question you chose.")
            )
        return cleaned

    def condition(self) -> dict[str, Any] | None:
        if self.cleaned_data.get("is_conditional") != "yes":
            return None
        return {
            "question": self.cleaned_data["question"],
            "operator": self.cleaned_data["operator"],
            # Choices are "key|value" so one list can offer every question's answers.
            "values": [
                value.split("|", 1)[1]
                for value in self.cleaned_data.get("values") or []
            ],
        }
