"""Polis-compatible opinion map: the pure maths (opinion-map spec §3, §4).

Stages: vote matrix (§2, §3.2), in-conv rule (§3.1), centring and PCA (§3.2,
§3.3), projections (§3.4), weighted k-means with stable ids (§3.5), base
clusters and groups with the k-smoother (§3.6, §3.7), stable public labels
(§4), tallies, representative and consensus statements and GIC (§3.8–§3.11,
`statistics`), routing priority (§3.12). `OpinionMap` runs them all, cold or
warm from an `OpinionMapState`, and `update` applies only new vote events.
Pure library: arrays in, frozen results out; never imports Django.
"""

from coproduce.analytics.opinion_map.clustering import (
    GroupSelection,
    Smoother,
    base_clusters,
    group_clusterings,
    silhouette,
)
from coproduce.analytics.opinion_map.estimator import OpinionMap, OpinionMapParams
from coproduce.analytics.opinion_map.inclusion import InConv, select_in_conv
from coproduce.analytics.opinion_map.kmeans import KMeansResult, Partition
from coproduce.analytics.opinion_map.labels import LABELS, assign_labels
from coproduce.analytics.opinion_map.pca import (
    CentredMatrix,
    PCAResult,
    centre_votes,
    fit_pca,
)
from coproduce.analytics.opinion_map.priority import (
    META_PRIORITY,
    UNVOTED_PRIORITY,
    choose_next_statement,
    statement_priority,
)
from coproduce.analytics.opinion_map.projection import Projection, project
from coproduce.analytics.opinion_map.repness import (
    RepresentativeStatement,
    representative_statements,
)
from coproduce.analytics.opinion_map.result import (
    Group,
    OpinionMapResult,
    ParticipantPoint,
    PublishedOpinionMap,
    StatementFigures,
)
from coproduce.analytics.opinion_map.state import OpinionMapState
from coproduce.analytics.opinion_map.statistics import (
    Consensus,
    ConsensusStatement,
    Tallies,
    consensus_statements,
    group_informed_consensus,
    overall_counts,
    tally_votes,
)
from coproduce.analytics.opinion_map.votes import (
    Vote,
    VoteLog,
    VoteMatrix,
    build_vote_matrix,
)

__all__ = [
    "LABELS",
    "META_PRIORITY",
    "UNVOTED_PRIORITY",
    "CentredMatrix",
    "Consensus",
    "ConsensusStatement",
    "Group",
    "GroupSelection",
    "InConv",
    "KMeansResult",
    "OpinionMap",
    "OpinionMapParams",
    "OpinionMapResult",
    "OpinionMapState",
    "PCAResult",
    "ParticipantPoint",
    "Partition",
    "Projection",
    "PublishedOpinionMap",
    "RepresentativeStatement",
    "Smoother",
    "StatementFigures",
    "Tallies",
    "Vote",
    "VoteLog",
    "VoteMatrix",
    "assign_labels",
    "base_clusters",
    "build_vote_matrix",
    "centre_votes",
    "choose_next_statement",
    "consensus_statements",
    "fit_pca",
    "group_clusterings",
    "group_informed_consensus",
    "overall_counts",
    "project",
    "representative_statements",
    "select_in_conv",
    "silhouette",
    "statement_priority",
    "tally_votes",
]
