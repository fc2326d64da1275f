"""red-dwarf 0.4.0 as an oracle for the opinion map (spec §6b).

Synthetic conversations (`opinion_map.synthetic`, small sizes) go to both
implementations as the same latest votes, with the same moderated-out and meta
ids, and our in-conv set as red-dwarf's `keep_participant_ids`.

Agree closely: the raw matrix; column means (1e-12); components
(|cos| ≥ 0.9999); explained variance (1e-6); projections after per-axis sign
alignment and extremities (1e-6 relative to the largest on each axis).

Exact given our labels (red-dwarf's statistics functions fed our groups):
representative lists (ids, order, directions, values to 1e-9), consensus lists,
GIC in both variants (1e-12), and priorities in `current` mode.

Where red-dwarf differs from the spec, and what we compare instead:

- Its projections come from an exact SVD (scikit-learn PCA). Our power
  iteration stops when λ moves by < 1e-10 relative, which leaves about 1e-5 in
  the vectors (the eigenvalue converges quadratically faster than its vector),
  so the 1e-6 comparisons of projections, extremities and priorities use
  `pca_method="exact"`; the power-iteration map is held to 1e-4, and its
  components and explained variance to the tolerances above, except that a
  component stopped by the 100-step cap (small gap λ₂/λ₃) gets 1e-4 on its
  variance and 1e-2 on its projections.
- Its significance threshold is `norm.ppf(0.9)` = 1.28155…, Polis's (and the
  spec's) Z* is 1.2816: we pass red-dwarf's value as `z_star` so the
  comparison is exact.
- The best-agree entry's `n-agree` is its `n-success`, which is nd when the
  entry takes the disagree side; Polis (`repness.clj`) sets it to na, as we do.
- When a group has sufficient statements but no best-agree statement,
  red-dwarf returns an empty list (`best_head` empty filters out every
  sufficient row); Polis returns the sufficient statements. We check that any
  such list of ours holds only statements red-dwarf itself finds significant.
- Polis and we read the float32-rounded repness-test when sorting and when
  comparing with the fallback best; red-dwarf uses float64. This matters only
  at near-ties (1e-7 relative), which these conversations do not have.
- Labels, k and in-conv may differ (spec §6b); here labels are the planted
  groups of our in-conv participants, given to both sides.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
import pytest
from reddwarf.implementations.polis import run_pipeline
from reddwarf.utils.consensus import select_consensus_statements
from reddwarf.utils.stats import (
    calculate_comment_statistics_dataframes,
    is_statement_significant,
    select_representative_statements,
)
from scipy.stats import norm

from coproduce.analytics.opinion_map import (
    CentredMatrix,
    InConv,
    PCAResult,
    Projection,
    VoteMatrix,
    build_vote_matrix,
    centre_votes,
    fit_pca,
    project,
    select_in_conv,
)
from coproduce.analytics.opinion_map.priority import statement_priority
from coproduce.analytics.opinion_map.repness import (
    representative_statements,
)
from coproduce.analytics.opinion_map.statistics import (
    Tallies,
    consensus_statements,
    group_informed_consensus,
    overall_counts,
    tally_votes,
)
from coproduce.analytics.opinion_map.synthetic import (
    SyntheticConversation,
    generate_conversation,
)

pytestmark = [
    pytest.mark.oracle,
    # red-dwarf builds its matrix with DataFrame.from_dict(list), which pandas
    # deprecates; the warning is red-dwarf's, not ours.
    pytest.mark.filterwarnings("ignore::pandas.errors.Pandas4Warning"),
]

#: red-dwarf's one-sided 90 % critical value (Polis and the spec use 1.2816).
RED_DWARF_Z = float(norm.ppf(0.9))

#: (participants, statements, group shares, seed): small, so the module runs fast.
CONVERSATIONS = [
    (150, 40, (0.5, 0.3, 0.2), 0),
    (120, 30, (0.6, 0.4), 1),
    (200, 60, (0.4, 0.3, 0.2, 0.1), 2),
]


@dataclass(frozen=True)
class Case:
    """Both implementations run on one conversation."""

    conversation: SyntheticConversation
    matrix: VoteMatrix
    centred: CentredMatrix
    pca: PCAResult  # power iteration (the product's default)
    projection: Projection
    exact_pca: PCAResult
    exact_projection: Projection
    in_conv: InConv
    red_dwarf: Any  # reddwarf PolisClusteringResult
    rows: npt.NDArray[np.int64]  # our row of each red-dwarf row (sorted ids)
    cols: npt.NDArray[np.int64]  # our column of each red-dwarf column


@pytest.fixture(
    scope="module", params=CONVERSATIONS, ids=lambda p: f"{p[0]}x{p[1]}-k{len(p[2])}"
)
def case(request: pytest.FixtureRequest) -> Case:
    n, m, shares, seed = request.param
    conv = generate_conversation(
        n_participants=n,
        n_statements=m,
        group_shares=shares,
        rejected_share=0.05,
        meta_share=0.05,
        random_state=seed,
    )
    matrix = build_vote_matrix(conv.votes, moderated_out=conv.moderated_out)
    centred = centre_votes(matrix)
    pca = fit_pca(matrix, centred, random_state=seed)
    exact = fit_pca(matrix, centred, method="exact")
    in_conv = select_in_conv(matrix)
    latest = matrix.raw.tocoo()
    votes = [
        {
            "participant_id": int(matrix.participant_ids[i]),
            "statement_id": int(matrix.statement_ids[j]),
            "vote": int(v),
            "modified": 0,
        }
        for i, j, v in zip(latest.row, latest.col, latest.data, strict=True)
    ]
    result = run_pipeline(
        votes=votes,
        mod_out_statement_ids=sorted(conv.moderated_out),
        meta_statement_ids=sorted(conv.meta),
        keep_participant_ids=list(in_conv.participant_ids),
        random_state=seed,
    )
    return Case(
        conversation=conv,
        matrix=matrix,
        centred=centred,
        pca=pca,
        projection=project(matrix, centred, pca),
        exact_pca=exact,
        exact_projection=project(matrix, centred, exact),
        in_conv=in_conv,
        red_dwarf=result,
        rows=np.argsort(matrix.participant_ids).astype(np.int64),
        cols=np.argsort(matrix.statement_ids).astype(np.int64),
    )


# --- agree closely: matrix, PCA, projections ---------------------------------


def test_raw_matrix_is_identical(case: Case) -> None:
    theirs = case.red_dwarf.raw_vote_matrix
    assert theirs.index.tolist() == sorted(case.matrix.participant_ids.tolist())
    assert theirs.columns.tolist() == sorted(case.matrix.statement_ids.tolist())
    ours = np.full(case.matrix.raw.shape, np.nan)
    coo = case.matrix.raw.tocoo()
    ours[coo.row, coo.col] = coo.data
    np.testing.assert_array_equal(ours[np.ix_(case.rows, case.cols)], theirs.values)


def test_column_means_agree(case: Case) -> None:
    np.testing.assert_allclose(
        case.centred.column_means[case.cols],
        case.red_dwarf.reducer.mean_,
        rtol=0,
        atol=1e-12,
    )


def _signs(ours: PCAResult, case: Case) -> npt.NDArray[np.float64]:
    dots = np.sum(ours.components[:, case.cols] * case.red_dwarf.reducer.components_, 1)
    return np.where(dots < 0, -1.0, 1.0)


@pytest.mark.parametrize("method", ["power", "exact"])
def test_components_and_explained_variance_agree(case: Case, method: str) -> None:
    ours = case.pca if method == "power" else case.exact_pca
    theirs = case.red_dwarf.reducer
    cosines = np.abs(np.sum(ours.components[:, case.cols] * theirs.components_, 1))
    assert (cosines >= 0.9999).all(), cosines
    # scikit-learn's explained variance is λ/(n − 1); the shares are λ/ΣZ².
    # A component that hit the 100-step cap (a small gap λ₂/λ₃, as in the
    # two-group conversation, whose second component is noise) is held to 1e-4.
    n = case.matrix.n_participants
    rtol = np.where(ours.is_converged, 1e-6, 1e-4)
    variance = ours.eigenvalues / (n - 1)
    assert (np.abs(variance / theirs.explained_variance_ - 1) <= rtol).all()
    share = ours.explained_share / theirs.explained_variance_ratio_
    assert (np.abs(share - 1) <= rtol).all()


@pytest.mark.parametrize(("method", "tolerance"), [("exact", 1e-6), ("power", 1e-4)])
def test_projections_and_extremities_agree(
    case: Case, method: str, tolerance: float
) -> None:
    pca, projection = (
        (case.exact_pca, case.exact_projection)
        if method == "exact"
        else (case.pca, case.projection)
    )
    signs = _signs(pca, case)
    # An axis whose power iteration hit the 100-step cap is only as good as
    # its component (|cos| ≥ 0.9999 is an angle of up to 0.014): 1e-2 there.
    per_axis = np.where(pca.is_converged, tolerance, 1e-2)
    rd = case.red_dwarf
    theirs = np.vstack(
        [rd.participant_projections[int(p)] for p in np.sort(rd.raw_vote_matrix.index)]
    )
    ours = projection.participant_xy[case.rows] * signs
    # Relative to the largest coordinate on each axis: entries near 0 have no
    # meaningful relative error of their own.
    scale = np.abs(theirs).max(axis=0)
    assert (np.abs(ours - theirs).max(axis=0) <= per_axis * scale).all()
    statements = projection.statement_xy[case.cols] * signs
    their_statements = rd.statements_df[["x", "y"]].to_numpy()
    their_statements = (
        their_statements * ~rd.statements_df["to_zero"].to_numpy()[:, None]
    )  # red-dwarf leaves float noise (~1e-16) on zeroed columns; we write 0
    s_scale = np.abs(their_statements).max(axis=0)
    assert (
        np.abs(statements - their_statements).max(axis=0) <= per_axis * s_scale
    ).all()
    extremity = projection.extremity[case.cols]
    their_extremity = rd.statements_df["extremity"].to_numpy()
    np.testing.assert_allclose(
        extremity, their_extremity, rtol=0, atol=per_axis.max() * their_extremity.max()
    )


# --- exact given our labels: statistics --------------------------------------


def _labels(case: Case) -> tuple[npt.NDArray[np.int64], list[int]]:
    """Our group per matrix row (planted group of in-conv rows, else −1), and
    red-dwarf's in-conv ids in its (sorted) order."""
    planted = case.conversation.planted_group
    labels = np.array(
        [
            planted[int(p)] if is_in else -1
            for p, is_in in zip(
                case.matrix.participant_ids, case.in_conv.is_in_conv, strict=True
            )
        ],
        dtype=np.int64,
    )
    return labels, sorted(case.in_conv.participant_ids)


