"""Area lookup pages: upload errors in the GOV.UK error summary, no 500 on garbage
files, the index detail page, checking a postcode, deleting, and Welsh.

Who may open each page is in matrix_lookups.py (the permission matrix).
"""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from coproduce.apps.audit.models import AuditEvent
from coproduce.apps.organisations.models import (
    Area,
    DeprivationArea,
    DeprivationIndex,
    Organisation,
    PostcodeArea,
)
from coproduce.apps.organisations.tests.factories import AreaFactory
from coproduce.apps.organisations.tests.factories_lookups import (
    DeprivationAreaFactory,
    DeprivationIndexFactory,
    PostcodeAreaFactory,
)
from coproduce.testing.pages import (
    assert_error_summary_names_field,
    assert_escaped,
    page_text,
)
from coproduce.testing.text import SCRIPT


def _url(name: str, organisation: Organisation, **kwargs) -> str:
    return reverse(
        f"organisations:{name}", kwargs={"org_slug": organisation.slug, **kwargs}
    )


def _file(text: str | bytes, name: str = "lookup.csv") -> SimpleUploadedFile:
    content = text.encode("utf-8") if isinstance(text, str) else text
    return SimpleUploadedFile(name, content)


def _index_upload(file: SimpleUploadedFile, **overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "name": "WIMD 2019",
        "nation": "wales",
        "edition": "WIMD 2019",
        "geography": "LSOA 2011",
        "notes": "",
        "file": file,
    }
    data.update(overrides)
    return data


@pytest.fixture
def small_area(organisation: Organisation) -> Area:
    return AreaFactory(
        organisation=organisation,
        code="W01000001",
        name_en="Splott 1",
        level=Area.Level.SMALL_AREA,
    )


# --- deprivation index upload -------------------------------------------------------


@pytest.mark.django_db
def test_uploading_a_national_file_says_how_many_rows_were_skipped(
    organisation, analyst, small_area, client_for
):
    lines = ["area_code,decile", "W01000001,2", "W01000002,3", "W01000003,4"]
    client = client_for(analyst)

    response = client.post(
        _url("deprivation-index-create", organisation),
        _index_upload(_file("\n".join(lines)), name=SCRIPT),
    )

    index = DeprivationIndex.objects.get(organisation=organisation)
    assert response.status_code == 302
    assert response.url == _url("deprivation-index-detail", organisation, pk=index.pk)
    page = client.get(response.url)
    text = page_text(page)
    assert "imported with deciles for 1 area." in text
    assert "2 rows for areas that are not yours were skipped." in text
    assert_escaped(page)


@pytest.mark.django_db
def test_a_bad_row_is_named_in_the_error_summary_and_nothing_is_saved(
    organisation, administrator, small_area, client_for
):
    response = client_for(administrator).post(
        _url("deprivation-index-create", organisation),
        _index_upload(_file("area_code,decile\nW01000001,11\n")),
    )

    assert response.status_code == 200
    assert_error_summary_names_field(
        response,
        field_id="id_file",
        message="Row 2, column 'decile': '11' is not a decile.",
    )
    assert "choose the file again" in page_text(response)
    assert not DeprivationIndex.objects.exists()
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"", "wimd.csv", "The selected file is empty."),
        (b"\x00\x01\x02\xff" * 100, "wimd.csv", "is not a text file"),
        (b"area_code,decile\nW01000001,1\n", "wimd.exe", "must be a CSV or XLSX"),
        (b"PK\x03\x04garbage", "wimd.xlsx", "is not a real XLSX workbook"),
        (b"\xff\xfeu\x00", "wimd.csv", "UTF-16"),
        (b"code,number\nW01000001,1\n", "wimd.csv", "the file has no column"),
        (
            b"area_code,decile\nW01000001," + b"7" * 200_000 + b"\n",
            "wimd.csv",
            "is not a decile",
        ),
        (b"area_code,decile\n\xe9\n", "wimd.csv", "is not saved as UTF-8"),
    ],
)
def test_garbage_files_get_a_message_not_an_error_page(
    organisation, analyst, small_area, client_for, content, name, message
):
    response = client_for(analyst).post(
        _url("deprivation-index-create", organisation),
        _index_upload(SimpleUploadedFile(name, content)),
    )

    assert response.status_code == 200
    assert message in page_text(response)
    assert not DeprivationIndex.objects.exists()


