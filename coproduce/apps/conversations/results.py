"""Reads for the opinion-map pages: the latest snapshot in words and tables.

Everything here reads the frozen result JSON of the latest snapshot (never
the engine) plus a few live counts, so a page never waits for a run. Shares
shown are raw: agreed ÷ voted, with both counts (spec §1); the smoothed
statistics only chose which statements to show. On public pages, groups
smaller than `COPRODUCE_OPINION_MAP_MIN_DISPLAY_GROUP` keep their size but
not their shares.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.conf import settings
from django.db.models import Count
from django.db.models.functions import TruncDate
from django.utils.translation import gettext as _

from coproduce.analytics.opinion_map.compare import (
    GroupingComparison,
    compare_groupings,
)
from coproduce.apps.conversations.models import (
    Conversation,
    OpinionMapRun,
    OpinionMapSnapshot,
    Participant,
    ReferenceGrouping,
    Statement,
    VoteEvent,
)
from coproduce.apps.core.tables import HIDDEN, Cell, Table, TableColumn

LABELS = "ABCDE"
#: The chart gets at most this many dots; more would only slow the browser.
MAX_CHART_POINTS = 5_000
CONSENSUS_PICK = 5
GIC_PICK = 10


def min_display_group() -> int:
    return int(getattr(settings, "COPRODUCE_OPINION_MAP_MIN_DISPLAY_GROUP", 5))


def group_label(index: int) -> str:
    return LABELS[index] if 0 <= index < len(LABELS) else str(index + 1)


def _pct(part: int, whole: int) -> float | None:
    return 100.0 * part / whole if whole else None


# --- status ----------------------------------------------------------------------


@dataclass(frozen=True)
class MapStatus:
    """The latest snapshot (without its state bytes) and the latest run."""

    snapshot: OpinionMapSnapshot | None
    run: OpinionMapRun | None

    @property
    def is_busy(self) -> bool:
        return self.run is not None and self.run.is_active

    @property
    def failed_run(self) -> OpinionMapRun | None:
        """The latest run if it failed: its error is shown over the older map."""
        if self.run is not None and self.run.status == OpinionMapRun.Status.FAILED:
            return self.run
        return None

    @property
    def snapshot_run(self) -> OpinionMapRun | None:
        return self.snapshot.run if self.snapshot is not None else None

    @property
    def is_ready(self) -> bool:
        """A map worth showing: a snapshot whose engine found groups."""
        return (
            self.snapshot is not None
            and self.snapshot.result.get("status") == "ok"
            and bool(self.snapshot.result.get("groups"))
        )


def opinion_map_status(*, conversation: Conversation) -> MapStatus:
    """The latest snapshot and run of a conversation (two queries)."""
    snapshot = (
        OpinionMapSnapshot.objects.filter(conversation=conversation)
        .select_related("run")
        .defer("state")
        .order_by("-created_at", "-pk")
        .first()
    )
    run = (
        OpinionMapRun.objects.filter(conversation=conversation)
        .order_by("-requested_at", "-pk")
        .first()
    )
    return MapStatus(snapshot=snapshot, run=run)


# --- the map in words --------------------------------------------------------------


@dataclass(frozen=True)
class Share:
    """One statement's raw share in a group and among everyone else."""

    number: int
    text: str
    direction: str  # "agree" or "disagree"
    n_success: int
    n_trials: int
    n_others_success: int
    n_others_trials: int
    is_best_agree: bool

    @property
    def group_pct(self) -> float | None:
        return _pct(self.n_success, self.n_trials)

    @property
    def others_pct(self) -> float | None:
        return _pct(self.n_others_success, self.n_others_trials)


@dataclass(frozen=True)
class GroupView:
    index: int
    size: int
    centre: tuple[float, float]
    representative: tuple[Share, ...]
    is_hidden: bool  # shares withheld (public page, small group)

    @property
    def label(self) -> str:
        return group_label(self.index)

    @property
    def agreed(self) -> tuple[Share, ...]:
        return tuple(s for s in self.representative if s.direction == "agree")

    @property
    def disagreed(self) -> tuple[Share, ...]:
        return tuple(s for s in self.representative if s.direction == "disagree")


