"""Hand-worked examples: the docstrings' arithmetic, and small cases worked here."""

from __future__ import annotations

import doctest
from types import ModuleType

import numpy as np
import pytest

from coproduce.analytics.opinion_map import (
    Vote,
    VoteLog,
    build_vote_matrix,
    centre_votes,
    fit_pca,
    inclusion,
    pca,
    project,
    select_in_conv,
    votes,
)

MODULES = [votes, inclusion, pca]


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.__name__)
def test_docstring_examples_hold(module: ModuleType) -> None:
    failed, attempted = doctest.testmod(module, verbose=False)
    assert attempted > 0
    assert failed == 0


def _log(rows: list[list[int | None]]) -> VoteLog:
    """Votes from a dense table (None = not seen); row i votes at time i."""
    return VoteLog.from_votes(
        Vote(i, j, value, float(i))
        for i, row in enumerate(rows)
        for j, value in enumerate(row)
        if value is not None
    )


def test_later_vote_wins_and_equal_times_go_by_log_order() -> None:
    log = VoteLog.from_votes(
        [
            Vote(0, 0, 1, 5.0),
            Vote(0, 0, -1, 5.0),
            Vote(0, 1, 0, 9.0),
            Vote(0, 1, 1, 1.0),
        ]
    )
    mat = build_vote_matrix(log)
    # Statement 1 was first voted at t = 1, statement 0 at t = 5.
    assert mat.statement_ids.tolist() == [1, 0]
    assert mat.raw.toarray().tolist() == [[0, -1]]
    assert mat.n_votes.tolist() == [2]


def test_pass_is_a_stored_vote_not_a_missing_cell() -> None:
    mat = build_vote_matrix(_log([[0, None], [0, 0]]))
    assert mat.raw.nnz == 3
    assert mat.n_votes.tolist() == [1, 2]


def test_moderated_out_column_is_zero_in_z_and_counts_as_seen() -> None:
    # Statement 1 rejected. m = 3, |M| = 1.
    #   R after zeroing = [[1, 0, -1], [-1, 0, .], [., 0, 1]]
    #   c = (0, 0, 0); Z = R with missing = 0.
    #   s = (2 + 1, 1 + 1, 1 + 1) = (3, 2, 2): scale √(3/3) = 1, √(3/2), √(3/2).
    mat = build_vote_matrix(
        _log([[1, 1, -1], [-1, -1, None], [None, 1, 1]]), moderated_out={1}
    )
    centred = centre_votes(mat)
    assert centred.column_means.tolist() == [0.0, 0.0, 0.0]
    assert centred.z.toarray()[:, 1].tolist() == [0.0, 0.0, 0.0]
    result = fit_pca(mat, centred, random_state=0, method="exact")
    proj = project(mat, centred, result)
    assert proj.n_seen.tolist() == [3, 2, 2]
    np.testing.assert_allclose(proj.scale, [1.0, np.sqrt(1.5), np.sqrt(1.5)])
    assert proj.extremity[1] == 0.0
    assert np.all(result.components[:, 1] == 0.0)


def test_power_iteration_on_a_diagonal_gram_matrix() -> None:
    # Votes [[1, 1], [-1, 1], [., -1], [., -1]]: c = (0, 0), so Z = R with
    # missing = 0, and ZᵀZ = diag(1 + 1, 1 + 1 + 1 + 1) = diag(2, 4):
    # pc₁ = (0, 1), λ₁ = 4; pc₂ = (1, 0), λ₂ = 2; Σ Z² = 6, shares 4/6 and 2/6.
    mat = build_vote_matrix(_log([[1, 1], [-1, 1], [None, -1], [None, -1]]))
    centred = centre_votes(mat)
    assert centred.column_means.tolist() == [0.0, 0.0]
    result = fit_pca(mat, centred, random_state=3)
    np.testing.assert_allclose(result.eigenvalues, [4.0, 2.0], rtol=1e-9)
    # λ converges twice as fast as v: stopping at a 1e-10 relative change in λ
    # leaves v off by about √1e-10 = 1e-5 (the off-axis part shrinks by 2 a step).
    np.testing.assert_allclose(np.abs(result.components), [[0, 1], [1, 0]], atol=1e-4)
    np.testing.assert_allclose(result.explained_share, [4 / 6, 2 / 6], rtol=1e-9)
    # Cold orientation: the largest entry is positive.
    assert result.components[0, 1] > 0
    assert result.components[1, 0] > 0
    assert all(result.is_converged)


