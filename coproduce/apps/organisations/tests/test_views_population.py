"""Population profile pages: who may see and change them, upload, detail, delete."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from coproduce.apps.audit.models import AuditEvent
from coproduce.apps.organisations.models import (
    Area,
    Organisation,
    PopulationMargin,
    PopulationProfile,
)
from coproduce.apps.organisations.tests.factories import (
    AreaFactory,
    PopulationMarginFactory,
    PopulationProfileFactory,
)
from coproduce.testing.pages import (
    assert_error_summary_names_field,
    assert_escaped,
    page_text,
)
from coproduce.testing.text import SCRIPT

HEADER = "area_code,characteristic,category,count"
MANAGERS = {"administrator", "analyst"}
OTHER_MEMBERS = {"officer", "elected_member", "community_organiser"}
OUTSIDERS = {"resident", "staff_of_other_organisation"}
PEOPLE = sorted(MANAGERS | OTHER_MEMBERS | OUTSIDERS | {"anonymous"})


def _url(name: str, organisation: Organisation, **kwargs) -> str:
    return reverse(
        f"organisations:population-profile-{name}",
        kwargs={"org_slug": organisation.slug, **kwargs},
    )


def _csv(*lines: str) -> SimpleUploadedFile:
    text = "\n".join([HEADER, *lines]) + "\n"
    return SimpleUploadedFile("margins.csv", text.encode("utf-8"))


def _upload(file: SimpleUploadedFile, **overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "name": "Census 2021, 16+",
        "source": "Census 2021",
        "age_base": "16+",
        "notes": "",
        "file": file,
    }
    data.update(overrides)
    return data


@pytest.fixture
def ward(organisation: Organisation) -> Area:
    return AreaFactory(organisation=organisation, code="W05000001", name_en="Splott")


@pytest.fixture
def profile(organisation: Organisation, ward: Area) -> PopulationProfile:
    profile = PopulationProfileFactory(organisation=organisation, name="Census 2021")
    PopulationMarginFactory(profile=profile, area=ward, category="female", count=520)
    PopulationMarginFactory(profile=profile, area=ward, category="male", count=480)
    return profile


def _person(request: pytest.FixtureRequest, who: str):
    return None if who == "anonymous" else request.getfixturevalue(who)


def _expected(who: str, allowed: set[str], denied_member: int = 403) -> int | str:
    if who == "anonymous":
        return "login"
    if who in allowed:
        return 200
    if who in OUTSIDERS:
        return 403
    return denied_member


def _assert_status(response, expected: int | str) -> None:
    if expected == "login":
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login") + "?next=")
    else:
        assert response.status_code == expected


# --- who may see what -------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("who", PEOPLE)
@pytest.mark.parametrize(
    ("page", "allowed"),
    [
        ("list", MANAGERS | OTHER_MEMBERS),
        ("create", MANAGERS),
        ("detail", MANAGERS | OTHER_MEMBERS),
        ("delete", MANAGERS),
    ],
)
def test_each_person_gets_the_expected_status(
    request, who, page, allowed, organisation, profile, client_for
):
    kwargs = {"pk": profile.pk} if page in {"detail", "delete"} else {}

    response = client_for(_person(request, who)).get(_url(page, organisation, **kwargs))

    _assert_status(response, _expected(who, allowed))


@pytest.mark.django_db
@pytest.mark.parametrize("who", PEOPLE)
@pytest.mark.parametrize("page", ["detail", "delete"])
def test_another_organisations_profile_is_not_found(
    request, who, page, organisation, other_organisation, client_for
):
    foreign = PopulationProfileFactory(organisation=other_organisation)

    response = client_for(_person(request, who)).get(
        _url(page, organisation, pk=foreign.pk)
    )

    expected = _expected(who, MANAGERS | OTHER_MEMBERS, denied_member=404)
    _assert_status(response, 404 if expected == 200 else expected)


@pytest.mark.django_db
@pytest.mark.parametrize("who", sorted(OTHER_MEMBERS | OUTSIDERS))
def test_people_who_may_not_manage_profiles_cannot_upload_or_delete(
    request, who, organisation, ward, profile, client_for
):
    client = client_for(request.getfixturevalue(who))

    upload = client.post(
        _url("create", organisation), _upload(_csv("W05000001,sex,female,5"))
    )
    delete = client.post(_url("delete", organisation, pk=profile.pk))

    assert upload.status_code == 403
    assert delete.status_code == 403
    assert list(PopulationProfile.objects.values_list("pk", flat=True)) == [profile.pk]


# --- upload -----------------------------------------------------------------------


@pytest.mark.django_db
def test_uploading_a_csv_creates_the_profile_and_shows_it(
    organisation, analyst, ward, client_for
):
    client = client_for(analyst)

    response = client.post(
        _url("create", organisation),
        _upload(
            _csv("W05000001,sex,female,520", "W05000001,sex,male,480"), name=SCRIPT
        ),
    )

    profile = PopulationProfile.objects.get(organisation=organisation)
    assert response.status_code == 302
    assert response.url == _url("detail", organisation, pk=profile.pk)
    assert profile.name == SCRIPT
    assert PopulationMargin.objects.filter(profile=profile).count() == 2
    page = client.get(response.url)
    assert "imported" in page_text(page)
    assert_escaped(page)


@pytest.mark.django_db
def test_a_bad_file_shows_the_row_and_column_and_saves_nothing(
    organisation, administrator, ward, client_for
):
    response = client_for(administrator).post(
        _url("create", organisation), _upload(_csv("W05000001,religion,none,5"))
    )

    assert response.status_code == 200
    assert_error_summary_names_field(
        response,
        field_id="id_file",
        message="Row 2, column 'characteristic': 'religion' is not a characteristic.",
    )
    assert "choose the file again" in page_text(response)
    assert not PopulationProfile.objects.exists()
    assert not PopulationMargin.objects.exists()
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db
def test_an_upload_without_a_file_names_the_file_field(
    organisation, analyst, client_for
):
    data = _upload(_csv())
    del data["file"]

    response = client_for(analyst).post(_url("create", organisation), data)

    assert response.status_code == 200
    assert_error_summary_names_field(
        response, field_id="id_file", message="Select a CSV or XLSX file."
    )
    assert not PopulationProfile.objects.exists()


# --- detail -----------------------------------------------------------------------


@pytest.mark.django_db
def test_the_detail_page_shows_counts_and_percentages(
    organisation, officer, profile, client_for
):
    response = client_for(officer).get(_url("detail", organisation, pk=profile.pk))

    text = page_text(response)
    assert response.status_code == 200
    assert "residents of the whole organisation" in text
    assert "520" in text
    assert "480" in text
    assert "52.0%" in text
    assert "1000" in text


@pytest.mark.django_db
def test_choosing_an_area_shows_only_its_counts(
    organisation, analyst, profile, ward, client_for
):
    other_ward = AreaFactory(organisation=organisation, name_en="Grangetown")
    PopulationMarginFactory(
        profile=profile, area=other_ward, category="female", count=7
    )
    client = client_for(analyst)

    whole = client.get(_url("detail", organisation, pk=profile.pk))
    one = client.get(
        _url("detail", organisation, pk=profile.pk), {"area": other_ward.pk}
    )

    assert "527" in page_text(whole)
    assert "residents of Grangetown" in page_text(one)
    assert "520" not in page_text(one)
    assert "100.0%" in page_text(one)


@pytest.mark.django_db
def test_an_unknown_area_choice_is_not_an_error_page(
    organisation, analyst, profile, client_for
):
    response = client_for(analyst).get(
        _url("detail", organisation, pk=profile.pk), {"area": "nonsense"}
    )

    assert response.status_code == 200
    assert "residents of the whole organisation" in page_text(response)


# --- delete -----------------------------------------------------------------------


@pytest.mark.django_db
def test_deleting_needs_a_post(organisation, administrator, profile, client_for):
    client = client_for(administrator)

    confirm = client.get(_url("delete", organisation, pk=profile.pk))
    assert confirm.status_code == 200
    assert PopulationProfile.objects.filter(pk=profile.pk).exists()

    response = client.post(_url("delete", organisation, pk=profile.pk))

    assert response.status_code == 302
    assert response.url == _url("list", organisation)
    assert not PopulationProfile.objects.exists()
    assert not PopulationMargin.objects.exists()
    assert AuditEvent.objects.get().action == "population_profile.delete"


# --- navigation and Welsh ---------------------------------------------------------


@pytest.mark.django_db
def test_the_dashboard_links_to_population_profiles(
    organisation, elected_member, client_for
):
    response = client_for(elected_member).get(
        reverse("organisations:organisation-dashboard", args=[organisation.slug])
    )

    assert _url("list", organisation) in page_text(response)


@pytest.mark.django_db
def test_the_list_shows_profiles(organisation, analyst, profile, client_for):
    response = client_for(analyst).get(_url("list", organisation))

    assert "Census 2021" in page_text(response)
    assert _url("detail", organisation, pk=profile.pk) in page_text(response)


@pytest.mark.django_db
def test_the_pages_are_in_welsh_at_cy(organisation, analyst, profile, client_for):
    client = client_for(analyst)
    # Both addresses first: a /cy/ request leaves Welsh active for reverse().
    list_url, detail_url = (
        _url("list", organisation),
        _url("detail", organisation, pk=profile.pk),
    )

    listing = client.get("/cy" + list_url)
    detail = client.get("/cy" + detail_url)

    assert listing.status_code == 200
    assert "Proffiliau poblogaeth" in page_text(listing)
    assert "Preswylwyr" in page_text(detail)


@pytest.mark.django_db
def test_the_list_does_not_query_per_profile(
    organisation, analyst, client_for, django_assert_max_num_queries
):
    for _ in range(5):
        PopulationMarginFactory(
            profile=PopulationProfileFactory(organisation=organisation)
        )
    client = client_for(analyst)
    client.get(_url("list", organisation))  # warm the session and MFA caches

    with django_assert_max_num_queries(9):
        response = client.get(_url("list", organisation))

    assert response.status_code == 200


# --- downloads --------------------------------------------------------------------


@pytest.mark.django_db
def test_the_csv_download_uploads_again_as_the_same_profile(
    organisation, analyst, ward, client_for
):
    """Round trip: upload, download the counts, upload the download."""
    client = client_for(analyst)
    lines = ("W05000001,sex,female,520", "W05000001,sex,male,480")
    client.post(_url("create", organisation), _upload(_csv(*lines), name="First"))
    first = PopulationProfile.objects.get(organisation=organisation)

    download = client.get(
        _url("download", organisation, pk=first.pk, file_format="csv")
    )

    assert download.status_code == 200
    assert download["Content-Disposition"] == 'attachment; filename="first-counts.csv"'
    text = download.content.decode("utf-8")
    assert text.lstrip("\ufeff").splitlines() == [HEADER, *lines]
    again = SimpleUploadedFile("again.csv", download.content)
    response = client.post(_url("create", organisation), _upload(again, name="Second"))
    assert response.status_code == 302
    second = PopulationProfile.objects.get(name="Second")
    assert sorted(
        second.margins.values_list("area__code", "characteristic", "category", "count")
    ) == sorted(
        first.margins.values_list("area__code", "characteristic", "category", "count")
    )


@pytest.mark.django_db
def test_the_workbook_has_the_shown_tables_and_the_counts(
    organisation, officer, profile, ward, client_for
):
    response = client_for(officer).get(
        _url("download", organisation, pk=profile.pk, file_format="xlsx"),
        {"area": ward.pk},
    )

    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Sex", "Counts"]
    sheet = workbook["Sex"]
    rows = [[cell.value for cell in row][:3] for row in sheet.iter_rows(min_row=3)]
    assert rows[:4] == [
        ["Category", "Residents", "Percentage (%)"],
        ["Female", 520, 52.0],
        ["Male", 480, 48.0],
        ["Total", 1000, 100.0],
    ]
    assert "Splott" in str(sheet.cell(row=sheet.max_row, column=1).value)


@pytest.mark.django_db
def test_an_unknown_download_format_is_not_found(
    organisation, analyst, profile, client_for
):
    response = client_for(analyst).get(
        _url("download", organisation, pk=profile.pk, file_format="pdf")
    )
    assert response.status_code == 404
