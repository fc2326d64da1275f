"""Benchmark: raking weights for an engagement with 100,000 submissions.

Target (issue: inclusion metrics): weighting and representativeness for
100,000 submissions in ≤ 1 s of analytics time on top of the query. This script
measures the weighting half: `RakingWeighter` end to end (checking and
encoding the labels, raking with weightipy, verifying the margins, trimming,
the design effect), and, as the reference measured in the same run, weightipy
alone on a ready-made pandas frame of the same data. It prints both medians,
the ratio, and PASS or MISS against 1 s.

The 100,000 synthetic participants are seeded, with five characteristics
skewed the way engagement samples usually are (older, more women, fewer
minority ethnic groups, a deprivation gradient across 20 wards, a few
"prefer not to say"), against census-like margins for 1.2 million residents.

Run: `.venv/bin/python benchmarks/weighting.py` (no Django or database needed).
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import weightipy  # type: ignore[import-untyped]  # noqa: E402

from coproduce.analytics.weighting import RakingWeighter  # noqa: E402

N_PARTICIPANTS = 100_000
POPULATION = 1_200_000
REPEATS = 5
TARGET_S = 1.0
SEED = 2026

AGE_BANDS = ("16–24", "25–34", "35–44", "45–54", "55–64", "65–74", "75–84", "85+")
AGE_CENSUS = (0.14, 0.17, 0.16, 0.16, 0.16, 0.12, 0.06, 0.03)
AGE_SAMPLE = (0.05, 0.11, 0.16, 0.18, 0.21, 0.18, 0.09, 0.02)
SEXES = ("Female", "Male")
SEX_CENSUS = (0.51, 0.49)
SEX_SAMPLE = (0.61, 0.39)
ETHNIC_GROUPS = ("White", "Asian", "Black", "Mixed", "Other")
ETHNIC_CENSUS = (0.81, 0.10, 0.04, 0.03, 0.02)
ETHNIC_SAMPLE = (0.885, 0.06, 0.02, 0.022, 0.013)
DISABILITY = ("Disabled", "Not disabled")
DISABILITY_CENSUS = (0.18, 0.82)
N_AREAS = 20
UNKNOWN_SHARE = {"age_band": 0.02, "ethnic_group": 0.04, "disability": 0.06}


def synthetic_engagement(
    seed: int,
) -> tuple[dict[str, list[str | None]], dict[str, dict[str, int]]]:
    """Participants' labels (None = prefer not to say) and census counts."""
    rng = np.random.default_rng(seed)
    n = N_PARTICIPANTS
    areas = tuple(f"Ward {index + 1:02d}" for index in range(N_AREAS))
    area_census = rng.dirichlet(np.full(N_AREAS, 20.0))
    # Least deprived wards (higher numbers) take part about three times as much.
    area_sample = area_census * np.linspace(0.5, 1.6, N_AREAS)
    area_sample /= area_sample.sum()

    age = rng.choice(len(AGE_BANDS), size=n, p=AGE_SAMPLE)
    # Disability rises with age, so raking must untangle the two.
    disabled_chance = np.linspace(0.08, 0.55, len(AGE_BANDS))[age]
    codes = {
        "age_band": (age, AGE_BANDS),
        "sex": (rng.choice(2, size=n, p=SEX_SAMPLE), SEXES),
        "ethnic_group": (rng.choice(5, size=n, p=ETHNIC_SAMPLE), ETHNIC_GROUPS),
        "disability": ((rng.random(n) >= disabled_chance).astype(int), DISABILITY),
        "area": (rng.choice(N_AREAS, size=n, p=area_sample), areas),
    }
    participants: dict[str, list[str | None]] = {}
    for name, (column, labels) in codes.items():
        values: list[str | None] = [labels[code] for code in column.tolist()]
        for row in np.flatnonzero(rng.random(n) < UNKNOWN_SHARE.get(name, 0.0)):
            values[int(row)] = None
        participants[name] = values

    shares = {
        "age_band": dict(zip(AGE_BANDS, AGE_CENSUS, strict=True)),
        "sex": dict(zip(SEXES, SEX_CENSUS, strict=True)),
        "ethnic_group": dict(zip(ETHNIC_GROUPS, ETHNIC_CENSUS, strict=True)),
        "disability": dict(zip(DISABILITY, DISABILITY_CENSUS, strict=True)),
        "area": dict(zip(areas, area_census.tolist(), strict=True)),
    }
    # Census tables are rounded counts, so their totals differ slightly.
    margins = {
        name: {label: round(share * POPULATION) for label, share in table.items()}
        for name, table in shares.items()
    }
    return participants, margins


