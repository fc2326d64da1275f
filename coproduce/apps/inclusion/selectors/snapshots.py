"""Reads for inclusion snapshots: an engagement's history and one snapshot in words.

Counts of people below the small-number threshold, and the shares that would
give them away, are replaced by `HIDDEN` for readers without exact access
(disclosure.py); the template says "fewer than N". This module is the one place
where snapshot figures meet disclosure.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, replace
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from coproduce.apps.accounts.models import User
from coproduce.apps.core.about_you import ABOUT_YOU_LABELS
from coproduce.apps.core.tables import HIDDEN, Cell, Table, TableColumn
from coproduce.apps.engagements.models import Engagement
from coproduce.apps.inclusion.disclosure import (
    Disclosure,
    hidden_positions,
    protected_count,
    protected_percent,
)
from coproduce.apps.inclusion.models import InclusionSnapshot
from coproduce.apps.inclusion.permissions import can_view_inclusion
from coproduce.apps.inclusion.selectors.common import (
    choice_label,
    hidden_note,
    reading_label,
)

REASONS: dict[str, Promise] = {
    "no_profile": _("There is no population profile to compare with."),
    "no_margin": _("The population profile has no figures for this."),
    "no_answers": _("Nobody answered this question."),
    "not_comparable": _(
        "Could not compare: some answers are in a group the population profile "
        "has no residents for. Check the profile's age base and areas."
    ),
    "too_few_people": _(
        "Fewer than two linked people took part, so there is no spread to measure."
    ),
    "nobody_linked": _(
        "No contribution could be linked to a person (an account or an e-mail "
        "address), so people cannot be followed across engagements."
    ),
    "no_contributions": _("Nobody has taken part yet."),
}


def inclusion_snapshot_list(
    *, actor: User | AnonymousUser, engagement: Engagement
) -> QuerySet[InclusionSnapshot]:
    """The engagement's snapshots, newest first, with who asked for each.

    Raises PermissionDenied for people outside the organisation.
    """
    if not can_view_inclusion(actor, engagement.organisation):
        raise PermissionDenied
    return (
        InclusionSnapshot.objects.filter(engagement=engagement)
        .select_related("requested_by", "profile")
        .order_by("-created_at", "-pk")
    )


def inclusion_snapshot_get(
    *, actor: User | AnonymousUser, engagement: Engagement, pk: int
) -> InclusionSnapshot:
    """One snapshot of the engagement; 404 if missing or another engagement's."""
    return get_object_or_404(
        inclusion_snapshot_list(actor=actor, engagement=engagement), pk=pk
    )


@dataclass(frozen=True, slots=True)
class CategoryFigures:
    label: str
    n_participants: Cell
    participant_pct: Cell
    population_pct: float
    difference_points: Cell
    reading: str
    is_under_represented: bool


@dataclass(frozen=True, slots=True)
class CharacteristicFigures:
    name: str
    label: str
    n_participants: Cell
    n_unknown: Cell
    coverage_pct: float
    is_coverage_low: bool
    is_small_sample: bool
    dissimilarity_pct: float
    categories: tuple[CategoryFigures, ...]


@dataclass(frozen=True, slots=True)
class DecileFigures:
    decile: int
    n_participants: Cell
    participant_pct: Cell
    resident_pct: float
    ratio: Cell  # None when no resident lives in the decile
    reading: str
    is_under_represented: bool


@dataclass(frozen=True, slots=True)
class DeprivationFigures:
    """Reach by decile for one deprivation index (one nation)."""

    index: str
    n_participants: Cell  # responses coded to a decile
    n_unknown: Cell
    n_out_of_area: Cell
    coverage_pct: float | None
    is_by_small_areas: bool  # residents unknown: each small area counted once
    deprived_reach_ratio: Cell  # R_dep = p(1–2) / q(1–2)
    least_deprived_ratio: Cell  # r(9–10)
    gradient: Cell  # R_dep / r(9–10)
    deciles: tuple[DecileFigures, ...]
    problem: str  # why reach could not be worked out, else ""


