"""Who took part against who lives there: shares, dissimilarity and the 0–100 score."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final, Literal

from coproduce.analytics.errors import InputError
from coproduce.analytics.representation._validate import normalise_label, quoted_list
from coproduce.analytics.representation.margins import AlignedMargins

Reading = Literal["under-represented", "in proportion", "over-represented", "none here"]

#: [D] ratio thresholds for the words shown beside each category (spec §2).
UNDER_REPRESENTED_BELOW: Final = 0.8
OVER_REPRESENTED_ABOVE: Final = 1.25
#: Coverage below this share warns (spec §2).
LOW_COVERAGE_BELOW: Final = 0.8
#: Officer views flag fewer participants than this (spec §9).
SMALL_SAMPLE_BELOW: Final = 30
#: Characteristics scored when the caller does not choose (spec §2).
DEFAULT_CHARACTERISTICS: Final = (
    "Age band",
    "Sex",
    "Ethnic group",
    "Disability",
    "Area",
)


@dataclass(frozen=True, slots=True)
class CategoryComparison:
    """One category: participants' share against residents' share."""

    label: str
    n_participants: int
    participant_share: float  # p_k, 0–1
    population_share: float  # q_k, 0–1
    difference_points: float  # d_k = 100·(p_k − q_k)
    ratio: float | None  # r_k = p_k / q_k; None when no resident is in the category
    reading: Reading


@dataclass(frozen=True, slots=True)
class CharacteristicComparison:
    """One characteristic: its categories, coverage, dissimilarity and balance."""

    characteristic: str
    categories: tuple[CategoryComparison, ...]
    n_participants: int  # with a known value
    n_unknown: int
    coverage_share: float  # n / (n + n_unknown)
    is_coverage_low: bool  # coverage_share < 0.8
    is_small_sample: bool  # n < 30
    dissimilarity: float  # D_X, 0–1
    balance_ratio: float  # min r_k / max r_k over categories with residents


@dataclass(frozen=True, slots=True)
class MissingGroup:
    """An under-represented category, for the app to call out in words."""

    characteristic: str
    label: str
    ratio: float
    difference_points: float
    participant_share: float
    population_share: float


@dataclass(frozen=True, slots=True)
class RepresentationScore:
    """The 0–100 score with everything needed to say how it was made.

    Only scores with identical `characteristics` and bands may be compared over
    time (spec §2).
    """

    score: float  # 100·(1 − mean D_X), 0–100
    characteristics: tuple[str, ...]  # scored, in the order chosen
    left_out: tuple[str, ...]  # chosen but without a population margin
    comparisons: tuple[CharacteristicComparison, ...]
    missing_groups: tuple[MissingGroup, ...]  # worst first
    notices: tuple[str, ...]


def reading_for(ratio: float | None) -> Reading:
    """Words for a ratio of shares: r < 0.8 under-, r > 1.25 over-represented."""
    if ratio is None:
        return "none here"
    if ratio < UNDER_REPRESENTED_BELOW:
        return "under-represented"
    if ratio > OVER_REPRESENTED_ABOVE:
        return "over-represented"
    return "in proportion"


def compare_characteristic(aligned: AlignedMargins) -> CharacteristicComparison:
    """Compare participants' shares with residents' shares for one characteristic.

    Parameters
    ----------
    aligned
        Counts from `align_margins`.

    Returns
    -------
    CharacteristicComparison
        Per-category difference and ratio, coverage, D_X and the balance ratio.

    Notes
    -----
    With p_k = n_k / n and q_k = N_k / N:
    d_k = p_k − q_k (shown in points), r_k = p_k / q_k,
    D_X = ½·Σ_k |p_k − q_k| (the share of participants who would have to be in
    another category for the profiles to match), balance = min r_k / max r_k
    over categories with q_k > 0, coverage = n / (n + n_unknown).

    References
    ----------
    Duncan, O. D. and Duncan, B. (1955), "A methodological analysis of
    segregation indexes", American Sociological Review 20(2): 210–217 (the
    dissimilarity index). Coproduce inclusion-metrics design, §2.
    """
    n = aligned.n_participants
    categories = []
    for label, n_k, q_k in zip(
        aligned.labels,
        aligned.participant_counts,
        aligned.population_shares,
        strict=True,
    ):
        p_k = n_k / n
        ratio = p_k / q_k if q_k > 0 else None
        categories.append(
            CategoryComparison(
                label=label,
                n_participants=n_k,
                participant_share=p_k,
                population_share=q_k,
                difference_points=100.0 * (p_k - q_k),
                ratio=ratio,
                reading=reading_for(ratio),
            )
        )
    ratios = [c.ratio for c in categories if c.ratio is not None]
    # align_margins refuses participants where no one lives, so some ratio is > 0.
    coverage = n / (n + aligned.n_unknown)
    return CharacteristicComparison(
        characteristic=aligned.characteristic,
        categories=tuple(categories),
        n_participants=n,
        n_unknown=aligned.n_unknown,
        coverage_share=coverage,
        is_coverage_low=coverage < LOW_COVERAGE_BELOW,
        is_small_sample=n < SMALL_SAMPLE_BELOW,
        dissimilarity=0.5
        * math.fsum(abs(c.participant_share - c.population_share) for c in categories),
        balance_ratio=min(ratios) / max(ratios),
    )


def representation_score(
    aligned: Sequence[AlignedMargins],
    characteristics: Sequence[str] = DEFAULT_CHARACTERISTICS,
) -> RepresentationScore:
    """Score how closely participants mirror residents, from 0 to 100.

    Parameters
    ----------
    aligned
        One `AlignedMargins` per characteristic that has a population margin.
    characteristics
        The characteristics to score, by name (matched after normalisation).
        Those without an entry in `aligned` are left out and named in a notice.

    Returns
    -------
    RepresentationScore
        The score, the characteristics used and left out, each comparison, the
        under-represented groups worst first, and notices for the page.

    Raises
    ------
    InputError
        If no chosen characteristic has a margin, if a characteristic is
        chosen twice or has two sets of margins.

    Notes
    -----
    score = 100·(1 − (1/|X|)·Σ_X D_X) over the chosen characteristics X that
    have margins. Missing groups are the categories read as under-represented
    (r_k < 0.8), sorted by r_k, then by d_k, then by characteristic order.

    References
    ----------
    Coproduce inclusion-metrics design, §2 (score [D]) and §8 (no margin).
    """
    by_name: dict[str, AlignedMargins] = {}
    for item in aligned:
        key = normalise_label(item.characteristic)
        if key in by_name:
            raise InputError(
                f"{item.characteristic}: two sets of margins were given. Keep one.",
                column=item.characteristic,
            )
        by_name[key] = item
    chosen = _unique_names(characteristics)
    used = [
        by_name[normalise_label(name)]
        for name in chosen
        if normalise_label(name) in by_name
    ]
    left_out = tuple(name for name in chosen if normalise_label(name) not in by_name)
    if not used:
        raise InputError(
            f"None of the chosen characteristics ({quoted_list(chosen)}) has a "
            "population margin, so there is nothing to score. Load the profile's "
            "margins or choose other characteristics."
        )
    comparisons = tuple(compare_characteristic(item) for item in used)
    mean_dissimilarity = math.fsum(c.dissimilarity for c in comparisons) / len(
        comparisons
    )
    return RepresentationScore(
        score=100.0 * (1.0 - mean_dissimilarity),
        characteristics=tuple(c.characteristic for c in comparisons),
        left_out=left_out,
        comparisons=comparisons,
        missing_groups=missing_groups(comparisons),
        notices=_notices(left_out, comparisons),
    )


def missing_groups(
    comparisons: Sequence[CharacteristicComparison],
) -> tuple[MissingGroup, ...]:
    """The under-represented categories, worst (lowest ratio) first.

    Ties on the ratio go to the larger shortfall in points, then to the order of
    `comparisons` and categories, so the list never depends on dictionary order.
    """
    found = []
    for position, comparison in enumerate(comparisons):
        for index, category in enumerate(comparison.categories):
            if category.reading != "under-represented" or category.ratio is None:
                continue
            group = MissingGroup(
                characteristic=comparison.characteristic,
                label=category.label,
                ratio=category.ratio,
                difference_points=category.difference_points,
                participant_share=category.participant_share,
                population_share=category.population_share,
            )
            found.append(
                ((group.ratio, group.difference_points, position, index), group)
            )
    found.sort(key=lambda pair: pair[0])
    return tuple(group for _, group in found)


def _unique_names(characteristics: Sequence[str]) -> tuple[str, ...]:
    seen: set[str] = set()
    for name in characteristics:
        key = normalise_label(name)
        if key in seen:
            raise InputError(
                f"'{name}' is chosen twice. Choose each characteristic once.",
                column=name,
            )
        seen.add(key)
    return tuple(characteristics)


def _notices(
    left_out: tuple[str, ...], comparisons: tuple[CharacteristicComparison, ...]
) -> tuple[str, ...]:
    notices = [
        f"'{name}' has no population margin, so it is left out of the score."
        for name in left_out
    ]
    for c in comparisons:
        if c.is_coverage_low:
            notices.append(
                f"Only {c.coverage_share:.0%} of participants gave their "
                f"{c.characteristic.lower()}, so its figures describe those who did."
            )
        if c.is_small_sample:
            notices.append(
                f"Only {c.n_participants} participants gave their "
                f"{c.characteristic.lower()}: treat its figures with caution."
            )
    return tuple(notices)
