"""Reach in deprived areas: participants by national deprivation decile.

Deciles rank small areas within one nation (IoD in England, WIMD in Wales, SIMD
in Scotland, NIMDM in Northern Ireland), so tables from different nations or
index versions are never pooled: each call takes one nation's tables.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

from coproduce.analytics.errors import InputError
from coproduce.analytics.representation._validate import check_count, normalise_label
from coproduce.analytics.representation.score import Reading, reading_for

DECILES: Final = tuple(range(1, 11))
#: [D] the headline compares the two most deprived deciles ... (spec §6)
MOST_DEPRIVED: Final = (1, 2)
#: ... with the two least deprived.
LEAST_DEPRIVED: Final = (9, 10)


@dataclass(frozen=True, slots=True)
class DecileTable:
    """Counts by national deprivation decile (1 = most deprived 10 %) for one nation.

    `index` names the index and its version, e.g. "IoD2019" or "SIMD 2020v2".
    Deciles missing from `counts` count 0.
    """

    nation: str
    index: str
    counts: Mapping[int, float]


@dataclass(frozen=True, slots=True)
class DecileReach:
    """Participants' share against residents' share in one decile."""

    decile: int
    n_participants: int
    participant_share: float  # p_d, 0–1
    resident_share: float  # q_d, 0–1
    ratio: float | None  # r_d = p_d / q_d; None when q_d = 0
    reading: Reading  # "none here" when no resident lives in the decile


@dataclass(frozen=True, slots=True)
class DeprivationReachResult:
    """Reach by decile with the headline deprived reach ratio and gradient."""

    nation: str
    index: str
    n_participants: int  # coded to a decile of the organisation's areas
    n_unknown: int  # no usable postcode, left out
    n_out_of_area: int  # postcode outside the organisation's areas, left out
    coverage_share: float  # n / (n + n_unknown + n_out_of_area)
    deciles: tuple[DecileReach, ...]
    deprived_reach_ratio: float | None  # R_dep = p(1–2)/q(1–2); None if q(1–2) = 0
    least_deprived_ratio: float | None  # r(9–10); None if q(9–10) = 0
    gradient: float | None  # R_dep / r(9–10); None when either is undefined or 0
    notices: tuple[str, ...]


def deprivation_reach(
    participants: DecileTable,
    residents: DecileTable,
    *,
    n_unknown: int = 0,
    n_out_of_area: int = 0,
) -> DeprivationReachResult:
    """Compare participants' deprivation deciles with residents'.

    Parameters
    ----------
    participants
        Participants coded to each decile of the organisation's small areas.
    residents
        Residents of the organisation's small areas in each decile (mid-year
        estimates, same age base), from the same nation and index.
    n_unknown, n_out_of_area
        Participants left out for an unknown postcode, or one outside the
        organisation's areas; counted for coverage.

    Returns
    -------
    DeprivationReachResult

    Raises
    ------
    InputError
        For tables from different nations or index versions, a decile outside
        1–10, negative counts, participants in a decile where no resident
        lives (wrong area or index vintage), no residents or no coded
        participants.

    Notes
    -----
    q_d = residents in decile d / all residents, p_d = participants in d / n,
    r_d = p_d / q_d. R_dep = p(1–2) / q(1–2) and gradient = R_dep / r(9–10),
    p(1–2) meaning p_1 + p_2.

    References
    ----------
    Ministry of Housing, Communities and Local Government (2019), "The English
    Indices of Deprivation 2019: technical report"; Welsh Government (2019),
    WIMD 2019; Scottish Government (2020), SIMD 2020; NISRA (2017), NIMDM 2017.
    Coproduce inclusion-metrics design, §6 (headline [D]).
    """
    _check_same_index(participants, residents)
    n_d = _decile_counts(participants, "participants", whole=True)
    big_n_d = _decile_counts(residents, "residents", whole=False)
    n_unknown = int(check_count(n_unknown, what="The number of unknown postcodes"))
    n_out_of_area = int(
        check_count(n_out_of_area, what="The number of out-of-area postcodes")
    )
    n = math.fsum(n_d.values())
    big_n = math.fsum(big_n_d.values())
    if big_n <= 0:
        raise InputError(
            f"The {residents.nation} resident table has nobody in it. Load the "
            "mid-year estimates for the organisation's small areas."
        )
    for d in DECILES:
        if n_d[d] > 0 and big_n_d[d] == 0:
            raise InputError(
                f"Decile {d}: {n_d[d]:.0f} participants but no residents of the "
                "organisation's areas. Check the area list and that postcodes are "
                "coded to the index's vintage of small areas.",
                category=str(d),
            )
    if n <= 0:
        raise InputError(
            "No participant has a postcode coded to a decile of the organisation's "
            "areas, so there is no reach to show."
        )
    deciles = []
    for d in DECILES:
        p_d = n_d[d] / n
        q_d = big_n_d[d] / big_n
        ratio = p_d / q_d if q_d > 0 else None
        deciles.append(
            DecileReach(
                decile=d,
                n_participants=int(n_d[d]),
                participant_share=p_d,
                resident_share=q_d,
                ratio=ratio,
                reading=reading_for(ratio),
            )
        )
    deprived = _group_ratio(deciles, MOST_DEPRIVED)
    least = _group_ratio(deciles, LEAST_DEPRIVED)
    gradient = None
    if deprived is not None and least is not None and least > 0:
        gradient = deprived / least
    notices = []
    if deprived is None:
        notices.append(
            "No resident lives in the most deprived 20 % of areas (deciles 1–2), "
            "so the deprived reach ratio does not apply here."
        )
    if least is None:
        notices.append(
            "No resident lives in the least deprived 20 % of areas (deciles 9–10), "
            "so there is no gradient."
        )
    elif least == 0:
        notices.append(
            "No participant lives in deciles 9–10, so the gradient cannot be "
            "worked out."
        )
    return DeprivationReachResult(
        nation=participants.nation.strip(),
        index=participants.index.strip(),
        n_participants=int(n),
        n_unknown=n_unknown,
        n_out_of_area=n_out_of_area,
        coverage_share=n / (n + n_unknown + n_out_of_area),
        deciles=tuple(deciles),
        deprived_reach_ratio=deprived,
        least_deprived_ratio=least,
        gradient=gradient,
        notices=tuple(notices),
    )


def _group_ratio(deciles: list[DecileReach], group: tuple[int, ...]) -> float | None:
    p = math.fsum(deciles[d - 1].participant_share for d in group)
    q = math.fsum(deciles[d - 1].resident_share for d in group)
    return p / q if q > 0 else None


def _check_same_index(participants: DecileTable, residents: DecileTable) -> None:
    for table in (participants, residents):
        if not table.nation.strip() or not table.index.strip():
            raise InputError(
                "Every decile table needs its nation and index, such as "
                "'Wales' and 'WIMD 2019'."
            )
    if normalise_label(participants.nation) != normalise_label(residents.nation):
        raise InputError(
            f"Participants are coded to {participants.nation} deciles but residents "
            f"to {residents.nation} deciles. Deciles rank within one nation and "
            "cannot be pooled: analyse each nation separately.",
            column="nation",
        )
    if normalise_label(participants.index) != normalise_label(residents.index):
        raise InputError(
            f"Participants are coded with {participants.index} but residents with "
            f"{residents.index}. Use one index version for both.",
            column="index",
        )


def _decile_counts(table: DecileTable, what: str, *, whole: bool) -> dict[int, float]:
    counts = dict.fromkeys(DECILES, 0.0)
    for decile, value in table.counts.items():
        if isinstance(decile, bool) or decile not in counts:
            raise InputError(
                f"The {what} table has a decile {decile!r}; deciles run from 1 "
                "(most deprived) to 10.",
                category=str(decile),
            )
        counts[decile] = check_count(
            value,
            what=f"Decile {decile}: the number of {what}",
            category=str(decile),
            whole=whole,
        )
    return counts
