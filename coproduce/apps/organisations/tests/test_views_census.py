"""ONS tables through the pages: upload, the mapping screen, saved mappings, Welsh."""

from __future__ import annotations

import base64
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from coproduce.apps.organisations.models import (
    Area,
    CensusImportStaging,
    CensusLabelMapping,
    Organisation,
    PopulationMargin,
    PopulationProfile,
)
from coproduce.apps.organisations.services import LEAVE_OUT
from coproduce.apps.organisations.tests.factories import AreaFactory
from coproduce.testing.pages import (
    assert_error_summary_names_field,
    assert_error_summary_says,
    assert_escaped,
    page_text,
)
from coproduce.testing.text import SCRIPT

CODE = "W01000001"
HEADER = (
    "Lower layer Super Output Areas Code,Lower layer Super Output Areas,"
    "Ethnic group (20 categories) Code,Ethnic group (20 categories),Observation"
)


@pytest.fixture
def lsoa(organisation: Organisation) -> Area:
    return AreaFactory(organisation=organisation, code=CODE)


def _ethnic(*rows: tuple[str, int]) -> SimpleUploadedFile:
    lines = [HEADER] + [
        f'{CODE},Ynys Môn 001A,{n},"{label}",{count}'
        for n, (label, count) in enumerate(rows)
    ]
    return SimpleUploadedFile("ethnic.csv", ("\n".join(lines) + "\n").encode())


def _sex() -> SimpleUploadedFile:
    text = (
        "Lower layer Super Output Areas Code,Lower layer Super Output Areas,"
        "Sex (2 categories) Code,Sex (2 categories),Observation\n"
        f"{CODE},Ynys Môn 001A,1,Female,420\n{CODE},Ynys Môn 001A,2,Male,410\n"
    )
    return SimpleUploadedFile("sex.csv", text.encode())


def _create_url(organisation: Organisation) -> str:
    return reverse("organisations:population-profile-create", args=[organisation.slug])


def _post_upload(client, organisation, files, **extra):
    data = {
        "name": "Census 2021",
        "source": "ONS",
        "age_base": "All usual residents",
        "notes": "",
        "characteristic": "",
        "file": files,
        **extra,
    }
    return client.post(_create_url(organisation), data)


@pytest.mark.django_db
def test_known_ons_tables_import_at_once(organisation, analyst, lsoa, client_for):
    client = client_for(analyst)
    response = _post_upload(
        client,
        organisation,
        [
            _ethnic(("White: Irish", 800), ("Does not apply", 0), ("White", 30)),
            _sex(),
        ],
    )

    profile = PopulationProfile.objects.get()
    assert response.status_code == 302
    assert response.url == reverse(
        "organisations:population-profile-detail", args=[organisation.slug, profile.pk]
    )
    page = page_text(client.get(response.url))
    assert "Population profile Census 2021 imported." in page
    assert "1 row of the ONS tables (0 residents) was left out" in page
    assert PopulationMargin.objects.filter(profile=profile).count() == 3


@pytest.mark.django_db
def test_unknown_labels_lead_to_the_mapping_screen_and_import(
    organisation, analyst, lsoa, client_for
):
    client = client_for(analyst)
    response = _post_upload(
        client,
        organisation,
        [_ethnic(("White", 800), (SCRIPT, 20), ("Cymreig 🏴", 10)), _sex()],
    )

    staging = CensusImportStaging.objects.get()
    labels_url = reverse(
        "organisations:census-labels", args=[organisation.slug, staging.pk]
    )
    assert response.status_code == 302
    assert response.url == labels_url
    assert not PopulationProfile.objects.exists()

    page = client.get(labels_url)
    assert page.status_code == 200
    assert_escaped(page)  # the label, shown as text
    assert "Cymreig 🏴" in page_text(page)
    assert "Ethnic group: 1 row, on row 3 of ethnic.csv." in page_text(page)
    assert "Leave out (not counted)" in page_text(page)

    done = client.post(labels_url, {"label_0": LEAVE_OUT, "label_1": "white"})

    profile = PopulationProfile.objects.get()
    assert done.status_code == 302
    assert done.url.endswith(f"/population/{profile.pk}/")
    assert dict(
        PopulationMargin.objects.filter(characteristic="ethnicity").values_list(
            "category", "count"
        )
    ) == {"white": 810}
    assert not CensusImportStaging.objects.exists()
    assert set(CensusLabelMapping.objects.values_list("source_label", "category")) == {
        (SCRIPT, ""),
        ("Cymreig 🏴", "white"),
    }


@pytest.mark.django_db
def test_a_duplicate_label_is_refused_on_the_upload_page(
    organisation, analyst, lsoa, client_for
):
    response = _post_upload(
        client_for(analyst),
        organisation,
        [_ethnic(("White", 800), (SCRIPT, 20), (SCRIPT, 0)), _sex()],
    )
    assert response.status_code == 200
    assert_escaped(response)
    assert "on row 3. Give each category one row." in page_text(response)
    assert not CensusImportStaging.objects.exists()


def _staging(organisation, owner, **overrides) -> CensusImportStaging:
    text = f"{HEADER}\n{CODE},x,1,Klingon,10\n"
    return CensusImportStaging.objects.create(
        organisation=organisation,
        created_by=owner,
        name="Census 2021",
        source="ONS",
        age_base="All",
        files=[{"name": "e.csv", "content": base64.b64encode(text.encode()).decode()}],
        **overrides,
    )


def _labels_url(organisation, staging) -> str:
    return reverse("organisations:census-labels", args=[organisation.slug, staging.pk])


