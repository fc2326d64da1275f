"""Input shape for requesting a weighting run. Forms never save."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from coproduce.apps.core.about_you import ABOUT_YOU_FIELDS, ABOUT_YOU_LABELS
from coproduce.apps.organisations.models import PopulationProfile

NO_TRIMMING = "none"
CAP_CHOICES = [
    ("2", _("2 times the average weight")),
    ("3", _("3 times the average weight (recommended)")),
    ("5", _("5 times the average weight")),
    (NO_TRIMMING, _("Do not trim the weights")),
]


class WeightingRunForm(forms.Form):
    # Not required: the list always has one chosen, and without one the
    # organisation's first profile (the one shown chosen) is used.
    profile = forms.ModelChoiceField(
        label=_("Population profile"),
        help_text=_("The census figures the responses are weighted to."),
        queryset=PopulationProfile.objects.none(),
        required=False,
        empty_label=None,
        error_messages={
            "required": _("Select a population profile."),
            "invalid_choice": _("Select one of the population profiles listed."),
        },
    )
    characteristics = forms.MultipleChoiceField(
        label=_("Weight by"),
        help_text=_(
            "Each characteristic needs figures in the profile for this engagement's "
            "areas. Fewer characteristics give steadier weights."
        ),
        choices=[(name, ABOUT_YOU_LABELS[name]) for name in ABOUT_YOU_FIELDS],
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Select at least one characteristic to weight by."),
            "invalid_choice": _("Select characteristics from the list."),
        },
    )
    cap = forms.ChoiceField(
        label=_("Trim large weights"),
        help_text=_(
            "No response may count for more than this. Trimming steadies the "
            "results; the margins are then met as closely as the cap allows."
        ),
        choices=CAP_CHOICES,
        initial="3",
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Select how large weights may be."),
            "invalid_choice": _("Select one of the caps listed."),
        },
    )

    def __init__(
        self,
        *args: Any,
        profiles: QuerySet[PopulationProfile],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        profile_field = cast(forms.ModelChoiceField, self.fields["profile"])
        profile_field.queryset = profiles

    def cap_factor(self) -> float | None:
        value = self.cleaned_data["cap"]
        return None if value == NO_TRIMMING else float(value)