@dataclass(frozen=True, slots=True)
class SnapshotReport:
    """One done snapshot's figures, in words and percentages, protected."""

    snapshot: InclusionSnapshot
    reference_on: str
    n_responses: Cell
    n_comments: Cell
    n_participants: Cell
    n_unlinked_contributions: Cell
    linked_pct: float | None
    is_linked_share_low: bool
    score: float | None
    characteristics: tuple[CharacteristicFigures, ...]
    left_out: tuple[tuple[str, str], ...]  # (label, reason in words)
    missing_groups: tuple[tuple[str, str], ...]  # (characteristic, group)
    gini: float | None
    gini_corrected: float | None
    top_10_pct: float | None
    top_1_pct: float | None
    concentration_reason: str
    lorenz_points: tuple[tuple[float, float], ...]
    # (per cent of people, least active first; per cent of contributions they made)
    lorenz_deciles: tuple[tuple[int, float], ...]
    usual_suspect_pct: Cell
    usual_suspect_contribution_pct: Cell
    engagement_usual_suspect_pct: Cell
    usual_suspects_reason: str
    newcomer_pct: Cell
    n_newcomers: Cell
    is_short_history: bool
    newcomers_reason: str
    is_small_sample: bool  # fewer than 30 responses: officers are warned
    deprivation: tuple[DeprivationFigures, ...] = ()


def _pct(value: Any) -> float | None:
    return None if value is None else float(value) * 100


def _characteristic(
    item: dict[str, Any], disclosure: Disclosure
) -> CharacteristicFigures:
    name = str(item["name"])
    categories = item["categories"]
    hidden = hidden_positions(
        [int(c["n_participants"]) for c in categories], disclosure
    )
    rows = []
    for index, category in enumerate(categories):
        is_hidden = index in hidden
        rows.append(
            CategoryFigures(
                label=choice_label(name, str(category["value"])),
                n_participants=HIDDEN if is_hidden else int(category["n_participants"]),
                participant_pct=HIDDEN
                if is_hidden
                else float(category["participant_share"]) * 100,
                population_pct=float(category["population_share"]) * 100,
                difference_points=HIDDEN
                if is_hidden
                else float(category["difference_points"]),
                reading=reading_label(category["reading"]),
                is_under_represented=category["reading"] == "under-represented",
            )
        )
    return CharacteristicFigures(
        name=name,
        label=str(ABOUT_YOU_LABELS.get(name, name)),
        n_participants=protected_count(int(item["n_participants"]), disclosure),
        n_unknown=protected_count(int(item["n_unknown"]), disclosure),
        coverage_pct=float(item["coverage_share"]) * 100,
        is_coverage_low=bool(item["is_coverage_low"]),
        is_small_sample=bool(item["is_small_sample"]),
        dissimilarity_pct=float(item["dissimilarity"]) * 100,
        categories=tuple(rows),
    )


def _deprivation(item: dict[str, Any], disclosure: Disclosure) -> DeprivationFigures:
    deciles = item.get("deciles") or []
    hidden = hidden_positions([int(d["n_participants"]) for d in deciles], disclosure)
    rows = tuple(
        DecileFigures(
            decile=int(decile["decile"]),
            n_participants=HIDDEN if index in hidden else int(decile["n_participants"]),
            participant_pct=HIDDEN
            if index in hidden
            else float(decile["participant_share"]) * 100,
            resident_pct=float(decile["resident_share"]) * 100,
            ratio=HIDDEN if index in hidden else decile["ratio"],
            reading=reading_label(decile["reading"]),
            is_under_represented=decile["reading"] == "under-represented",
        )
        for index, decile in enumerate(deciles)
    )
    coverage = item.get("coverage_share")
    # The headline ratios give away the count of the two deciles they compare.
    by_decile = {int(d["decile"]): int(d["n_participants"]) for d in deciles}
    most = disclosure.hides(by_decile.get(1, 0) + by_decile.get(2, 0))
    least = disclosure.hides(by_decile.get(9, 0) + by_decile.get(10, 0))
    return DeprivationFigures(
        index=str(item.get("edition") or item.get("index") or ""),
        n_participants=protected_count(int(item["n_participants"]), disclosure),
        n_unknown=protected_count(int(item["n_unknown"]), disclosure),
        n_out_of_area=protected_count(int(item["n_out_of_area"]), disclosure),
        coverage_pct=None if coverage is None else float(coverage) * 100,
        is_by_small_areas=item.get("residents_basis") == "small_areas",
        deprived_reach_ratio=HIDDEN if most else item.get("deprived_reach_ratio"),
        least_deprived_ratio=HIDDEN if least else item.get("least_deprived_ratio"),
        gradient=HIDDEN if most or least else item.get("gradient"),
        deciles=rows,
        problem=str(item.get("problem") or ""),
    )


