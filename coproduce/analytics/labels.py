"""How two category labels are recognised as the same category (spec §8).

Shared by representation (participants against margins) and weighting
(raking targets), so a label that matches in one matches in the other.
"""

from __future__ import annotations

import math
import unicodedata

import numpy as np


def label_key(label: object) -> str | None:
    """The key two labels must share to be the same category; None if unknown.

    Text is normalised as §8 asks (Unicode NFC, case-folded, trimmed), so
    " Female" matches "female". Whole numbers compare by value whatever their
    type (1, 1.0, "1"), because a code column with a gap in it comes back from
    pandas as floats. None, NaN and blank text are unknown ("prefer not to say"
    must reach analytics as None).
    """
    if label is None:
        return None
    if isinstance(label, bool | np.bool_):
        return str(bool(label)).casefold()
    if isinstance(label, int | np.integer):
        return str(int(label))
    if isinstance(label, float | np.floating):
        value = float(label)
        if math.isnan(value):
            return None
        return str(int(value)) if value.is_integer() else repr(value)
    text = unicodedata.normalize("NFC", str(label))
    text = unicodedata.normalize("NFC", text.casefold()).strip()
    return text or None