@pytest.mark.django_db
def test_a_missing_nation_is_named(organisation, analyst, small_area, client_for):
    data = _index_upload(_file("area_code,decile\nW01000001,1\n"))
    del data["nation"]

    response = client_for(analyst).post(
        _url("deprivation-index-create", organisation), data
    )

    assert_error_summary_names_field(
        response, field_id="id_nation_0", message="Choose the nation the index covers."
    )


# --- deprivation index detail and delete ----------------------------------------------


@pytest.mark.django_db
def test_the_detail_page_shows_areas_by_decile_and_areas_without_one(
    organisation, officer, small_area, client_for
):
    index = DeprivationIndexFactory(organisation=organisation, name="WIMD 2019")
    DeprivationAreaFactory(index=index, area=small_area, decile=1, residents=1620)
    AreaFactory(organisation=organisation, level=Area.Level.SMALL_AREA)

    response = client_for(officer).get(
        _url("deprivation-index-detail", organisation, pk=index.pk)
    )

    text = page_text(response)
    assert response.status_code == 200
    assert "Splott 1" in text
    assert "1620" in text
    assert "none here" in text  # deciles 2–10 have no areas
    assert "1 of your small areas has no decile in this index." in text
    assert _url("deprivation-index-delete", organisation, pk=index.pk) not in text


@pytest.mark.django_db
def test_deleting_an_index_needs_a_post(organisation, administrator, client_for):
    index = DeprivationIndexFactory(organisation=organisation)
    DeprivationAreaFactory(index=index)
    client = client_for(administrator)

    assert client.get(
        _url("deprivation-index-delete", organisation, pk=index.pk)
    ).status_code == (200)
    assert DeprivationIndex.objects.exists()

    response = client.post(_url("deprivation-index-delete", organisation, pk=index.pk))

    assert response.status_code == 302
    assert response.url == _url("area-lookup-list", organisation)
    assert not DeprivationIndex.objects.exists()
    assert not DeprivationArea.objects.exists()


# --- postcode lookup ------------------------------------------------------------------


@pytest.mark.django_db
def test_uploading_a_postcode_lookup_replaces_it_and_reports_counts(
    organisation, analyst, small_area, client_for
):
    PostcodeAreaFactory(organisation=organisation, prefix="NP10", area=small_area)
    client = client_for(analyst)

    response = client.post(
        _url("postcode-lookup-upload", organisation),
        {
            "mode": "replace",
            "file": _file("postcode,area_code\nCF10 1AA,W01000001\nCF11,W01000001\n"),
        },
    )

    assert response.status_code == 302
    assert response.url == _url("postcode-lookup", organisation)
    assert sorted(PostcodeArea.objects.values_list("prefix", flat=True)) == [
        "CF101AA",
        "CF11",
    ]
    text = page_text(client.get(response.url))
    assert "New: 2. Moved to another area: 0. Removed: 1." in text
    assert "The lookup now holds 2 postcodes, sectors or districts." in text


@pytest.mark.django_db
def test_postcode_upload_errors_are_listed_and_nothing_changes(
    organisation, administrator, small_area, client_for
):
    row = PostcodeAreaFactory(organisation=organisation, prefix="NP10", area=small_area)

    response = client_for(administrator).post(
        _url("postcode-lookup-upload", organisation),
        {
            "mode": "replace",
            "file": _file(
                f"postcode,area_code\n{SCRIPT},W01000001\nCF10 1AA,W01999999\n"
            ),
        },
    )

    assert response.status_code == 200
    assert_error_summary_names_field(
        response,
        field_id="id_file",
        message="Row 3, column 'area_code': 'W01999999' is not the code of one of "
        "your areas.",
    )
    assert "Row 2, column &#x27;postcode&#x27;" in page_text(response)
    assert_escaped(response)
    assert list(PostcodeArea.objects.all()) == [row]


@pytest.mark.django_db
def test_an_unknown_mode_is_named(organisation, analyst, small_area, client_for):
    response = client_for(analyst).post(
        _url("postcode-lookup-upload", organisation),
        {"mode": "merge", "file": _file("postcode,area_code\nCF10,W01000001\n")},
    )

    assert_error_summary_names_field(
        response,
        field_id="id_mode_0",
        message="Choose whether to replace the lookup or add to it.",
    )
    assert not PostcodeArea.objects.exists()


