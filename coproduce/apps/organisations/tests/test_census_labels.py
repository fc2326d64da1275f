"""The built-in ONS label table, against the labels of Census 2021 downloads."""

from __future__ import annotations

import pytest

from coproduce.apps.core.about_you import ABOUT_YOU_FIELDS, PREFER_NOT_TO_SAY
from coproduce.apps.organisations.census_labels import (
    LabelKind,
    LabelMatch,
    age_range,
    census_label_match,
    census_variable_characteristic,
    label_key,
)


def _category(characteristic: str, label: str) -> str:
    match = census_label_match(characteristic, label)
    assert match.kind is LabelKind.CATEGORY, (label, match)
    return match.category


# --- variable headings ------------------------------------------------------------


@pytest.mark.parametrize(
    ("heading", "characteristic"),
    [
        ("Age (86 categories)", "age_band"),
        ("Age (101 categories)", "age_band"),
        ("Age (D) (8 categories)", "age_band"),
        ("Age (18 categories)", "age_band"),
        ("Sex (2 categories)", "sex"),
        ("Ethnic group (20 categories)", "ethnicity"),
        ("Ethnic group (6 categories)", "ethnicity"),
        ("Disability (4 categories)", "disability"),
        ("Gender identity (8 categories)", "gender_identity"),
        ("Welsh language skills (speaking) (4 categories)", "welsh_ability"),
        ("Welsh language skills (detailed) (7 categories)", "welsh_ability"),
        ("  ETHNIC GROUP  ", "ethnicity"),
    ],
)
def test_a_variable_heading_names_its_characteristic(heading, characteristic):
    assert census_variable_characteristic(heading) == characteristic


@pytest.mark.parametrize(
    "heading",
    ["Age of arrival in the UK (6 categories)", "Religion (10 categories)", "", "🙂"],
)
def test_other_headings_name_no_characteristic(heading):
    assert census_variable_characteristic(heading) is None


# --- age ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("label", "band"),
    [
        ("Aged under 1 year", "under_16"),
        ("Aged 1 year", "under_16"),
        ("Aged 4 years and under", "under_16"),
        ("Aged 15 years", "under_16"),
        ("Aged 15 years and under", "under_16"),
        ("Aged 10 to 15 years", "under_16"),
        ("Aged 16 years", "16_24"),
        ("Aged 17 years", "16_24"),
        ("Aged 16 to 19 years", "16_24"),
        ("Aged 16 to 24 years", "16_24"),
        ("Aged 20 to 24 years", "16_24"),
        ("Aged 25 to 29 years", "25_34"),
        ("Aged 25 to 34 years", "25_34"),
        ("Aged 44 years", "35_44"),
        ("Aged 50 to 54 years", "45_54"),
        ("Aged 64 years", "55_64"),
        ("Aged 65 to 74 years", "65_74"),
        ("Aged 75 to 79 years", "75_plus"),
        ("Aged 85 years and over", "75_plus"),
        ("Aged 90 years and over", "75_plus"),
        ("Aged 100 years and over", "75_plus"),
        ("  aged   17 YEARS ", "16_24"),
    ],
)
def test_age_labels_that_fit_one_band_map_to_it(label, band):
    assert _category("age_band", label) == band


def test_every_single_year_of_age_maps_to_its_band():
    expected = {
        **dict.fromkeys(range(16), "under_16"),
        **dict.fromkeys(range(16, 25), "16_24"),
        **dict.fromkeys(range(25, 35), "25_34"),
        **dict.fromkeys(range(35, 45), "35_44"),
        **dict.fromkeys(range(45, 55), "45_54"),
        **dict.fromkeys(range(55, 65), "55_64"),
        **dict.fromkeys(range(65, 75), "65_74"),
        **dict.fromkeys(range(75, 100), "75_plus"),
    }
    for age, band in expected.items():
        label = f"Aged {age} year" if age == 1 else f"Aged {age} years"
        if age == 0:
            label = "Aged under 1 year"
        assert _category("age_band", label) == band, label


