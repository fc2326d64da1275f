"""Input shapes for organisation pages. Forms never save: views call services."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from coproduce.apps.core.about_you import ABOUT_YOU_FIELDS, PREFER_NOT_TO_SAY
from coproduce.apps.organisations.models import Area, Nation, Organisation, Role


class OrganisationForm(forms.Form):
    name_en = forms.CharField(label=_("Name in English"), max_length=200)
    name_cy = forms.CharField(label=_("Name in Welsh"), max_length=200)
    kind = forms.ChoiceField(
        label=_("Type of organisation"),
        choices=Organisation.Kind.choices,
        widget=forms.RadioSelect,
    )
    response_due_weeks = forms.IntegerField(
        label=_("Weeks to publish a “you said, we did” response"),
        help_text=_(
            "How long after an engagement closes its response is due. Officers "
            "can change the date for one engagement."
        ),
        min_value=1,
        max_value=104,
        error_messages={
            "required": _("Enter the number of weeks to publish a response."),
            "invalid": _("Enter the number of weeks as a whole number."),
            "min_value": _("The number of weeks must be between 1 and 104."),
            "max_value": _("The number of weeks must be between 1 and 104."),
        },
    )


class AreaForm(forms.Form):
    name_en = forms.CharField(label=_("Name in English"), max_length=200)
    name_cy = forms.CharField(
        label=_("Name in Welsh (optional)"),
        max_length=200,
        required=False,
        help_text=_(
            "Leave blank if the area has no Welsh name; the English name is shown."
        ),
    )
    code = forms.CharField(
        label=_("Official code"),
        max_length=12,
        help_text=_(
            "The ONS GSS code where there is one, for example W05000001 for a Welsh "
            "ward or E01000001 for an English LSOA."
        ),
        error_messages={"required": _("Enter the area's official code.")},
    )
    level = forms.ChoiceField(label=_("Level"), choices=Area.Level.choices)
    parent: forms.ModelChoiceField[Area] = forms.ModelChoiceField(
        label=_("Part of (optional)"),
        queryset=Area.objects.none(),
        required=False,
        empty_label=_("None: this is a top-level area"),
    )

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        parent_field = cast("forms.ModelChoiceField[Area]", self.fields["parent"])
        parent_field.queryset = Area.objects.filter(organisation=organisation).order_by(
            "name"
        )
        self.fields["name_en"].error_messages["required"] = _(
            "Enter the area's name in English."
        )


class InvitationForm(forms.Form):
    email = forms.EmailField(
        label=_("Email address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        error_messages={
            "required": _("Enter the email address of the person to invite."),
            "invalid": _(
                "Enter an email address in the correct format, like name@example.org."
            ),
        },
    )
    role = forms.ChoiceField(
        label=_("Role"),
        choices=Role.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a role.")},
    )


class RoleForm(forms.Form):
    role = forms.ChoiceField(
        label=_("Role"),
        choices=Role.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a role.")},
    )


class MultipleFileInput(forms.ClearableFileInput):
    """A file input that takes several files (Django's documented pattern)."""

    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """A list of uploaded files; each is checked as a FileField checks one."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        one = super().clean
        if isinstance(data, list | tuple):
            return [one(item, initial) for item in data] or one(None, initial)
        return [one(data, initial)]


# Short names of the characteristics, as the upload form and mapping pages show.
CHARACTERISTIC_LABELS = {
    "age_band": _("Age"),
    "sex": _("Sex"),
    "gender_identity": _("Gender identity"),
    "ethnicity": _("Ethnic group"),
    "disability": _("Disability"),
    "welsh_ability": _("Welsh language skills"),
}


class PopulationProfileForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=200,
        help_text=_("For example, Census 2021, residents aged 16 and over."),
        error_messages={"required": _("Enter a name for the population profile.")},
    )
    source = forms.CharField(
        label=_("Source"),
        max_length=200,
        help_text=_("For example, Census 2021."),
        error_messages={"required": _("Enter where the counts come from.")},
    )
    age_base = forms.CharField(
        label=_("Age base"),
        max_length=50,
        help_text=_("Who the counts include, for example 16+."),
        error_messages={"required": _("Enter who the counts include.")},
    )
    notes = forms.CharField(
        label=_("Notes (optional)"), required=False, widget=forms.Textarea
    )
    file = MultipleFileField(
        label=_("Upload files"),
        help_text=_(
            "CSV (UTF-8) or XLSX files: either with the columns area_code, "
            "characteristic, category and count, or ONS Census 2021 tables with "
            "one variable each. You can choose several files at once."
        ),
        error_messages={
            "required": _("Select a CSV or XLSX file."),
            "empty": _("The selected file is empty."),
            "invalid": _("Select a CSV or XLSX file."),
        },
    )
    characteristic = forms.ChoiceField(
        label=_("What the ONS table counts (optional)"),
        help_text=_(
            "Only needed when an ONS table's heading does not say, for example "
            "a table you renamed."
        ),
        required=False,
        choices=[("", _("Work it out from the file"))],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast("forms.ChoiceField", self.fields["characteristic"])
        field.choices = [
            ("", _("Work it out from the file")),
            *CHARACTERISTIC_LABELS.items(),
        ]


class PopulationAreaForm(forms.Form):
    """Which area's margins the detail page shows: a GET form, empty for all."""

    area = forms.ModelChoiceField(
        label=_("Show residents of"),
        queryset=Area.objects.none(),
        required=False,
        empty_label=_("The whole organisation"),
    )

    def __init__(self, *args: Any, areas: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        area_field = cast("forms.ModelChoiceField[Area]", self.fields["area"])
        area_field.queryset = areas


class CensusLabelsForm(forms.Form):
    """One choice per unknown ONS label: a product category, or leave it out."""

    def __init__(
        self, *args: Any, unknown: list[Any], leave_out: str, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.unknown = unknown
        for index, item in enumerate(unknown):
            choices = ABOUT_YOU_FIELDS[item.characteristic]
            self.fields[f"label_{index}"] = forms.ChoiceField(
                label=item.label,
                help_text=ngettext_lazy(
                    "%(characteristic)s: %(count)s row, on row %(row)s of %(file)s.",
                    "%(characteristic)s: %(count)s rows, the first on row %(row)s "
                    "of %(file)s.",
                    "count",
                )
                % {
                    "characteristic": CHARACTERISTIC_LABELS[item.characteristic],
                    "count": item.n_rows,
                    "row": item.first_row,
                    "file": item.filename,
                },
                choices=[
                    ("", _("Choose a category")),
                    *(
                        (value, label)
                        for value, label in choices.choices
                        if value != PREFER_NOT_TO_SAY
                    ),
                    (leave_out, _("Leave out (not counted)")),
                ],
                error_messages={
                    "required": _("Choose a category for this label, or leave it out."),
                    "invalid_choice": _(
                        "Choose a category for this label, or leave it out."
                    ),
                },
            )

    def choices(self) -> dict[tuple[str, str], str]:
        """(characteristic, label) → chosen category value or the leave-out value."""
        return {
            (item.characteristic, item.label): self.cleaned_data[f"label_{index}"]
            for index, item in enumerate(self.unknown)
        }


class DeprivationIndexForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=200,
        help_text=_("For example, Welsh Index of Multiple Deprivation 2019."),
        error_messages={"required": _("Enter a name for the deprivation index.")},
    )
    nation = forms.ChoiceField(
        label=_("Nation"),
        help_text=_(
            "Deciles rank small areas within one nation. Upload each nation's "
            "index separately."
        ),
        choices=Nation.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the nation the index covers.")},
    )
    edition = forms.CharField(
        label=_("Edition"),
        max_length=50,
        help_text=_("For example, IoD2019 or WIMD 2019."),
        error_messages={"required": _("Enter the edition of the index.")},
    )
    geography = forms.CharField(
        label=_("Small areas"),
        max_length=50,
        help_text=_("The areas the deciles are for, for example LSOA 2011."),
        error_messages={"required": _("Enter the small areas the deciles are for.")},
    )
    notes = forms.CharField(
        label=_("Notes (optional)"), required=False, widget=forms.Textarea
    )
    file = forms.FileField(
        label=_("Upload a file"),
        help_text=_(
            "A CSV (UTF-8) or XLSX file with the columns area_code and decile, and "
            "optionally rank and residents. The national file is fine: rows for "
            "other areas are skipped."
        ),
        error_messages={
            "required": _("Select a CSV or XLSX file."),
            "empty": _("The selected file is empty."),
            "invalid": _("Select a CSV or XLSX file."),
        },
    )


class PostcodeLookupForm(forms.Form):
    mode = forms.ChoiceField(
        label=_("What to do with the postcodes already in the lookup"),
        choices=[
            ("replace", _("Replace the whole lookup with this file")),
            ("add", _("Add this file to the lookup (its rows win)")),
        ],
        initial="replace",
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose whether to replace the lookup or add to it."),
            "invalid_choice": _("Choose whether to replace the lookup or add to it."),
        },
    )
    file = forms.FileField(
        label=_("Upload a file"),
        help_text=_(
            "A CSV (UTF-8) or XLSX file with the columns postcode and area_code."
        ),
        error_messages={
            "required": _("Select a CSV or XLSX file."),
            "empty": _("The selected file is empty."),
            "invalid": _("Select a CSV or XLSX file."),
        },
    )


class PostcodeCheckForm(forms.Form):
    """Which area a postcode falls in: a GET form on the postcode lookup page."""

    postcode = forms.CharField(
        label=_("Check a postcode"),
        max_length=20,
        help_text=_("For example, CF10 1AA."),
        widget=forms.TextInput(
            attrs={"autocomplete": "postal-code", "spellcheck": "false"}
        ),
        error_messages={
            "required": _("Enter a postcode."),
            "max_length": _("Enter a postcode, like CF10 1AA."),
        },
    )