@pytest.mark.django_db
def test_checking_a_postcode_says_which_area_it_is_in(
    organisation, elected_member, small_area, client_for
):
    PostcodeAreaFactory(organisation=organisation, prefix="CF101", area=small_area)
    client = client_for(elected_member)
    url = _url("postcode-lookup", organisation)

    found = page_text(client.get(url, {"postcode": "cf10 1ab"}))
    missing = page_text(client.get(url, {"postcode": "NP20 1AA"}))
    bad = client.get(url, {"postcode": "<b>CF10</b>"})

    assert "CF10 1AB is in Splott 1 (W01000001)." in found
    assert "It matched CF10 1 in the lookup." in found
    assert "NP20 1AA is not in the lookup." in missing
    assert bad.status_code == 200
    assert_error_summary_names_field(
        bad, field_id="id_postcode", message="Enter a real postcode, like CF10 1AA."
    )
    assert_escaped(bad, "<b>CF10</b>")


@pytest.mark.django_db
def test_the_postcode_page_counts_postcodes_per_area(
    organisation, officer, small_area, client_for
):
    PostcodeAreaFactory.create_batch(3, organisation=organisation, area=small_area)

    response = client_for(officer).get(_url("postcode-lookup", organisation))

    text = page_text(response)
    assert "3 postcodes, sectors or districts" in text
    assert "Splott 1" in text
    assert _url("postcode-lookup-upload", organisation) not in text


@pytest.mark.django_db
def test_deleting_the_postcode_lookup_needs_a_post(
    organisation, analyst, small_area, client_for
):
    PostcodeAreaFactory.create_batch(2, organisation=organisation, area=small_area)
    client = client_for(analyst)

    confirm = client.get(_url("postcode-lookup-delete", organisation))
    assert "2 postcodes, sectors or districts will be deleted." in page_text(confirm)
    assert PostcodeArea.objects.count() == 2

    response = client.post(_url("postcode-lookup-delete", organisation))

    assert response.status_code == 302
    assert not PostcodeArea.objects.exists()
    assert "2 postcodes removed" in page_text(client.get(response.url))


# --- navigation, Welsh and queries ----------------------------------------------------


@pytest.mark.django_db
def test_the_dashboard_and_list_link_to_the_lookups(organisation, analyst, client_for):
    index = DeprivationIndexFactory(organisation=organisation, name="WIMD 2019")
    client = client_for(analyst)

    dashboard = client.get(
        reverse("organisations:organisation-dashboard", args=[organisation.slug])
    )
    listing = client.get(_url("area-lookup-list", organisation))

    assert _url("area-lookup-list", organisation) in page_text(dashboard)
    text = page_text(listing)
    assert _url("deprivation-index-detail", organisation, pk=index.pk) in text
    assert _url("postcode-lookup", organisation) in text
    assert _url("deprivation-index-create", organisation) in text


@pytest.mark.django_db
def test_the_pages_are_in_welsh_at_cy(organisation, analyst, small_area, client_for):
    index = DeprivationIndexFactory(organisation=organisation)
    DeprivationAreaFactory(index=index, area=small_area)
    client = client_for(analyst)
    urls = (
        _url("area-lookup-list", organisation),
        _url("deprivation-index-detail", organisation, pk=index.pk),
        _url("postcode-lookup", organisation),
        _url("deprivation-index-create", organisation),
    )

    listing, detail, postcodes, upload = (client.get("/cy" + url) for url in urls)

    assert "Chwiliadau ardal" in page_text(listing)
    assert "Mynegeion amddifadedd" in page_text(listing)
    assert "Cymru" in page_text(detail)
    assert "Gwirio cod post" in page_text(postcodes)
    assert "Llwytho mynegai amddifadedd i fyny" in page_text(upload)


@pytest.mark.django_db
def test_welsh_upload_errors_are_in_welsh(
    organisation, analyst, small_area, client_for
):
    client = client_for(analyst)
    url = _url("deprivation-index-create", organisation)

    response = client.post(
        "/cy" + url, _index_upload(_file("area_code,decile\nW01000001,11\n"))
    )

    assert "Rhes 2, colofn 'decile'" in page_text(response).replace("&#x27;", "'")


@pytest.mark.django_db
def test_the_detail_page_does_not_query_per_area(
    organisation, analyst, client_for, django_assert_max_num_queries
):
    index = DeprivationIndexFactory(organisation=organisation)
    DeprivationAreaFactory.create_batch(20, index=index)
    client = client_for(analyst)
    url = _url("deprivation-index-detail", organisation, pk=index.pk)
    client.get(url)  # warm the session and MFA caches

    with django_assert_max_num_queries(12):
        response = client.get(url)

    assert response.status_code == 200
