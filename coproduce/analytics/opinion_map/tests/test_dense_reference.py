"""The sparse stages against a plain dense NumPy reading of the spec (§6(b)).

Seeded tests pass for every seed 0..19 (house style §7).
"""

from __future__ import annotations

import numpy as np
import pytest

from coproduce.analytics.opinion_map import (
    Vote,
    VoteLog,
    build_vote_matrix,
    centre_votes,
    fit_pca,
    project,
)
from coproduce.analytics.opinion_map.tests.dense_reference import (
    dense_centre,
    dense_orient,
    dense_power,
    dense_project,
)

SEEDS = range(20)


def _random_conversation(seed: int) -> tuple[VoteLog, set[int]]:
    """Up to 60 × 30 votes, ~50 % missing, random times, some statements rejected."""
    rng = np.random.default_rng(1000 + seed)
    n, m = int(rng.integers(3, 61)), int(rng.integers(3, 31))
    seen = rng.random((n, m)) < 0.5
    seen[np.arange(n), rng.integers(0, m, n)] = True  # every row votes
    seen[rng.integers(0, n, m), np.arange(m)] = True  # every column is voted
    values = rng.choice([-1, 0, 1], size=(n, m), p=[0.4, 0.2, 0.4])
    rows, cols = np.nonzero(seen)
    times = rng.permutation(rows.size).astype(float)
    log = VoteLog.from_votes(
        Vote(int(i), int(j), int(values[i, j]), t)
        for i, j, t in zip(rows, cols, times, strict=True)
    )
    moderated_out = {int(j) for j in rng.choice(m, size=m // 6, replace=False)}
    return log, moderated_out


def _dense_raw(
    log: VoteLog, participants: np.ndarray, statements: np.ndarray
) -> np.ndarray:
    """Latest vote per cell (times are distinct here), NaN when missing."""
    raw = np.full((participants.size, statements.size), np.nan)
    row = {int(p): i for i, p in enumerate(participants)}
    col = {int(t): j for j, t in enumerate(statements)}
    latest: dict[tuple[int, int], tuple[float, int]] = {}
    for p, t, v, at in zip(
        log.participant_ids, log.statement_ids, log.values, log.cast_at, strict=True
    ):
        key = (int(p), int(t))
        if key not in latest or at >= latest[key][0]:
            latest[key] = (float(at), int(v))
    for (p, t), (_, v) in latest.items():
        raw[row[p], col[t]] = v
    return raw


@pytest.mark.parametrize("seed", SEEDS)
def test_sparse_power_pca_matches_the_dense_reference(seed: int) -> None:
    log, moderated_out = _random_conversation(seed)
    mat = build_vote_matrix(log, moderated_out=moderated_out)
    raw = _dense_raw(log, mat.participant_ids, mat.statement_ids)
    np.testing.assert_array_equal(
        np.nan_to_num(raw, nan=9), np.where(np.isnan(raw), 9, mat.raw.toarray())
    )
    assert mat.n_votes.tolist() == (~np.isnan(raw)).sum(axis=1).tolist()

    c, z = dense_centre(raw, mat.is_moderated_out)
    centred = centre_votes(mat)
    np.testing.assert_allclose(centred.column_means, c, rtol=0, atol=1e-12)
    np.testing.assert_allclose(centred.z.toarray(), z, rtol=0, atol=1e-12)

    result = fit_pca(mat, centred, random_state=seed)
    rng = np.random.default_rng(seed)
    starts = [rng.random(mat.n_statements) for _ in range(result.n_components)]
    pcs, values = dense_power(z, starts)
    pcs = dense_orient(pcs)
    np.testing.assert_allclose(result.components, pcs, rtol=0, atol=1e-9)
    np.testing.assert_allclose(result.eigenvalues, values, rtol=1e-9)
    np.testing.assert_allclose(result.explained_share, values / np.sum(z**2), rtol=1e-9)

    proj = project(mat, centred, result)
    p, q, e = dense_project(raw, mat.is_moderated_out, z, c, pcs)
    np.testing.assert_allclose(proj.participant_xy, p, rtol=0, atol=1e-9)
    np.testing.assert_allclose(proj.statement_xy, q, rtol=0, atol=1e-9)
    np.testing.assert_allclose(proj.extremity, e, rtol=0, atol=1e-9)


@pytest.mark.parametrize("seed", SEEDS)
def test_exact_pca_matches_the_dense_svd(seed: int) -> None:
    log, moderated_out = _random_conversation(seed)
    mat = build_vote_matrix(log, moderated_out=moderated_out)
    centred = centre_votes(mat)
    result = fit_pca(mat, centred, method="exact")
    z = centred.z.toarray()
    _, sigma, vt = np.linalg.svd(z)
    k = result.n_components
    np.testing.assert_allclose(result.eigenvalues, sigma[:k] ** 2, rtol=1e-9)
    # Eigenvectors are only defined up to sign; with distinct eigenvalues
    # (generic for random votes) |cos| = 1.
    for got, want in zip(result.components, vt[:k], strict=True):
        assert abs(float(got @ want)) == pytest.approx(1.0, abs=1e-9)


@pytest.mark.parametrize("seed", SEEDS)
def test_power_and_exact_agree_when_the_leading_gap_is_clear(seed: int) -> None:
    """§6(b): components |cos| ≥ 0.9999 and explained variance to 1e-6."""
    log, moderated_out = _random_conversation(seed)
    mat = build_vote_matrix(log, moderated_out=moderated_out)
    centred = centre_votes(mat)
    power = fit_pca(mat, centred, random_state=seed)
    exact = fit_pca(mat, centred, method="exact")
    values = np.linalg.svd(centred.z.toarray(), compute_uv=False) ** 2
    # 100 power steps shrink the unwanted part by (λ₂/λ₁)^100; only compare
    # components whose ratio to the next eigenvalue makes that negligible.
    for k in range(power.n_components):
        if k + 1 < values.size and values[k + 1] / values[k] > 0.8:
            continue
        assert abs(float(power.components[k] @ exact.components[k])) >= 0.9999
        assert power.explained_share[k] == pytest.approx(
            exact.explained_share[k], abs=1e-6
        )