def lorenz_deciles(
    points: tuple[tuple[float, float], ...],
) -> tuple[tuple[int, float], ...]:
    """The Lorenz curve read at every 10 % of people, along its straight segments."""
    if len(points) < 2:
        return ()
    deciles = []
    for tenth in range(11):
        u = tenth / 10
        for (u0, c0), (u1, c1) in itertools.pairwise(points):
            if u0 <= u <= u1:
                c = c0 if u1 == u0 else c0 + (c1 - c0) * (u - u0) / (u1 - u0)
                deciles.append((tenth * 10, c * 100))
                break
    return tuple(deciles)


def _reason(code: str) -> str:
    return str(REASONS[code]) if code in REASONS else ""


def inclusion_snapshot_report(
    *, snapshot: InclusionSnapshot, disclosure: Disclosure
) -> SnapshotReport | None:
    """A done snapshot's figures for the page; None if it has none (yet)."""
    result = snapshot.result
    if snapshot.status != InclusionSnapshot.Status.DONE or not result:
        return None
    concentration = result["concentration"]
    usual = result["usual_suspects"]
    newcomers = result["newcomers"]
    lorenz = tuple((float(u), float(c)) for u, c in concentration["lorenz_points"])
    missing = tuple(
        (
            str(ABOUT_YOU_LABELS.get(group["characteristic"], group["characteristic"])),
            choice_label(group["characteristic"], group["value"]),
        )
        for group in result["missing_groups"]
    )
    return SnapshotReport(
        snapshot=snapshot,
        reference_on=str(result["reference_on"]),
        n_responses=protected_count(int(result["n_responses"]), disclosure),
        n_comments=protected_count(int(result["n_comments"]), disclosure),
        n_participants=protected_count(int(result["n_participants"]), disclosure),
        n_unlinked_contributions=protected_count(
            int(result["n_unlinked_contributions"]), disclosure
        ),
        linked_pct=_pct(result["linked_share"]),
        is_linked_share_low=bool(result["is_linked_share_low"]),
        score=result["score"],
        characteristics=tuple(
            _characteristic(item, disclosure) for item in result["characteristics"]
        ),
        left_out=tuple(
            (
                str(ABOUT_YOU_LABELS.get(item["name"], item["name"])),
                _reason(item["reason"]),
            )
            for item in result["left_out"]
        ),
        missing_groups=missing,
        gini=concentration["gini"],
        gini_corrected=concentration["gini_corrected"],
        top_10_pct=_pct(concentration["top_10_share"]),
        top_1_pct=_pct(concentration["top_1_share"]),
        concentration_reason=_reason(concentration["reason"]),
        lorenz_points=lorenz,
        lorenz_deciles=lorenz_deciles(lorenz),
        usual_suspect_pct=protected_percent(
            int(usual["n_usual_suspects"]), usual["share"], disclosure
        ),
        usual_suspect_contribution_pct=protected_percent(
            int(usual["n_usual_suspects"]), usual["contribution_share"], disclosure
        ),
        engagement_usual_suspect_pct=protected_percent(
            int(usual["engagement_n_usual_suspects"]),
            usual["engagement_share"],
            disclosure,
        ),
        usual_suspects_reason=_reason(usual["reason"]),
        newcomer_pct=protected_percent(
            int(newcomers["n_newcomers"]), newcomers["share"], disclosure
        ),
        n_newcomers=protected_count(int(newcomers["n_newcomers"]), disclosure),
        is_short_history=bool(newcomers["is_short_history"]),
        newcomers_reason=_reason(newcomers["reason"]),
        is_small_sample=int(result["n_responses"]) < 30,
        # Snapshots taken before reach was computed hold null here.
        deprivation=tuple(
            _deprivation(item, disclosure) for item in result.get("deprivation") or []
        ),
    )


