"""Participants and statements on the map, with the sparsity scaling (spec §3.4)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from coproduce.analytics.opinion_map.pca import CentredMatrix, PCAResult
from coproduce.analytics.opinion_map.votes import VoteMatrix


@dataclass(frozen=True, slots=True)
class Projection:
    """Map coordinates: one row per participant and per statement (spec §3.4)."""

    participant_ids: npt.NDArray[np.int64]  # row i -> participant number
    participant_xy: npt.NDArray[np.float64]  # (n, K) scaled projections p_i
    scale: npt.NDArray[np.float64]  # √(m / max(s_i, 1)) per participant
    n_seen: npt.NDArray[np.int64]  # s_i
    statement_ids: npt.NDArray[np.int64]  # column j -> statement number
    statement_xy: npt.NDArray[np.float64]  # (m, K) q_j
    extremity: npt.NDArray[np.float64]  # E_j = ‖q_j‖; 0 for moderated-out


def project(matrix: VoteMatrix, centred: CentredMatrix, pca: PCAResult) -> Projection:
    """Project participants and statements onto the principal components.

    Parameters
    ----------
    matrix, centred, pca
        Outputs of `build_vote_matrix`, `centre_votes` and `fit_pca` for the
        same votes.

    Returns
    -------
    Projection

    Notes
    -----
    With m columns and |M| moderated-out columns, s_i = (cells row i voted on
    outside M) + |M|: zeroed moderated-out columns count as seen, as in Polis.
    Participant i: p_i = √(m / max(s_i, 1)) · (Z_i·pc₁, Z_i·pc₂), which scales
    up people who saw few statements (their Z rows are mostly 0).
    Statement j, as a virtual participant who agreed with j alone and saw every
    statement: q_j = √m · (1 − c_j) · (pc₁_j, pc₂_j) (Polis writes −1, its
    agree, so its q_j has the opposite sign and the same length).
    Extremity E_j = ‖q_j‖, and 0 for j ∈ M.

    References
    ----------
    Coproduce opinion-map spec §3.4; Polis `pca.clj` (sparsity-aware
    projection) and `repness.clj` (comment projection, extremity).

    Examples
    --------
    m = 4 statements, none moderated out. A participant who voted on 1 of them
    has s = 1 and scale √(4/1) = 2; one who voted on all 4 has scale 1. With
    c_j = 0.5 and pc₁_j = 0.6, pc₂_j = 0: q_j = √4 · 0.5 · (0.6, 0) = (0.6, 0)
    and E_j = 0.6.
    """
    m = matrix.n_statements
    raw = matrix.raw
    n = matrix.n_participants
    row_of_cell = np.repeat(np.arange(n), np.diff(raw.indptr))
    outside = ~matrix.is_moderated_out[raw.indices]
    voted_outside = np.bincount(row_of_cell[outside], minlength=n)
    n_seen = (voted_outside + matrix.n_moderated_out).astype(np.int64)
    scale = np.sqrt(m / np.maximum(n_seen, 1).astype(np.float64))
    components = pca.components  # (K, m)
    participant_xy = (centred.z @ components.T) * scale[:, None]
    statement_xy = np.sqrt(m) * (1.0 - centred.column_means)[:, None] * components.T
    statement_xy[matrix.is_moderated_out] = 0.0
    extremity = np.linalg.norm(statement_xy, axis=1)
    for array in (participant_xy, scale, n_seen, statement_xy, extremity):
        array.flags.writeable = False
    return Projection(
        participant_ids=matrix.participant_ids,
        participant_xy=np.asarray(participant_xy, dtype=np.float64),
        scale=scale,
        n_seen=n_seen,
        statement_ids=matrix.statement_ids,
        statement_xy=statement_xy,
        extremity=extremity,
    )
