"""The standard "about you" questions, with answers that map to census categories.

The keys are stable: the inclusion module (representativeness against census
margins) and exports depend on them. Categories follow the 2021 Census for
England and Wales (ONS): age in ten-year bands from 16, sex, gender identity,
the five high-level ethnic groups, disability under the Equality Act 2010
definition, and Welsh language ability. Every question offers "prefer not to
say", which is stored as PREFER_NOT_TO_SAY and never treated as missing.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

PREFER_NOT_TO_SAY = "prefer_not_to_say"


class AgeBand(models.TextChoices):
    UNDER_16 = "under_16", _("Under 16")
    AGE_16_24 = "16_24", _("16 to 24")
    AGE_25_34 = "25_34", _("25 to 34")
    AGE_35_44 = "35_44", _("35 to 44")
    AGE_45_54 = "45_54", _("45 to 54")
    AGE_55_64 = "55_64", _("55 to 64")
    AGE_65_74 = "65_74", _("65 to 74")
    AGE_75_PLUS = "75_plus", _("75 or over")
    PREFER_NOT_TO_SAY = PREFER_NOT_TO_SAY, _("Prefer not to say")


class Sex(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    PREFER_NOT_TO_SAY = PREFER_NOT_TO_SAY, _("Prefer not to say")


class GenderIdentity(models.TextChoices):
    """Census 2021: "Is the gender you identify with the same as your sex at birth?" """

    SAME_AS_SEX = "same", _("Yes, the same as my sex registered at birth")
    DIFFERENT = "different", _("No, different from my sex registered at birth")
    PREFER_NOT_TO_SAY = PREFER_NOT_TO_SAY, _("Prefer not to say")


class Ethnicity(models.TextChoices):
    """The five high-level groups of the 2021 Census for England and Wales."""

    ASIAN = "asian", _("Asian, Asian British or Asian Welsh")
    BLACK = "black", _("Black, Black British, Black Welsh, Caribbean or African")
    MIXED = "mixed", _("Mixed or multiple ethnic groups")
    WHITE = "white", _("White")
    OTHER = "other", _("Another ethnic group")
    PREFER_NOT_TO_SAY = PREFER_NOT_TO_SAY, _("Prefer not to say")


class Disability(models.TextChoices):
    """Census 2021: day-to-day activities limited by a long-term condition."""

    LIMITED_A_LOT = "limited_a_lot", _("Yes, limited a lot")
    LIMITED_A_LITTLE = "limited_a_little", _("Yes, limited a little")
    # Welsh answers "No" by repeating the verb, so the context matters here.
    NOT_LIMITED = "no", pgettext_lazy("activities limited", "No")
    PREFER_NOT_TO_SAY = PREFER_NOT_TO_SAY, _("Prefer not to say")


class WelshAbility(models.TextChoices):
    """Census 2021 (Wales): can speak Welsh, or other skills only, or none."""

    SPEAKS = "speaks", _("I can speak Welsh")
    OTHER_SKILLS = (
        "other_skills",
        _("I can understand, read or write Welsh but not speak it"),
    )
    NO_SKILLS = "no_skills", _("I have no Welsh language skills")
    PREFER_NOT_TO_SAY = PREFER_NOT_TO_SAY, _("Prefer not to say")


# Field name on Submission → its choices, in the order the form asks them.
ABOUT_YOU_FIELDS: dict[str, type[models.TextChoices]] = {
    "age_band": AgeBand,
    "sex": Sex,
    "gender_identity": GenderIdentity,
    "ethnicity": Ethnicity,
    "disability": Disability,
    "welsh_ability": WelshAbility,
}

# Short names of the characteristics, for column labels and report headings.
ABOUT_YOU_LABELS = {
    "age_band": _("Age"),
    "sex": _("Sex"),
    "gender_identity": _("Gender identity"),
    "ethnicity": _("Ethnic group"),
    "disability": _("Disability"),
    "welsh_ability": _("Welsh language"),
}
