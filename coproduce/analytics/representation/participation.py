"""Usual suspects and newcomers: how broad an organisation's participation is.

Both measures follow people across engagements, so they need a person key; the
share of contributions that carry one is reported beside every figure.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Final

from coproduce.analytics.errors import InputError
from coproduce.analytics.representation._validate import check_count

#: [D] defaults from spec §5.
DEFAULT_WINDOW_DAYS: Final = 365
DEFAULT_MIN_ENGAGEMENTS: Final = 3
#: Figures warn when fewer than this share of contributions are linked.
LOW_LINKED_SHARE_BELOW: Final = 0.7
#: Newcomer shares are flagged when records start less than this before opening.
SHORT_HISTORY_MONTHS: Final = 12


@dataclass(frozen=True, slots=True)
class Contribution:
    """One person's contributions to one engagement on one day.

    `person_key` links a person across engagements (an account, a panel id or a
    salted hash of a verified e-mail); None or blank means unlinked.
    """

    engagement_id: str
    contributed_on: dt.date
    person_key: str | None = None
    count: int = 1


@dataclass(frozen=True, slots=True)
class UsualSuspectsResult:
    """Share of linked people who took part in at least k engagements in a window."""

    reference_on: str  # t, ISO date
    window_days: int  # W; the window is (t − W, t]
    min_engagements: int  # k
    n_people: int  # linked people with m_j ≥ 1
    n_usual_suspects: int  # linked people with m_j ≥ k
    usual_suspect_share: float  # U_k, 0–1
    usual_suspect_contribution_share: float  # their share of linked contributions
    linked_contribution_share: float  # linked / all contributions in the window
    is_linked_share_low: bool  # linked share < 0.7


@dataclass(frozen=True, slots=True)
class EngagementUsualSuspects:
    """Share of an engagement's linked participants who were usual suspects at close."""

    engagement_id: str
    closes_on: str  # ISO date
    n_linked_participants: int
    n_usual_suspects: int
    usual_suspect_share: float | None  # None when no participant is linked
    linked_contribution_share: float | None  # None when the engagement has none
    is_linked_share_low: bool


@dataclass(frozen=True, slots=True)
class NewcomerResult:
    """Share of an engagement's linked participants new to the organisation."""

    engagement_id: str
    n_linked_participants: int
    n_newcomers: int
    newcomer_share: float | None  # None when no participant is linked
    records_start_on: str  # ISO date of the organisation's first record
    is_short_history: bool  # records start < 12 months before the engagement opened
    linked_contribution_share: float
    is_linked_share_low: bool


def usual_suspects(
    contributions: Iterable[Contribution],
    *,
    reference_on: dt.date,
    window_days: int = DEFAULT_WINDOW_DAYS,
    min_engagements: int = DEFAULT_MIN_ENGAGEMENTS,
) -> UsualSuspectsResult:
    """Share of linked people who took part in at least k engagements in a window.

    Parameters
    ----------
    contributions
        All of the organisation's contributions (others are ignored by date).
    reference_on
        t, the last day of the window.
    window_days
        W; the window is (t − W, t], so W days ending on t.
    min_engagements
        k, the number of distinct engagements that makes a usual suspect.

    Returns
    -------
    UsualSuspectsResult

    Raises
    ------
    InputError
        For a bad record (naming its row), W or k below 1, or no linked
        contribution in the window.

    Notes
    -----
    m_j = distinct engagements in which linked person j contributed in
    (t − W, t]; U_k = #{j : m_j ≥ k} / #{j : m_j ≥ 1}. Their contribution share
    is Σ counts of usual suspects / Σ counts of linked people in the window;
    the linked share is linked counts / all counts in the window.

    References
    ----------
    Coproduce inclusion-metrics design, §5 (usual suspects [D]); the term
    follows John May's "triangle of engagement".
    """
    rows = _checked(contributions)
    _check_window(window_days, min_engagements)
    window = _in_window(rows, reference_on, window_days)
    engagements, counts = _by_person(window)
    if not engagements:
        first_day = _window_start(reference_on, window_days)
        raise InputError(
            f"No linked contribution between {first_day} "
            f"and {reference_on.isoformat()}, so there is no one to count. Choose "
            "another date or a longer window."
        )
    suspects = {j for j, seen in engagements.items() if len(seen) >= min_engagements}
    linked_total = math.fsum(counts.values())
    linked_share = _linked_share(window)
    return UsualSuspectsResult(
        reference_on=reference_on.isoformat(),
        window_days=window_days,
        min_engagements=min_engagements,
        n_people=len(engagements),
        n_usual_suspects=len(suspects),
        usual_suspect_share=len(suspects) / len(engagements),
        usual_suspect_contribution_share=math.fsum(counts[j] for j in suspects)
        / linked_total,
        linked_contribution_share=linked_share,
        is_linked_share_low=linked_share < LOW_LINKED_SHARE_BELOW,
    )


