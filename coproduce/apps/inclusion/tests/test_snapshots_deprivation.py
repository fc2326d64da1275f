"""Reach in deprived areas in inclusion snapshots (spec §6), through the database."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from coproduce.apps.inclusion.models import InclusionSnapshot
from coproduce.apps.inclusion.services import inclusion_snapshot_compute
from coproduce.apps.inclusion.tests.snapshot_helpers import dated_engagement, respond
from coproduce.apps.organisations.models import Area, Nation
from coproduce.apps.organisations.tests.factories import AreaFactory
from coproduce.apps.organisations.tests.factories_lookups import (
    DeprivationAreaFactory,
    DeprivationIndexFactory,
    PostcodeAreaFactory,
)

pytestmark = pytest.mark.django_db

# Residents of the ward's ten small areas, one per decile: deciles 1–2 hold 25 %,
# 9–10 hold 15 %, the six in between 10 % each (1,000 in all).
RESIDENTS = {
    1: 125,
    2: 125,
    3: 100,
    4: 100,
    5: 100,
    6: 100,
    7: 100,
    8: 100,
    9: 75,
    10: 75,
}
# 200 responses coded to a decile: 20 in deciles 1–2 and 60 in 9–10.
RESPONSES = {1: 10, 2: 10, 3: 20, 4: 20, 5: 20, 6: 20, 7: 20, 8: 20, 9: 30, 10: 30}


def _unit(decile: int) -> str:
    """A full postcode in the small area of `decile`: CF10 0AA … CF10 9AA."""
    return f"CF10 {decile % 10}AA"


@pytest.fixture
def ward_with_deciles(organisation):
    ward = AreaFactory(
        organisation=organisation, level=Area.Level.WARD, code="W05000001"
    )
    index = DeprivationIndexFactory(organisation=organisation, edition="WIMD 2019")
    for decile, residents in RESIDENTS.items():
        small = AreaFactory(
            organisation=organisation,
            parent=ward,
            level=Area.Level.SMALL_AREA,
            code=f"W010000{decile:02d}",
        )
        DeprivationAreaFactory(
            index=index, area=small, decile=decile, residents=residents
        )
        PostcodeAreaFactory(
            organisation=organisation, prefix=_unit(decile).replace(" ", ""), area=small
        )
    engagement = dated_engagement(
        organisation, opens_on=date(2026, 1, 1), closes_on=date(2026, 1, 31)
    )
    engagement.areas.add(ward)
    return engagement, ward, index


def _compute(engagement):
    snapshot = InclusionSnapshot.objects.create(
        organisation=engagement.organisation, engagement=engagement
    )
    inclusion_snapshot_compute(snapshot_id=snapshot.pk)
    snapshot.refresh_from_db()
    assert snapshot.status == InclusionSnapshot.Status.DONE, snapshot.error
    return snapshot


def test_the_spec_example_gives_a_deprived_reach_ratio_of_0_4(
    ward_with_deciles, organisation
):
    """Deciles 1–2: 20 of 200 responses (10 %) against 25 % of residents, so
    R_dep = 0.10 / 0.25 = 0.40; deciles 9–10: 60 (30 %) against 15 %, so 2.0;
    gradient 0.40 / 2.0 = 0.20. Postcodes are coded through today's lookup
    (the responses were stored without an area). Left out and counted: 5 with
    no postcode, 3 not in the lookup, 2 in a small area outside the ward."""
    engagement, _ward, _index = ward_with_deciles
    day = date(2026, 1, 10)
    for decile, n in RESPONSES.items():
        for _ in range(n):
            respond(engagement, day, postcode=_unit(decile).replace(" ", ""))
    for _ in range(5):
        respond(engagement, day, postcode="")
    for _ in range(3):
        respond(engagement, day, postcode="ZZ999ZZ")
    elsewhere = AreaFactory(
        organisation=organisation, level=Area.Level.SMALL_AREA, code="W01000099"
    )
    PostcodeAreaFactory(organisation=organisation, prefix="SA11AA", area=elsewhere)
    for _ in range(2):
        respond(engagement, day, postcode="SA11AA")

    (reach,) = _compute(engagement).result["deprivation"]

    assert reach["problem"] == ""
    assert reach["n_participants"] == 200
    assert reach["n_unknown"] == 5
    assert reach["n_out_of_area"] == 5
    assert reach["residents_basis"] == "residents"
    assert reach["deprived_reach_ratio"] == pytest.approx(0.40)
    assert reach["least_deprived_ratio"] == pytest.approx(2.0)
    assert reach["gradient"] == pytest.approx(0.20)
    assert reach["coverage_share"] == pytest.approx(200 / 210)
    first = reach["deciles"][0]
    assert first["decile"] == 1
    assert first["participant_share"] == pytest.approx(0.05)
    assert first["resident_share"] == pytest.approx(0.125)
    assert first["reading"] == "under-represented"


def test_without_resident_counts_each_small_area_counts_once(ward_with_deciles):
    engagement, _ward, index = ward_with_deciles
    index.areas.update(residents=None)
    for decile in (1, 10):
        respond(engagement, date(2026, 1, 10), postcode=_unit(decile))

    (reach,) = _compute(engagement).result["deprivation"]

    assert reach["residents_basis"] == "small_areas"
    assert [d["resident_share"] for d in reach["deciles"]] == [0.1] * 10


def test_a_postcode_that_only_names_a_ward_is_unknown_not_guessed(
    ward_with_deciles, organisation
):
    engagement, ward, _index = ward_with_deciles
    PostcodeAreaFactory(organisation=organisation, prefix="CF11", area=ward)
    respond(engagement, date(2026, 1, 10), postcode="CF11 2BB")
    respond(engagement, date(2026, 1, 10), postcode=_unit(3))

    (reach,) = _compute(engagement).result["deprivation"]

    assert reach["n_unknown"] == 1
    assert reach["n_participants"] == 1


def test_nobody_coded_is_a_reason_not_an_error(ward_with_deciles):
    engagement, _ward, _index = ward_with_deciles
    respond(engagement, date(2026, 1, 10), postcode="")

    (reach,) = _compute(engagement).result["deprivation"]

    assert reach["problem"]
    assert "deciles" not in reach


def test_each_nation_is_reported_on_its_own(ward_with_deciles, organisation):
    engagement, ward, _wales = ward_with_deciles
    england = DeprivationIndexFactory(
        organisation=organisation, nation=Nation.ENGLAND, edition="IoD2019"
    )
    english = AreaFactory(
        organisation=organisation,
        parent=ward,
        level=Area.Level.SMALL_AREA,
        code="E01000001",
    )
    DeprivationAreaFactory(index=england, area=english, decile=4, residents=1500)
    respond(engagement, date(2026, 1, 10), postcode=_unit(1))

    reaches = _compute(engagement).result["deprivation"]

    assert [r["edition"] for r in reaches] == ["WIMD 2019", "IoD2019"]
    # The English index has no coded response: a reason, the Welsh one a figure.
    assert reaches[0]["problem"] == ""
    assert reaches[1]["problem"]


def test_a_new_lookup_changes_the_input_hash(ward_with_deciles, organisation):
    engagement, _ward, _index = ward_with_deciles
    respond(engagement, date(2026, 1, 10), postcode="CF99 1ZZ")
    before = _compute(engagement)
    small = Area.objects.get(code="W01000003")
    PostcodeAreaFactory(organisation=organisation, prefix="CF991ZZ", area=small)

    after = _compute(engagement)

    assert after.input_hash != before.input_hash
    assert after.result["deprivation"][0]["n_participants"] == 1


def test_the_page_shows_reach_and_hides_small_decile_counts_from_officers(
    ward_with_deciles, officer, analyst, client_for
):
    engagement, _ward, _index = ward_with_deciles
    day = date(2026, 1, 10)
    for decile, n in RESPONSES.items():
        for _ in range(n):
            respond(engagement, day, postcode=_unit(decile))
    snapshot = _compute(engagement)
    url = reverse(
        "inclusion:engagement-snapshot-detail",
        args=[engagement.organisation.slug, engagement.slug, snapshot.pk],
    )

    protected = client_for(officer).get(url).content.decode()
    exact = client_for(analyst).get(url).content.decode()

    assert "Reach in deprived areas" in protected
    assert "Deprived reach ratio 0.40" in exact
    # Deciles 1 and 2 hold 10 each (shown); the headline is shown too.
    assert "Deprived reach ratio 0.40" in protected
    assert "WIMD 2019" in protected


def test_small_decile_counts_and_the_ratios_they_reveal_are_hidden(
    ward_with_deciles, elected_member, analyst, client_for
):
    """3 responses in decile 1 (and none in 2): hidden, with the next smallest
    decile; R_dep = p(1–2)/q(1–2) would give the 3 away, so it is hidden too."""
    engagement, _ward, _index = ward_with_deciles
    day = date(2026, 1, 10)
    for decile, n in ((1, 3), (5, 40), (10, 20)):
        for _ in range(n):
            respond(engagement, day, postcode=_unit(decile))
    snapshot = _compute(engagement)
    url = reverse(
        "inclusion:engagement-snapshot-detail",
        args=[engagement.organisation.slug, engagement.slug, snapshot.pk],
    )

    protected = client_for(elected_member).get(url).content.decode()
    exact = client_for(analyst).get(url).content.decode()

    assert "Deprived reach ratio hidden" in protected
    assert "Deprived reach ratio 0.19" in exact  # (3/63) / 0.25
    table = protected[protected.index("by deprivation decile") :]
    table = table[: table.index("</table>")]
    decile_1 = table[table.index('header">1</th>') :].split("</tr>")[0]
    assert "fewer than 10" in decile_1
    assert 'numeric">3<' not in decile_1


def test_a_snapshot_downloads_every_table_with_the_same_protection(
    ward_with_deciles, elected_member, analyst, client_for
):
    engagement, _ward, _index = ward_with_deciles
    for decile, n in ((1, 3), (5, 40), (10, 20)):
        for _ in range(n):
            respond(engagement, date(2026, 1, 10), postcode=_unit(decile))
    snapshot = _compute(engagement)

    def download(client, file_format, **params):
        url = reverse(
            "inclusion:engagement-snapshot-download",
            args=[
                engagement.organisation.slug,
                engagement.slug,
                snapshot.pk,
                file_format,
            ],
        )
        return client.get(url, params)

    workbook = load_workbook(io.BytesIO(download(client_for(analyst), "xlsx").content))
    protected = download(client_for(elected_member), "csv", table="deprivation-1")
    exact = download(client_for(analyst), "csv", table="deprivation-1")

    assert workbook.sheetnames[0] == "Key figures"
    assert "Deprivation deciles (WIMD 2019)" in workbook.sheetnames
    protected_rows = list(csv.reader(io.StringIO(protected.content.decode()[1:])))
    exact_rows = list(csv.reader(io.StringIO(exact.content.decode()[1:])))
    assert protected_rows[0] == [
        "Decile",
        "Responses",
        "Took part (%)",
        "Residents (%)",
        "Reading",
    ]
    assert exact_rows[1][:2] == ["1", "3"]
    assert protected_rows[1][:3] == ["1", "[c]", "[c]"]
    assert download(client_for(analyst), "csv", table="nope").status_code == 404
    assert download(client_for(analyst), "pdf").status_code == 404
