"""The frozen result of an opinion-map update and its JSON form (spec §1, §3)."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from coproduce.analytics.errors import InputError
from coproduce.analytics.opinion_map.repness import (
    RepresentativeStatement,
)
from coproduce.analytics.opinion_map.state import OpinionMapState
from coproduce.analytics.opinion_map.statistics import (
    Consensus,
    ConsensusStatement,
)

Status = Literal["ok", "not_enough_votes"]


@dataclass(frozen=True, slots=True)
class ParticipantPoint:
    """One participant on the map."""

    participant_id: int
    x: float
    y: float
    is_in_conv: bool
    group: int | None  # public label index (0 = "A"), None if not in a group
    base_cluster: int | None  # internal base cluster id, None if not clustered


@dataclass(frozen=True, slots=True)
class Group:
    """One published opinion group."""

    label: int  # public label index, 0 = "A"
    group_id: int  # internal id (lineage across warm starts)
    size: int  # in-conv participants
    centre: tuple[float, float]
    representative: tuple[RepresentativeStatement, ...]


@dataclass(frozen=True, slots=True)
class StatementFigures:
    """One statement with votes: position, tallies, GIC and priority."""

    statement_id: int
    x: float
    y: float
    extremity: float
    n_agree: int  # over all participants
    n_disagree: int
    n_seen: int  # all votes, passes included
    by_group: dict[int, tuple[int, int, int]]  # label -> (A, D, S), in-conv
    gic: float | None  # None when there are no groups
    gic_disagree: float | None
    priority: float
    is_moderated_out: bool
    is_meta: bool


@dataclass(frozen=True, eq=False)
class PublishedOpinionMap:
    """What an update publishes: the map, groups, statements and consensus.

    This is what a snapshot's JSON holds (`to_json`, `from_json`); the
    `OpinionMapResult` of a run adds the state for the next update.
    """

    status: Status
    n_participants: int  # matrix rows: participants with a vote
    n_in_conv: int
    n_statements: int  # matrix columns: statements with a vote
    n_votes: int  # latest votes (cells), passes included
    n_events: int  # vote events applied (the high-water mark)
    explained_share: tuple[float, ...]
    participants: tuple[ParticipantPoint, ...]
    groups: tuple[Group, ...]  # in label order
    statements: tuple[StatementFigures, ...]  # in column order
    consensus: Consensus
    k: int  # published number of groups, 0 when none
    silhouette_by_k: dict[int, float]
    parameters: dict[str, Any]
    random_state: int

    def priorities(self) -> dict[int, float]:
        """Routing priority per statement number (statements with votes only;
        the caller gives the others `unvoted_priority`)."""
        return {s.statement_id: s.priority for s in self.statements}

    def to_json(self) -> dict[str, Any]:
        """Plain JSON types only (dict keys as strings); the state is not
        included (it travels as bytes). Equal inputs give equal output, so
        `json.dumps(..., sort_keys=True)` is byte-identical."""
        data: dict[str, Any] = _plain(
            {
                "status": self.status,
                "n_participants": self.n_participants,
                "n_in_conv": self.n_in_conv,
                "n_statements": self.n_statements,
                "n_votes": self.n_votes,
                "n_events": self.n_events,
                "explained_share": list(self.explained_share),
                # Plain dicts, not dataclasses.asdict: asdict deep-copies each
                # of up to tens of thousands of points.
                "participants": [
                    {
                        "participant_id": p.participant_id,
                        "x": p.x,
                        "y": p.y,
                        "is_in_conv": p.is_in_conv,
                        "group": p.group,
                        "base_cluster": p.base_cluster,
                    }
                    for p in self.participants
                ],
                "groups": [
                    {
                        "label": g.label,
                        "group_id": g.group_id,
                        "size": g.size,
                        "centre": list(g.centre),
                        "representative": [
                            dataclasses.asdict(r) for r in g.representative
                        ],
                    }
                    for g in self.groups
                ],
                "statements": [
                    {
                        **{
                            field.name: getattr(s, field.name)
                            for field in dataclasses.fields(s)
                            if field.name != "by_group"
                        },
                        "by_group": {
                            str(label): list(counts)
                            for label, counts in sorted(s.by_group.items())
                        },
                    }
                    for s in self.statements
                ],
                "consensus": {
                    "agree": [dataclasses.asdict(c) for c in self.consensus.agree],
                    "disagree": [
                        dataclasses.asdict(c) for c in self.consensus.disagree
                    ],
                },
                "k": self.k,
                "silhouette_by_k": {
                    str(k): score for k, score in sorted(self.silhouette_by_k.items())
                },
                "parameters": dict(self.parameters),
                "random_state": self.random_state,
            }
        )
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> PublishedOpinionMap:
        """Read back what `to_json` wrote (a stored snapshot); no state.

        Raises
        ------
        InputError
            A field is missing or has the wrong shape.
        """
        try:
            return PublishedOpinionMap(
                status=data["status"],
                n_participants=int(data["n_participants"]),
                n_in_conv=int(data["n_in_conv"]),
                n_statements=int(data["n_statements"]),
                n_votes=int(data["n_votes"]),
                n_events=int(data["n_events"]),
                explained_share=tuple(float(v) for v in data["explained_share"]),
                participants=tuple(
                    ParticipantPoint(**point) for point in data["participants"]
                ),
                groups=tuple(
                    Group(
                        label=int(group["label"]),
                        group_id=int(group["group_id"]),
                        size=int(group["size"]),
                        centre=(float(group["centre"][0]), float(group["centre"][1])),
                        representative=tuple(
                            RepresentativeStatement(**entry)
                            for entry in group["representative"]
                        ),
                    )
                    for group in data["groups"]
                ),
                statements=tuple(
                    StatementFigures(
                        **{
                            **statement,
                            "by_group": {
                                int(label): (int(a), int(d), int(s))
                                for label, (a, d, s) in statement["by_group"].items()
                            },
                        }
                    )
                    for statement in data["statements"]
                ),
                consensus=Consensus(
                    agree=tuple(
                        ConsensusStatement(**c) for c in data["consensus"]["agree"]
                    ),
                    disagree=tuple(
                        ConsensusStatement(**c) for c in data["consensus"]["disagree"]
                    ),
                ),
                k=int(data["k"]),
                silhouette_by_k={
                    int(k): float(v) for k, v in data["silhouette_by_k"].items()
                },
                parameters=dict(data["parameters"]),
                random_state=int(data["random_state"]),
            )
        except (KeyError, TypeError, ValueError, IndexError) as error:
            raise InputError(f"Not an opinion-map snapshot: {error!r}.") from None


@dataclass(frozen=True, eq=False)
class OpinionMapResult(PublishedOpinionMap):
    """What an update publishes, and the state the next update starts from."""

    state: OpinionMapState


def _plain(value: Any) -> Any:
    """Python scalars, lists and string-keyed dicts only (NumPy scalars become
    Python ones), so `json.dumps` never meets a NumPy type."""
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    return value