def usual_suspects_by_engagement(
    contributions: Iterable[Contribution],
    engagement_closes_on: Mapping[str, dt.date],
    *,
    window_days: int = DEFAULT_WINDOW_DAYS,
    min_engagements: int = DEFAULT_MIN_ENGAGEMENTS,
) -> tuple[EngagementUsualSuspects, ...]:
    """For each engagement, the share of its participants who were usual suspects.

    Parameters
    ----------
    contributions
        All of the organisation's contributions.
    engagement_closes_on
        Engagement id → its closing date t_E; one result per entry, sorted by
        closing date then id.
    window_days, min_engagements
        W and k, as in `usual_suspects`.

    Returns
    -------
    tuple of EngagementUsualSuspects

    Raises
    ------
    InputError
        For a bad record (naming its row), or W or k below 1.

    Notes
    -----
    A participant j of E (any linked person who contributed to E) is a usual
    suspect at E's close if m_j ≥ k, m_j counting distinct engagements in
    (t_E − W, t_E]. Share = usual suspects / linked participants of E.

    References
    ----------
    Coproduce inclusion-metrics design, §5.
    """
    rows = _checked(contributions)
    _check_window(window_days, min_engagements)
    by_engagement: dict[str, list[Contribution]] = defaultdict(list)
    for row in rows:
        by_engagement[row.engagement_id].append(row)
    results = []
    for engagement_id, closes_on in sorted(
        engagement_closes_on.items(), key=lambda item: (item[1], item[0])
    ):
        own = by_engagement.get(engagement_id, [])
        participants = {row.person_key for row in own if row.person_key is not None}
        engagements, _ = _by_person(_in_window(rows, closes_on, window_days))
        suspects = {
            j for j in participants if len(engagements.get(j, ())) >= min_engagements
        }
        linked_share = _linked_share(own) if own else None
        results.append(
            EngagementUsualSuspects(
                engagement_id=engagement_id,
                closes_on=closes_on.isoformat(),
                n_linked_participants=len(participants),
                n_usual_suspects=len(suspects),
                usual_suspect_share=len(suspects) / len(participants)
                if participants
                else None,
                linked_contribution_share=linked_share,
                is_linked_share_low=linked_share is not None
                and linked_share < LOW_LINKED_SHARE_BELOW,
            )
        )
    return tuple(results)


def newcomer_share(
    contributions: Iterable[Contribution],
    *,
    engagement_id: str,
    opened_on: dt.date,
    records_start_on: dt.date | None = None,
) -> NewcomerResult:
    """Share of an engagement's linked participants who were new to the organisation.

    Parameters
    ----------
    contributions
        All of the organisation's contributions.
    engagement_id
        E, the engagement measured.
    opened_on
        The day E opened, for the short-history flag.
    records_start_on
        The first day of the organisation's records; by default the earliest
        contribution given.

    Returns
    -------
    NewcomerResult

    Raises
    ------
    InputError
        For a bad record (naming its row), or no contribution to E at all
        (usually a wrong id).

    Notes
    -----
    j is a newcomer in E if j made no contribution to any other engagement
    before j's first contribution to E. Dates have no time of day, so a
    contribution elsewhere on that same day does not count as before.
    Newcomer share = newcomers / linked participants of E. The figure is
    flagged "short history" when records start less than 12 months before E
    opened.

    References
    ----------
    Coproduce inclusion-metrics design, §5 (newcomers [D]).
    """
    rows = _checked(contributions)
    own = [row for row in rows if row.engagement_id == engagement_id]
    if not own:
        raise InputError(
            f"Engagement '{engagement_id}' has no contributions. Check the "
            "engagement id.",
            column="engagement_id",
        )
    first_in_e: dict[str, dt.date] = {}
    for row in own:
        if row.person_key is not None:
            j = row.person_key
            first_in_e[j] = min(
                first_in_e.get(j, row.contributed_on), row.contributed_on
            )
    first_elsewhere: dict[str, dt.date] = {}
    for row in rows:
        if row.person_key in first_in_e and row.engagement_id != engagement_id:
            j = row.person_key
            first_elsewhere[j] = min(
                first_elsewhere.get(j, row.contributed_on), row.contributed_on
            )
    newcomers = [
        j
        for j, first in first_in_e.items()
        if j not in first_elsewhere or first_elsewhere[j] >= first
    ]
    start = records_start_on or min(row.contributed_on for row in rows)
    linked_share = _linked_share(own)
    return NewcomerResult(
        engagement_id=engagement_id,
        n_linked_participants=len(first_in_e),
        n_newcomers=len(newcomers),
        newcomer_share=len(newcomers) / len(first_in_e) if first_in_e else None,
        records_start_on=start.isoformat(),
        is_short_history=start > _months_before(opened_on, SHORT_HISTORY_MONTHS),
        linked_contribution_share=linked_share,
        is_linked_share_low=linked_share < LOW_LINKED_SHARE_BELOW,
    )


