"""Input shape of the Polis import page. Forms never save: views call services."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from coproduce.apps.conversations.models import ConversationImport
from coproduce.apps.conversations.services.polis_import import (
    DEFAULT_CHANGES_STATEMENT,
    DEFAULT_IMPORT_LICENCE,
    licence_needs_attribution,
)
from coproduce.apps.engagements.models import Engagement


class MultipleFileInput(forms.ClearableFileInput):
    """A file input that takes several files (Django's documented pattern)."""

    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """A list of uploaded files; each is checked as a FileField checks one."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".zip,.csv"}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        one = super().clean
        if isinstance(data, list | tuple):
            return [one(item, initial) for item in data] or one(None, initial)
        return [one(data, initial)]


class PolisImportForm(forms.Form):
    export_files = MultipleFileField(
        label=_("Polis export files"),
        help_text=_(
            "The zip file of the export, or its CSV files: comments.csv, and "
            "votes.csv or participants-votes.csv (or both). summary.csv and "
            "stats-history.csv are read when included."
        ),
        error_messages={
            "required": _("Select a zip file or the CSV files of a Polis export.")
        },
    )
    polarity = forms.ChoiceField(
        label=_("Vote polarity"),
        help_text=_(
            "Polis's published open data writes agree as +1. Polis's database and "
            "its newer report export write agree as −1: choose that only if the "
            "files came from there. The import checks that authors mostly agree "
            "with their own statements and refuses files that look the wrong way "
            "round."
        ),
        choices=ConversationImport.Polarity.choices,
        initial=ConversationImport.Polarity.OPEN_DATA,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the vote polarity.")},
    )
    source_url = forms.URLField(
        label=_("Source web address"),
        help_text=_("Where the data was published, for example the openData folder."),
        max_length=500,
        required=False,
        assume_scheme="https",
        error_messages={
            "invalid": _("Enter a web address, like https://github.com/compdemocracy")
        },
    )
    licence = forms.CharField(
        label=_("Licence"),
        max_length=200,
        initial=DEFAULT_IMPORT_LICENCE,
        error_messages={"required": _("Enter the licence of the data.")},
    )
    attribution = forms.CharField(
        label=_("Attribution statement"),
        help_text=_(
            "Required for CC BY data: copy the wording from the export's README."
        ),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    changes_statement = forms.CharField(
        label=_("Statement of changes"),
        max_length=2000,
        initial=DEFAULT_CHANGES_STATEMENT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    engagement = forms.ModelChoiceField(
        label=_("Engagement (optional)"),
        queryset=Engagement.objects.none(),
        required=False,
        empty_label=_("None"),
        error_messages={"invalid_choice": _("Select an engagement from the list.")},
    )

    def __init__(
        self, *args: Any, engagements: QuerySet[Engagement], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelChoiceField, self.fields["engagement"])
        field.queryset = engagements

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        licence = cleaned.get("licence", "")
        if (
            licence
            and licence_needs_attribution(licence)
            and not cleaned.get("attribution", "").strip()
        ):
            self.add_error(
                "attribution",
                _(
                    "Enter the attribution statement: CC BY data must say whom it "
                    "comes from."
                ),
            )
        return cleaned
