"""Seeded synthetic participants and census margins for the weighting tests."""

from __future__ import annotations

import numpy as np

CATEGORIES = {
    "sex": ("female", "male"),
    "age_band": ("16–34", "35–54", "55–74", "75+"),
    "area": ("Aber", "Bryn", "Cwm", "Dôl", "Ewenni"),
}


def engagement(
    seed: int, n_participants: int = 300, population_total: int = 100_000
) -> tuple[dict[str, list[str]], dict[str, dict[str, float]]]:
    """Skewed participants (every category present) and census counts.

    The first rows cycle through every category, so no category is empty and
    raking always has a solution.
    """
    rng = np.random.default_rng(seed)
    participants: dict[str, list[str]] = {}
    margins: dict[str, dict[str, float]] = {}
    for name, labels in CATEGORIES.items():
        k = len(labels)
        sample_share = rng.dirichlet(np.full(k, 3.0))
        codes = rng.choice(k, size=n_participants, p=sample_share)
        codes[:k] = rng.permutation(k)
        participants[name] = [labels[code] for code in codes.tolist()]
        census_share = rng.dirichlet(np.full(k, 8.0))
        margins[name] = dict(
            zip(labels, (census_share * population_total).tolist(), strict=True)
        )
    return participants, margins


def codes_and_targets(
    participants: dict[str, list[str]],
    margins: dict[str, dict[str, float]],
) -> tuple[list[list[int]], list[list[float]]]:
    """The same problem as category indices, for `rake_reference`."""
    codes = []
    targets = []
    for name, margin in margins.items():
        labels = list(margin)
        codes.append([labels.index(value) for value in participants[name]])
        targets.append(list(margin.values()))
    return codes, targets
