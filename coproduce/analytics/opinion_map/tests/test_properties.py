"""Hypothesis properties of the first stages (spec §6(c)): input order,
renumbering and permutations permute results; moderated-out votes change
nothing; fixed `random_state` is deterministic; the sign convention is stable."""

from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coproduce.analytics.opinion_map import (
    CentredMatrix,
    PCAResult,
    Projection,
    Vote,
    VoteLog,
    VoteMatrix,
    build_vote_matrix,
    centre_votes,
    fit_pca,
    project,
    select_in_conv,
)
from coproduce.analytics.opinion_map.tests.strategies import (
    Table,
    log_from_table,
    vote_tables,
)

# Two shared cores: keep example counts moderate and let slow examples through.
MODERATE = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    derandomize=True,
)


def _stages(
    log: VoteLog, moderated_out: set[int] | None = None, **pca_kwargs: Any
) -> tuple[VoteMatrix, CentredMatrix, PCAResult, Projection]:
    """Every stage so far, in order."""
    mat = build_vote_matrix(log, moderated_out=moderated_out or set())
    centred = centre_votes(mat)
    result = fit_pca(mat, centred, **pca_kwargs)
    return mat, centred, result, project(mat, centred, result)


def _align(got: PCAResult, want: PCAResult, order: np.ndarray) -> np.ndarray:
    """Signs making `got`'s components (columns reordered by `order`) match `want`'s."""
    signs = np.sign(np.sum(got.components[:, order] * want.components, axis=1))
    return np.where(signs == 0, 1.0, signs)


def _has_clear_spectrum(result: PCAResult, total: float) -> bool:
    """Distinct, non-zero eigenvalues: components are then unique up to sign."""
    values = result.eigenvalues
    if values.size == 0 or np.any(values <= 1e-9 * max(total, 1.0)):
        return False
    return bool(np.all(np.abs(np.diff(values)) > 1e-6 * values[0]))


@MODERATE
@given(table=vote_tables(), data=st.data())
def test_shuffled_log_with_distinct_times_gives_the_same_matrix(
    table: Table, data: st.DataObject
) -> None:
    events = [
        Vote(i, j, v, float(t))
        for t, (i, j, v) in enumerate(
            (i, j, v)
            for i, row in enumerate(table)
            for j, v in enumerate(row)
            if v is not None
        )
    ]
    shuffled = data.draw(st.permutations(events))
    a, b = (
        build_vote_matrix(VoteLog.from_votes(events)),
        build_vote_matrix(VoteLog.from_votes(shuffled)),
    )
    assert a.participant_ids.tolist() == b.participant_ids.tolist()
    assert a.statement_ids.tolist() == b.statement_ids.tolist()
    assert (a.raw != b.raw).nnz == 0
    assert a.raw.nnz == b.raw.nnz


@MODERATE
@given(table=vote_tables(), data=st.data())
def test_superseded_votes_change_nothing(table: Table, data: st.DataObject) -> None:
    log = log_from_table(table)
    # Superseded, different votes on the same cells, at the same times but
    # earlier in the log (ties go by log order), so no first-vote time moves.
    early = [
        Vote(int(p), int(t), data.draw(st.sampled_from([-1, 0, 1])), float(at))
        for p, t, at in zip(
            log.participant_ids, log.statement_ids, log.cast_at, strict=True
        )
    ]
    with_history = VoteLog.from_votes(
        early
        + [
            Vote(int(p), int(t), int(v), float(at))
            for p, t, v, at in zip(
                log.participant_ids,
                log.statement_ids,
                log.values,
                log.cast_at,
                strict=True,
            )
        ]
    )
    a, b = build_vote_matrix(log), build_vote_matrix(with_history)
    assert (a.raw != b.raw).nnz == 0
    assert a.n_votes.tolist() == b.n_votes.tolist()