def _their_group_stats(case: Case) -> tuple[pd.DataFrame, pd.DataFrame]:
    labels, ids = _labels(case)
    by_id = dict(
        zip(case.matrix.participant_ids.tolist(), labels.tolist(), strict=True)
    )
    their_labels = np.array([by_id[p] for p in ids])
    # red-dwarf wants labels 0 … G−1: every planted group must be present.
    assert sorted(set(their_labels.tolist())) == list(range(their_labels.max() + 1))
    in_conv_votes = case.red_dwarf.raw_vote_matrix.loc[ids, :]
    grouped, gic = calculate_comment_statistics_dataframes(
        vote_matrix=in_conv_votes, cluster_labels=their_labels
    )
    return grouped, gic


def _our_tallies(case: Case) -> Tallies:
    # Both walk statements in id order: ours follows first votes, which for
    # synthetic conversations (authors agree at creation) is creation order.
    assert (np.diff(case.matrix.statement_ids) > 0).all()
    labels, _ = _labels(case)
    return tally_votes(case.matrix, labels)


def test_representative_statements_agree_given_our_labels(case: Case) -> None:
    grouped, _ = _their_group_stats(case)
    theirs = select_representative_statements(
        grouped,
        mod_out_statement_ids=sorted(case.conversation.moderated_out),
        pick_max=5,
        confidence=0.9,
    )
    ours = representative_statements(
        _our_tallies(case),
        moderated_out=case.matrix.is_moderated_out,
        z_star=RED_DWARF_Z,
    )
    assert sorted(ours) == sorted(int(g) for g in theirs)
    compared = 0
    for group, our_list in ours.items():
        their_list = theirs[group]
        if not their_list and our_list:
            # red-dwarf's empty list when there is no best agree (see above).
            assert not any(e.is_best_agree for e in our_list)
            stats = grouped.loc[group]
            for entry in our_list:
                assert is_statement_significant(stats.loc[entry.statement_id], 0.9)
            continue
        assert [e.statement_id for e in our_list] == [s["tid"] for s in their_list]
        for entry, their in zip(our_list, their_list, strict=True):
            assert entry.direction == their["repful-for"]
            assert entry.n_success == their["n-success"]
            assert entry.n_trials == their["n-trials"]
            for ours_value, key in (
                (entry.p_success, "p-success"),
                (entry.p_test, "p-test"),
                (entry.repness, "repness"),
                (entry.repness_test, "repness-test"),
            ):
                assert ours_value == pytest.approx(their[key], rel=1e-9, abs=1e-9)
            assert entry.is_best_agree == bool(their.get("best-agree", False))
            if entry.is_best_agree:
                # red-dwarf's n-agree is n-success; Polis's (and ours) is na.
                assert their["n-agree"] == entry.n_success
                if entry.direction == "agree":
                    assert entry.n_agree == their["n-agree"]
            compared += 1
    assert compared > 0


