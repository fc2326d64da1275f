"""Line participants' counts up against the population margins of one characteristic.

Every other measure in this package starts from an `AlignedMargins`: the margin's
categories in the margin's order, the participants counted into them, and the
participants whose answer was unknown counted apart for coverage.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from coproduce.analytics.errors import InputError
from coproduce.analytics.representation._validate import (
    check_count,
    normalise_label,
    quoted_list,
)

#: Answers that mean "not known" unless the margin itself has such a category
#: (spec §1: "prefer not to say" and blanks are unknown).
DEFAULT_UNKNOWN_LABELS: frozenset[str] = frozenset({"", "prefer not to say"})

#: Percentages must total 100 within this many points (spec §8).
PERCENT_TOLERANCE_POINTS = 0.1

#: Counts may differ from the profile's total by this share and be rescaled (§8).
TOTAL_TOLERANCE_SHARE = 0.005


@dataclass(frozen=True, slots=True)
class AlignedMargins:
    """Participants and population of one characteristic, category by category.

    `labels`, `participant_counts`, `population_shares` and `population_counts`
    run in the margin's order. `population_counts` is None when the margin was
    given as percentages without the profile's total.
    """

    characteristic: str
    labels: tuple[str, ...]
    participant_counts: tuple[int, ...]
    population_shares: tuple[float, ...]
    population_counts: tuple[float, ...] | None
    n_participants: int  # known values only: n = sum of participant_counts
    n_unknown: int
    is_population_rescaled: bool  # counts were rescaled to the profile's total


def align_margins(
    characteristic: str,
    participant_counts: Mapping[str, int],
    population: Mapping[str, float],
    *,
    population_is_percent: bool = False,
    population_total: float | None = None,
    label_mapping: Mapping[str, str] | None = None,
    unknown_labels: Iterable[str] = DEFAULT_UNKNOWN_LABELS,
) -> AlignedMargins:
    """Count participants into the population's categories for one characteristic.

    Parameters
    ----------
    characteristic
        Name shown in messages, e.g. "Age band".
    participant_counts
        Participants per answer label, unknown answers included (blank answers
        as "").
    population
        Residents per category (counts, or percentages when
        `population_is_percent`), in the order results should show them.
    population_is_percent
        The margin is in percentages, which must total 100 ± 0.1.
    population_total
        The profile's N. Counts that total within 0.5 % of it are rescaled to
        it; percentages are turned into counts with it.
    label_mapping
        A saved many-to-one mapping from participants' labels to margin labels
        (or to an unknown label), e.g. {"16–17": "16–24", "18–24": "16–24"}.
    unknown_labels
        Answers that mean "not known" when the margin has no such category.

    Returns
    -------
    AlignedMargins
        Categories in the margin's order, with participants' counts.

    Raises
    ------
    InputError
        For a margin without categories, negative or non-finite numbers,
        percentages not totalling 100 ± 0.1, counts more than 0.5 % from the
        profile's total, a participant label that matches no category (the
        message lists it and the known labels), a category with participants
        but no residents or fewer residents than participants (wrong area or
        age base), or no participant with a known value.

    Notes
    -----
    Labels match after Unicode NFC normalisation, case-folding and trimming. A
    participant label is looked up first among the margin's categories, then in
    `label_mapping`, then among `unknown_labels`; anything else is an error.
    Unknown answers are excluded from p_k = n_k / n and counted in `n_unknown`,
    so coverage is n / (n + n_unknown).

    References
    ----------
    Coproduce inclusion-metrics design, §1 (inputs) and §8 (bad input).
    """
    name = characteristic.strip()
    if not name:
        raise InputError("Every characteristic needs a name, such as 'Age band'.")
    labels, shares, counts, is_rescaled = _population(
        name, population, population_is_percent, population_total
    )
    by_label = {normalise_label(label): index for index, label in enumerate(labels)}
    unknown = {normalise_label(label) for label in unknown_labels} - by_label.keys()
    mapping = _mapping(name, label_mapping or {}, by_label, unknown, labels)

    participants = [0] * len(labels)
    n_unknown = 0
    unmatched: list[str] = []
    for label, value in participant_counts.items():
        what = f"{name} '{label}': the participant count"
        count = int(check_count(value, what=what, category=label, column=name))
        key = normalise_label(label)
        key = key if key in by_label else mapping.get(key, key)
        if key in by_label:
            participants[by_label[key]] += count
        elif key in unknown:
            n_unknown += count
        else:
            unmatched.append(label)
    if unmatched:
        are = "is not a category" if len(unmatched) == 1 else "are not categories"
        raise InputError(
            f"{name}: {quoted_list(unmatched)} {are} in the population margins "
            f"(known: {quoted_list(labels)}). Save a mapping that merges each "
            "into one of the known categories, or correct the label.",
            category=unmatched[0],
            column=name,
        )
    if counts is not None:
        _check_participants_fit(name, labels, participants, counts)
    n_known = sum(participants)
    if n_known == 0:
        raise InputError(
            f"{name}: no participant gave a known answer, so there is nothing to "
            "compare with the population. Leave this characteristic out.",
            column=name,
        )
    return AlignedMargins(
        characteristic=name,
        labels=labels,
        participant_counts=tuple(participants),
        population_shares=shares,
        population_counts=counts,
        n_participants=n_known,
        n_unknown=n_unknown,
        is_population_rescaled=is_rescaled,
    )


def _population(
    name: str,
    population: Mapping[str, float],
    is_percent: bool,
    total: float | None,
) -> tuple[tuple[str, ...], tuple[float, ...], tuple[float, ...] | None, bool]:
    """Check a margin; return its labels, shares, counts (if known), rescaled?"""
    if not population:
        raise InputError(
            f"{name}: the population margin has no categories. Load the profile's "
            "figures for this characteristic, or leave it out.",
            column=name,
        )
    labels: list[str] = []
    values: list[float] = []
    seen: dict[str, str] = {}
    unit = "percentage" if is_percent else "resident count"
    for label, value in population.items():
        key = normalise_label(label)
        if key in seen:
            raise InputError(
                f"{name}: the population margin has both '{seen[key]}' and "
                f"'{label}', which read as the same category. Merge them.",
                category=label,
                column=name,
            )
        seen[key] = label
        what = f"{name} '{label}': the population {unit}"
        values.append(check_count(value, what=what, category=label, whole=False))
        labels.append(label)
    margin_total = math.fsum(values)
    if total is not None:
        check_count(total, what=f"{name}: the profile's total", whole=False)
        if total <= 0:
            raise InputError(f"{name}: the profile's total population must be above 0.")
    if is_percent:
        if abs(margin_total - 100.0) > PERCENT_TOLERANCE_POINTS:
            raise InputError(
                f"{name}: the population percentages add up to {margin_total:g}, "
                "not 100. Check the figures were copied in full.",
                column=name,
            )
        shares = tuple(value / margin_total for value in values)
        counts = None if total is None else tuple(share * total for share in shares)
        return tuple(labels), shares, counts, False
    if margin_total <= 0:
        raise InputError(
            f"{name}: the population margin counts nobody. Check the area and "
            "age base of the profile.",
            column=name,
        )
    shares = tuple(value / margin_total for value in values)
    if total is None or margin_total == total:
        return tuple(labels), shares, tuple(values), False
    if abs(margin_total - total) / total > TOTAL_TOLERANCE_SHARE:
        raise InputError(
            f"{name}: the population margin totals {margin_total:,.0f} but the "
            f"profile's total is {total:,.0f}, more than 0.5 % apart. Check that "
            "both describe the same areas and age base.",
            column=name,
        )
    return tuple(labels), shares, tuple(share * total for share in shares), True


def _mapping(
    name: str,
    label_mapping: Mapping[str, str],
    by_label: Mapping[str, int],
    unknown: set[str],
    labels: tuple[str, ...],
) -> dict[str, str]:
    """Normalise a saved mapping; each target must be a category or unknown."""
    mapping: dict[str, str] = {}
    for source, target in label_mapping.items():
        key = normalise_label(target)
        if key not in by_label and key not in unknown:
            raise InputError(
                f"{name}: the saved mapping sends '{source}' to '{target}', which "
                f"is not a category in the population margins (known: "
                f"{quoted_list(labels)}). Correct the mapping.",
                category=source,
                column=name,
            )
        mapping[normalise_label(source)] = key
    return mapping


def _check_participants_fit(
    name: str,
    labels: tuple[str, ...],
    participants: list[int],
    counts: tuple[float, ...],
) -> None:
    """More participants than residents in a category means the wrong base."""
    for label, n_k, big_n_k in zip(labels, participants, counts, strict=True):
        if n_k > 0 and big_n_k == 0:
            raise InputError(
                f"{name} '{label}': {n_k} participants but no residents in the "
                "population margin. Check the profile's area and age base.",
                category=label,
                column=name,
            )
        # A small tolerance: percentages turned into counts are not exact.
        if n_k > big_n_k * (1 + 1e-9):
            raise InputError(
                f"{name} '{label}': {n_k} participants but only {big_n_k:,.0f} "
                "residents. Check the profile's area and age base.",
                category=label,
                column=name,
            )
