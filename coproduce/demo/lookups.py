"""Synthetic area lookups for the demo council: a WIMD-style deprivation index
and a postcode lookup from sectors to small areas.

Both are imported through the same services and file formats an analyst uses,
so the demo exercises the real imports. The better-off wards (which answer the
demo survey most, see demo/engagements.py) get the least deprived deciles, so
reach in deprived areas has a gap to show. The figures are made up; the codes
are in ranges ONS does not use.
"""

from __future__ import annotations

import csv
import io

import numpy as np

from coproduce.apps.accounts.models import User
from coproduce.apps.organisations.models import (
    Area,
    DeprivationIndex,
    Nation,
    Organisation,
    PopulationMargin,
)
from coproduce.apps.organisations.services import (
    PostcodeLookupMode,
    deprivation_index_import,
    postcode_lookup_import,
)

DEMO_INDEX_NAME = "Welsh Index of Multiple Deprivation 2019 (synthetic demo figures)"
# Deciles of each ward's small areas A, B and C (1 = most deprived 10 %).
WARD_DECILES = {
    "Castle": (9, 10, 10),
    "Llanfair North": (8, 9, 7),
    "Old Town": (6, 7, 8),
    "Riverside": (4, 5, 6),
    "Pen-y-Bryn": (3, 4, 5),
    "Llanfair South": (2, 3, 2),
    "Tŷ Gwyn": (1, 2, 3),
    "Harbour": (1, 1, 2),
}
# Small areas in Wales (LSOA 2011): ranks run from 1 to this.
_N_WELSH_SMALL_AREAS = 1909
# Rows for small areas elsewhere in Wales, as a national file would have them;
# the import skips and counts them.
_N_OTHER_ROWS = 12
# Full postcodes made up in each small area's sector, for demo responses.
_UNITS_PER_SECTOR = 8


def _small_areas_by_ward(organisation: Organisation) -> dict[str, list[Area]]:
    wards = Area.objects.filter(organisation=organisation, level=Area.Level.WARD)
    return {
        ward.name_en or ward.name: list(
            Area.objects.filter(parent=ward, level=Area.Level.SMALL_AREA).order_by(
                "code"
            )
        )
        for ward in wards
    }


def _residents(organisation: Organisation) -> dict[int, int]:
    """Residents of each small area in the demo population profile (one base)."""
    totals: dict[int, int] = {}
    for area_id, count in PopulationMargin.objects.filter(
        profile__organisation=organisation, characteristic="sex"
    ).values_list("area_id", "count"):
        totals[area_id] = totals.get(area_id, 0) + count
    return totals


def demo_deprivation_csv(*, organisation: Organisation, seed: int) -> bytes:
    """The demo index as the CSV an analyst would upload (WIMD-style headings)."""
    rng = np.random.default_rng([seed, 6])
    residents = _residents(organisation)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(
        ["LSOA code", "WIMD 2019 Overall Rank", "WIMD 2019 Overall Decile", "residents"]
    )
    per_decile = _N_WELSH_SMALL_AREAS // 10
    for ward, areas in sorted(_small_areas_by_ward(organisation).items()):
        for area, decile in zip(areas, WARD_DECILES.get(ward, ()), strict=False):
            rank = (decile - 1) * per_decile + int(rng.integers(1, per_decile + 1))
            writer.writerow([area.code, rank, decile, residents.get(area.pk, "")])
    for n in range(_N_OTHER_ROWS):
        writer.writerow([f"W01{8000 + n:06d}", n * 150 + 1, n % 10 + 1, 1500])
    return buffer.getvalue().encode("utf-8")


def demo_postcodes_by_ward(
    *, organisation: Organisation, districts: dict[str, str]
) -> dict[int, list[str]]:
    """Ward id → full postcodes in its small areas' sectors (CF91 1AA, CF91 2AA…).

    Small area A of a ward is sector 1 of the ward's district, B sector 2, C
    sector 3; `districts` maps ward names to districts (demo/engagements.py).
    """
    postcodes: dict[int, list[str]] = {}
    for ward in Area.objects.filter(organisation=organisation, level=Area.Level.WARD):
        district = districts.get(ward.name_en or ward.name)
        if district is None:
            continue
        postcodes[ward.pk] = [
            f"{district} {sector}A{chr(65 + unit)}"
            for sector in range(1, 4)
            for unit in range(_UNITS_PER_SECTOR)
        ]
    return postcodes


def demo_postcode_csv(
    *, organisation: Organisation, districts: dict[str, str]
) -> bytes:
    """Sectors to small areas, as the CSV an analyst would upload."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["postcode", "area_code"])
    for ward, areas in sorted(_small_areas_by_ward(organisation).items()):
        district = districts.get(ward)
        if district is None:
            continue
        for sector, area in enumerate(areas, start=1):
            writer.writerow([f"{district} {sector}", area.code])
    return buffer.getvalue().encode("utf-8")


def demo_lookups_build(
    *,
    organisation: Organisation,
    analyst: User,
    districts: dict[str, str],
    seed: int,
) -> DeprivationIndex:
    """Import the demo deprivation index and add sectors to the postcode lookup."""
    file = io.BytesIO(demo_deprivation_csv(organisation=organisation, seed=seed))
    file.name = "wimd-2019-demo.csv"
    result = deprivation_index_import(
        actor=analyst,
        organisation=organisation,
        name=DEMO_INDEX_NAME,
        nation=Nation.WALES,
        edition="WIMD 2019",
        geography="LSOA 2011",
        file=file,
        notes="Made-up deciles in the shape of WIMD 2019, for the demo.",
    )
    postcodes = io.BytesIO(
        demo_postcode_csv(organisation=organisation, districts=districts)
    )
    postcodes.name = "postcode-sectors-demo.csv"
    # Added, not replaced: the districts → wards rows stay, and the longer
    # sector rows win for the postcodes inside them.
    postcode_lookup_import(
        actor=analyst,
        organisation=organisation,
        file=postcodes,
        mode=PostcodeLookupMode.ADD,
    )
    return result.index
