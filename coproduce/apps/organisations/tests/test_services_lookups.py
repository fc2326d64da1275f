"""deprivation_index_import/_delete and postcode_lookup_import/_delete: the file
formats, official headings, every bad-input rule, all-or-nothing saving, the
national-file skipping count, replace versus add, permissions and audit events."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from coproduce.apps.audit.models import AuditEvent
from coproduce.apps.organisations.errors import (
    DeprivationIndexError,
    PostcodeLookupError,
)
from coproduce.apps.organisations.models import (
    Area,
    DeprivationArea,
    DeprivationIndex,
    Nation,
    Organisation,
    PostcodeArea,
)
from coproduce.apps.organisations.services import (
    deprivation_index_delete,
    deprivation_index_import,
    postcode_lookup_delete,
    postcode_lookup_import,
)
from coproduce.apps.organisations.tests.factories import AreaFactory
from coproduce.apps.organisations.tests.factories_lookups import (
    DeprivationAreaFactory,
    DeprivationIndexFactory,
    PostcodeAreaFactory,
)
from coproduce.testing.text import hostile_strings

DECILE_HEADER = "area_code,decile,rank,residents"
POSTCODE_HEADER = "postcode,area_code"


@pytest.fixture
def small_areas(organisation: Organisation) -> list[Area]:
    return [
        AreaFactory(
            organisation=organisation,
            code=f"W0100000{n}",
            level=Area.Level.SMALL_AREA,
        )
        for n in range(1, 4)
    ]


def _file(text: str, name: str = "lookup.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode("utf-8"))


def _deciles(*lines: str, header: str = DECILE_HEADER) -> SimpleUploadedFile:
    return _file("\n".join([header, *lines]) + "\n", "wimd.csv")


def _postcodes(*lines: str, header: str = POSTCODE_HEADER) -> SimpleUploadedFile:
    return _file("\n".join([header, *lines]) + "\n", "postcodes.csv")


def _import_index(actor, organisation, file, *, name="WIMD 2019", nation="wales"):
    return deprivation_index_import(
        actor=actor,
        organisation=organisation,
        name=name,
        nation=nation,
        edition="WIMD 2019",
        geography="LSOA 2011",
        file=file,
    )


def _index_problems(actor, organisation, file, *, nation="wales") -> list[str]:
    with pytest.raises(DeprivationIndexError) as caught:
        _import_index(actor, organisation, file, nation=nation)
    assert DeprivationIndex.objects.count() == 0
    assert DeprivationArea.objects.count() == 0
    assert not AuditEvent.objects.filter(action="deprivation_index.import").exists()
    return caught.value.messages


def _lookup_problems(actor, organisation, file) -> list[str]:
    before = sorted(PostcodeArea.objects.values_list("prefix", "area_id"))
    with pytest.raises(PostcodeLookupError) as caught:
        postcode_lookup_import(actor=actor, organisation=organisation, file=file)
    assert sorted(PostcodeArea.objects.values_list("prefix", "area_id")) == before
    assert not AuditEvent.objects.filter(action="postcode_lookup.import").exists()
    return caught.value.messages


# --- deprivation: happy paths ---------------------------------------------------------


@pytest.mark.django_db
def test_a_deprivation_file_gives_each_area_its_decile_rank_and_residents(
    organisation, analyst, small_areas
):
    result = _import_index(
        analyst,
        organisation,
        _deciles(
            "W01000001,1,57,1620", "w01000002 ,10,1900,", 'W01000003,4.0,,"1,234"'
        ),
    )

    assert (result.n_areas, result.n_skipped_rows) == (3, 0)
    index = result.index
    assert (index.organisation, index.created_by, index.nation) == (
        organisation,
        analyst,
        Nation.WALES,
    )
    rows = {
        row.area.code: (row.decile, row.rank, row.residents)
        for row in DeprivationArea.objects.filter(index=index)
    }
    assert rows == {
        "W01000001": (1, 57, 1620),
        "W01000002": (10, 1900, None),
        "W01000003": (4, None, 1234),
    }


@pytest.mark.django_db
def test_rows_for_other_areas_of_a_national_file_are_skipped_and_counted(
    organisation, administrator, small_areas
):
    other_areas = [f"W01{n:06d},{n % 10 + 1}" for n in range(100, 1_100)]
    file = _deciles("W01000002,3", *other_areas, header="area_code,decile")

    result = _import_index(administrator, organisation, file)

    assert (result.n_areas, result.n_skipped_rows) == (1, 1_000)
    assert result.index.n_skipped_rows == 1_000
    event = AuditEvent.objects.get(action="deprivation_index.import")
    assert event.changes["n_skipped_rows"] == 1_000
    assert event.changes["n_areas"] == 1


@pytest.mark.django_db
def test_rows_for_other_areas_are_not_checked(organisation, analyst, small_areas):
    # A national file may hold anything for other areas: it is not ours to check.
    file = _deciles("W01000001,2", "W01999999,eleven", header="area_code,decile")

    assert _import_index(analyst, organisation, file).n_skipped_rows == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("header", "line"),
    [
        (
            "LSOA code (2011),LSOA name (2011),Index of Multiple Deprivation (IMD) "
            "Rank (where 1 is most deprived),Index of Multiple Deprivation (IMD) "
            "Decile (where 1 is most deprived 10% of LSOAs),Total population: mid "
            "2015 (excluding prisoners)",
            "W01000001,Cardiff 001A,57,1,1620",
        ),
        (
            "LSOA code,LSOA name (Eng),WIMD 2019 Overall Rank,WIMD 2019 Overall Decile",
            "W01000001,Cardiff 001A,57,1",
        ),
        ("Data_Zone,SIMD2020v2_Rank,SIMD2020v2_Decile", "W01000001,57,1"),
        ("lsoa11cd,IMD_Rank,IMD_Decile,Population", "W01000001,57,1,1620"),
    ],
)
def test_official_headings_are_accepted(
    organisation, analyst, small_areas, header, line
):
    result = _import_index(
        analyst, organisation, _deciles(line, header=header), nation="wales"
    )

    row = DeprivationArea.objects.get(index=result.index)
    assert (row.decile, row.rank) == (1, 57)


@pytest.mark.django_db
def test_the_short_column_name_wins_over_official_headings(
    organisation, analyst, small_areas
):
    file = _deciles("W01000001,W01999999,2", header="area_code,LSOA code,decile")

    result = _import_index(analyst, organisation, file)

    assert result.n_areas == 1


@pytest.mark.django_db
def test_an_xlsx_file_is_read_like_a_csv_file(organisation, analyst, small_areas):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["LSOA code (2011)", "IMD Decile", "Residents"])
    sheet.append(["W01000001", 3.0, 1500])
    sheet.append(["W01000002", 7, None])
    buffer = io.BytesIO()
    workbook.save(buffer)

    result = _import_index(
        analyst, organisation, SimpleUploadedFile("imd.xlsx", buffer.getvalue())
    )

    assert sorted(
        DeprivationArea.objects.filter(index=result.index).values_list(
            "decile", "residents"
        )
    ) == [(3, 1500), (7, None)]


@pytest.mark.django_db
def test_the_same_area_twice_with_the_same_values_is_kept_once(
    organisation, analyst, small_areas
):
    result = _import_index(
        analyst,
        organisation,
        _deciles("W01000001,2,,", "W01000001,2,,"),
    )

    assert result.n_areas == 1


@pytest.mark.django_db
@pytest.mark.parametrize("name", hostile_strings(max_length=200))
def test_hostile_index_names_are_stored_intact(
    organisation, analyst, small_areas, name
):
    result = _import_index(analyst, organisation, _deciles("W01000001,1,,"), name=name)

    result.index.refresh_from_db()
    assert result.index.name == name


# --- deprivation: bad input -----------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("line", "message"),
    [
        (
            "W01000001,11,,",
            "Row 2, column 'decile': '11' is not a decile. Use a whole number from "
            "1 (the most deprived 10%) to 10.",
        ),
        (
            "W01000001,0,,",
            "Row 2, column 'decile': '0' is not a decile. Use a whole number from "
            "1 (the most deprived 10%) to 10.",
        ),
        (
            "W01000001,2.5,,",
            "Row 2, column 'decile': '2.5' is not a decile. Use a whole number from "
            "1 (the most deprived 10%) to 10.",
        ),
        (
            "W01000001,,,",
            "Row 2, column 'decile': enter the decile, a whole number from 1 (the "
            "most deprived 10%) to 10.",
        ),
        (
            "W01000001,1,0,",
            "Row 2, column 'rank': '0' is not a whole number of 1 or more.",
        ),
        (
            "W01000001,1,first,",
            "Row 2, column 'rank': 'first' is not a whole number of 1 or more.",
        ),
        (
            "W01000001,1,,-5",
            "Row 2, column 'residents': '-5' is negative. The number of residents "
            "is 0 or more.",
        ),
        (
            "W01000001,1,,12.5",
            "Row 2, column 'residents': '12.5' is not a whole number of 0 or more.",
        ),
        (
            "W01000001,1,,99999999999",
            "Row 2, column 'residents': '99999999999' is not a whole number of 0 "
            "or more.",
        ),
        (",1,,", "Row 2, column 'area_code': enter the area's official code."),
    ],
)
def test_bad_values_are_named_by_row_and_column(
    organisation, analyst, small_areas, line, message
):
    assert _index_problems(analyst, organisation, _deciles(line)) == [message]


@pytest.mark.django_db
def test_official_headings_are_named_in_messages(organisation, analyst, small_areas):
    file = _deciles("W01000001,twelve", header="LSOA code (2011),IMD Decile")

    assert _index_problems(analyst, organisation, file) == [
        "Row 2, column 'IMD Decile': 'twelve' is not a decile. Use a whole number "
        "from 1 (the most deprived 10%) to 10."
    ]


@pytest.mark.django_db
def test_one_bad_row_saves_nothing(organisation, analyst, small_areas):
    problems = _index_problems(
        analyst,
        organisation,
        _deciles("W01000001,1,,", "W01000002,2,,", "W01000003,99,,"),
    )

    assert len(problems) == 1
    assert problems[0].startswith("Row 4, column 'decile'")


@pytest.mark.django_db
def test_the_same_area_twice_with_different_deciles_names_both_rows(
    organisation, analyst, small_areas
):
    assert _index_problems(
        analyst, organisation, _deciles("W01000001,1,,", "w01000001,2,,")
    ) == [
        "Row 3, column 'area_code': area W01000001 is on row 2 too, with different "
        "values. Give each area one row."
    ]


@pytest.mark.django_db
def test_a_file_matching_none_of_the_areas_says_so(organisation, analyst, small_areas):
    problems = _index_problems(
        analyst,
        organisation,
        _deciles("E01000001,1,,", "E01000002,2,,"),
    )

    assert problems == [
        "None of the 2 area codes in the file (such as E01000001, E01000002) is the "
        "code of one of your areas (such as W01000001, W01000002, W01000003). Check "
        "that the file is for the right nation and small areas, and that your areas "
        "have their official codes."
    ]


@pytest.mark.django_db
def test_an_area_of_another_nation_is_refused(organisation, analyst, small_areas):
    AreaFactory(organisation=organisation, code="E01000009")

    problems = _index_problems(
        analyst, organisation, _deciles("W01000001,1,,", "E01000009,2,,")
    )

    assert problems == [
        "Row 3, column 'area_code': E01000009 is an area in England, but this index "
        "is for Wales. Deciles rank areas within one nation only: upload each "
        "nation's index separately."
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("header", "message"),
    [
        (
            "area_code,rank",
            "Row 1: the file has no column 'decile'. The first row must name the "
            "columns area_code and decile (rank and residents are optional).",
        ),
        (
            "code,value",
            "Row 1: the file has no column 'area_code', 'decile'. The first row must "
            "name the columns area_code and decile (rank and residents are "
            "optional).",
        ),
        (
            "area_code,decile,Decile",
            "Row 1, column 'decile': the column appears more than once. Keep only one.",
        ),
        (
            "LSOA code (2011),LSOA code (2021),decile",
            "Row 1: more than one column could be 'area_code' ('LSOA code (2011)', "
            "'LSOA code (2021)'). Rename the one to use to area_code, or delete the "
            "others.",
        ),
    ],
)
def test_header_problems_are_named(organisation, analyst, small_areas, header, message):
    problems = _index_problems(
        analyst, organisation, _deciles("W01000001,1,2", header=header)
    )

    assert problems == [message]


@pytest.mark.django_db
def test_more_than_fifty_problems_are_summarised(organisation, analyst):
    areas = [
        AreaFactory(organisation=organisation, code=f"W01{n:06d}") for n in range(60)
    ]
    lines = [f"{area.code},0" for area in areas]

    problems = _index_problems(
        analyst, organisation, _deciles(*lines, header="area_code,decile")
    )

    assert len(problems) == 51
    assert problems[-1] == "… and 10 more problems. Fix these and upload again."


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"", "wimd.csv", "The file is empty."),
        (b"\n\n", "wimd.csv", "The file is empty."),
        (
            b"area_code,decile\n",
            "wimd.csv",
            "The file has a header row but no areas.",
        ),
        (
            b"area_code,decile\nW01000001,1\n",
            "wimd.pdf",
            "The selected file must be a CSV or XLSX file.",
        ),
        (
            b"\x89PNG\r\n\x1a\n\x00\x00\x00",
            "wimd.csv",
            "The file is saved as UTF-16 or is not a text file. In your spreadsheet "
            "choose 'Save as' and 'CSV UTF-8', then upload it again.",
        ),
        (
            b"not a workbook",
            "wimd.xlsx",
            "The file is not a real XLSX workbook. Save it from your spreadsheet as "
            "'Excel Workbook (.xlsx)' or 'CSV UTF-8'.",
        ),
    ],
)
def test_unreadable_files_are_refused_with_advice(
    organisation, analyst, small_areas, content, name, message
):
    file = SimpleUploadedFile(name, content)

    assert _index_problems(analyst, organisation, file) == [message]


@pytest.mark.django_db
def test_a_huge_cell_is_quoted_short(organisation, analyst, small_areas):
    huge = "9" * 100_000

    [problem] = _index_problems(
        analyst, organisation, _deciles(f"W01000001,{huge}", header="area_code,decile")
    )

    assert problem.startswith("Row 2, column 'decile': '999")
    assert len(problem) < 200


@pytest.mark.django_db
def test_a_formula_cell_is_refused(organisation, analyst, small_areas):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["area_code", "decile"])
    sheet.append(["W01000001", "=1+1"])
    buffer = io.BytesIO()
    workbook.save(buffer)

    problems = _index_problems(
        analyst, organisation, SimpleUploadedFile("f.xlsx", buffer.getvalue())
    )

    assert problems[0] == (
        "Row 2, column 'decile': cell B2 contains a formula. Type the value itself "
        "instead of a formula."
    )


@pytest.mark.django_db
def test_a_name_already_used_is_refused(organisation, analyst, small_areas):
    DeprivationIndexFactory(organisation=organisation, name="WIMD 2019")

    with pytest.raises(DeprivationIndexError) as caught:
        _import_index(analyst, organisation, _deciles("W01000001,1,,"))

    assert caught.value.field == "name"
    assert DeprivationArea.objects.count() == 0


@pytest.mark.django_db
def test_an_unknown_nation_is_a_validation_error(organisation, analyst, small_areas):
    with pytest.raises(ValidationError) as caught:
        _import_index(analyst, organisation, _deciles("W01000001,1,,"), nation="mars")

    assert "nation" in caught.value.message_dict
    assert DeprivationIndex.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["officer", "elected_member", "resident"])
def test_only_administrators_and_analysts_import_indices(
    request, organisation, small_areas, who
):
    with pytest.raises(PermissionDenied):
        _import_index(
            request.getfixturevalue(who), organisation, _deciles("W01000001,1,,")
        )
    assert DeprivationIndex.objects.count() == 0


@pytest.mark.django_db
def test_staff_of_another_organisation_cannot_import(
    organisation, staff_of_other_organisation, small_areas
):
    with pytest.raises(PermissionDenied):
        _import_index(
            staff_of_other_organisation, organisation, _deciles("W01000001,1,,")
        )


@pytest.mark.django_db
def test_deleting_an_index_deletes_its_deciles_and_is_audited(
    organisation, administrator
):
    index = DeprivationIndexFactory(organisation=organisation)
    DeprivationAreaFactory(index=index)
    keep = DeprivationAreaFactory()

    deprivation_index_delete(actor=administrator, index=index)

    assert list(DeprivationArea.objects.all()) == [keep]
    event = AuditEvent.objects.get(action="deprivation_index.delete")
    assert event.changes["n_areas"] == 1
    assert event.organisation == organisation


@pytest.mark.django_db
def test_only_managers_delete_indices(organisation, officer):
    index = DeprivationIndexFactory(organisation=organisation)

    with pytest.raises(PermissionDenied):
        deprivation_index_delete(actor=officer, index=index)
    assert DeprivationIndex.objects.filter(pk=index.pk).exists()


# --- postcode lookup: happy paths -----------------------------------------------------


@pytest.mark.django_db
def test_a_postcode_file_replaces_the_lookup(organisation, analyst, small_areas):
    old = PostcodeAreaFactory(organisation=organisation, prefix="NP10")
    other = PostcodeAreaFactory(prefix="NP10")  # another organisation's: untouched

    result = postcode_lookup_import(
        actor=analyst,
        organisation=organisation,
        file=_postcodes(
            "cf10 1aa,W01000001",
            "CF10  1,w01000002",
            "CF11,W01000003",
            "CF10 1AA,W01000001",  # the same again: fine, kept once
        ),
    )

    assert (
        result.n_postcodes,
        result.n_added,
        result.n_changed,
        result.n_removed,
        result.n_total,
    ) == (3, 3, 0, 1, 3)
    assert dict(
        PostcodeArea.objects.filter(organisation=organisation).values_list(
            "prefix", "area__code"
        )
    ) == {"CF101AA": "W01000001", "CF101": "W01000002", "CF11": "W01000003"}
    assert not PostcodeArea.objects.filter(pk=old.pk).exists()
    assert PostcodeArea.objects.filter(pk=other.pk).exists()
    event = AuditEvent.objects.get(action="postcode_lookup.import")
    assert event.organisation == organisation
    assert event.changes["n_removed"] == 1
    assert event.changes["mode"] == "replace"


@pytest.mark.django_db
def test_adding_keeps_the_lookup_and_the_files_rows_win(
    organisation, administrator, small_areas
):
    first, second, third = small_areas
    PostcodeAreaFactory(organisation=organisation, prefix="CF10", area=first)
    PostcodeAreaFactory(organisation=organisation, prefix="CF11", area=first)

    result = postcode_lookup_import(
        actor=administrator,
        organisation=organisation,
        file=_postcodes("CF11,W01000002", "CF12,W01000003", "CF10,W01000001"),
        mode="add",
    )

    assert (
        result.n_postcodes,
        result.n_added,
        result.n_changed,
        result.n_removed,
        result.n_total,
    ) == (3, 1, 1, 0, 3)
    assert dict(
        PostcodeArea.objects.filter(organisation=organisation).values_list(
            "prefix", "area_id"
        )
    ) == {"CF10": first.pk, "CF11": second.pk, "CF12": third.pk}


@pytest.mark.django_db
def test_postcode_directory_headings_are_accepted(organisation, analyst, small_areas):
    # The ONS postcode directory spells one postcode three ways; any will do.
    file = _postcodes(
        "CF101AA,CF10 1AA,CF10 1AA,W01000002,E01999999",
        header="pcd,pcd2,pcds,area_code,lsoa21",
    )

    postcode_lookup_import(actor=analyst, organisation=organisation, file=file)

    assert PostcodeArea.objects.get().area.code == "W01000002"


@pytest.mark.django_db
def test_invisible_characters_around_postcodes_are_ignored(
    organisation, analyst, small_areas
):
    file = _postcodes("\ufeffCF10\u00a01AA\u200b,W01000001")

    postcode_lookup_import(actor=analyst, organisation=organisation, file=file)

    assert PostcodeArea.objects.get().prefix == "CF101AA"


@pytest.mark.django_db
def test_a_large_file_takes_a_handful_of_queries(
    organisation, analyst, small_areas, django_assert_max_num_queries
):
    # Mixed radix: every n gives a different postcode.
    lines = [
        f"CF{10 + n // 6760} {n % 10}{chr(65 + n // 10 % 26)}{chr(65 + n // 260 % 26)},"
        f"W0100000{n % 3 + 1}"
        for n in range(5_000)
    ]
    file = _postcodes(*lines)
    expected = len({line.split(",")[0] for line in lines})

    # Batched inserts: SQLite takes at most 999 values per query (333 rows),
    # PostgreSQL 5,000 rows; never one query per row.
    with django_assert_max_num_queries(30):
        result = postcode_lookup_import(
            actor=analyst, organisation=organisation, file=file
        )

    assert result.n_total == expected == PostcodeArea.objects.count()


@pytest.mark.django_db
def test_replacing_with_next_years_file_writes_only_what_changed(
    organisation, analyst, small_areas
):
    first, second, _third = small_areas
    for prefix in ("CF10", "CF11", "CF12"):
        PostcodeAreaFactory(organisation=organisation, prefix=prefix, area=first)
    kept = PostcodeArea.objects.get(prefix="CF10")

    result = postcode_lookup_import(
        actor=analyst,
        organisation=organisation,
        file=_postcodes("CF10,W01000001", "CF11,W01000002", "CF13,W01000001"),
    )

    assert (result.n_added, result.n_changed, result.n_removed) == (1, 1, 1)
    assert dict(
        PostcodeArea.objects.filter(organisation=organisation).values_list(
            "prefix", "area_id"
        )
    ) == {"CF10": first.pk, "CF11": second.pk, "CF13": first.pk}
    assert PostcodeArea.objects.get(prefix="CF10").pk == kept.pk  # untouched


# --- postcode lookup: bad input -------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("line", "message"),
    [
        (
            "CF10 1AAA,W01000001",
            "Row 2, column 'postcode': 'CF10 1AAA' is not a postcode. Enter a full "
            "postcode (CF10 1AA), a postcode sector (CF10 1) or a postcode district "
            "(CF10).",
        ),
        (
            "<script>alert(1)</script>,W01000001",
            "Row 2, column 'postcode': '<script>alert(1)</script>' is not a "
            "postcode. Enter a full postcode (CF10 1AA), a postcode sector (CF10 1) "
            "or a postcode district (CF10).",
        ),
        (",W01000001", "Row 2, column 'postcode': enter a postcode."),
        (
            "CF10 1AA,W01999999",
            "Row 2, column 'area_code': 'W01999999' is not the code of one of your "
            "areas. Add the area first, or correct the code.",
        ),
        ("CF10 1AA,", "Row 2, column 'area_code': enter the area's official code."),
        (
            "B1 1,W01000001",
            "Row 2, column 'postcode': sector B1 1 would be confused with district "
            "B11. List the full postcodes of this sector instead.",
        ),
    ],
)
def test_bad_postcode_rows_are_named_by_row_and_column(
    organisation, analyst, small_areas, line, message
):
    PostcodeAreaFactory(organisation=organisation, prefix="NP10")

    assert _lookup_problems(analyst, organisation, _postcodes(line)) == [message]


@pytest.mark.django_db
def test_the_same_postcode_in_two_areas_names_both_rows(
    organisation, analyst, small_areas
):
    problems = _lookup_problems(
        analyst,
        organisation,
        _postcodes("CF10 1AA,W01000001", "cf101aa,W01000002", "CF10 1AB,W01000001"),
    )

    assert problems == [
        "Row 3, column 'postcode': cf101aa is on row 2 too, in area W01000001, but "
        "here in area W01000002. A postcode can be in one area only."
    ]


@pytest.mark.django_db
def test_an_area_code_of_another_organisation_is_unknown(
    organisation, other_organisation, analyst, small_areas
):
    AreaFactory(organisation=other_organisation, code="W01000099")

    problems = _lookup_problems(analyst, organisation, _postcodes("CF10,W01000099"))

    assert problems[0].startswith("Row 2, column 'area_code': 'W01000099' is not")


@pytest.mark.django_db
def test_lsoa11_and_lsoa21_together_must_be_chosen_between(
    organisation, analyst, small_areas
):
    problems = _lookup_problems(
        analyst,
        organisation,
        _postcodes("CF10 1AA,W01000001,W01000002", header="pcds,lsoa11,lsoa21"),
    )

    assert problems == [
        "Row 1: more than one column could be 'area_code' ('lsoa11', 'lsoa21'). "
        "Rename the one to use to area_code, or delete the others."
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"", "p.csv", "The file is empty."),
        (
            b"postcode,area_code\n",
            "p.csv",
            "The file has a header row but no postcodes.",
        ),
        (
            b"postcode,area_code\n",
            "p.txt",
            "The selected file must be a CSV or XLSX file.",
        ),
        (
            b"postcode\nCF10\n",
            "p.csv",
            "Row 1: the file has no column 'area_code'. The first row must name the "
            "columns postcode and area_code.",
        ),
        (
            "postcode,area_code\nCF10 1AA,W01000001\n".encode("utf-16"),
            "p.csv",
            "The file is saved as UTF-16 or is not a text file. In your spreadsheet "
            "choose 'Save as' and 'CSV UTF-8', then upload it again.",
        ),
    ],
)
def test_unreadable_postcode_files_change_nothing(
    organisation, analyst, small_areas, content, name, message
):
    PostcodeAreaFactory(organisation=organisation, prefix="NP10")

    problems = _lookup_problems(
        analyst, organisation, SimpleUploadedFile(name, content)
    )

    assert problems == [message]


@pytest.mark.django_db
def test_an_unknown_mode_is_refused(organisation, analyst, small_areas):
    with pytest.raises(PostcodeLookupError) as caught:
        postcode_lookup_import(
            actor=analyst,
            organisation=organisation,
            file=_postcodes("CF10,W01000001"),
            mode="merge",
        )

    assert caught.value.field == "mode"


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["officer", "elected_member", "community_organiser"])
def test_only_managers_upload_or_delete_the_lookup(
    request, organisation, small_areas, who
):
    row = PostcodeAreaFactory(organisation=organisation, prefix="NP10")
    actor = request.getfixturevalue(who)

    with pytest.raises(PermissionDenied):
        postcode_lookup_import(
            actor=actor, organisation=organisation, file=_postcodes("CF10,W01000001")
        )
    with pytest.raises(PermissionDenied):
        postcode_lookup_delete(actor=actor, organisation=organisation)

    assert list(PostcodeArea.objects.all()) == [row]


@pytest.mark.django_db
def test_deleting_the_lookup_deletes_only_this_organisations_rows(
    organisation, administrator
):
    PostcodeAreaFactory.create_batch(3, organisation=organisation)
    other = PostcodeAreaFactory()

    assert postcode_lookup_delete(actor=administrator, organisation=organisation) == 3

    assert list(PostcodeArea.objects.all()) == [other]
    event = AuditEvent.objects.get(action="postcode_lookup.delete")
    assert event.changes == {"n_deleted": 3}