@dataclass(frozen=True)
class ConsensusView:
    number: int
    text: str
    n_success: int
    n_trials: int

    @property
    def pct(self) -> float | None:
        return _pct(self.n_success, self.n_trials)


@dataclass(frozen=True)
class StatementRow:
    statement: Statement
    figures: dict[str, Any] | None  # the snapshot's figures, None if no votes then
    gic_rank: int | None


@dataclass(frozen=True)
class OpinionMapReport:
    """A snapshot made readable: groups, consensus, GIC and statement rows."""

    status: MapStatus
    is_public: bool
    explained_pct: float | None = None
    n_participants: int = 0
    n_in_conv: int = 0
    groups: tuple[GroupView, ...] = ()
    consensus_agree: tuple[ConsensusView, ...] = ()
    consensus_disagree: tuple[ConsensusView, ...] = ()
    gic: tuple[Statement, ...] = ()
    statements: tuple[StatementRow, ...] = ()
    points: tuple[dict[str, Any], ...] = ()
    n_points_total: int = 0
    threshold: int = field(default_factory=min_display_group)
    # Imported conversations: our groups against Polis's own (spec §5).
    polis_comparison: GroupingComparison | None = None

    @property
    def n_in_groups(self) -> int:
        return sum(group.size for group in self.groups)

    @property
    def is_sampled(self) -> bool:
        return len(self.points) < self.n_points_total

    @property
    def has_hidden_groups(self) -> bool:
        return any(group.is_hidden for group in self.groups)


