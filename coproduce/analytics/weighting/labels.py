"""Matching participants' labels to the margins' categories (spec §8)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from coproduce.analytics.errors import InputError
from coproduce.analytics.labels import label_key

_SHOWN_LABELS = 30


def encode_labels(
    name: str,
    values: Sequence[Any] | npt.NDArray[Any],
    labels: tuple[str, ...],
    keys: Mapping[str, int],
) -> tuple[npt.NDArray[np.intp], int]:
    """Participants' cells for one characteristic, and how many did not say.

    Parameters
    ----------
    name
        The characteristic, for messages.
    values
        One raw label per participant.
    labels
        The margins' categories in order (for messages).
    keys
        `label_key` of each margin category -> its index.

    Returns
    -------
    (cells, n_unknown)
        Each participant's category index; unknowns get len(labels), one past
        the census categories.

    Raises
    ------
    InputError
        A label that is not in the margins: names the first row with one, the
        characteristic, every unmatched label (once per key) and the known ones.

    Notes
    -----
    pandas.factorize finds the distinct raw values in one pass, so the Unicode
    normalisation runs once per distinct label, not once per participant.
    """
    array = (
        values if isinstance(values, np.ndarray) else np.asarray(values, dtype=object)
    )
    if array.ndim != 1:
        raise InputError(
            f"Column '{name}' must be one value per participant, not a "
            f"{array.ndim}-dimensional array.",
            column=name,
        )
    raw_codes, uniques = pd.factorize(array, use_na_sentinel=True)
    unknown_cell = len(labels)
    lookup = np.full(len(uniques) + 1, unknown_cell, dtype=np.intp)
    unmatched: dict[str, tuple[int, str]] = {}  # key -> (first unique, label)
    for index, value in enumerate(uniques):
        key = label_key(value)
        if key is None:
            continue
        if key in keys:
            lookup[index] = keys[key]
        elif key not in unmatched:
            unmatched[key] = (index, str(value))
    raw = np.asarray(raw_codes, dtype=np.intp)
    if unmatched:
        first_unique, first_label = next(iter(unmatched.values()))
        first_row = int(np.argmax(raw == first_unique))
        shown = ", ".join(
            f"'{label}'" for _, label in list(unmatched.values())[:_SHOWN_LABELS]
        )
        if len(unmatched) > _SHOWN_LABELS:
            shown += ", …"
        known = ", ".join(f"'{label}'" for label in labels[:_SHOWN_LABELS])
        if len(labels) > _SHOWN_LABELS:
            known += ", …"
        many = len(unmatched) > 1
        raise InputError(
            f"Row {first_row}, column '{name}': {shown} "
            f"{'are not categories' if many else 'is not a category'} in the "
            f"population margins ({known}). Map {'them' if many else 'it'} to "
            "a census category or correct the margins.",
            row=first_row,
            column=name,
            category=first_label,
        )
    # factorize marks missing values -1, which indexes the unknown cell at the end.
    codes = lookup[raw]
    return codes, int(np.count_nonzero(codes == unknown_cell))
