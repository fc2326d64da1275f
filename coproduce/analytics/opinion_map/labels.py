"""Stable public group labels A–E across updates (spec §4 "Stable labels")."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import numpy.typing as npt
from scipy.optimize import linear_sum_assignment

from coproduce.analytics.errors import InputError

#: Public labels by index; export `group-id` is the 0-based index.
LABELS = ("A", "B", "C", "D", "E")


def assign_labels(
    groups: Mapping[int, npt.ArrayLike],
    previous: Mapping[int, npt.ArrayLike] | None = None,
    *,
    n_labels: int = len(LABELS),
) -> dict[int, int]:
    """Give each group a public label index, carrying labels over by overlap.

    Parameters
    ----------
    groups
        Internal group id -> participant numbers in the group now.
    previous
        Public label index -> participant numbers in that group at the last
        published update (None or empty: first publication).
    n_labels
        Number of label indices available (5: "A"–"E").

    Returns
    -------
    dict
        Internal group id -> label index in 0..n_labels−1.

    Raises
    ------
    InputError
        More groups than labels.

    Notes
    -----
    The assignment of previous labels to current groups that maximises the
    total number of shared participants (Hungarian method); a pair sharing
    nobody is not a match. Unmatched groups, in ascending internal id, take the
    lowest free label index.

    References
    ----------
    Coproduce opinion-map spec §4; Kuhn (1955), "The Hungarian method for the
    assignment problem", Naval Research Logistics Quarterly 2, 83–97.

    Examples
    --------
    Group 7 shares 3 participants with old label B (1) and group 9 shares 2
    with old label A (0): they keep those labels. Group 12 is new and takes
    the lowest free index, C (2).

    >>> assign_labels(
    ...     {7: [1, 2, 3], 9: [4, 5, 6], 12: [8]},
    ...     {0: [4, 5, 10], 1: [1, 2, 3]},
    ... )
    {7: 1, 9: 0, 12: 2}
    """
    group_ids = sorted(groups)
    if len(group_ids) > n_labels:
        raise InputError(
            f"{len(group_ids)} groups but only {n_labels} labels; "
            "lower max_groups or add labels."
        )
    previous = previous or {}
    old_labels = sorted(previous)
    result: dict[int, int] = {}
    if group_ids and old_labels:
        overlap = _overlap(
            [np.asarray(groups[g], dtype=np.int64) for g in group_ids],
            [np.asarray(previous[label], dtype=np.int64) for label in old_labels],
        )
        rows, columns = linear_sum_assignment(overlap, maximize=True)
        for row, column in zip(rows.tolist(), columns.tolist(), strict=True):
            if overlap[row, column] > 0:
                result[group_ids[row]] = old_labels[column]
    free = (index for index in range(n_labels) if index not in result.values())
    for group in group_ids:
        if group not in result:
            result[group] = next(free)
    return dict(sorted(result.items()))


def _overlap(
    new: list[npt.NDArray[np.int64]], old: list[npt.NDArray[np.int64]]
) -> npt.NDArray[np.int64]:
    """Shared members of each new (row) and old (column) group, in one pass."""
    old_ids = np.concatenate(old)
    old_column = np.repeat(np.arange(len(old)), [len(members) for members in old])
    order = np.argsort(old_ids, kind="stable")
    old_ids, old_column = old_ids[order], old_column[order]
    new_ids = np.concatenate(new)
    new_row = np.repeat(np.arange(len(new)), [len(members) for members in new])
    where = np.minimum(np.searchsorted(old_ids, new_ids), max(len(old_ids) - 1, 0))
    overlap = np.zeros((len(new), len(old)), dtype=np.int64)
    if old_ids.shape[0]:
        hit = old_ids[where] == new_ids
        np.add.at(overlap, (new_row[hit], old_column[where[hit]]), 1)
    return overlap