def _sample(points: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """At most MAX_CHART_POINTS, every k-th by participant number: the same
    snapshot always gives the same dots."""
    if len(points) <= MAX_CHART_POINTS:
        return points
    step = math.ceil(len(points) / MAX_CHART_POINTS)
    ordered = sorted(points, key=lambda p: p["participant_id"])
    return ordered[::step]


def opinion_map_report(
    *, conversation: Conversation, is_public: bool
) -> OpinionMapReport:
    """The latest snapshot of a conversation in words, for every results page.

    Without a snapshot worth showing, only the status is filled in.
    """
    status = opinion_map_status(conversation=conversation)
    statements = {
        s.number: s
        for s in Statement.objects.filter(conversation=conversation).order_by("number")
    }
    if status.snapshot is None:
        rows = tuple(StatementRow(s, None, None) for s in statements.values())
        return OpinionMapReport(status=status, is_public=is_public, statements=rows)
    result: dict[str, Any] = status.snapshot.result
    threshold = min_display_group()
    figures = {int(s["statement_id"]): s for s in result.get("statements", [])}

    def text(number: int) -> str:
        statement = statements.get(number)
        return statement.text if statement is not None else f"#{number}"

    groups = []
    for group in result.get("groups", []):
        label = str(group["label"])
        shares = []
        for rep in group.get("representative", []):
            number = int(rep["statement_id"])
            by_group = figures.get(number, {}).get("by_group", {})
            column = 0 if rep["direction"] == "agree" else 1
            others = [c for g, c in by_group.items() if g != label]
            shares.append(
                Share(
                    number=number,
                    text=text(number),
                    direction=rep["direction"],
                    n_success=int(rep["n_success"]),
                    n_trials=int(rep["n_trials"]),
                    n_others_success=sum(int(c[column]) for c in others),
                    n_others_trials=sum(int(c[2]) for c in others),
                    is_best_agree=bool(rep.get("is_best_agree")),
                )
            )
        size = int(group["size"])
        groups.append(
            GroupView(
                index=int(group["label"]),
                size=size,
                centre=(float(group["centre"][0]), float(group["centre"][1])),
                representative=tuple(shares),
                is_hidden=is_public and size < threshold,
            )
        )
    consensus = result.get("consensus", {})

    def consensus_list(direction: str) -> tuple[ConsensusView, ...]:
        return tuple(
            ConsensusView(
                number=int(c["statement_id"]),
                text=text(int(c["statement_id"])),
                n_success=int(c["n_success"]),
                n_trials=int(c["n_trials"]),
            )
            for c in consensus.get(direction, [])[:CONSENSUS_PICK]
        )

    ranked = sorted(
        (s for s in figures.values() if s.get("gic") is not None),
        key=lambda s: (-float(s["gic"]), int(s["statement_id"])),
    )
    ranked = [s for s in ranked if not s.get("is_moderated_out")]
    gic_rank = {int(s["statement_id"]): rank for rank, s in enumerate(ranked, 1)}
    points = [
        {
            "participant_id": int(p["participant_id"]),
            "x": round(float(p["x"]), 4),
            "y": round(float(p["y"]), 4),
            "group": group_label(int(p["group"]))
            if p.get("group") is not None
            else str(_("Not in a group")),
        }
        for p in result.get("participants", [])
    ]
    shares = result.get("explained_share") or []
    return OpinionMapReport(
        polis_comparison=_polis_comparison(conversation, result),
        status=status,
        is_public=is_public,
        explained_pct=100.0 * sum(shares) if shares else None,
        n_participants=int(result.get("n_participants", 0)),
        n_in_conv=int(result.get("n_in_conv", 0)),
        groups=tuple(groups),
        consensus_agree=consensus_list("agree"),
        consensus_disagree=consensus_list("disagree"),
        gic=tuple(
            statements[int(s["statement_id"])]
            for s in ranked[:GIC_PICK]
            if int(s["statement_id"]) in statements
        ),
        statements=tuple(
            StatementRow(s, figures.get(number), gic_rank.get(number))
            for number, s in statements.items()
        ),
        points=tuple(_sample(points)),
        n_points_total=len(points),
        threshold=threshold,
    )


def _polis_comparison(
    conversation: Conversation, result: dict[str, Any]
) -> GroupingComparison | None:
    """Adjusted Rand index between our groups and an import's Polis groups."""
    reference = ReferenceGrouping.objects.filter(conversation=conversation).first()
    if reference is None or not reference.group_by_participant:
        return None
    theirs = {
        int(number): int(group)
        for number, group in reference.group_by_participant.items()
        if group is not None
    }
    ours = {
        int(p["participant_id"]): int(p["group"])
        for p in result.get("participants", [])
        if p.get("group") is not None
    }
    return compare_groupings(ours, theirs)


# --- participation ---------------------------------------------------------------


@dataclass(frozen=True)
class Participation:
    n_voters: int
    n_votes: int
    n_commenters: int
    statements_by_state: tuple[tuple[str, int], ...]
    votes_per_day: tuple[tuple[date, int], ...]


def conversation_participation(*, conversation: Conversation) -> Participation:
    """Live counts for the participation page: voters, votes, statements by
    state, people who wrote a statement, and vote events per day."""
    n_voters = Participant.objects.filter(
        conversation=conversation, first_vote_at__isnull=False
    ).count()
    by_state = dict(
        Statement.objects.filter(conversation=conversation)
        .values_list("state")
        .annotate(n=Count("pk"))
        .values_list("state", "n")
    )
    n_commenters = (
        Statement.objects.filter(conversation=conversation, is_seed=False)
        .values("author")
        .distinct()
        .count()
    )
    per_day = (
        VoteEvent.objects.filter(conversation=conversation)
        .annotate(day=TruncDate("cast_at"))
        .values("day")
        .annotate(n=Count("pk"))
        .order_by("day")
        .values_list("day", "n")
    )
    return Participation(
        n_voters=n_voters,
        n_votes=conversation.votes.count(),
        n_commenters=n_commenters,
        statements_by_state=tuple(
            (str(label), int(by_state.get(value, 0)))
            for value, label in Statement.State.choices
        ),
        votes_per_day=tuple((day, int(n)) for day, n in per_day),
    )


# --- tables ------------------------------------------------------------------------


def _pass(counts: list[int] | tuple[int, ...]) -> int:
    return int(counts[2]) - int(counts[0]) - int(counts[1])


def statement_table(report: OpinionMapReport) -> Table:
    """Every statement: votes overall and per group, GIC rank and priority.

    Per-group counts of small groups are hidden ([c]) on public pages.
    """
    hidden = {group.index for group in report.groups if group.is_hidden}
    columns = [
        TableColumn("number", _("Number"), "number"),
        TableColumn("statement", _("Statement")),
        TableColumn("state", _("State")),
        TableColumn("agree", _("Agreed"), "count"),
        TableColumn("disagree", _("Disagreed"), "count"),
        TableColumn("pass", _("Passed"), "count"),
    ]
    for group in report.groups:
        label = group.label
        columns += [
            TableColumn(
                f"group_{label}_agree",
                _("Group %(label)s agreed") % {"label": label},
                "count",
            ),
            TableColumn(
                f"group_{label}_disagree",
                _("Group %(label)s disagreed") % {"label": label},
                "count",
            ),
            TableColumn(
                f"group_{label}_pass",
                _("Group %(label)s passed") % {"label": label},
                "count",
            ),
        ]
    columns += [
        TableColumn("gic_rank", _("Group-informed consensus rank"), "number"),
        TableColumn("priority", _("Priority"), "number"),
    ]
    rows: list[tuple[Cell, ...]] = []
    for row in report.statements:
        statement, figures = row.statement, row.figures
        state = statement.get_state_display()
        if statement.is_meta:
            state = _("%(state)s, about the process") % {"state": state}
        cells: list[Cell] = [statement.number, statement.text, state]
        if figures is None:
            cells += [0, 0, 0]
            cells += [None] * (3 * len(report.groups))
            cells += [None, None]
        else:
            cells += [
                int(figures["n_agree"]),
                int(figures["n_disagree"]),
                int(figures["n_seen"])
                - int(figures["n_agree"])
                - int(figures["n_disagree"]),
            ]
            by_group = figures.get("by_group", {})
            for group in report.groups:
                counts = by_group.get(str(group.index))
                if group.index in hidden:
                    cells += [HIDDEN, HIDDEN, HIDDEN]
                elif counts is None:
                    cells += [None, None, None]
                else:
                    cells += [int(counts[0]), int(counts[1]), _pass(counts)]
            cells += [row.gic_rank, round(float(figures["priority"]), 4)]
        rows.append(tuple(cells))
    notes = [
        _(
            "Votes are each participant's latest vote. Group columns count only "
            "people in that group. A blank rank means the statement is not ranked "
            "(no votes, or moderated out)."
        )
    ]
    if hidden:
        notes.append(
            _("[c]: hidden to protect people in a group smaller than %(n)s.")
            % {"n": report.threshold}
        )
    return Table(
        slug="statements",
        title=_("Statements"),
        columns=tuple(columns),
        rows=tuple(rows),
        notes=tuple(notes),
    )


def groups_table(report: OpinionMapReport) -> Table:
    """The map's table alternative: each group's size and centre."""
    return Table(
        slug="groups",
        title=_("Opinion groups"),
        columns=(
            TableColumn("group", _("Group")),
            TableColumn("size", _("People"), "count"),
            TableColumn("x", _("Centre, across"), "number"),
            TableColumn("y", _("Centre, up"), "number"),
        ),
        rows=tuple(
            (
                _("Group %(label)s") % {"label": group.label},
                group.size,
                round(group.centre[0], 2),
                round(group.centre[1], 2),
            )
            for group in report.groups
        ),
    )


def votes_per_day_table(participation: Participation) -> Table:
    return Table(
        slug="votes-per-day",
        title=_("Votes per day"),
        columns=(
            TableColumn("day", _("Day")),
            TableColumn("votes", _("Votes cast"), "count"),
        ),
        rows=tuple((day.isoformat(), n) for day, n in participation.votes_per_day),
    )
