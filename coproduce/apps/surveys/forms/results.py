"""Input shapes for results pages: filters, tags and imports. Forms never save."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from coproduce.apps.core.about_you import ABOUT_YOU_FIELDS
from coproduce.apps.organisations.models import Area
from coproduce.apps.surveys.exports import ABOUT_YOU_LABELS
from coproduce.apps.surveys.models import AnswerTag, Submission, SurveyImport
from coproduce.apps.surveys.selectors.results import ResultFilters
from coproduce.apps.surveys.services.imports import IMPORT_CHANNELS


class ResultFilterForm(forms.Form):
    """GET filters for results and free text; unknown values are form errors."""

    version = forms.TypedChoiceField(
        label=_("Version"), required=False, coerce=int, empty_value=None
    )
    channel = forms.ChoiceField(
        label=_("How people answered"),
        required=False,
        choices=[("", _("All")), *Submission.Channel.choices],
    )
    area = forms.ModelChoiceField(
        label=_("Area"),
        queryset=Area.objects.none(),
        required=False,
        help_text=_("An area includes the smaller areas inside it."),
        empty_label=_("All"),
    )

    def __init__(
        self,
        *args: Any,
        areas: Any,
        version_numbers: list[int],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        area_field = cast("forms.ModelChoiceField[Area]", self.fields["area"])
        area_field.queryset = areas
        version_field = cast("forms.TypedChoiceField", self.fields["version"])
        version_field.choices = [
            ("", _("All")),
            *(
                (str(n), _("Version %(number)s") % {"number": n})
                for n in version_numbers
            ),
        ]
        for name, choices in ABOUT_YOU_FIELDS.items():
            self.fields[name] = forms.ChoiceField(
                label=ABOUT_YOU_LABELS[name],
                required=False,
                choices=[("", _("All")), *choices.choices],
            )

    def filters(self) -> ResultFilters:
        """The filters chosen; everyone when the form is invalid or empty."""
        if not self.is_valid():
            return ResultFilters()
        data = self.cleaned_data
        area = data.get("area")
        return ResultFilters(
            about_you={name: data.get(name) or "" for name in ABOUT_YOU_FIELDS},
            area_id=area.pk if area is not None else None,
            channel=data.get("channel") or "",
            version_number=data.get("version"),
        )


class TagFilterForm(forms.Form):
    tag = forms.ModelChoiceField(
        label=_("Show answers tagged"),
        queryset=AnswerTag.objects.none(),
        required=False,
        empty_label=_("Any tag or none"),
    )

    def __init__(self, *args: Any, tags: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        tag_field = cast("forms.ModelChoiceField[AnswerTag]", self.fields["tag"])
        tag_field.queryset = tags


class TagForm(forms.Form):
    name = forms.CharField(
        label=_("Tag name"),
        max_length=100,
        error_messages={"required": _("Enter a name for the tag.")},
    )


class AnswerTagForm(forms.Form):
    tag = forms.ModelChoiceField(
        label=_("Tag"),
        queryset=AnswerTag.objects.none(),
        error_messages={"required": _("Choose a tag.")},
    )

    def __init__(self, *args: Any, tags: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        tag_field = cast("forms.ModelChoiceField[AnswerTag]", self.fields["tag"])
        tag_field.queryset = tags


class SurveyImportForm(forms.Form):
    file = forms.FileField(
        label=_("Upload a file"),
        help_text=_("A CSV (UTF-8) or XLSX file laid out like the template."),
        error_messages={"required": _("Select a CSV or XLSX file.")},
    )
    channel = forms.ChoiceField(
        label=_("How were these responses collected?"),
        choices=[(c.value, c.label) for c in IMPORT_CHANNELS],
        widget=forms.RadioSelect,
        initial=Submission.Channel.PAPER,
        error_messages={"required": _("Select how the responses were collected.")},
    )
    mode = forms.ChoiceField(
        label=_("If some rows have problems"),
        choices=SurveyImport.Mode.choices,
        widget=forms.RadioSelect,
        initial=SurveyImport.Mode.ALL_OR_NOTHING,
        error_messages={"required": _("Select what to do if some rows have problems.")},
    )