@MODERATE
@given(table=vote_tables(), data=st.data(), seed=st.integers(0, 2**16))
def test_permuting_participants_permutes_every_result(
    table: Table, data: st.DataObject, seed: int
) -> None:
    order = data.draw(st.permutations(range(len(table))))
    # Same participant numbers, new encounter order: row `order[r]` votes r-th.
    permuted = VoteLog.from_votes(
        Vote(i, j, v, float(order.index(i)))
        for i, row in enumerate(table)
        for j, v in enumerate(row)
        if v is not None
    )
    mat_a, cen_a, pca_a, proj_a = _stages(log_from_table(table), random_state=seed)
    mat_b, cen_b, pca_b, proj_b = _stages(permuted, random_state=seed)
    rows = [mat_a.participant_ids.tolist().index(p) for p in mat_b.participant_ids]
    assert sorted(mat_b.participant_ids.tolist()) == sorted(
        mat_a.participant_ids.tolist()
    )
    if mat_a.statement_ids.tolist() != mat_b.statement_ids.tolist():
        return  # a different first-voter can reorder columns: see the next test
    np.testing.assert_allclose(cen_b.z.toarray(), cen_a.z.toarray()[rows], atol=1e-12)
    np.testing.assert_allclose(proj_b.scale, proj_a.scale[rows])
    # ZᵀZ is the same sum in a different order: equal up to rounding.
    if _has_clear_spectrum(pca_a, cen_a.total_sum_of_squares):
        np.testing.assert_allclose(pca_b.components, pca_a.components, atol=1e-6)
        exact_a = fit_pca(mat_a, cen_a, method="exact")
        exact_b = fit_pca(mat_b, cen_b, method="exact")
        np.testing.assert_allclose(exact_b.components, exact_a.components, atol=1e-8)
        np.testing.assert_allclose(
            project(mat_b, cen_b, exact_b).participant_xy,
            project(mat_a, cen_a, exact_a).participant_xy[rows],
            atol=1e-8,
        )
    in_a, in_b = select_in_conv(mat_a), select_in_conv(mat_b)
    assert in_a.threshold == in_b.threshold
    assert in_a.n_by_threshold == in_b.n_by_threshold


@MODERATE
@given(table=vote_tables(), data=st.data())
def test_permuting_statements_permutes_components_and_keeps_projections(
    table: Table, data: st.DataObject
) -> None:
    m = len(table[0])
    renumber = data.draw(st.permutations(range(m)))
    renamed = VoteLog.from_votes(
        Vote(i, renumber[j], v, float(i))
        for i, row in enumerate(table)
        for j, v in enumerate(row)
        if v is not None
    )
    mat_a, cen_a, exact_a, proj_a = _stages(log_from_table(table), method="exact")
    mat_b, cen_b, exact_b, proj_b = _stages(renamed, method="exact")
    # Column of b holding the statement that a has in column j.
    position = {int(t): j for j, t in enumerate(mat_b.statement_ids)}
    cols = np.array([position[renumber[int(t)]] for t in mat_a.statement_ids])
    np.testing.assert_allclose(cen_b.column_means[cols], cen_a.column_means, atol=1e-12)
    assert proj_b.n_seen.tolist() == proj_a.n_seen.tolist()
    if not _has_clear_spectrum(exact_a, cen_a.total_sum_of_squares):
        return
    signs = _align(exact_b, exact_a, cols)
    np.testing.assert_allclose(
        exact_b.components[:, cols] * signs[:, None], exact_a.components, atol=1e-8
    )
    np.testing.assert_allclose(
        proj_b.participant_xy * signs, proj_a.participant_xy, atol=1e-8
    )
    np.testing.assert_allclose(proj_b.extremity[cols], proj_a.extremity, atol=1e-8)


@MODERATE
@given(table=vote_tables(), data=st.data(), seed=st.integers(0, 2**16))
def test_new_values_for_moderated_out_votes_change_nothing(
    table: Table, data: st.DataObject, seed: int
) -> None:
    m = len(table[0])
    rejected = set(data.draw(st.sets(st.integers(0, m - 1), max_size=m - 1)))
    changed: Table = [
        [
            data.draw(st.sampled_from([-1, 0, 1]))
            if (j in rejected and v is not None)
            else v
            for j, v in enumerate(row)
        ]
        for row in table
    ]
    a = _stages(log_from_table(table), rejected, random_state=seed)
    b = _stages(log_from_table(changed), rejected, random_state=seed)
    mat_a, cen_a, pca_a, proj_a = a
    mat_b, cen_b, pca_b, proj_b = b
    np.testing.assert_array_equal(cen_a.column_means, cen_b.column_means)
    np.testing.assert_array_equal(cen_a.z.toarray(), cen_b.z.toarray())
    np.testing.assert_array_equal(pca_a.components, pca_b.components)
    np.testing.assert_array_equal(proj_a.participant_xy, proj_b.participant_xy)
    np.testing.assert_array_equal(proj_a.statement_xy, proj_b.statement_xy)
    moderated = mat_a.is_moderated_out
    assert np.all(cen_a.z.toarray()[:, moderated] == 0)
    assert np.all(pca_a.components[:, moderated] == 0)
    assert np.all(proj_a.extremity[moderated] == 0)
    assert (
        select_in_conv(mat_a).participant_ids == select_in_conv(mat_b).participant_ids
    )


