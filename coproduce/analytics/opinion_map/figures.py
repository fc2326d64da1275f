"""The published figures of a run: statistics per statement and group, and
the frozen result laid out from the run's arrays (spec §3.8–§3.12)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from coproduce.analytics.opinion_map.clustering import GroupSelection
from coproduce.analytics.opinion_map.repness import (
    RepresentativeStatement,
    representative_statements,
)
from coproduce.analytics.opinion_map.result import (
    Group,
    OpinionMapResult,
    ParticipantPoint,
    StatementFigures,
)
from coproduce.analytics.opinion_map.state import OpinionMapState
from coproduce.analytics.opinion_map.statistics import (
    Consensus,
    Tallies,
    consensus_statements,
    group_informed_consensus,
    overall_counts,
    tally_votes,
)
from coproduce.analytics.opinion_map.votes import VoteMatrix

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True, eq=False)
class StatementStatistics:
    """Outputs of the statistics step (spec §3.8–§3.11)."""

    tallies: Tallies  # in-conv rows by public label
    representative: dict[int, tuple[RepresentativeStatement, ...]]
    agree: IntArray  # over all rows
    disagree: IntArray
    seen: IntArray
    consensus: Consensus
    gic: FloatArray  # zeros when there are no groups
    gic_disagree: FloatArray


def statement_statistics(
    matrix: VoteMatrix,
    row_label: IntArray,
    *,
    z_star: float,
    pick: int,
    fallback_requires_votes: bool,
) -> StatementStatistics:
    """Tallies by group, representative and consensus statements, GIC.

    Parameters
    ----------
    matrix
        Latest votes (raw; moderated-out columns included, as tallies need).
    row_label
        Public label index per row for in-conv participants in a group, −1
        for everyone else: tallies, representativeness and GIC use only
        labelled rows; consensus uses every row.
    z_star, pick, fallback_requires_votes
        Spec constants 1.2816 and 5, and the §8 flag.

    Returns
    -------
    StatementStatistics
        GIC is all zeros when no row has a label (callers publish None).

    References
    ----------
    Coproduce opinion-map spec §3.8–§3.11; `statistics` for the formulas.
    """
    tallies = tally_votes(matrix, row_label)
    representative = representative_statements(
        tallies,
        moderated_out=matrix.is_moderated_out,
        z_star=z_star,
        pick=pick,
        fallback_requires_votes=fallback_requires_votes,
    )
    agree, disagree, seen = overall_counts(matrix)
    consensus = consensus_statements(
        agree,
        disagree,
        seen,
        statement_ids=matrix.statement_ids,
        moderated_out=matrix.is_moderated_out,
        z_star=z_star,
        pick=pick,
    )
    if tallies.group_ids.shape[0]:
        gic, gic_disagree = group_informed_consensus(tallies)
    else:
        gic = gic_disagree = np.zeros(matrix.n_statements)
    return StatementStatistics(
        tallies=tallies,
        representative=dict(representative),
        agree=np.asarray(agree, dtype=np.int64),
        disagree=np.asarray(disagree, dtype=np.int64),
        seen=np.asarray(seen, dtype=np.int64),
        consensus=consensus,
        gic=np.asarray(gic, dtype=np.float64),
        gic_disagree=np.asarray(gic_disagree, dtype=np.float64),
    )


def assemble_result(
    *,
    params: dict[str, Any],
    random_state: int,
    state: OpinionMapState,
    matrix: VoteMatrix,
    xy: FloatArray,
    in_conv_rows: IntArray,
    row_base: IntArray,
    row_label: IntArray,
    group_labels: dict[int, int],
    selection: GroupSelection | None,
    explained: tuple[float, ...],
    statement_xy: FloatArray,
    extremity: FloatArray,
    priority: FloatArray,
    is_meta: npt.NDArray[np.bool_],
    figures: StatementStatistics,
) -> OpinionMapResult:
    """Lay a run's arrays out as the frozen, published result.

    Participants come in row order, statements in column order, groups in
    label order; a group's centre is the mean position of its members. The
    status is "ok" exactly when groups are published.
    """
    is_in_conv = np.zeros(matrix.n_participants, dtype=bool)
    is_in_conv[in_conv_rows] = True
    # Positional arguments: 20,000 keyword calls cost a tenth of a second.
    participants = tuple(
        ParticipantPoint(
            pid,
            x,
            y,
            flag,
            None if label < 0 else label,
            None if cluster < 0 else cluster,
        )
        for pid, (x, y), flag, label, cluster in zip(
            matrix.participant_ids.tolist(),
            xy.tolist(),
            is_in_conv.tolist(),
            row_label.tolist(),
            row_base.tolist(),
            strict=True,
        )
    )
    label_of = {label: g for g, label in group_labels.items()}
    groups = []
    for label in sorted(label_of):
        rows = row_label == label
        centre = xy[rows].mean(axis=0)
        groups.append(
            Group(
                label=label,
                group_id=label_of[label],
                size=int(rows.sum()),
                centre=(float(centre[0]), float(centre[1])),
                representative=figures.representative.get(label, ()),
            )
        )
    tallies = figures.tallies
    group_rows = {int(g): r for r, g in enumerate(tallies.group_ids.tolist())}
    has_groups = bool(group_labels)
    statements = tuple(
        StatementFigures(
            statement_id=int(sid),
            x=float(statement_xy[j, 0]),
            y=float(statement_xy[j, 1]),
            extremity=float(extremity[j]),
            n_agree=int(figures.agree[j]),
            n_disagree=int(figures.disagree[j]),
            n_seen=int(figures.seen[j]),
            by_group={
                label: (
                    int(tallies.agree[r, j]),
                    int(tallies.disagree[r, j]),
                    int(tallies.seen[r, j]),
                )
                for label, r in group_rows.items()
            },
            gic=float(figures.gic[j]) if has_groups else None,
            gic_disagree=float(figures.gic_disagree[j]) if has_groups else None,
            priority=float(priority[j]),
            is_moderated_out=bool(matrix.is_moderated_out[j]),
            is_meta=bool(is_meta[j]),
        )
        for j, sid in enumerate(matrix.statement_ids.tolist())
    )
    return OpinionMapResult(
        status="ok" if has_groups else "not_enough_votes",
        state=state,
        n_participants=matrix.n_participants,
        n_in_conv=int(in_conv_rows.shape[0]),
        n_statements=matrix.n_statements,
        n_votes=int(matrix.raw.nnz),
        n_events=state.n_events,
        explained_share=explained,
        participants=participants,
        groups=tuple(groups),
        statements=statements,
        consensus=figures.consensus,
        k=len(groups),
        silhouette_by_k={} if selection is None else selection.silhouette_by_k,
        parameters=params,
        random_state=random_state,
    )
