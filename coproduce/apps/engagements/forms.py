"""Input shapes for engagement pages. Forms never save: views call services."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from coproduce.apps.engagements.models import (
    PARTICIPATION_LEVEL_DEFINITIONS,
    Engagement,
    ParticipationLevel,
    Topic,
)
from coproduce.apps.organisations.models import Area, Organisation
from coproduce.apps.surveys.models import AnswerTag, Question

_DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


class DateTimeLocalInput(forms.DateTimeInput):
    """A native date and time picker; works without JavaScript."""

    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format=_DATETIME_FORMAT)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def _datetime_field(label: Any, *, required: bool, help_text: Any = "") -> Any:
    return forms.DateTimeField(
        label=label,
        required=required,
        help_text=help_text,
        widget=DateTimeLocalInput(),
        input_formats=[_DATETIME_FORMAT, "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
        error_messages={
            "invalid": _("Enter a real date and time, for example 2026-05-17 18:30."),
        },
    )


def _level_choices() -> list[tuple[str, str]]:
    return [
        (level.value, f"{level.label}: {PARTICIPATION_LEVEL_DEFINITIONS[level]}")
        for level in ParticipationLevel
    ]


class EngagementForm(forms.Form):
    title_en = forms.CharField(
        label=_("Title in English"),
        max_length=200,
        error_messages={"required": _("Enter the title in English.")},
    )
    title_cy = forms.CharField(
        label=_("Title in Welsh (optional)"), max_length=200, required=False
    )
    summary_en = forms.CharField(
        label=_("Summary in English"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Enter a summary in English.")},
    )
    summary_cy = forms.CharField(
        label=_("Summary in Welsh (optional)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    purpose_en = forms.CharField(
        label=_("What can change because of residents' input, in English"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Say plainly what is still open to change and what is already decided."
        ),
        error_messages={
            "required": _("Enter what can change because of residents' input.")
        },
    )
    purpose_cy = forms.CharField(
        label=_("What can change, in Welsh (optional)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    level = forms.ChoiceField(
        label=_("Participation level"),
        choices=_level_choices,
        widget=forms.RadioSelect,
        help_text=_("Residents see this level and what it means for them."),
        error_messages={"required": _("Choose a participation level.")},
    )
    topics: forms.ModelMultipleChoiceField[Topic] = forms.ModelMultipleChoiceField(
        label=_("Topics (optional)"),
        queryset=Topic.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    areas: forms.ModelMultipleChoiceField[Area] = forms.ModelMultipleChoiceField(
        label=_("Areas (optional)"),
        queryset=Area.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Choose the largest area the engagement is about: it is also shown "
            "to residents of every smaller area inside it."
        ),
    )
    owning_team = forms.CharField(
        label=_("Team responsible"),
        max_length=200,
        error_messages={"required": _("Enter the team responsible.")},
    )
    contact_email = forms.EmailField(
        label=_("Contact email address"),
        max_length=254,
        error_messages={
            "required": _("Enter a contact email address."),
            "invalid": _(
                "Enter an email address in the correct format, like name@example.org."
            ),
        },
    )
    contact_phone = forms.CharField(
        label=_("Contact telephone number (optional)"), max_length=30, required=False
    )
    opens_at = _datetime_field(_("Opens (optional)"), required=False)
    closes_at = _datetime_field(_("Closes (optional)"), required=False)
    allows_comments = forms.BooleanField(
        label=_("Residents can post public comments (after moderation)"),
        required=False,
    )

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        topics = cast("forms.ModelMultipleChoiceField[Topic]", self.fields["topics"])
        topics.queryset = Topic.objects.filter(organisation=organisation).order_by(
            "name"
        )
        areas = cast("forms.ModelMultipleChoiceField[Area]", self.fields["areas"])
        areas.queryset = Area.objects.filter(organisation=organisation).order_by("name")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        opens_at, closes_at = cleaned.get("opens_at"), cleaned.get("closes_at")
        if opens_at and closes_at and closes_at <= opens_at:
            self.add_error(
                "closes_at", _("The closing date must be after the opening date.")
            )
        return cleaned


class EventForm(forms.Form):
    title_en = forms.CharField(
        label=_("Title in English"),
        max_length=200,
        error_messages={"required": _("Enter the event's title in English.")},
    )
    title_cy = forms.CharField(
        label=_("Title in Welsh (optional)"), max_length=200, required=False
    )
    starts_at = _datetime_field(_("Starts"), required=True)
    ends_at = _datetime_field(_("Ends (optional)"), required=False)
    venue = forms.CharField(
        label=_("Venue and address"),
        max_length=300,
        error_messages={"required": _("Enter the venue and address.")},
    )
    accessibility_information_en = forms.CharField(
        label=_("Accessibility information in English (optional)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "For example step-free access, hearing loop, parking, British Sign "
            "Language interpretation."
        ),
    )
    accessibility_information_cy = forms.CharField(
        label=_("Accessibility information in Welsh (optional)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    attendance_count = forms.IntegerField(
        label=_("Number of people who came (optional)"),
        required=False,
        min_value=0,
        max_value=1_000_000,
        help_text=_("Fill this in after the event."),
        error_messages={
            "invalid": _("Enter the number of people who came as a whole number."),
            "min_value": _("The number of people who came must be 0 or more."),
        },
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        starts_at, ends_at = cleaned.get("starts_at"), cleaned.get("ends_at")
        if starts_at and ends_at and ends_at <= starts_at:
            self.add_error("ends_at", _("The end time must be after the start time."))
        return cleaned


class DocumentForm(forms.Form):
    title_en = forms.CharField(
        label=_("Title in English"),
        max_length=200,
        error_messages={"required": _("Enter the document's title in English.")},
    )
    title_cy = forms.CharField(
        label=_("Title in Welsh (optional)"), max_length=200, required=False
    )
    file = forms.FileField(
        label=_("File"),
        help_text=_("PDF, DOCX, ODT, XLSX, ODS, CSV, TXT, PNG or JPEG."),
        error_messages={
            "required": _("Select a file."),
            "empty": _("The selected file is empty."),
            "invalid": _("Select a file."),
        },
    )


class TopicForm(forms.Form):
    name_en = forms.CharField(
        label=_("Name in English"),
        max_length=100,
        error_messages={"required": _("Enter the topic's name in English.")},
    )
    name_cy = forms.CharField(
        label=_("Name in Welsh (optional)"), max_length=100, required=False
    )


class ResponseDueForm(forms.Form):
    response_due_on = forms.DateField(
        label=_("Response due"),
        widget=DateInput(),
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        error_messages={
            "required": _("Enter the date the response is due."),
            "invalid": _("Enter a real date, for example 2026-05-17."),
        },
    )


def _response_text(label: Any, *, required_message: Any = None) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=10000,
        required=required_message is not None,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": required_message} if required_message else None,
    )


class ResponseForm(forms.Form):
    what_we_heard_en = _response_text(
        _("What we heard, in English"),
        required_message=_("Enter what you heard, in English."),
    )
    what_we_heard_cy = _response_text(_("What we heard, in Welsh (optional)"))
    what_we_decided_en = _response_text(
        _("What we decided, in English"),
        required_message=_("Enter what you decided, in English."),
    )
    what_we_decided_cy = _response_text(_("What we decided, in Welsh (optional)"))
    what_changes_en = _response_text(
        _("What will change, in English"),
        required_message=_("Enter what will change, in English."),
    )
    what_changes_cy = _response_text(_("What will change, in Welsh (optional)"))
    what_does_not_change_en = _response_text(
        _("What will not change, and why, in English"),
        required_message=_("Enter what will not change and why, in English."),
    )
    what_does_not_change_cy = _response_text(
        _("What will not change, and why, in Welsh (optional)")
    )
    linked_questions: forms.ModelMultipleChoiceField[Question] = (
        forms.ModelMultipleChoiceField(
            label=_("Survey questions this response answers (optional)"),
            queryset=Question.objects.none(),
            required=False,
            widget=forms.CheckboxSelectMultiple,
        )
    )
    linked_tags: forms.ModelMultipleChoiceField[AnswerTag] = (
        forms.ModelMultipleChoiceField(
            label=_("Themes from free-text answers this response answers (optional)"),
            queryset=AnswerTag.objects.none(),
            required=False,
            widget=forms.CheckboxSelectMultiple,
        )
    )

    def __init__(
        self,
        *args: Any,
        questions: Any,
        tags: Any,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        question_field = cast(
            "forms.ModelMultipleChoiceField[Question]", self.fields["linked_questions"]
        )
        question_field.queryset = questions
        tag_field = cast(
            "forms.ModelMultipleChoiceField[AnswerTag]", self.fields["linked_tags"]
        )
        tag_field.queryset = tags


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Your comment"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "Comments are published after a moderator has read them. Do not "
            "include personal details."
        ),
        error_messages={"required": _("Enter your comment.")},
    )


class ModerationForm(forms.Form):
    APPROVE = "approve"
    REJECT = "reject"

    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[(APPROVE, _("Publish the comment")), (REJECT, _("Do not publish"))],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose whether to publish the comment.")},
    )
    rejection_reason = forms.CharField(
        label=_("Reason for not publishing (shown to the author)"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if (
            cleaned.get("decision") == self.REJECT
            and not (cleaned.get("rejection_reason") or "").strip()
        ):
            self.add_error(
                "rejection_reason",
                _("Enter the reason for not publishing the comment."),
            )
        return cleaned


class EngagementFilterForm(forms.Form):
    """The public list's filters: a GET form, so it works without JavaScript."""

    q = forms.CharField(label=_("Search"), max_length=200, required=False)
    area: forms.ModelChoiceField[Area] = forms.ModelChoiceField(
        label=_("Area"),
        queryset=Area.objects.none(),
        required=False,
        empty_label=_("All areas"),
    )
    topic: forms.ModelChoiceField[Topic] = forms.ModelChoiceField(
        label=_("Topic"),
        queryset=Topic.objects.none(),
        required=False,
        empty_label=_("All topics"),
        to_field_name="slug",
    )
    level = forms.ChoiceField(
        label=_("Participation level"),
        choices=[("", _("All levels")), *ParticipationLevel.choices],
        required=False,
    )
    status = forms.ChoiceField(label=_("Status"), choices=[], required=False)

    def __init__(
        self, *args: Any, organisation: Organisation, statuses: list[str], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        area_field = cast("forms.ModelChoiceField[Area]", self.fields["area"])
        area_field.queryset = Area.objects.filter(organisation=organisation).order_by(
            "name"
        )
        topic_field = cast("forms.ModelChoiceField[Topic]", self.fields["topic"])
        topic_field.queryset = Topic.objects.filter(organisation=organisation).order_by(
            "name"
        )
        status_field = cast(forms.ChoiceField, self.fields["status"])
        status_field.choices = [("", _("All statuses"))] + [
            (s, Engagement.Status(s).label) for s in statuses
        ]