def test_group_informed_consensus_agrees_given_our_labels(case: Case) -> None:
    _, gic = _their_group_stats(case)
    agree, disagree = group_informed_consensus(_our_tallies(case))
    np.testing.assert_allclose(
        agree[case.cols], gic["group-aware-consensus-agree"].to_numpy(), rtol=1e-12
    )
    np.testing.assert_allclose(
        disagree[case.cols],
        gic["group-aware-consensus-disagree"].to_numpy(),
        rtol=1e-12,
    )


def test_consensus_statements_agree(case: Case) -> None:
    theirs = select_consensus_statements(
        vote_matrix=case.red_dwarf.raw_vote_matrix,
        mod_out_statement_ids=sorted(case.conversation.moderated_out),
        pick_max=5,
        confidence=0.9,
        prob_threshold=0.5,
    )
    assert theirs == case.red_dwarf.consensus
    agree, disagree, seen = overall_counts(case.matrix)
    ours = consensus_statements(
        agree,
        disagree,
        seen,
        statement_ids=case.matrix.statement_ids,
        moderated_out=case.matrix.is_moderated_out,
        z_star=RED_DWARF_Z,
    )
    assert ours.agree or ours.disagree
    sides = ((ours.agree, theirs["agree"]), (ours.disagree, theirs["disagree"]))
    for our_side, their_side in sides:
        assert [c.statement_id for c in our_side] == [s["tid"] for s in their_side]
        for entry, their in zip(our_side, their_side, strict=True):
            assert entry.n_success == their["n-success"]
            assert entry.n_trials == their["n-trials"]
            assert entry.p_success == pytest.approx(their["p-success"], rel=1e-12)
            assert entry.p_test == pytest.approx(their["p-test"], rel=1e-12)