def _checked(contributions: Iterable[Contribution]) -> list[Contribution]:
    """Check every record; blank person keys become None (unlinked)."""
    rows = []
    for index, row in enumerate(contributions, start=1):
        if not isinstance(row, Contribution):
            raise InputError(
                f"Row {index} is a {type(row).__name__}, not a Contribution.", row=index
            )
        if not isinstance(row.contributed_on, dt.date) or isinstance(
            row.contributed_on, dt.datetime
        ):
            raise InputError(
                f"Row {index}: contributed_on is {row.contributed_on!r}. Give a date.",
                row=index,
                column="contributed_on",
            )
        if not isinstance(row.engagement_id, str) or not row.engagement_id.strip():
            raise InputError(
                f"Row {index}: the engagement id is {row.engagement_id!r}. Give the "
                "engagement's id as text.",
                row=index,
                column="engagement_id",
            )
        count = check_count(
            row.count, what=f"Row {index}: the count", row=index, column="count"
        )
        if count < 1:
            raise InputError(
                f"Row {index}: the count is 0. A record is one or more "
                "contributions; leave out rows with none.",
                row=index,
                column="count",
            )
        key = row.person_key
        if key is not None and not isinstance(key, str):
            raise InputError(
                f"Row {index}: the person key is {key!r}. Give text or None.",
                row=index,
                column="person_key",
            )
        if key is not None and not key.strip():
            row = Contribution(row.engagement_id, row.contributed_on, None, row.count)
        rows.append(row)
    return rows


def _check_window(window_days: int, min_engagements: int) -> None:
    if (
        isinstance(window_days, bool)
        or not isinstance(window_days, int)
        or window_days < 1
    ):
        raise InputError(
            "The window must be a whole number of days, at least 1, not "
            f"{window_days!r}."
        )
    if (
        isinstance(min_engagements, bool)
        or not isinstance(min_engagements, int)
        or min_engagements < 1
    ):
        raise InputError(
            "A usual suspect must take part in at least 1 engagement; "
            f"{min_engagements!r} is not a valid number."
        )


def _window_start(reference_on: dt.date, window_days: int) -> str:
    """The first day inside (t − W, t]."""
    return (reference_on - dt.timedelta(days=window_days - 1)).isoformat()


def _in_window(
    rows: Sequence[Contribution], reference_on: dt.date, window_days: int
) -> list[Contribution]:
    after = reference_on - dt.timedelta(days=window_days)
    return [row for row in rows if after < row.contributed_on <= reference_on]


def _by_person(
    rows: Iterable[Contribution],
) -> tuple[dict[str, set[str]], dict[str, float]]:
    """Linked people's distinct engagements and total counts."""
    engagements: dict[str, set[str]] = defaultdict(set)
    counts: dict[str, float] = defaultdict(float)
    for row in rows:
        if row.person_key is not None:
            engagements[row.person_key].add(row.engagement_id)
            counts[row.person_key] += row.count
    return dict(engagements), dict(counts)


def _linked_share(rows: Sequence[Contribution]) -> float:
    total = math.fsum(row.count for row in rows)
    linked = math.fsum(row.count for row in rows if row.person_key is not None)
    return linked / total


def _months_before(day: dt.date, months: int) -> dt.date:
    """The same day `months` earlier; the 31st becomes the month's last day."""
    month_index = day.year * 12 + day.month - 1 - months
    year, month = divmod(month_index, 12)
    month += 1
    for last in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable: every month has a 28th")  # pragma: no cover