@pytest.mark.django_db
def test_saving_without_choices_shows_the_error_summary(
    organisation, analyst, lsoa, client_for
):
    staging = _staging(organisation, analyst)

    response = client_for(analyst).post(_labels_url(organisation, staging), {})

    assert response.status_code == 200
    assert_error_summary_names_field(
        response,
        field_id="id_label_0",
        message="Choose a category for this label, or leave it out.",
    )
    assert not PopulationProfile.objects.exists()
    assert not CensusLabelMapping.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "data",
    [
        {"label_0": "prefer_not_to_say"},
        {"label_0": SCRIPT},
        {"label_0": "x" * 10_000},
        {"label_99": "white"},
        {"label_0": ["white", "black"]},
    ],
)
def test_garbage_choices_never_fail(organisation, analyst, lsoa, client_for, data):
    staging = _staging(organisation, analyst)

    response = client_for(analyst).post(_labels_url(organisation, staging), data)

    assert response.status_code in {200, 302}
    if response.status_code == 200:
        assert "govuk-error-summary" in page_text(response)
        assert not CensusLabelMapping.objects.exists()


@pytest.mark.django_db
def test_an_upload_whose_area_was_deleted_says_so(organisation, analyst, client_for):
    staging = _staging(organisation, analyst)  # no area W01000001 exists

    response = client_for(analyst).get(_labels_url(organisation, staging))

    assert response.status_code == 200
    assert_error_summary_says(
        response,
        "Row 2, column 'Lower layer Super Output Areas Code': 'W01000001' is not "
        "the code of one of your areas. Add the area first, or download the table "
        "for your areas only.",
    )


@pytest.mark.django_db
def test_expired_and_other_peoples_uploads_are_not_found(
    organisation, analyst, administrator, lsoa, client_for
):
    expired = _staging(
        organisation, analyst, expires_at=timezone.now() - timedelta(minutes=1)
    )
    theirs = _staging(organisation, administrator)
    client = client_for(analyst)

    assert client.get(_labels_url(organisation, expired)).status_code == 404
    assert client.get(_labels_url(organisation, theirs)).status_code == 404


@pytest.mark.django_db
def test_cancelling_forgets_the_upload(organisation, analyst, lsoa, client_for):
    staging = _staging(organisation, analyst)

    response = client_for(analyst).post(
        reverse(
            "organisations:census-import-cancel", args=[organisation.slug, staging.pk]
        )
    )

    assert response.status_code == 302
    assert not CensusImportStaging.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("garbage.xlsx", b"PK\x03\x04 not really a workbook"),
        ("garbage.csv", b"\xff\xfe\x00\x00binary"),
        ("table.csv", f"{HEADER}\n".encode()),
        ("table.csv", b"Observation,Foo Code\n1,2\n"),
    ],
)
def test_garbage_uploads_show_errors_not_500(
    organisation, analyst, lsoa, client_for, name, content
):
    response = _post_upload(
        client_for(analyst), organisation, [SimpleUploadedFile(name, content)]
    )
    assert response.status_code == 200
    assert "govuk-error-summary" in page_text(response)
    assert not PopulationProfile.objects.exists()
    assert not CensusImportStaging.objects.exists()


@pytest.mark.django_db
def test_the_mapping_list_shows_mappings_and_managers_delete_them(
    organisation, analyst, officer, client_for
):
    mapping = CensusLabelMapping.objects.create(
        organisation=organisation,
        characteristic="ethnicity",
        source_label_key=SCRIPT.casefold(),
        source_label=SCRIPT,
        category="",
    )
    list_url = reverse(
        "organisations:census-label-mapping-list", args=[organisation.slug]
    )
    delete_url = reverse(
        "organisations:census-label-mapping-delete",
        args=[organisation.slug, mapping.pk],
    )

    seen_by_officer = client_for(officer).get(list_url)
    assert_escaped(seen_by_officer)
    assert "Left out (not counted)" in page_text(seen_by_officer)
    assert delete_url not in page_text(seen_by_officer)

    client = client_for(analyst)
    assert delete_url in page_text(client.get(list_url))
    response = client.post(delete_url)
    assert response.status_code == 302
    assert not CensusLabelMapping.objects.exists()


@pytest.mark.django_db
def test_the_census_pages_are_in_welsh(organisation, analyst, lsoa, client_for):
    staging = _staging(organisation, analyst)
    labels_url = _labels_url(organisation, staging)
    list_url = reverse(
        "organisations:census-label-mapping-list", args=[organisation.slug]
    )
    client = client_for(analyst)

    labels = client.get("/cy" + labels_url)
    mappings = client.get("/cy" + list_url)

    assert labels.status_code == 200
    assert "Dewiswch gategorïau ar gyfer labeli’r ONS" in page_text(labels)
    assert "Mapiau labeli’r ONS" in page_text(mappings)


@pytest.mark.django_db
def test_a_nomis_bulk_table_says_how_many_other_areas_it_skipped(
    organisation, analyst, lsoa, client_for
):
    text = (
        "date,geography,geography code,Sex: All persons,Sex: Female,Sex: Male\n"
        f"2021,Ynys Môn 001A,{CODE},830,420,410\n"
        "2021,Cardiff 001A,W01001000,1000,500,500\n"
        "2021,Cardiff 001B,W01001001,1000,500,500\n"
    )
    client = client_for(analyst)
    response = _post_upload(
        client, organisation, [SimpleUploadedFile("ts008.csv", text.encode())]
    )

    assert response.status_code == 302
    page = page_text(client.get(response.url))
    assert "2 rows of the nomis tables were for areas that are not yours" in page
    assert dict(PopulationMargin.objects.values_list("category", "count")) == {
        "female": 420,
        "male": 410,
    }
