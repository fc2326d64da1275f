"""ONS Census 2021 category labels → the product's "about you" categories.

The built-in table that lets a population profile import the long tables ONS
publishes ("Create a custom dataset", the flexible and bulk tables TS007A,
TS008, TS021, TS038, TS070, TS032/TS033) with their own labels, for example
"Aged 17 years" or "Asian, Asian British or Asian Welsh: Indian". Plain Python
with no Django, so the table can be read and tested on its own; the labels
are those ONS uses in its Census 2021 downloads.

`census_label_match(characteristic, label)` says what one label is:

- ``CATEGORY``: it belongs wholly to one product category (many labels may
  map to one category: every single year of age from 16 to 24 is "16_24");
- ``LEAVE_OUT``: it counts residents the product has no category for ("Does
  not apply", "Not answered"); left out of the profile and counted;
- ``TOTAL``: a total row ("Total: All usual residents"); skipped;
- ``STRADDLES``: it spans two or more product categories ("Aged 15 to 19
  years" is partly under 16, partly 16 to 24) and so cannot be assigned
  without guessing; the import refuses it and says what to download instead;
- ``UNKNOWN``: not in this table; an organisation's saved mapping, or the
  officer on the mapping screen, decides.

Age labels are read by pattern, not listed: "Aged under 1 year", "Aged 17
years", "Aged 16 to 24 years", "Aged 4 years and under", "Aged 85 years and
over". Ethnic groups match by their high-level prefix, so the 6, 8 and 20
category classifications all work. See docs/population-profiles.md.
"""

from __future__ import annotations

import enum
import functools
import math
import re
import unicodedata
from dataclasses import dataclass


class LabelKind(enum.Enum):
    CATEGORY = "category"
    LEAVE_OUT = "leave_out"
    TOTAL = "total"
    STRADDLES = "straddles"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class LabelMatch:
    kind: LabelKind
    category: str = ""  # for CATEGORY
    spans: tuple[str, ...] = ()  # for STRADDLES: the product categories it covers


def label_key(label: str) -> str:
    """The key two labels share when they are the same: NFC, case-folded, trimmed.

    Inner runs of white space count as one space, as in the product's own
    format (spec §8; the same normalisation as `coproduce.analytics.labels`).
    """
    return " ".join(unicodedata.normalize("NFC", label).casefold().split())


# --- characteristic from a variable heading ---------------------------------------

# "Age (86 categories)", "Age (D) (8 categories)", "Welsh language skills
# (speaking) (4 categories)": the heading without its bracketed notes.
_VARIABLES = {
    "age": "age_band",
    "sex": "sex",
    "ethnic group": "ethnicity",
    "disability": "disability",
    "gender identity": "gender_identity",
    "welsh language skills": "welsh_ability",
}
_BRACKETS = re.compile(r"\([^)]*\)")


def census_variable_characteristic(heading: str) -> str | None:
    """The characteristic an ONS variable heading counts, or None if it does not say."""
    bare = label_key(_BRACKETS.sub(" ", heading))
    return _VARIABLES.get(bare)


# --- labels that are never a category ---------------------------------------------

_LEAVE_OUT = frozenset({"does not apply", "not answered"})
_TOTAL = re.compile(r"^(total\b|all persons$|all usual residents\b)")

# --- age -----------------------------------------------------------------------

# Product age bands as inclusive year ranges; the last is open.
AGE_BANDS: tuple[tuple[str, int, float], ...] = (
    ("under_16", 0, 15),
    ("16_24", 16, 24),
    ("25_34", 25, 34),
    ("35_44", 35, 44),
    ("45_54", 45, 54),
    ("55_64", 55, 64),
    ("65_74", 65, 74),
    ("75_plus", 75, math.inf),
)

_AGE_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^aged under (\d+) years?$"), "under"),
    (re.compile(r"^aged (\d+) years? and under$"), "and_under"),
    (re.compile(r"^aged (\d+) years? and over$"), "and_over"),
    (re.compile(r"^aged (\d+) to (\d+) years?$"), "range"),
    (re.compile(r"^aged (\d+) years?$"), "single"),
)


def age_range(key: str) -> tuple[int, float] | None:
    """The inclusive range of years an ONS age label covers, or None."""
    for pattern, shape in _AGE_PATTERNS:
        found = pattern.match(key)
        if found is None:
            continue
        first = int(found.group(1))
        if shape == "under":
            return (0, first - 1) if first > 0 else None
        if shape == "and_under":
            return (0, first)
        if shape == "and_over":
            return (first, math.inf)
        if shape == "range":
            last = int(found.group(2))
            return (first, last) if first <= last else None
        return (first, first)
    return None


def _age_match(key: str) -> LabelMatch | None:
    years = age_range(key)
    if years is None:
        return None
    first, last = years
    spans = tuple(
        band for band, low, high in AGE_BANDS if first <= high and last >= low
    )
    if len(spans) == 1:
        return LabelMatch(LabelKind.CATEGORY, category=spans[0])
    return LabelMatch(LabelKind.STRADDLES, spans=spans)


# --- ethnic group --------------------------------------------------------------

