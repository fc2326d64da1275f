"""Agreement between two groupings of the same participants (spec §5 "Import").

An imported Polis conversation carries Polis's own groups; ours are computed
cold from the same votes. Labels are arbitrary on both sides, so agreement is
the adjusted Rand index over the participants grouped by both.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sklearn.metrics import adjusted_rand_score  # type: ignore[import-untyped]


@dataclass(frozen=True, slots=True)
class GroupingComparison:
    """How far two groupings agree, over the participants both placed in a group."""

    n_compared: int  # participants in a group on both sides
    n_ours: int  # distinct groups among them, ours
    n_reference: int  # distinct groups among them, the reference's
    adjusted_rand_index: float | None  # None with fewer than 2 compared


def compare_groupings(
    ours: Mapping[int, int], reference: Mapping[int, int]
) -> GroupingComparison:
    """Adjusted Rand index between two participant → group maps.

    Parameters
    ----------
    ours, reference
        Group label per participant number; participants missing from either
        map (not clustered there) are left out.

    Returns
    -------
    GroupingComparison

    Notes
    -----
    ARI is 1 for identical partitions whatever the labels, about 0 for
    unrelated ones, and can be negative. With one group on both sides it is 1
    (scikit-learn's convention for identical single-cluster partitions).

    References
    ----------
    Coproduce opinion-map spec §5 ("our groups appear beside Polis's with the
    adjusted Rand index between them"); Hubert & Arabie (1985).

    Examples
    --------
    >>> result = compare_groupings({1: 0, 2: 0, 3: 1}, {1: 5, 2: 5, 3: 7, 4: 7})
    >>> result.n_compared, result.adjusted_rand_index
    (3, 1.0)
    """
    shared = sorted(set(ours) & set(reference))
    if len(shared) < 2:
        return GroupingComparison(
            len(shared), len(set(ours.values())), len(set(reference.values())), None
        )
    our_labels = [ours[p] for p in shared]
    reference_labels = [reference[p] for p in shared]
    return GroupingComparison(
        n_compared=len(shared),
        n_ours=len(set(our_labels)),
        n_reference=len(set(reference_labels)),
        adjusted_rand_index=float(adjusted_rand_score(reference_labels, our_labels)),
    )
