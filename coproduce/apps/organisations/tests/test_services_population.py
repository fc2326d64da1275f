"""population_profile_import and _delete: the file format, every bad-input rule,
all-or-nothing saving, permissions and audit events."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile

from coproduce.apps.audit.models import AuditEvent
from coproduce.apps.organisations.errors import PopulationProfileError
from coproduce.apps.organisations.models import (
    Area,
    Organisation,
    PopulationMargin,
    PopulationProfile,
)
from coproduce.apps.organisations.services import (
    population_category_match,
    population_profile_delete,
    population_profile_import,
)
from coproduce.apps.organisations.tests.factories import (
    AreaFactory,
    PopulationMarginFactory,
    PopulationProfileFactory,
)
from coproduce.testing.text import hostile_strings

HEADER = "area_code,characteristic,category,count"


@pytest.fixture
def ward(organisation: Organisation) -> Area:
    return AreaFactory(organisation=organisation, code="W05000001")


@pytest.fixture
def other_ward(organisation: Organisation) -> Area:
    return AreaFactory(organisation=organisation, code="W05000002")


def _csv(*lines: str, header: str = HEADER) -> SimpleUploadedFile:
    text = "\n".join([header, *lines]) + "\n"
    return SimpleUploadedFile("margins.csv", text.encode("utf-8"))


def _good_lines(code: str = "W05000001") -> list[str]:
    return [
        f"{code},sex,female,520",
        f"{code},sex,male,480",
        f"{code},age_band,16 to 24,300",
        f"{code},age_band,25_34,700",
    ]


def _import(actor, organisation, file, name="Census 2021, 16+"):
    return population_profile_import(
        actor=actor,
        organisation=organisation,
        name=name,
        source="Census 2021",
        age_base="16+",
        file=file,
    )


def _problems(actor, organisation, file) -> list[str]:
    with pytest.raises(PopulationProfileError) as caught:
        _import(actor, organisation, file)
    assert PopulationProfile.objects.count() == 0
    assert PopulationMargin.objects.count() == 0
    assert not AuditEvent.objects.filter(action="population_profile.import").exists()
    return caught.value.messages


# --- happy paths -------------------------------------------------------------------


@pytest.mark.django_db
def test_a_csv_file_becomes_a_profile_with_one_margin_per_row(
    organisation, analyst, ward, other_ward
):
    file = _csv(*_good_lines("W05000001"), *_good_lines("w05000002 "))

    profile = _import(analyst, organisation, file)

    assert profile.organisation == organisation
    assert profile.created_by == analyst
    assert (profile.source, profile.age_base) == ("Census 2021", "16+")
    margins = {
        (m.area.code, m.characteristic, m.category): m.count
        for m in PopulationMargin.objects.filter(profile=profile)
    }
    assert len(margins) == 8
    assert margins[("W05000001", "age_band", "16_24")] == 300
    assert margins[("W05000002", "sex", "male")] == 480


@pytest.mark.django_db
def test_header_names_ignore_case_spaces_and_extra_columns(
    organisation, administrator, ward
):
    file = _csv(
        *[f"{line},anything" for line in _good_lines()],
        header=" Area Code ,CHARACTERISTIC,Category,Count ,Notes",
    )

    profile = _import(administrator, organisation, file)

    assert profile.margins.count() == 4


@pytest.mark.django_db
def test_an_xlsx_file_is_read_like_a_csv_file(organisation, analyst, ward):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["area_code", "characteristic", "category", "count"])
    sheet.append(["W05000001", "Ethnicity", "Asian, Asian British or Asian Welsh", 90])
    sheet.append(["W05000001", "ethnicity", "WHITE", 910.0])
    buffer = io.BytesIO()
    workbook.save(buffer)

    profile = _import(
        analyst, organisation, SimpleUploadedFile("m.xlsx", buffer.getvalue())
    )

    assert dict(profile.margins.values_list("category", "count")) == {
        "asian": 90,
        "white": 910,
    }


@pytest.mark.django_db
@pytest.mark.parametrize("name", hostile_strings(max_length=200))
def test_hostile_profile_names_are_stored_intact(organisation, analyst, ward, name):
    profile = _import(analyst, organisation, _csv(*_good_lines()), name=name)

    profile.refresh_from_db()
    assert profile.name == name


@pytest.mark.django_db
def test_import_records_one_audit_event(organisation, analyst, ward):
    profile = _import(analyst, organisation, _csv(*_good_lines()))

    event = AuditEvent.objects.get(action="population_profile.import")
    assert event.actor == analyst
    assert event.organisation == organisation
    assert event.target_id == str(profile.pk)
    assert event.changes["n_margins"] == 4
    assert event.changes["n_areas"] == 1


@pytest.mark.django_db
def test_category_labels_are_matched_after_nfc_case_folding_and_trimming():
    with_accent = "  YES, LIMITED A LOT\u0301 "  # a combining accent stays a difference
    assert (
        population_category_match(
            characteristic="disability", label="yes, limited a lot"
        )
        == "limited_a_lot"
    )
    assert (
        population_category_match(characteristic="disability", label=with_accent)
        is None
    )
    assert (
        population_category_match(characteristic="age_band", label=" 75  OR over ")
        == "75_plus"
    )
    assert (
        population_category_match(
            characteristic="age_band",
            label="Aged 16 to 24 years",
            saved_labels={"aged 16 to 24 years": "16_24"},
        )
        == "16_24"
    )
    assert (
        population_category_match(characteristic="sex", label="Prefer not to say")
        is None
    )
    # "Ŵ" typed as W + combining circumflex matches a saved label spelt with "ŵ".
    assert (
        population_category_match(
            characteristic="age_band",
            label="16 I 24 OED W\u0302",
            saved_labels={"16 i 24 oed ŵ": "16_24"},
        )
        == "16_24"
    )


# --- bad input: every rule names its row and column; nothing is saved --------------


@pytest.mark.django_db
def test_an_unknown_area_code_is_named_with_its_row_and_column(
    organisation, other_organisation, analyst, ward
):
    AreaFactory(organisation=other_organisation, code="W05000009")
    file = _csv(*_good_lines(), "W05000009,sex,female,1")

    messages = _problems(analyst, organisation, file)

    assert messages == [
        "Row 6, column 'area_code': 'W05000009' is not the code of one of your "
        "areas. Add the area first, or correct the code."
    ]


@pytest.mark.django_db
def test_an_unknown_characteristic_is_named(organisation, analyst, ward):
    messages = _problems(analyst, organisation, _csv("W05000001,religion,none,5"))

    assert len(messages) == 1
    assert messages[0].startswith(
        "Row 2, column 'characteristic': 'religion' is not a characteristic."
    )


@pytest.mark.django_db
def test_an_unknown_category_lists_the_known_ones(organisation, analyst, ward):
    messages = _problems(analyst, organisation, _csv("W05000001,age_band,16-17,5"))

    assert messages[0].startswith(
        "Row 2, column 'category': '16-17' is not a category of age_band."
    )
    assert "16 to 24" in messages[0]
    assert "Prefer not to say" not in messages[0]


@pytest.mark.django_db
@pytest.mark.parametrize("category", ["prefer_not_to_say", " Prefer NOT to say "])
def test_prefer_not_to_say_is_never_a_population_category(
    organisation, analyst, ward, category
):
    messages = _problems(analyst, organisation, _csv(f"W05000001,sex,{category},5"))

    assert messages == [
        "Row 2, column 'category': 'Prefer not to say' is not a population "
        "category. Remove the row."
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "count", ["-5", "12.5", "", "lots", "1e3", "99999999999999999999"]
)
def test_a_count_must_be_a_whole_number_of_zero_or_more(
    organisation, analyst, ward, count
):
    messages = _problems(analyst, organisation, _csv(f"W05000001,sex,female,{count}"))

    assert messages == [
        f"Row 2, column 'count': '{count}' is not a whole number of 0 or more, "
        "like 1234."
    ]


@pytest.mark.django_db
def test_a_duplicate_row_names_both_rows(organisation, analyst, ward):
    file = _csv(*_good_lines(), "W05000001,sex,Female,1")

    messages = _problems(analyst, organisation, file)

    assert messages == [
        "Row 6, column 'category': area W05000001 already has a count for sex "
        "'female' on row 2. Give each category one row."
    ]


@pytest.mark.django_db
def test_characteristics_whose_totals_differ_by_more_than_half_a_percent_are_named(
    organisation, analyst, ward
):
    # Sex adds up to 1,000; age bands to 994 (0.6 % short).
    file = _csv(
        "W05000001,sex,female,520",
        "W05000001,sex,male,480",
        "W05000001,age_band,16_24,294",
        "W05000001,age_band,25_34,700",
    )

    messages = _problems(analyst, organisation, file)

    assert len(messages) == 1
    assert messages[0].startswith(
        "Area W05000001, column 'count': the counts for age_band add up to 994 "
        "but those for sex add up to 1,000, more than 0.5% apart."
    )


@pytest.mark.django_db
def test_totals_within_half_a_percent_are_accepted(organisation, analyst, ward):
    file = _csv(
        "W05000001,sex,female,520",
        "W05000001,sex,male,480",
        "W05000001,age_band,16_24,295",
        "W05000001,age_band,25_34,700",
    )

    profile = _import(analyst, organisation, file)

    assert profile.margins.count() == 4


@pytest.mark.django_db
def test_every_row_is_checked_and_at_most_fifty_problems_are_listed(
    organisation, analyst, ward
):
    file = _csv(*[f"W05000001,sex,female,-{n}" for n in range(60)])

    messages = _problems(analyst, organisation, file)

    assert len(messages) == 51
    assert messages[0].startswith("Row 2, column 'count'")
    assert messages[49].startswith("Row 51, column 'count'")
    assert messages[50] == "… and 10 more problems. Fix these and upload again."


@pytest.mark.django_db
def test_missing_columns_are_named(organisation, analyst, ward):
    messages = _problems(
        analyst,
        organisation,
        _csv("W05000001,sex,5", header="area_code,characteristic,number"),
    )

    assert messages == [
        "Row 1: the file has no column 'category', 'count'. The first row must "
        "name the columns area_code, characteristic, category and count."
    ]


@pytest.mark.django_db
def test_a_repeated_column_is_named(organisation, analyst, ward):
    messages = _problems(
        analyst,
        organisation,
        _csv("W05000001,sex,female,5,6", header=HEADER + ",Count"),
    )

    assert messages == [
        "Row 1, column 'count': the column appears more than once. Keep only one."
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "The file is empty."),
        (b" \n", "The file is empty."),
        (b",,,\n", "The file is empty. The first row must name the columns"),
        (HEADER.encode() + b"\n\n", "The file has a header row but no counts."),
        ("é".encode("latin-1"), "The file is not saved as UTF-8"),
    ],
)
def test_empty_and_unreadable_files_are_refused(
    organisation, analyst, ward, content, expected
):
    messages = _problems(analyst, organisation, SimpleUploadedFile("m.csv", content))

    assert messages[0].startswith(expected)


@pytest.mark.django_db
def test_a_file_that_is_not_csv_or_xlsx_is_refused(organisation, analyst, ward):
    messages = _problems(
        analyst, organisation, SimpleUploadedFile("m.pdf", b"%PDF-1.4")
    )

    assert messages == ["The selected file must be a CSV or XLSX file."]


@pytest.mark.django_db
def test_a_formula_cell_is_named_and_not_evaluated(organisation, analyst, ward):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["area_code", "characteristic", "category", "count"])
    sheet.append(["W05000001", "sex", "female", "=1+1"])
    buffer = io.BytesIO()
    workbook.save(buffer)

    messages = _problems(
        analyst, organisation, SimpleUploadedFile("m.xlsx", buffer.getvalue())
    )

    assert (
        "Row 2, column 'count': cell D2 contains a formula. Type the value itself "
        "instead of a formula."
    ) in messages


@pytest.mark.django_db
def test_a_name_already_used_in_the_organisation_is_refused(
    organisation, analyst, ward
):
    PopulationProfileFactory(organisation=organisation, name="Census 2021, 16+")

    with pytest.raises(PopulationProfileError, match="already called"):
        _import(analyst, organisation, _csv(*_good_lines()))

    assert PopulationMargin.objects.count() == 0


@pytest.mark.django_db
def test_the_same_name_may_be_used_by_another_organisation(
    organisation, other_organisation, analyst, ward
):
    PopulationProfileFactory(organisation=other_organisation, name="Census 2021, 16+")

    profile = _import(analyst, organisation, _csv(*_good_lines()))

    assert profile.margins.count() == 4


# --- permissions ----------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("actor_fixture", "allowed"),
    [
        ("administrator", True),
        ("analyst", True),
        ("officer", False),
        ("elected_member", False),
        ("community_organiser", False),
        ("resident", False),
        ("staff_of_other_organisation", False),
    ],
)
def test_only_administrators_and_analysts_may_import_and_delete(
    request, organisation, ward, actor_fixture, allowed
):
    actor = request.getfixturevalue(actor_fixture)
    existing = PopulationMarginFactory(
        profile__organisation=organisation, area=ward
    ).profile

    if allowed:
        _import(actor, organisation, _csv(*_good_lines()))
        population_profile_delete(actor=actor, profile=existing)
        assert list(PopulationProfile.objects.values_list("name", flat=True)) == [
            "Census 2021, 16+"
        ]
    else:
        with pytest.raises(PermissionDenied):
            _import(actor, organisation, _csv(*_good_lines()))
        with pytest.raises(PermissionDenied):
            population_profile_delete(actor=actor, profile=existing)
        assert list(PopulationProfile.objects.all()) == [existing]
        assert not AuditEvent.objects.exists()


# --- delete ---------------------------------------------------------------------


@pytest.mark.django_db
def test_delete_removes_the_margins_and_records_an_audit_event(
    organisation, administrator, ward
):
    margin = PopulationMarginFactory(profile__organisation=organisation, area=ward)
    profile = margin.profile

    population_profile_delete(actor=administrator, profile=profile)

    assert not PopulationProfile.objects.exists()
    assert not PopulationMargin.objects.exists()
    event = AuditEvent.objects.get(action="population_profile.delete")
    assert event.actor == administrator
    assert event.organisation == organisation
    assert event.changes["n_margins"] == 1