# The five high-level groups of Census 2021 for England and Wales. A detailed
# group is its high-level group, a colon, and the detail.
ETHNIC_GROUPS = {
    "asian, asian british or asian welsh": "asian",
    "black, black british, black welsh, caribbean or african": "black",
    "mixed or multiple ethnic groups": "mixed",
    "white": "white",
    "other ethnic group": "other",
}


def _ethnicity_match(key: str) -> LabelMatch | None:
    high_level = key.split(":", 1)[0].strip()
    category = ETHNIC_GROUPS.get(high_level)
    return None if category is None else LabelMatch(LabelKind.CATEGORY, category)


# --- the other characteristics, by exact label ----------------------------------

_EXACT: dict[str, dict[str, LabelMatch]] = {
    "sex": {
        "female": LabelMatch(LabelKind.CATEGORY, "female"),
        "male": LabelMatch(LabelKind.CATEGORY, "male"),
    },
    "gender_identity": {
        "gender identity the same as sex registered at birth": LabelMatch(
            LabelKind.CATEGORY, "same"
        ),
        "gender identity different from sex registered at birth": LabelMatch(
            LabelKind.CATEGORY, "different"
        ),
        "gender identity different from sex registered at birth but no "
        "specific identity given": LabelMatch(LabelKind.CATEGORY, "different"),
        "trans woman": LabelMatch(LabelKind.CATEGORY, "different"),
        "trans man": LabelMatch(LabelKind.CATEGORY, "different"),
        "non-binary": LabelMatch(LabelKind.CATEGORY, "different"),
        "all other gender identities": LabelMatch(LabelKind.CATEGORY, "different"),
    },
    "disability": {
        "disabled under the equality act: day-to-day activities limited a lot": (
            LabelMatch(LabelKind.CATEGORY, "limited_a_lot")
        ),
        "disabled under the equality act: day-to-day activities limited a little": (
            LabelMatch(LabelKind.CATEGORY, "limited_a_little")
        ),
        "not disabled under the equality act": LabelMatch(LabelKind.CATEGORY, "no"),
        # "Disability (3 categories)" joins "a lot" and "a little".
        "disabled under the equality act": LabelMatch(
            LabelKind.STRADDLES, spans=("limited_a_lot", "limited_a_little")
        ),
    },
    "welsh_ability": {
        "can speak welsh": LabelMatch(LabelKind.CATEGORY, "speaks"),
        "can speak, read and write welsh": LabelMatch(LabelKind.CATEGORY, "speaks"),
        "can speak and other combinations of skills in welsh": LabelMatch(
            LabelKind.CATEGORY, "speaks"
        ),
        "can understand spoken welsh only": LabelMatch(
            LabelKind.CATEGORY, "other_skills"
        ),
        # In Census 2021 every combination that includes speaking is counted
        # under "Can speak and other combinations"; this one never speaks.
        "other combination of skills in welsh": LabelMatch(
            LabelKind.CATEGORY, "other_skills"
        ),
        "no skills in welsh": LabelMatch(LabelKind.CATEGORY, "no_skills"),
        # "Welsh language skills (speaking)" joins other skills and none.
        "cannot speak welsh": LabelMatch(
            LabelKind.STRADDLES, spans=("other_skills", "no_skills")
        ),
    },
}

# "Not disabled under the Equality Act: No long term physical or mental health
# conditions" and the detailed Welsh skills ("Can read but cannot speak or
# write Welsh") are read by their start.
_NOT_DISABLED = "not disabled under the equality act:"
_WELSH_SPEAKS = re.compile(r"^can speak\b")
_WELSH_NOT_SPEAKING = re.compile(r"^can (read|write|understand)\b.*\bcannot speak\b")


def _prefix_match(characteristic: str, key: str) -> LabelMatch | None:
    if characteristic == "disability" and key.startswith(_NOT_DISABLED):
        return LabelMatch(LabelKind.CATEGORY, "no")
    if characteristic == "welsh_ability":
        if _WELSH_NOT_SPEAKING.match(key):
            return LabelMatch(LabelKind.CATEGORY, "other_skills")
        if _WELSH_SPEAKS.match(key):
            return LabelMatch(LabelKind.CATEGORY, "speaks")
    return None


@functools.lru_cache(maxsize=4096)
def census_label_match(characteristic: str, label: str) -> LabelMatch:
    """What the ONS label `label` is for `characteristic` (see the module docstring).

    Cached: a table repeats the same few labels for every area.
    """
    key = label_key(label)
    if not key:
        return LabelMatch(LabelKind.UNKNOWN)
    if key in _LEAVE_OUT:
        return LabelMatch(LabelKind.LEAVE_OUT)
    if _TOTAL.match(key):
        return LabelMatch(LabelKind.TOTAL)
    match: LabelMatch | None = None
    if characteristic == "age_band":
        match = _age_match(key)
    elif characteristic == "ethnicity":
        match = _ethnicity_match(key)
    else:
        match = _EXACT.get(characteristic, {}).get(key) or _prefix_match(
            characteristic, key
        )
    return match or LabelMatch(LabelKind.UNKNOWN)
