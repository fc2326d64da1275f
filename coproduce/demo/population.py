"""A small synthetic population profile for the demo council.

Made-up counts in the shape of Census 2021 tables (one row per small area ×
characteristic × category), imported through the same service and file format
an analyst uses, so the demo exercises the real import. Every characteristic
of an area sums to the area's population, as the import requires.
"""

from __future__ import annotations

import csv
import io

import numpy as np

from coproduce.apps.accounts.models import User
from coproduce.apps.core.about_you import AgeBand
from coproduce.apps.organisations.models import Area, Organisation, PopulationProfile
from coproduce.apps.organisations.services import population_profile_import

DEMO_PROFILE_NAME = "Census 2021 (synthetic demo figures), residents 16+"

# Rough shares for a South Wales borough (not real figures). Categories left
# out get nothing; the age base is 16 and over.
_SHARES: dict[str, dict[str, float]] = {
    "age_band": {
        AgeBand.AGE_16_24: 0.13,
        AgeBand.AGE_25_34: 0.15,
        AgeBand.AGE_35_44: 0.14,
        AgeBand.AGE_45_54: 0.16,
        AgeBand.AGE_55_64: 0.16,
        AgeBand.AGE_65_74: 0.14,
        AgeBand.AGE_75_PLUS: 0.12,
    },
    "sex": {"female": 0.51, "male": 0.49},
    "gender_identity": {"same": 0.995, "different": 0.005},
    "ethnicity": {
        "asian": 0.03,
        "black": 0.01,
        "mixed": 0.015,
        "white": 0.935,
        "other": 0.01,
    },
    "disability": {"limited_a_lot": 0.11, "limited_a_little": 0.12, "no": 0.77},
    "welsh_ability": {"speaks": 0.12, "other_skills": 0.08, "no_skills": 0.80},
}


def _split(
    total: int, shares: dict[str, float], rng: np.random.Generator
) -> dict[str, int]:
    """`total` people shared out by jittered shares, summing exactly to `total`."""
    weights = {
        key: share * float(rng.uniform(0.85, 1.15)) for key, share in shares.items()
    }
    scale = total / sum(weights.values())
    exact = {key: weight * scale for key, weight in weights.items()}
    counts = {key: int(value) for key, value in exact.items()}
    # Largest remainders get the people that rounding down left over.
    left = total - sum(counts.values())
    for key in sorted(exact, key=lambda k: exact[k] - counts[k], reverse=True)[:left]:
        counts[key] += 1
    return counts


def demo_population_csv(*, areas: list[Area], seed: int) -> bytes:
    """The demo profile as the long-format CSV an analyst would upload."""
    rng = np.random.default_rng(seed)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["area_code", "characteristic", "category", "count"])
    for area in areas:
        residents = int(rng.integers(1_200, 2_401))
        for characteristic, shares in _SHARES.items():
            for category, count in _split(residents, shares, rng).items():
                writer.writerow([area.code, characteristic, category, count])
    return buffer.getvalue().encode("utf-8")


def demo_population_build(
    *, organisation: Organisation, analyst: User, seed: int
) -> PopulationProfile:
    """Import the synthetic profile for the organisation's small areas."""
    areas = list(
        Area.objects.filter(
            organisation=organisation, level=Area.Level.SMALL_AREA
        ).order_by("code")
    )
    file = io.BytesIO(demo_population_csv(areas=areas, seed=seed))
    file.name = "census-2021-demo.csv"
    return population_profile_import(
        actor=analyst,
        organisation=organisation,
        name=DEMO_PROFILE_NAME,
        source="Synthetic (demo)",
        age_base="16+",
        file=file,
        notes="Made-up figures in the shape of Census 2021 tables, for the demo.",
    )
