"""Polis-compatible opinion map: the pure maths (opinion-map spec §3).

Stages so far: vote matrix (§2, §3.2), in-conv rule (§3.1), centring and PCA
(§3.2, §3.3), projections (§3.4). Clustering, tallies, representative and
consensus statements, GIC and priorities (§3.5–§3.12) come later.
Pure library: arrays in, frozen results out; never imports Django.
"""

from coproduce.analytics.opinion_map.inclusion import InConv, select_in_conv
from coproduce.analytics.opinion_map.pca import (
    CentredMatrix,
    PCAResult,
    centre_votes,
    fit_pca,
)
from coproduce.analytics.opinion_map.projection import Projection, project
from coproduce.analytics.opinion_map.votes import (
    Vote,
    VoteLog,
    VoteMatrix,
    build_vote_matrix,
)

__all__ = [
    "CentredMatrix",
    "InConv",
    "PCAResult",
    "Projection",
    "Vote",
    "VoteLog",
    "VoteMatrix",
    "build_vote_matrix",
    "centre_votes",
    "fit_pca",
    "project",
    "select_in_conv",
]