def snapshot_report_tables(
    report: SnapshotReport, disclosure: Disclosure
) -> tuple[Table, ...]:
    """A snapshot's figures as downloadable tables, hidden figures hidden:
    key figures, one table per characteristic, the Lorenz curve at every 10 %
    of people, and reach by decile for each deprivation index."""
    key_figures = Table(
        slug="key-figures",
        title=str(_("Key figures")),
        columns=(
            TableColumn("figure", str(_("Figure"))),
            TableColumn("value", str(_("Value")), "number"),
        ),
        rows=(
            (str(_("Survey responses")), report.n_responses),
            (str(_("Comments")), report.n_comments),
            (str(_("People we can follow across engagements")), report.n_participants),
            (str(_("Contributions linked to a person (%)")), report.linked_pct),
            (str(_("Representativeness score")), report.score),
            (str(_("Gini G*")), report.gini_corrected),
            (str(_("Most active 10% (% of contributions)")), report.top_10_pct),
            (str(_("Usual suspects (% of people)")), report.usual_suspect_pct),
            (str(_("Newcomers (% of people)")), report.newcomer_pct),
        ),
    )
    tables = [key_figures]
    for characteristic in report.characteristics:
        tables.append(
            Table(
                slug=characteristic.name,
                title=characteristic.label,
                columns=(
                    TableColumn("group", str(_("Group"))),
                    TableColumn("people", str(_("People")), "count"),
                    TableColumn("took_part", str(_("Took part")), "percent"),
                    TableColumn("residents", str(_("Residents")), "percent"),
                    TableColumn(
                        "difference", str(_("Difference (percentage points)")), "number"
                    ),
                    TableColumn("reading", str(_("Reading"))),
                ),
                rows=tuple(
                    (
                        row.label,
                        row.n_participants,
                        row.participant_pct,
                        row.population_pct,
                        row.difference_points,
                        row.reading,
                    )
                    for row in characteristic.categories
                ),
            )
        )
    if report.lorenz_deciles:
        tables.append(
            Table(
                slug="lorenz",
                title=str(_("Lorenz curve")),
                columns=(
                    TableColumn("people", str(_("Least active people")), "percent"),
                    TableColumn(
                        "share", str(_("Their share of contributions")), "percent"
                    ),
                ),
                rows=tuple(
                    (float(people), share) for people, share in report.lorenz_deciles
                ),
            )
        )
    for number, reach in enumerate(report.deprivation, start=1):
        if reach.problem:
            continue
        tables.append(
            Table(
                slug=f"deprivation-{number}",
                title=str(_("Deprivation deciles (%(index)s)"))
                % {"index": reach.index},
                columns=(
                    TableColumn("decile", str(_("Decile"))),
                    TableColumn("responses", str(_("Responses")), "count"),
                    TableColumn("took_part", str(_("Took part")), "percent"),
                    TableColumn("residents", str(_("Residents")), "percent"),
                    TableColumn("reading", str(_("Reading"))),
                ),
                rows=tuple(
                    (
                        str(row.decile),
                        row.n_participants,
                        row.participant_pct,
                        row.resident_pct,
                        row.reading,
                    )
                    for row in reach.deciles
                ),
            )
        )
    return tuple(
        replace(table, notes=(hidden_note(disclosure),)) if table.has_hidden else table
        for table in tables
    )
