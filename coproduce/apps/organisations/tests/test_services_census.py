"""ONS Census 2021 tables in population profile imports: reading, adding up,
refusing what cannot be assigned, the mapping step, saved mappings, atomicity."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile

from coproduce.apps.audit.models import AuditEvent
from coproduce.apps.organisations.errors import PopulationProfileError
from coproduce.apps.organisations.models import (
    Area,
    CensusImportStaging,
    CensusLabelMapping,
    Organisation,
    PopulationMargin,
    PopulationProfile,
)
from coproduce.apps.organisations.services import (
    LEAVE_OUT,
    census_import_cancel,
    census_label_mapping_delete,
    census_labels_save_and_import,
    census_staging_unknown_labels,
    census_upload,
    population_profile_import,
)
from coproduce.apps.organisations.services.population_files import (
    CensusLabelsUnknownError,
)
from coproduce.apps.organisations.tests.factories import AreaFactory

LSOA = "Lower layer Super Output Areas Code,Lower layer Super Output Areas"
A, B = "W01000001", "W01000002"


@pytest.fixture
def lsoas(organisation: Organisation) -> list[Area]:
    return [
        AreaFactory(organisation=organisation, code=A),
        AreaFactory(organisation=organisation, code=B),
    ]


def ons(
    variable: str, rows: list[tuple[str, str, int]], name: str = ""
) -> SimpleUploadedFile:
    """An ONS custom-dataset CSV: area code, label and count per row."""
    lines = [f"{LSOA},{variable} Code,{variable},Observation"]
    for index, (code, label, count) in enumerate(rows):
        quoted = '"' + label.replace('"', '""') + '"'
        lines.append(f"{code},Ynys Môn 00{code[-1]}A,{index + 1},{quoted},{count}")
    filename = name or variable.split(" (")[0].casefold().replace(" ", "_") + ".csv"
    return SimpleUploadedFile(filename, ("\n".join(lines) + "\n").encode("utf-8"))


def single_years(code: str, count_per_year: int = 10) -> list[tuple[str, str, int]]:
    rows = [
        (code, "Aged under 1 year", count_per_year),
        (code, "Aged 1 year", count_per_year),
    ]
    rows += [(code, f"Aged {age} years", count_per_year) for age in range(2, 85)]
    rows.append((code, "Aged 85 years and over", count_per_year))
    return rows  # 86 categories, 860 residents


def sexes(code: str, female: int = 430, male: int = 430) -> list[tuple[str, str, int]]:
    return [(code, "Female", female), (code, "Male", male)]


def _upload(actor, organisation, files, name="Census 2021", characteristic=""):
    return census_upload(
        actor=actor,
        organisation=organisation,
        name=name,
        source="ONS Census 2021",
        age_base="All usual residents",
        file=files,
        characteristic=characteristic,
    )


def _margins(profile: PopulationProfile, characteristic: str, code: str = A) -> dict:
    return dict(
        PopulationMargin.objects.filter(
            profile=profile, characteristic=characteristic, area__code=code
        ).values_list("category", "count")
    )


def _refused(actor, organisation, files, **kwargs) -> list[str]:
    with pytest.raises(PopulationProfileError) as caught:
        _upload(actor, organisation, files, **kwargs)
    assert not isinstance(caught.value, CensusLabelsUnknownError)
    assert PopulationProfile.objects.count() == 0
    assert PopulationMargin.objects.count() == 0
    assert CensusImportStaging.objects.count() == 0
    assert CensusLabelMapping.objects.count() == 0
    return caught.value.messages


# --- reading and adding up -----------------------------------------------------------


@pytest.mark.django_db
def test_single_years_of_age_add_up_into_the_product_bands(
    organisation, analyst, lsoas
):
    upload = _upload(
        analyst,
        organisation,
        [ons("Age (86 categories)", single_years(A) + single_years(B, 1))],
    )

    assert upload.staging is None
    assert _margins(upload.profile, "age_band") == {
        "under_16": 160,
        "16_24": 90,
        "25_34": 100,
        "35_44": 100,
        "45_54": 100,
        "55_64": 100,
        "65_74": 100,
        "75_plus": 110,
    }
    assert sum(_margins(upload.profile, "age_band", B).values()) == 86
    event = AuditEvent.objects.get(action="population_profile.import")
    assert event.changes["census_tables"] == ["Age (86 categories)"]


@pytest.mark.django_db
def test_several_ons_tables_make_one_profile_with_consistent_totals(
    organisation, analyst, lsoas
):
    ethnic = [
        (A, "Asian, Asian British or Asian Welsh: Indian", 20),
        (A, "Asian, Asian British or Asian Welsh: Chinese", 5),
        (A, "White: English, Welsh, Scottish, Northern Irish or British", 800),
        (A, "White: Irish", 10),
        (A, "Mixed or Multiple ethnic groups: White and Asian", 15),
        (A, "Other ethnic group: Arab", 10),
        (A, "Does not apply", 0),
    ]
    gender = [
        (A, "Does not apply", 160),  # under 16s
        (A, "Gender identity the same as sex registered at birth", 650),
        (A, "Trans woman", 2),
        (A, "Non-binary", 3),
        (A, "Not answered", 45),
    ]
    upload = _upload(
        analyst,
        organisation,
        [
            ons("Age (86 categories)", single_years(A)),
            ons("Sex (2 categories)", sexes(A)),
            ons("Ethnic group (20 categories)", ethnic),
            ons("Gender identity (8 categories)", gender),
        ],
    )

    profile = upload.profile
    assert _margins(profile, "sex") == {"female": 430, "male": 430}
    assert _margins(profile, "ethnicity") == {
        "asian": 25,
        "white": 810,
        "mixed": 15,
        "other": 10,
    }
    assert _margins(profile, "gender_identity") == {"same": 650, "different": 5}
    # "Does not apply" ×2 and "Not answered" are left out, and counted.
    assert upload.n_left_out_rows == 3
    assert upload.n_left_out_residents == 205


@pytest.mark.django_db
def test_an_ons_table_and_a_product_file_add_up_together(organisation, analyst, lsoas):
    product = SimpleUploadedFile(
        "sex.csv",
        f"area_code,characteristic,category,count\n{A},sex,female,430\n{A},sex,male,430\n".encode(),
    )
    upload = _upload(
        analyst, organisation, [ons("Age (86 categories)", single_years(A)), product]
    )
    assert _margins(upload.profile, "sex") == {"female": 430, "male": 430}
    assert sum(_margins(upload.profile, "age_band").values()) == 860


@pytest.mark.django_db
def test_an_xlsx_ons_table_is_read_like_a_csv(organisation, analyst, lsoas):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(
        [
            "Electoral wards and divisions Code",
            "Electoral wards and divisions",
            "Disability (4 categories) Code",
            "Disability (4 categories)",
            "Observation",
        ]
    )
    sheet.append([A, "Aberffraw", -8, "Does not apply", 0])
    sheet.append(
        [
            A,
            "Aberffraw",
            1,
            "Disabled under the Equality Act: Day-to-day activities limited a lot",
            80,
        ]
    )
    sheet.append(
        [
            A,
            "Aberffraw",
            2,
            "Disabled under the Equality Act: Day-to-day activities limited a little",
            100,
        ]
    )
    sheet.append([A, "Aberffraw", 3, "Not disabled under the Equality Act", 680.0])
    buffer = io.BytesIO()
    workbook.save(buffer)

    upload = _upload(
        analyst,
        organisation,
        [SimpleUploadedFile("disability.xlsx", buffer.getvalue())],
    )

    assert _margins(upload.profile, "disability") == {
        "limited_a_lot": 80,
        "limited_a_little": 100,
        "no": 680,
    }


@pytest.mark.django_db
def test_totals_rows_are_skipped(organisation, analyst, lsoas):
    upload = _upload(
        analyst,
        organisation,
        [ons("Sex", [(A, "Total: All usual residents", 860), *sexes(A)])],
    )
    assert _margins(upload.profile, "sex") == {"female": 430, "male": 430}


@pytest.mark.django_db
def test_a_heading_that_does_not_say_uses_the_officers_choice(
    organisation, analyst, lsoas
):
    upload = _upload(
        analyst,
        organisation,
        [ons("Variable 7", sexes(A))],
        characteristic="sex",
    )
    assert _margins(upload.profile, "sex") == {"female": 430, "male": 430}


@pytest.mark.django_db
def test_welsh_skills_map_to_the_three_product_levels(organisation, analyst, lsoas):
    welsh = [
        (A, "Does not apply", 30),
        (A, "Can understand spoken Welsh only", 50),
        (A, "Can speak, read and write Welsh", 200),
        (A, "Can speak and other combinations of skills in Welsh", 60),
        (A, "Other combination of skills in Welsh", 20),
        (A, "No skills in Welsh", 500),
    ]
    upload = _upload(
        analyst,
        organisation,
        [ons("Welsh language skills (detailed) (6 categories)", welsh)],
    )
    assert _margins(upload.profile, "welsh_ability") == {
        "speaks": 260,
        "other_skills": 70,
        "no_skills": 500,
    }


# --- refusals -----------------------------------------------------------------------


@pytest.mark.django_db
def test_a_band_straddling_two_product_bands_is_refused_with_advice(
    organisation, analyst, lsoas
):
    rows = [
        (A, "Aged 4 years and under", 50),
        (A, "Aged 5 to 9 years", 50),
        (A, "Aged 10 to 14 years", 50),
        (A, "Aged 15 to 19 years", 50),
        (A, "Aged 20 to 24 years", 50),
        (B, "Aged 15 to 19 years", 40),
    ]
    messages = _refused(analyst, organisation, [ons("Age (18 categories)", rows)])

    assert len(messages) == 1
    assert messages[0].startswith("Row 5, column 'Age (18 categories)': 'Aged 15 to 19")
    assert "(2 rows)" in messages[0]
    assert "Under 16, 16 to 24" in messages[0]
    assert "single year of age" in messages[0]


@pytest.mark.django_db
def test_disability_with_three_categories_is_refused(organisation, analyst, lsoas):
    rows = [
        (A, "Disabled under the Equality Act", 180),
        (A, "Not disabled under the Equality Act", 680),
    ]
    [message] = _refused(
        analyst, organisation, [ons("Disability (3 categories)", rows)]
    )
    assert "'Disabled under the Equality Act' (1 row) covers" in message
    assert "Disability (4 categories)" in message


@pytest.mark.django_db
def test_welsh_speaking_only_is_refused(organisation, analyst, lsoas):
    rows = [(A, "Can speak Welsh", 200), (A, "Cannot speak Welsh", 600)]
    [message] = _refused(
        analyst,
        organisation,
        [ons("Welsh language skills (speaking) (4 categories)", rows)],
    )
    assert "Cannot speak Welsh" in message
    assert "Welsh language skills (detailed)" in message


@pytest.mark.django_db
def test_bad_rows_name_their_row_and_column(organisation, analyst, lsoas):
    rows = [
        (A, "Female", -3),
        ("E01999999", "Male", 430),
        (A, "Male", 430),
        (A, "Male", 1),
    ]
    messages = _refused(analyst, organisation, [ons("Sex (2 categories)", rows)])

    assert messages == [
        "Row 2, column 'Observation': '-3' is not a whole number of 0 or more, "
        "like 1234.",
        "Row 3, column 'Lower layer Super Output Areas Code': 'E01999999' is not "
        "the code of one of your areas. Add the area first, or download the table "
        "for your areas only.",
        f"Row 5, column 'Sex (2 categories)': area {A} already has a count for "
        "'Male' on row 4. Give each category one row.",
    ]


@pytest.mark.django_db
def test_totals_across_tables_must_agree(organisation, analyst, lsoas):
    messages = _refused(
        analyst,
        organisation,
        [
            ons("Age (86 categories)", single_years(A)),
            ons("Sex (2 categories)", sexes(A, 300, 300)),
        ],
    )
    assert len(messages) == 1
    assert messages[0].startswith(f"Area {A}, column 'count': the counts for sex")


@pytest.mark.django_db
def test_two_tables_of_one_characteristic_are_refused(organisation, analyst, lsoas):
    messages = _refused(
        analyst,
        organisation,
        [
            ons("Sex (2 categories)", sexes(A), name="a.csv"),
            ons("Sex (2 categories)", sexes(A), name="b.csv"),
        ],
    )
    assert messages == [
        "Both a.csv and b.csv count sex. Upload one table for each characteristic."
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (
            f"{LSOA},Age (6 categories) Code,Age (6 categories),"
            "Sex (2 categories) Code,Sex (2 categories),Observation",
            "more than one variable ('Age (6 categories)', 'Sex (2 categories)')",
        ),
        (f"{LSOA},Observation", "no column of categories"),
        (
            "date,geography,geography code,Age: Total,Age: Aged 4 years and under",
            "None of the 1 areas in the nomis table is one of your areas.",
        ),
        ("date,geography,geography code,Total", "no columns of counts"),
    ],
)
def test_tables_of_the_wrong_shape_are_refused(
    organisation, analyst, lsoas, header, expected
):
    file = SimpleUploadedFile("table.csv", f"{header}\n{A},x,1,2,3,4\n".encode())
    [message] = _refused(analyst, organisation, [file])
    assert expected in message


@pytest.mark.django_db
def test_a_heading_that_does_not_say_needs_a_choice(organisation, analyst, lsoas):
    [message] = _refused(analyst, organisation, [ons("Variable 7", sexes(A))])
    assert "'Variable 7': the heading does not say" in message


@pytest.mark.django_db
def test_a_choice_that_contradicts_the_heading_is_refused(organisation, analyst, lsoas):
    [message] = _refused(
        analyst,
        organisation,
        [ons("Sex (2 categories)", sexes(A))],
        characteristic="age_band",
    )
    assert "the table counts sex, but you chose age_band" in message


@pytest.mark.django_db
def test_problems_in_several_files_name_the_file(organisation, analyst, lsoas):
    messages = _refused(
        analyst,
        organisation,
        [
            ons("Sex (2 categories)", [(A, "Female", "x")], name="sex.csv"),  # type: ignore[list-item]
            ons("Age (86 categories)", [(A, "Aged 15 to 19 years", 1)], name="age.csv"),
        ],
    )
    assert messages[0].startswith("File sex.csv: Row 2, column 'Observation'")
    assert messages[1].startswith("File age.csv: Row 2, column 'Age (86 categories)'")


@pytest.mark.django_db
def test_unknown_labels_are_reported_with_other_problems(organisation, analyst, lsoas):
    rows = [
        (A, "White: Welsh", 800),
        (A, "Klingon", 3),
        (A, "Klingon", 2),
        (B, "White", -1),
    ]
    messages = _refused(
        analyst, organisation, [ons("Ethnic group (20 categories)", rows)]
    )
    assert messages == [
        f"Row 4, column 'Ethnic group (20 categories)': area {A} already has a "
        "count for 'Klingon' on row 3. Give each category one row.",
        "Row 5, column 'Observation': '-1' is not a whole number of 0 or more, "
        "like 1234.",
        "Row 3, column 'Ethnic group (20 categories)': 'Klingon' is not an ONS "
        "label the product knows for ethnicity (1 row). Once the other problems "
        "are fixed you will be asked which category it belongs to.",
    ]


# --- unknown labels: the mapping step ----------------------------------------

HOSTILE = [
    "Cymreig 🏴󠁧󠁢󠁷󠁬󠁳󠁿👩🏽‍💻",
    "عربي: آخر",
    "<script>alert('x')</script>",
    "Gŵr ŷ ẁ " + "x" * 180,
]


def _ethnic_with_unknowns(code: str = A) -> list[tuple[str, str, int]]:
    return [
        (code, "White: English, Welsh, Scottish, Northern Irish or British", 800),
        *((code, label, 10 + index) for index, label in enumerate(HOSTILE)),
        (code, "Asian, Asian British or Asian Welsh", 14),
    ]


@pytest.mark.django_db
def test_unknown_labels_keep_the_upload_and_import_nothing(
    organisation, analyst, lsoas
):
    upload = _upload(
        analyst,
        organisation,
        [ons("Ethnic group (20 categories)", _ethnic_with_unknowns())],
    )

    assert upload.profile is None
    staging = upload.staging
    assert staging is not None
    assert staging.created_by == analyst
    assert PopulationProfile.objects.count() == 0
    assert PopulationMargin.objects.count() == 0
    unknown = census_staging_unknown_labels(staging=staging)
    assert [item.label for item in unknown] == HOSTILE
    assert [item.first_row for item in unknown] == [3, 4, 5, 6]
    assert all(item.n_rows == 1 for item in unknown)
    assert AuditEvent.objects.filter(action="census_import.stage").count() == 1


@pytest.mark.django_db
def test_choices_are_saved_and_the_import_runs_then_reused(
    organisation, analyst, lsoas
):
    upload = _upload(
        analyst,
        organisation,
        [ons("Ethnic group (20 categories)", _ethnic_with_unknowns())],
    )
    choices = {
        ("ethnicity", HOSTILE[0]): "white",
        ("ethnicity", HOSTILE[1]): "other",
        ("ethnicity", HOSTILE[2]): LEAVE_OUT,
        ("ethnicity", HOSTILE[3]): "white",
    }

    done = census_labels_save_and_import(
        actor=analyst, staging=upload.staging, choices=choices
    )

    assert _margins(done.profile, "ethnicity") == {
        "white": 800 + 10 + 13,
        "other": 11,
        "asian": 14,
    }
    assert done.n_left_out_rows == 1
    assert done.n_left_out_residents == 12
    assert not CensusImportStaging.objects.exists()
    saved = {m.source_label: m.category for m in CensusLabelMapping.objects.all()}
    assert saved == {
        HOSTILE[0]: "white",
        HOSTILE[1]: "other",
        HOSTILE[2]: "",
        HOSTILE[3]: "white",
    }
    assert AuditEvent.objects.filter(action="census_label_mapping.save").count() == 4

    # Next time the same labels (in other capitals) are known: straight in.
    again = _upload(
        analyst,
        organisation,
        [
            ons(
                "Ethnic group (20 categories)",
                [(A, "White", 800), (A, HOSTILE[0].upper(), 60)],
            )
        ],
        name="Census again",
    )
    assert again.staging is None
    assert _margins(again.profile, "ethnicity") == {"white": 860}


@pytest.mark.django_db
def test_mappings_belong_to_one_organisation(
    organisation, other_organisation, analyst, lsoas
):
    CensusLabelMapping.objects.create(
        organisation=other_organisation,
        characteristic="sex",
        source_label_key="f",
        source_label="F",
        category="female",
    )
    upload = _upload(
        analyst, organisation, [ons("Sex", [(A, "F", 430), (A, "Male", 430)])]
    )
    assert upload.staging is not None


@pytest.mark.django_db
def test_a_failed_import_after_choosing_saves_no_mapping(organisation, analyst, lsoas):
    upload = _upload(
        analyst,
        organisation,
        [ons("Ethnic group (20 categories)", _ethnic_with_unknowns())],
    )
    # Someone takes the name meanwhile: the import fails, so nothing is kept.
    population_profile_import(
        actor=analyst,
        organisation=organisation,
        name="Census 2021",
        source="x",
        age_base="16+",
        file=ons("Sex", sexes(A)),
    )
    choices = {("ethnicity", label): "white" for label in HOSTILE}

    with pytest.raises(PopulationProfileError) as caught:
        census_labels_save_and_import(
            actor=analyst, staging=upload.staging, choices=choices
        )

    assert "already called Census 2021" in caught.value.messages[0]
    assert not CensusLabelMapping.objects.exists()
    assert CensusImportStaging.objects.filter(pk=upload.staging.pk).exists()
    assert not AuditEvent.objects.filter(action="census_label_mapping.save").exists()


@pytest.mark.django_db
def test_a_missing_choice_imports_nothing(organisation, analyst, lsoas):
    upload = _upload(
        analyst,
        organisation,
        [ons("Ethnic group (20 categories)", _ethnic_with_unknowns())],
    )
    with pytest.raises(PopulationProfileError) as caught:
        census_labels_save_and_import(
            actor=analyst,
            staging=upload.staging,
            choices={("ethnicity", HOSTILE[0]): "white"},
        )
    assert len(caught.value.messages) == 3
    assert not CensusLabelMapping.objects.exists()
    assert not PopulationProfile.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("choice", ["prefer_not_to_say", "female", "<b>", ""])
def test_a_choice_that_is_not_a_category_is_refused(
    organisation, analyst, lsoas, choice
):
    upload = _upload(
        analyst,
        organisation,
        [ons("Ethnic group (20 categories)", _ethnic_with_unknowns())],
    )
    choices = {("ethnicity", label): "white" for label in HOSTILE}
    choices[("ethnicity", HOSTILE[1])] = choice
    with pytest.raises(PopulationProfileError):
        census_labels_save_and_import(
            actor=analyst, staging=upload.staging, choices=choices
        )
    assert not CensusLabelMapping.objects.exists()


@pytest.mark.django_db
def test_a_label_longer_than_any_ons_label_is_refused(organisation, analyst, lsoas):
    [message] = _refused(
        analyst, organisation, [ons("Sex", [*sexes(A), (B, "y" * 5000, 1)])]
    )
    assert message.startswith("Row 4, column 'Sex': the label is longer than 200")


# --- who may -------------------------------------------------------------------


@pytest.mark.django_db
def test_only_the_uploader_may_choose_or_cancel(
    organisation, analyst, administrator, officer, lsoas
):
    upload = _upload(
        analyst,
        organisation,
        [ons("Ethnic group (20 categories)", _ethnic_with_unknowns())],
    )
    for actor in (administrator, officer):
        with pytest.raises(PermissionDenied):
            census_labels_save_and_import(
                actor=actor, staging=upload.staging, choices={}
            )
        with pytest.raises(PermissionDenied):
            census_import_cancel(actor=actor, staging=upload.staging)
    assert CensusImportStaging.objects.count() == 1

    census_import_cancel(actor=analyst, staging=upload.staging)

    assert not CensusImportStaging.objects.exists()
    assert AuditEvent.objects.filter(action="census_import.cancel").count() == 1


@pytest.mark.django_db
def test_officers_may_not_upload(organisation, officer, lsoas):
    with pytest.raises(PermissionDenied):
        _upload(officer, organisation, [ons("Sex", sexes(A))])
    assert not PopulationProfile.objects.exists()


@pytest.mark.django_db
def test_deleting_a_mapping_is_audited_and_managers_only(
    organisation, analyst, officer
):
    mapping = CensusLabelMapping.objects.create(
        organisation=organisation,
        characteristic="sex",
        source_label_key="f",
        source_label="F",
        category="female",
    )
    with pytest.raises(PermissionDenied):
        census_label_mapping_delete(actor=officer, mapping=mapping)

    census_label_mapping_delete(actor=analyst, mapping=mapping)

    assert not CensusLabelMapping.objects.exists()
    event = AuditEvent.objects.get(action="census_label_mapping.delete")
    assert event.changes == {
        "characteristic": "sex",
        "label": "F",
        "category": "female",
    }


# --- nomis bulk tables (wide) --------------------------------------------------------


def nomis(columns: list[str], rows: list[list[object]], name: str = "nomis.csv"):
    header = ["date", "geography", "geography code", *columns]
    lines = [",".join(f'"{cell}"' for cell in header)]
    lines += [",".join(f'"{cell}"' for cell in row) for row in rows]
    return SimpleUploadedFile(name, ("\n".join(lines) + "\n").encode("utf-8"))


@pytest.mark.django_db
def test_a_nomis_ethnic_group_table_counts_detailed_groups_once(
    organisation, analyst, lsoas
):
    columns = [
        "Ethnic group: Total: All usual residents",
        "Ethnic group: Asian, Asian British or Asian Welsh",
        "Ethnic group: Asian, Asian British or Asian Welsh: Indian",
        "Ethnic group: Asian, Asian British or Asian Welsh: Other Asian",
        "Ethnic group: White",
        "Ethnic group: White: Irish",
        "Ethnic group: White: Other White",
        "Ethnic group: Other ethnic group",
    ]
    rows = [
        [2021, "Ynys Môn 001A", A, 860, 30, 20, 10, 820, 800, 20, 10],
        [2021, "Cardiff 001A", "W01001000", 1000, 0, 0, 0, 1000, 1000, 0, 0],
        [2021, "Ynys Môn 001B", B, 100, 0, 0, 0, 100, 90, 10, 0],
    ]
    upload = _upload(analyst, organisation, [nomis(columns, rows)])

    assert _margins(upload.profile, "ethnicity") == {
        "asian": 30,
        "white": 820,
        "other": 10,
    }
    assert _margins(upload.profile, "ethnicity", B) == {
        "asian": 0,
        "white": 100,
        "other": 0,
    }
    assert upload.n_other_areas == 1


@pytest.mark.django_db
def test_a_nomis_age_table_uses_single_years_not_the_bands_around_them(
    organisation, analyst, lsoas
):
    columns = ["Age: Total; measures: Value", "Age: Total; measures: Percent"]
    values: list[object] = [860, 100.0]
    for first in range(0, 85, 5):
        last = first + 4
        band = (
            "Aged 4 years and under" if first == 0 else f"Aged {first} to {last} years"
        )
        columns.append(f"Age: {band}; measures: Value")
        values.append(50)
        for age in range(first, last + 1):
            label = {0: "Aged under 1 year", 1: "Aged 1 year"}.get(
                age, f"Aged {age} years"
            )
            columns.append(f"Age: {label}; measures: Value")
            values.append(10)
    columns.append("Age: Aged 85 years and over; measures: Value")
    values.append(10)
    upload = _upload(
        analyst,
        organisation,
        [nomis(columns, [[2021, "Ynys Môn 001A", A, *values]])],
    )

    assert _margins(upload.profile, "age_band") == {
        "under_16": 160,
        "16_24": 90,
        "25_34": 100,
        "35_44": 100,
        "45_54": 100,
        "55_64": 100,
        "65_74": 100,
        "75_plus": 110,
    }


@pytest.mark.django_db
def test_a_nomis_disability_table_counts_limited_a_lot_and_a_little(
    organisation, analyst, lsoas
):
    columns = [
        "Disability: Total: All usual residents",
        "Disability: Disabled under the Equality Act",
        "Disability: Disabled under the Equality Act: Day-to-day activities "
        "limited a lot",
        "Disability: Disabled under the Equality Act: Day-to-day activities "
        "limited a little",
        "Disability: Not disabled under the Equality Act",
        "Disability: Not disabled under the Equality Act: Has long term physical "
        "or mental health condition but day-to-day activities are not limited",
        "Disability: Not disabled under the Equality Act: No long term physical "
        "or mental health conditions",
    ]
    rows = [[2021, "x", A, 860, 180, 80, 100, 680, 80, 600]]
    upload = _upload(analyst, organisation, [nomis(columns, rows)])
    assert _margins(upload.profile, "disability") == {
        "limited_a_lot": 80,
        "limited_a_little": 100,
        "no": 680,
    }


@pytest.mark.django_db
def test_a_nomis_five_year_age_table_is_refused_with_advice(
    organisation, analyst, lsoas
):
    columns = [
        "Age: Total",
        "Age: Aged 4 years and under",
        "Age: Aged 5 to 9 years",
        "Age: Aged 10 to 14 years",
        "Age: Aged 15 to 19 years",
    ]
    rows = [[2021, "x", A, 200, 50, 50, 50, "x"]]
    messages = _refused(analyst, organisation, [nomis(columns, rows)])
    assert messages == [
        "Row 2, column 'Age: Aged 15 to 19 years': 'x' is not a whole number of 0 "
        "or more, like 1234."
    ]
    rows = [[2021, "x", A, 200, 50, 50, 50, 50]]
    [message] = _refused(analyst, organisation, [nomis(columns, rows)])
    assert message.startswith("Row 2, column 'Age': 'Aged 15 to 19 years' (1 row)")
