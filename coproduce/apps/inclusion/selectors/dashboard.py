"""Reads for the organisation's inclusion dashboard: trends by quarter.

Per engagement, the figures come from its newest done snapshot (frozen). Each
engagement counts in the quarter it closed (open ones in the quarter of their
snapshot). Figures about the whole organisation — how concentrated
contributions are and the share of usual suspects — are computed at each
quarter's end over the 12 months before it, from the contributions themselves.
The answered-back rate counts engagements closed in the quarter.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, replace
from datetime import date, timedelta

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _

from coproduce.analytics.errors import InputError
from coproduce.analytics.representation import (
    Contribution,
    concentration,
    usual_suspects,
)
from coproduce.apps.accounts.models import User
from coproduce.apps.core.about_you import ABOUT_YOU_LABELS
from coproduce.apps.core.tables import HIDDEN, Cell, Table, TableColumn
from coproduce.apps.engagements.figures import response_figures_compute
from coproduce.apps.engagements.models import Engagement
from coproduce.apps.inclusion.disclosure import Disclosure, protected_percent
from coproduce.apps.inclusion.models import InclusionSnapshot
from coproduce.apps.inclusion.permissions import can_view_inclusion
from coproduce.apps.inclusion.selectors.common import hidden_note
from coproduce.apps.inclusion.selectors.contributions import (
    OrganisationContributions,
    contributions_for_organisation,
    local_date,
)
from coproduce.apps.organisations.models import Organisation

MAX_QUARTERS = 12
WINDOW_DAYS = 365
CLOSED_OR_LATER = (
    Engagement.Status.CLOSED,
    Engagement.Status.RESPONDED,
    Engagement.Status.ARCHIVED,
)

Quarter = tuple[int, int]  # (year, 1–4)


def quarter_of(day: date) -> Quarter:
    return day.year, (day.month - 1) // 3 + 1


def quarter_end(quarter: Quarter) -> date:
    year, number = quarter
    if number == 4:
        return date(year, 12, 31)
    return date(year, number * 3 + 1, 1) - timedelta(days=1)


def quarter_label(quarter: Quarter) -> str:
    return f"{quarter[0]} Q{quarter[1]}"


def _next(quarter: Quarter) -> Quarter:
    year, number = quarter
    return (year + 1, 1) if number == 4 else (year, number + 1)


@dataclass(frozen=True, slots=True)
class EngagementInclusionRow:
    engagement: Engagement
    snapshot: InclusionSnapshot
    quarter: str
    closed_on: date | None  # None while open
    n_responses: Cell
    score: float | None
    is_score_comparable: bool  # scored on the most common characteristics
    newcomer_pct: Cell
    usual_suspect_pct: Cell
    is_linked_share_low: bool


@dataclass(frozen=True, slots=True)
class QuarterFigures:
    quarter: str
    end_on: date
    n_engagements: int
    mean_score: float | None
    gini_corrected: float | None
    top_10_pct: float | None
    usual_suspect_pct: Cell
    newcomer_pct: Cell
    n_closed: int
    answered_pct: float | None
    median_days_to_answer: float | None


@dataclass(frozen=True, slots=True)
class InclusionDashboard:
    rows: tuple[EngagementInclusionRow, ...]
    quarters: tuple[QuarterFigures, ...]
    common_characteristics: tuple[str, ...]  # labels of the most common set
    n_other_sets: int  # snapshots scored on another set, left out of the trend
    n_engagements_without_snapshot: int


def _latest_done(organisation: Organisation) -> list[InclusionSnapshot]:
    """The newest done snapshot of each engagement (one query)."""
    newest: dict[int, InclusionSnapshot] = {}
    for snapshot in (
        InclusionSnapshot.objects.filter(
            organisation=organisation, status=InclusionSnapshot.Status.DONE
        )
        .select_related("engagement__organisation")
        .order_by("engagement_id", "-finished_at", "-pk")
    ):
        newest.setdefault(snapshot.engagement_id, snapshot)
    return list(newest.values())


def _bucket_on(snapshot: InclusionSnapshot) -> tuple[date, date | None]:
    """(day that decides the quarter, closing day or None while open)."""
    engagement = snapshot.engagement
    if engagement.status in CLOSED_OR_LATER:
        moment = engagement.closed_at or engagement.closes_at
        if moment is not None:
            day = local_date(moment)
            return day, day
    finished = snapshot.finished_at or snapshot.created_at
    return local_date(finished), None


def _organisation_figures(
    contributions: tuple[Contribution, ...], end_on: date, disclosure: Disclosure
) -> tuple[float | None, float | None, Cell]:
    """(G*, top-10 % share in %, U_3 in %) over the 12 months to `end_on`."""
    after = end_on - timedelta(days=WINDOW_DAYS)
    per_person = Counter[str]()
    for c in contributions:
        if c.person_key is not None and after < c.contributed_on <= end_on:
            per_person[c.person_key] += c.count
    gini = top_10 = None
    if len(per_person) >= 2:
        result = concentration(sorted(per_person.values()))
        gini = result.gini_corrected
        top_10 = result.top_10_share * 100 if result.is_top_10_shown else None
    usual: Cell = None
    try:
        suspects = usual_suspects(contributions, reference_on=end_on)
    except InputError:
        pass
    else:
        usual = protected_percent(
            suspects.n_usual_suspects, suspects.usual_suspect_share, disclosure
        )
    return gini, top_10, usual


def inclusion_dashboard(
    *,
    actor: User | AnonymousUser,
    organisation: Organisation,
    disclosure: Disclosure,
    today: date | None = None,
    loaded: OrganisationContributions | None = None,
) -> InclusionDashboard:
    """Trends of who takes part, by quarter, and one row per engagement.

    Raises PermissionDenied for people outside the organisation. Four queries
    plus one per engagement never snapshotted count (one COUNT).
    """
    if not can_view_inclusion(actor, organisation):
        raise PermissionDenied
    today = today or timezone.localdate()
    snapshots = _latest_done(organisation)
    n_without = (
        Engagement.objects.filter(organisation=organisation)
        .exclude(status__in=(Engagement.Status.DRAFT, Engagement.Status.SCHEDULED))
        .exclude(pk__in=[s.engagement_id for s in snapshots])
        .count()
    )
    if not snapshots:
        return InclusionDashboard((), (), (), 0, n_without)
    sets = Counter(tuple(s.characteristics) for s in snapshots if s.score is not None)
    common: tuple[str, ...] = ()
    if sets:
        # Most common; ties go to the larger set, then alphabetically.
        common = max(sets, key=lambda names: (sets[names], len(names), names))
    n_other_sets = sum(n for names, n in sets.items() if names != common)
    by_quarter: dict[Quarter, list[InclusionSnapshot]] = {}
    rows = []
    for snapshot in snapshots:
        bucket_on, closed_on = _bucket_on(snapshot)
        quarter = quarter_of(bucket_on)
        by_quarter.setdefault(quarter, []).append(snapshot)
        result = snapshot.result
        usual = result["usual_suspects"]
        newcomers = result["newcomers"]
        rows.append(
            EngagementInclusionRow(
                engagement=snapshot.engagement,
                snapshot=snapshot,
                quarter=quarter_label(quarter),
                closed_on=closed_on,
                n_responses=HIDDEN
                if disclosure.hides(int(result["n_responses"]))
                else int(result["n_responses"]),
                score=snapshot.score,
                is_score_comparable=tuple(snapshot.characteristics) == common,
                newcomer_pct=protected_percent(
                    int(newcomers["n_newcomers"]), newcomers["share"], disclosure
                ),
                usual_suspect_pct=protected_percent(
                    int(usual["engagement_n_usual_suspects"]),
                    usual["engagement_share"],
                    disclosure,
                ),
                is_linked_share_low=bool(result["is_linked_share_low"]),
            )
        )
    rows.sort(
        key=lambda row: (
            row.closed_on is None,
            row.closed_on or date.max,
            row.engagement.pk,
        ),
        reverse=True,
    )
    loaded = loaded or contributions_for_organisation(organisation=organisation)
    first, last = min(by_quarter), max(by_quarter)
    quarters_range: list[Quarter] = [first]
    while quarters_range[-1] < last:
        quarters_range.append(_next(quarters_range[-1]))
    quarters_range = quarters_range[-MAX_QUARTERS:]
    quarters = []
    for quarter in quarters_range:
        in_quarter = by_quarter.get(quarter, [])
        end_on = min(quarter_end(quarter), today)
        scores = [
            s.score
            for s in in_quarter
            if s.score is not None and tuple(s.characteristics) == common
        ]
        n_newcomers = sum(int(s.result["newcomers"]["n_newcomers"]) for s in in_quarter)
        n_linked = sum(
            int(s.result["newcomers"]["n_linked_participants"]) for s in in_quarter
        )
        gini, top_10, usual = _organisation_figures(
            loaded.contributions, end_on, disclosure
        )
        closed = [
            t
            for t in loaded.timelines.values()
            if t.status in CLOSED_OR_LATER
            and t.closed_at is not None
            and quarter_of(local_date(t.closed_at)) == quarter
        ]
        answered = response_figures_compute(
            n_closed=len(closed),
            days_to_answer=[
                max((t.response_published_at - t.closed_at).days, 0)
                for t in closed
                if t.response_published_at is not None and t.closed_at is not None
            ],
        )
        quarters.append(
            QuarterFigures(
                quarter=quarter_label(quarter),
                end_on=end_on,
                n_engagements=len(in_quarter),
                mean_score=math.fsum(scores) / len(scores) if scores else None,
                gini_corrected=gini,
                top_10_pct=top_10,
                usual_suspect_pct=usual,
                newcomer_pct=protected_percent(
                    n_newcomers,
                    n_newcomers / n_linked if n_linked else None,
                    disclosure,
                ),
                n_closed=answered.n_closed,
                answered_pct=answered.answered_share * 100
                if answered.answered_share is not None
                else None,
                median_days_to_answer=answered.median_days_to_answer,
            )
        )
    return InclusionDashboard(
        rows=tuple(rows),
        quarters=tuple(quarters),
        common_characteristics=tuple(
            str(ABOUT_YOU_LABELS.get(name, name)) for name in common
        ),
        n_other_sets=n_other_sets,
        n_engagements_without_snapshot=n_without,
    )


def inclusion_dashboard_tables(
    dashboard: InclusionDashboard, disclosure: Disclosure
) -> tuple[Table, ...]:
    """The dashboard's figures as downloadable tables: trends by quarter, then
    each engagement's latest figures. Hidden figures stay hidden."""
    trends = Table(
        slug="trends",
        title=str(_("Inclusion by quarter")),
        columns=(
            TableColumn("quarter", str(_("Quarter"))),
            TableColumn("engagements", str(_("Engagements")), "count"),
            TableColumn("score", str(_("Representativeness score")), "number"),
            TableColumn("gini", str(_("Gini G*")), "number"),
            TableColumn("top_10", str(_("Most active 10%")), "percent"),
            TableColumn("usual_suspects", str(_("Usual suspects")), "percent"),
            TableColumn("newcomers", str(_("Newcomers")), "percent"),
            TableColumn("closed", str(_("Engagements closed")), "count"),
            TableColumn("answered", str(_("Answered")), "percent"),
            TableColumn("median_days", str(_("Median days to answer")), "number"),
        ),
        rows=tuple(
            (
                quarter.quarter,
                quarter.n_engagements,
                quarter.mean_score,
                quarter.gini_corrected,
                quarter.top_10_pct,
                quarter.usual_suspect_pct,
                quarter.newcomer_pct,
                quarter.n_closed,
                quarter.answered_pct,
                quarter.median_days_to_answer,
            )
            for quarter in dashboard.quarters
        ),
    )
    engagements = Table(
        slug="engagements",
        title=str(_("Each engagement's latest figures")),
        columns=(
            TableColumn("engagement", str(_("Engagement"))),
            TableColumn("closed", str(_("Closed"))),
            TableColumn("responses", str(_("Responses")), "count"),
            TableColumn("score", str(_("Score")), "number"),
            TableColumn("newcomers", str(_("Newcomers")), "percent"),
            TableColumn("usual_suspects", str(_("Usual suspects")), "percent"),
        ),
        rows=tuple(
            (
                row.engagement.title,
                row.closed_on.isoformat() if row.closed_on else str(_("Open")),
                row.n_responses,
                row.score,
                row.newcomer_pct,
                row.usual_suspect_pct,
            )
            for row in dashboard.rows
        ),
    )
    return tuple(
        replace(table, notes=(hidden_note(disclosure),)) if table.has_hidden else table
        for table in (trends, engagements)
    )
