"""Pure computation of the public "you said, we did" figures (no Django)."""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ResponseFigures:
    n_closed: int  # engagements closed or later (closed, responded, archived)
    n_answered: int  # of those, how many have a published response
    answered_share: float | None  # 0–1; None when nothing has closed yet
    median_days_to_answer: float | None  # None when nothing has been answered


def response_figures_compute(
    *, n_closed: int, days_to_answer: Sequence[int]
) -> ResponseFigures:
    """Share of closed engagements answered and median days from closing to answer.

    `days_to_answer` holds one value per answered engagement (whole days from
    closing to publishing the response), so it can never be longer than
    `n_closed`. Raises ValueError for impossible input.
    """
    if n_closed < 0:
        raise ValueError("n_closed must not be negative")
    if len(days_to_answer) > n_closed:
        raise ValueError("more answered engagements than closed ones")
    n_answered = len(days_to_answer)
    return ResponseFigures(
        n_closed=n_closed,
        n_answered=n_answered,
        answered_share=n_answered / n_closed if n_closed else None,
        median_days_to_answer=(
            float(statistics.median(days_to_answer)) if days_to_answer else None
        ),
    )