def test_projection_formula_by_hand() -> None:
    # Two participants, two statements, all seen:
    #   R = [[1, 1], [-1, 1]], c = (0, 1), Z = [[1, 0], [-1, 0]].
    #   ZᵀZ = diag(2, 0): pc₁ = (1, 0), λ₁ = 2; λ₂ = 0, a zero component.
    #   p = √(2/2) · Z·pc₁ = (1, −1); q_0 = √2 · (1 − 0) · (1, 0) = (√2, 0);
    #   q_1 = √2 · (1 − 1) · (0, 0) = 0.
    mat = build_vote_matrix(_log([[1, 1], [-1, 1]]))
    centred = centre_votes(mat)
    result = fit_pca(mat, centred, random_state=0)
    np.testing.assert_allclose(result.components[0], [1.0, 0.0], atol=1e-12)
    assert result.components[1].tolist() == [0.0, 0.0]
    assert result.eigenvalues[1] == 0.0
    proj = project(mat, centred, result)
    np.testing.assert_allclose(
        proj.participant_xy, [[1.0, 0.0], [-1.0, 0.0]], atol=1e-12
    )
    np.testing.assert_allclose(
        proj.statement_xy, [[np.sqrt(2), 0.0], [0.0, 0.0]], atol=1e-12
    )
    np.testing.assert_allclose(proj.extremity, [np.sqrt(2), 0.0], atol=1e-12)


def test_components_are_capped_by_rows_and_columns() -> None:
    mat = build_vote_matrix(_log([[1, -1, 0]]))
    result = fit_pca(mat, centre_votes(mat), random_state=0)
    assert result.n_components == 1  # K = min(2, n = 1, m = 3)


def test_empty_log_gives_empty_stages() -> None:
    mat = build_vote_matrix(VoteLog.from_votes([]))
    centred = centre_votes(mat)
    result = fit_pca(mat, centred, random_state=0)
    proj = project(mat, centred, result)
    assert (mat.n_participants, mat.n_statements, result.n_components) == (0, 0, 0)
    assert proj.participant_xy.shape == (0, 0)
    assert select_in_conv(mat).participant_ids == ()


def test_in_conv_is_sticky_and_excludes_banned() -> None:
    # 8 statements; row 0 votes on all, row 1 on 2, row 2 on 8 but is banned.
    table: list[list[int | None]] = [
        [1] * 8,
        [1, 1] + [None] * 6,
        [-1] * 8,
    ]
    mat = build_vote_matrix(_log(table))
    result = select_in_conv(mat, excluded={2}, previous_in_conv={1}, greedy_fill=0)
    assert result.threshold == 7
    assert result.participant_ids == (0, 1)
    assert (result.n_by_threshold, result.n_sticky, result.n_greedy) == (1, 1, 0)


def test_small_conversation_threshold_is_the_number_of_statements() -> None:
    mat = build_vote_matrix(_log([[1, 0], [1, None]]))
    result = select_in_conv(mat, greedy_fill=0)
    assert result.threshold == 2
    assert result.participant_ids == (0,)


def test_greedy_fill_tops_up_to_fifteen() -> None:
    table: list[list[int | None]] = [[1] * (i % 5 + 1) for i in range(20)]
    mat = build_vote_matrix(_log(table))
    result = select_in_conv(mat)
    assert result.n_in_conv == 15
    assert result.n_by_threshold == 4  # rows with 5 votes = min(7, m = 5)
    # Of the rest, all 4-vote rows (4), 3-vote rows (4), then the first 3
    # 2-vote rows in encounter order.
    two_vote_rows = [i for i in range(20) if i % 5 == 1]
    assert [i for i in two_vote_rows if i in result.participant_ids] == two_vote_rows[
        :3
    ]