def weightipy_alone(
    participants: dict[str, list[str | None]], margins: dict[str, dict[str, int]]
) -> tuple[pd.DataFrame, dict[str, dict[str, float]]]:
    """The reference: a pandas frame and scheme weightipy can rake directly.

    Unknowns become a "not known" category holding its sample share, as
    `RakingWeighter` does, so both rake the same problem.
    """
    frame = pd.DataFrame(
        {
            name: [v or "not known" for v in values]
            for name, values in participants.items()
        }
    )
    scheme: dict[str, dict[str, float]] = {}
    for name, table in margins.items():
        total = sum(table.values())
        unknown = float((frame[name] == "not known").mean())
        scheme[name] = {k: v / total * (1 - unknown) for k, v in table.items()}
        if unknown:
            scheme[name]["not known"] = unknown
    return frame, scheme


def median_seconds(run: Callable[[], Any]) -> tuple[float, Any]:
    result = run()  # warm-up: imports, caches, page faults
    times = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main() -> int:
    participants, margins = synthetic_engagement(SEED)
    frame, scheme = weightipy_alone(participants, margins)

    reference_s, reference = median_seconds(
        lambda: weightipy.weight_dataframe(
            frame,
            weightipy.scheme_from_dict(
                scheme, name="bench", rim_params={"max_iterations": 100}
            ),
        )
    )
    ours_s, weighter = median_seconds(
        lambda: RakingWeighter().fit(participants, margins, population_total=POPULATION)
    )
    numpy_s, _ = median_seconds(
        lambda: RakingWeighter(engine="numpy").fit(
            participants, margins, population_total=POPULATION
        )
    )

    result = weighter.result_
    untrimmed = RakingWeighter(cap_factor=None).fit(
        participants, margins, population_total=POPULATION
    )
    reference_weights = reference["weights"].to_numpy() * POPULATION / N_PARTICIPANTS
    agreement = float(
        np.max(np.abs(untrimmed.weights_ - reference_weights) / reference_weights)
    )
    print(
        f"{N_PARTICIPANTS:,} participants × {len(margins)} characteristics "
        f"({sum(len(t) for t in margins.values())} categories), N = {POPULATION:,}; "
        f"median of {REPEATS} runs after a warm-up"
    )
    print(
        f"  raking: engine {untrimmed.result_.engine}, {untrimmed.result_.sweeps} "
        "sweeps, max margin error "
        f"{untrimmed.result_.max_relative_margin_error:.1e}; weights agree with "
        f"weightipy alone to {agreement:.1e} (relative)"
    )
    print(
        f"  trimming at {result.cap:,.1f} (3 × mean): "
        f"{'applied' if result.is_trimmed else 'not needed'}, "
        f"{result.trim_rounds} rounds, converged {result.is_converged}, max margin "
        f"error {result.max_relative_margin_error:.1e}; deff {result.deff:.3f} "
        f"(untrimmed {untrimmed.result_.deff:.3f}), n_eff {result.n_eff:,.0f}"
    )
    print(
        f"  (a) weightipy alone on a pandas frame:       {reference_s * 1000:7.1f} ms"
    )
    print(f"  (b) RakingWeighter end to end (weightipy):   {ours_s * 1000:7.1f} ms")
    print(f"      RakingWeighter end to end (numpy engine): {numpy_s * 1000:7.1f} ms")
    print(f"  ratio b/a: {ours_s / reference_s:.2f}×")
    met = ours_s <= TARGET_S
    print()
    print(
        f"Target ≤ {TARGET_S:.0f} s of weighting time at {N_PARTICIPANTS:,} "
        f"submissions: {'PASS' if met else 'MISS'} ({ours_s:.3f} s)"
    )
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