@pytest.mark.parametrize(
    ("label", "spans"),
    [
        ("Aged 15 to 19 years", ("under_16", "16_24")),
        ("Aged 35 to 49 years", ("35_44", "45_54")),
        ("Aged 50 to 64 years", ("45_54", "55_64")),
        ("Aged 65 years and over", ("65_74", "75_plus")),
        (
            "Aged 16 years and over",
            ("16_24", "25_34", "35_44", "45_54", "55_64", "65_74", "75_plus"),
        ),
        ("Aged 70 to 74 years and", None),
    ],
)
def test_age_bands_that_straddle_product_bands_are_never_assigned(label, spans):
    match = census_label_match("age_band", label)
    if spans is None:
        assert match.kind is LabelKind.UNKNOWN
    else:
        assert match == LabelMatch(LabelKind.STRADDLES, spans=spans)


def test_age_ranges_read_from_labels():
    assert age_range("aged under 1 year") == (0, 0)
    assert age_range("aged 4 years and under") == (0, 4)
    assert age_range("aged 5 to 9 years") == (5, 9)
    assert age_range("aged 9 to 5 years") is None
    assert age_range("aged under 0 years") is None
    assert age_range("16 to 24") is None


# --- ethnic group -----------------------------------------------------------------

ETHNIC_GROUP_20 = {
    "Asian, Asian British or Asian Welsh: Bangladeshi": "asian",
    "Asian, Asian British or Asian Welsh: Chinese": "asian",
    "Asian, Asian British or Asian Welsh: Indian": "asian",
    "Asian, Asian British or Asian Welsh: Pakistani": "asian",
    "Asian, Asian British or Asian Welsh: Other Asian": "asian",
    "Black, Black British, Black Welsh, Caribbean or African: African": "black",
    "Black, Black British, Black Welsh, Caribbean or African: Caribbean": "black",
    "Black, Black British, Black Welsh, Caribbean or African: Other Black": "black",
    "Mixed or Multiple ethnic groups: White and Asian": "mixed",
    "Mixed or Multiple ethnic groups: White and Black African": "mixed",
    "Mixed or Multiple ethnic groups: White and Black Caribbean": "mixed",
    "Mixed or Multiple ethnic groups: Other Mixed or Multiple ethnic groups": "mixed",
    "White: English, Welsh, Scottish, Northern Irish or British": "white",
    "White: Irish": "white",
    "White: Gypsy or Irish Traveller": "white",
    "White: Roma": "white",
    "White: Other White": "white",
    "Other ethnic group: Arab": "other",
    "Other ethnic group: Any other ethnic group": "other",
}
ETHNIC_GROUP_6 = {
    "Asian, Asian British or Asian Welsh": "asian",
    "Black, Black British, Black Welsh, Caribbean or African": "black",
    "Mixed or Multiple ethnic groups": "mixed",
    "White": "white",
    "Other ethnic group": "other",
}


@pytest.mark.parametrize(
    ("label", "category"), [*ETHNIC_GROUP_20.items(), *ETHNIC_GROUP_6.items()]
)
def test_ethnic_groups_map_by_their_high_level_group(label, category):
    assert _category("ethnicity", label) == category


def test_an_unknown_ethnic_group_is_left_to_the_officer():
    assert census_label_match("ethnicity", "Whiteish").kind is LabelKind.UNKNOWN
    assert census_label_match("ethnicity", "Asian/Asian British").kind is (
        LabelKind.UNKNOWN
    )


# --- sex, gender identity, disability, Welsh ---------------------------------