@MODERATE
@given(table=vote_tables(), seed=st.integers(0, 2**16))
def test_same_random_state_gives_identical_results(table: Table, seed: int) -> None:
    a = _stages(log_from_table(table), random_state=seed)
    b = _stages(log_from_table(table), random_state=seed)
    assert a[2].components.tobytes() == b[2].components.tobytes()
    assert a[2].eigenvalues.tobytes() == b[2].eigenvalues.tobytes()
    assert a[3].participant_xy.tobytes() == b[3].participant_xy.tobytes()


@MODERATE
@given(table=vote_tables(), seed=st.integers(0, 2**16))
def test_sign_convention_is_stable(table: Table, seed: int) -> None:
    _, _, result, proj = _stages(log_from_table(table), random_state=seed)
    for component in result.components:
        if np.any(component):
            # Cold orientation: the largest-magnitude entry (lowest on ties) > 0.
            assert component[int(np.argmax(np.abs(component)))] > 0
    # Negated votes: R → −R, c → −c, Z → −Z; ZᵀZ and so the components are
    # unchanged bit for bit, and every participant moves to −p.
    negated = [[None if v is None else -v for v in row] for row in table]
    _, _, result_n, proj_n = _stages(log_from_table(negated), random_state=seed)
    np.testing.assert_array_equal(result_n.components, result.components)
    np.testing.assert_array_equal(proj_n.participant_xy, -proj.participant_xy)


@MODERATE
@given(table=vote_tables(), seed=st.integers(0, 2**16))
def test_warm_start_keeps_orientation_and_reference_flips_cold_components(
    table: Table, seed: int
) -> None:
    mat, centred, cold, _ = _stages(log_from_table(table), random_state=seed)
    flipped = PCAResult(
        statement_ids=cold.statement_ids,
        components=-cold.components,
        eigenvalues=cold.eigenvalues,
        explained_share=cold.explained_share,
        n_iterations=cold.n_iterations,
        is_converged=cold.is_converged,
        is_warm=cold.is_warm,
        method=cold.method,
    )
    warm = fit_pca(mat, centred, previous=flipped, random_state=seed)
    aligned = fit_pca(mat, centred, reference=flipped, random_state=seed)
    for k in range(cold.n_components):
        if not np.any(cold.components[k]):
            continue
        if warm.is_warm[k]:
            assert float(warm.components[k] @ flipped.components[k]) >= 0
        assert float(aligned.components[k] @ flipped.components[k]) >= 0


def test_power_and_exact_agree_on_planted_groups() -> None:
    """Two planted groups give a clear leading component for every seed 0..19."""
    for seed in range(20):
        rng = np.random.default_rng(seed)
        n, m = 60, 20
        group = rng.integers(0, 2, n)
        agree = np.where(group[:, None] == 0, 0.85, 0.15) * np.ones((1, m))
        agree[:, m // 2 :] = 1 - agree[:, m // 2 :]
        values = np.where(rng.random((n, m)) < agree, 1, -1)
        seen = rng.random((n, m)) < 0.6
        seen[:, 0] = True
        log = VoteLog.from_votes(
            Vote(int(i), int(j), int(values[i, j]), float(i))
            for i, j in zip(*np.nonzero(seen), strict=True)
        )
        mat, centred, power, _ = _stages(log, random_state=seed)
        exact = fit_pca(mat, centred, method="exact")
        assert abs(float(power.components[0] @ exact.components[0])) >= 0.9999
        assert abs(power.explained_share[0] - exact.explained_share[0]) <= 1e-6
