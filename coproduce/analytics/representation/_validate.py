"""Checks shared by the representation modules: counts, labels and lists of labels.

Every check raises `InputError` with a sentence that names the place and the fix,
so callers never see a `ZeroDivisionError` or a NumPy warning for bad input.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from coproduce.analytics.errors import InputError
from coproduce.analytics.labels import label_key

#: How many labels an error message lists before it says "and N more".
MAX_LABELS_IN_MESSAGE = 30


def normalise_label(label: str) -> str:
    """Return `label` in the form used to match categories.

    Labels are put in Unicode NFC (so a Welsh "ŵ" typed as "w" plus a combining
    circumflex matches the precomposed letter), case-folded and trimmed: the
    same rule as weighting uses (`coproduce.analytics.labels.label_key`).
    """
    return label_key(label) or ""


def quoted_list(labels: Iterable[str]) -> str:
    """Join labels as "'a', 'b' and 'c'", cut after `MAX_LABELS_IN_MESSAGE`."""
    quoted = [f"'{label}'" for label in labels]
    if len(quoted) > MAX_LABELS_IN_MESSAGE:
        hidden = len(quoted) - MAX_LABELS_IN_MESSAGE
        quoted = [*quoted[:MAX_LABELS_IN_MESSAGE], f"{hidden} more"]
    if len(quoted) <= 1:
        return "".join(quoted)
    return ", ".join(quoted[:-1]) + " and " + quoted[-1]


def check_count(
    value: object,
    *,
    what: str,
    category: str | None = None,
    row: int | None = None,
    column: str | None = None,
    whole: bool = True,
) -> float:
    """Return `value` as a float if it is a finite, non-negative number.

    `whole` also requires a whole number (people are counted, not measured).
    `what` starts the error message, e.g. "Age band '65+': the participant count".
    """
    if isinstance(value, bool | str | bytes):
        raise InputError(
            f"{what} is {value!r}, which is not a number. Give a count.",
            category=category,
            row=row,
            column=column,
        )
    if not isinstance(value, int | float):
        try:
            number = float(value)  # type: ignore[arg-type]  # NumPy scalars
        except (TypeError, ValueError):
            raise InputError(
                f"{what} is {value!r}, which is not a number. Give a count.",
                category=category,
                row=row,
                column=column,
            ) from None
    else:
        number = float(value)
    if not math.isfinite(number):
        raise InputError(
            f"{what} is {value!r}. Give a finite number.",
            category=category,
            row=row,
            column=column,
        )
    if number < 0:
        raise InputError(
            f"{what} is {value!r}, but counts cannot be negative. Correct it.",
            category=category,
            row=row,
            column=column,
        )
    if whole and not number.is_integer():
        raise InputError(
            f"{what} is {value!r}, but it must be a whole number of people.",
            category=category,
            row=row,
            column=column,
        )
    return number
