"""Statement routing priority: which statement a participant sees next (spec §3.12).

The next statement is drawn among those a participant may see and has not voted
on, with probability proportional to its priority. Priorities favour statements
that split opinion (extremity), that people engage with (few passes), and that
are new (a boost of 8 halving every 5 votes).
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence

import numpy as np
import numpy.typing as npt

from coproduce.analytics.errors import InputError

#: Priority of a meta statement (about the process): 7², routed but not analysed.
META_PRIORITY = 49.0
#: Extra weight of a new statement, halving every NEW_STATEMENT_HALF_LIFE votes.
NEW_STATEMENT_BOOST = 8.0
NEW_STATEMENT_HALF_LIFE = 5.0


def statement_priority(
    agrees: npt.ArrayLike,
    disagrees: npt.ArrayLike,
    seen: npt.ArrayLike,
    extremity: npt.ArrayLike,
    *,
    is_meta: npt.ArrayLike | None = None,
) -> npt.NDArray[np.float64]:
    """Priority of each statement from its tallies and extremity (spec §3.12).

    Parameters
    ----------
    agrees, disagrees, seen
        A, D and S per statement, summed over groups (S counts every vote,
        passes included).
    extremity
        E_j = ‖q_j‖ from the projection (0 for moderated-out statements).
    is_meta
        Meta statements get META_PRIORITY whatever their tallies.

    Returns
    -------
    ndarray of float64, one priority per statement, always > 0.

    Raises
    ------
    InputError
        Arrays of different lengths, negative counts, or A + D > S.

    Notes
    -----
    P = S − A − D; importance = (1 − (P+1)/(S+2)) · (E+1) · (A+1)/(S+2);
    priority = (importance · (1 + 8 · 2^(−S/5)))².

    References
    ----------
    Coproduce opinion-map spec §3.12; Polis `conversation.clj` (importance
    metric and priority with the new-comment boost).

    Examples
    --------
    A statement nobody has voted on (A = D = S = E = 0): importance = ½ · 1 · ½
    = ¼, boost 1 + 8 = 9, priority = (9/4)² = 5.0625.

    >>> float(statement_priority([0], [0], [0], [0.0])[0])
    5.0625
    """
    a = np.asarray(agrees, dtype=np.float64)
    d = np.asarray(disagrees, dtype=np.float64)
    s = np.asarray(seen, dtype=np.float64)
    e = np.asarray(extremity, dtype=np.float64)
    shapes = {a.shape, d.shape, s.shape, e.shape}
    if len(shapes) != 1 or a.ndim != 1:
        raise InputError(
            "agrees, disagrees, seen and extremity must be lists of the same length."
        )
    if (a < 0).any() or (d < 0).any() or (s < 0).any() or (e < 0).any():
        raise InputError("Vote counts and extremity cannot be negative.")
    if (a + d > s).any():
        index = int(np.flatnonzero(a + d > s)[0])
        raise InputError(
            f"Statement at position {index} has more agrees and disagrees than votes.",
            row=index,
        )
    passes = s - a - d
    importance = (1.0 - (passes + 1.0) / (s + 2.0)) * (e + 1.0) * (a + 1.0) / (s + 2.0)
    boost = 1.0 + NEW_STATEMENT_BOOST * np.exp2(-s / NEW_STATEMENT_HALF_LIFE)
    priority = (importance * boost) ** 2
    if is_meta is not None:
        meta = np.asarray(is_meta, dtype=bool)
        if meta.shape != a.shape:
            raise InputError("is_meta must have one flag per statement.")
        priority = np.where(meta, META_PRIORITY, priority)
    return priority


#: Priority of a statement newer than the latest snapshot (A = D = S = E = 0).
#: Polis's server uses 1; spec §3.12 `unvoted_priority`.
UNVOTED_PRIORITY = float(statement_priority([0], [0], [0], [0.0])[0])


def choose_next_statement(
    candidates: Sequence[int],
    priorities: Mapping[int, float],
    rng: random.Random,
    *,
    unvoted_priority: float = UNVOTED_PRIORITY,
) -> int | None:
    """Draw one statement among `candidates` with probability ∝ priority.

    Parameters
    ----------
    candidates
        Statement numbers the participant may see and has not voted on, in a
        fixed order (e.g. ascending) so that a seeded `rng` is reproducible.
    priorities
        Priority per statement number from the latest snapshot; statements
        missing from it get `unvoted_priority`.
    rng
        The caller's random generator.

    Returns
    -------
    The chosen statement number, or None when there are no candidates.
    """
    if not candidates:
        return None
    weights = [
        max(float(priorities.get(number, unvoted_priority)), 0.0)
        for number in candidates
    ]
    if sum(weights) <= 0.0:
        return candidates[0]
    return rng.choices(list(candidates), weights=weights, k=1)[0]