def test_priorities_agree_in_current_mode(case: Case) -> None:
    # Current tallies over the clustered (in-conv) participants, summed over
    # groups, and our exact-PCA extremities.
    tallies = _our_tallies(case)
    is_meta = np.isin(case.matrix.statement_ids, sorted(case.conversation.meta))
    ours = statement_priority(
        tallies.agree.sum(0),
        tallies.disagree.sum(0),
        tallies.seen.sum(0),
        case.exact_projection.extremity,
        is_meta=is_meta,
    )
    theirs = case.red_dwarf.statements_df["priority"].to_numpy(dtype=np.float64)
    np.testing.assert_allclose(ours[case.cols], theirs, rtol=1e-6)
    assert (ours[is_meta] == 49.0).all()


def test_red_dwarf_drops_sufficient_statements_when_no_best_agree_exists() -> None:
    """The documented difference, shown: group 0 (rows 0–9) disagrees with all
    three statements and group 1 (rows 10–19) agrees. For group 0 nothing can
    be the best agree (pat < 0 and pa < ½ everywhere), but every statement is
    sufficient on the disagree side (rdt, pdt > Z*). Polis's
    `select-rep-comments` returns the sufficient statements; red-dwarf 0.4.0
    returns nothing."""
    votes = np.vstack([np.full((10, 3), -1.0), np.full((10, 3), 1.0)])
    frame = pd.DataFrame(votes, index=range(20), columns=[0, 1, 2])
    labels = np.repeat([0, 1], 10)
    grouped, _ = calculate_comment_statistics_dataframes(
        vote_matrix=frame, cluster_labels=labels
    )
    theirs = select_representative_statements(grouped, pick_max=5, confidence=0.9)
    assert theirs[0] == []
    assert [s["tid"] for s in theirs[1]] == [0, 1, 2]  # best agree s0 first
    tallies = Tallies(
        statement_ids=np.array([0, 1, 2]),
        group_ids=np.array([0, 1]),
        agree=np.array([[0, 0, 0], [10, 10, 10]]),
        disagree=np.array([[10, 10, 10], [0, 0, 0]]),
        seen=np.array([[10, 10, 10], [10, 10, 10]]),
    )
    ours = representative_statements(
        tallies, moderated_out=[False] * 3, z_star=RED_DWARF_Z
    )
    assert [(e.statement_id, e.direction) for e in ours[0]] == [
        (0, "disagree"),
        (1, "disagree"),
        (2, "disagree"),
    ]
    assert [e.statement_id for e in ours[1]] == [0, 1, 2]