@pytest.mark.parametrize(
    ("characteristic", "label", "category"),
    [
        ("sex", "Female", "female"),
        ("sex", "Male", "male"),
        (
            "gender_identity",
            "Gender identity the same as sex registered at birth",
            "same",
        ),
        (
            "gender_identity",
            "Gender identity different from sex registered at birth",
            "different",
        ),
        (
            "gender_identity",
            "Gender identity different from sex registered at birth but no "
            "specific identity given",
            "different",
        ),
        ("gender_identity", "Trans woman", "different"),
        ("gender_identity", "Trans man", "different"),
        ("gender_identity", "Non-binary", "different"),
        ("gender_identity", "All other gender identities", "different"),
        (
            "disability",
            "Disabled under the Equality Act: Day-to-day activities limited a lot",
            "limited_a_lot",
        ),
        (
            "disability",
            "Disabled under the Equality Act: Day-to-day activities limited a little",
            "limited_a_little",
        ),
        ("disability", "Not disabled under the Equality Act", "no"),
        (
            "disability",
            "Not disabled under the Equality Act: Has long term physical or mental "
            "health condition but day-to-day activities are not limited",
            "no",
        ),
        (
            "disability",
            "Not disabled under the Equality Act: No long term physical or mental "
            "health conditions",
            "no",
        ),
        ("welsh_ability", "Can speak Welsh", "speaks"),
        ("welsh_ability", "Can speak, read and write Welsh", "speaks"),
        (
            "welsh_ability",
            "Can speak and other combinations of skills in Welsh",
            "speaks",
        ),
        ("welsh_ability", "Can speak but cannot read or write Welsh", "speaks"),
        ("welsh_ability", "Can speak and read but cannot write Welsh", "speaks"),
        ("welsh_ability", "Can understand spoken Welsh only", "other_skills"),
        ("welsh_ability", "Other combination of skills in Welsh", "other_skills"),
        ("welsh_ability", "Can read but cannot speak or write Welsh", "other_skills"),
        ("welsh_ability", "Can read and write but cannot speak Welsh", "other_skills"),
        ("welsh_ability", "No skills in Welsh", "no_skills"),
    ],
)
def test_other_census_labels_map_to_their_category(characteristic, label, category):
    assert _category(characteristic, label) == category


@pytest.mark.parametrize(
    ("characteristic", "label", "spans"),
    [
        (
            "disability",
            "Disabled under the Equality Act",
            ("limited_a_lot", "limited_a_little"),
        ),
        ("welsh_ability", "Cannot speak Welsh", ("other_skills", "no_skills")),
    ],
)
def test_joined_categories_straddle(characteristic, label, spans):
    assert census_label_match(characteristic, label) == LabelMatch(
        LabelKind.STRADDLES, spans=spans
    )


@pytest.mark.parametrize("characteristic", list(ABOUT_YOU_FIELDS))
@pytest.mark.parametrize(
    "label", ["Does not apply", "Not answered", " DOES NOT APPLY "]
)
def test_does_not_apply_and_not_answered_are_left_out(characteristic, label):
    assert census_label_match(characteristic, label).kind is LabelKind.LEAVE_OUT


@pytest.mark.parametrize(
    "label",
    [
        "Total",
        "Total: All usual residents",
        "Total: All usual residents aged 16 years and over",
        "All persons",
        "All usual residents",
    ],
)
def test_totals_are_recognised(label):
    assert census_label_match("sex", label).kind is LabelKind.TOTAL


def test_every_category_the_table_gives_is_a_real_category():
    labels = {
        "age_band": [f"Aged {n} years" for n in range(2, 100)],
        "ethnicity": list(ETHNIC_GROUP_20) + list(ETHNIC_GROUP_6),
    }
    for characteristic, names in labels.items():
        allowed = set(ABOUT_YOU_FIELDS[characteristic].values) - {PREFER_NOT_TO_SAY}
        for label in names:
            assert _category(characteristic, label) in allowed


@pytest.mark.parametrize(
    "label",
    [
        "",
        "   ",
        "🏳️‍🌈👩🏽‍💻",
        "ערבית: אחר",
        "<script>alert(1)</script>",
        "'; DROP TABLE organisations_area; --",
        "Aged " + "9" * 400 + " years",
        "x" * 5000,
        "Gŵr",
    ],
)
def test_hostile_labels_are_unknown_and_never_crash(label):
    for characteristic in ABOUT_YOU_FIELDS:
        match = census_label_match(characteristic, label)
        assert match.kind in {LabelKind.UNKNOWN, LabelKind.CATEGORY}
        if match.kind is LabelKind.CATEGORY:  # a huge single age is still 75+
            assert match.category == "75_plus"


def test_label_key_normalises_composition_case_and_spaces():
    assert label_key(" Gw\u0302r  MAWR ") == label_key("gŵr mawr") == "gŵr mawr"
