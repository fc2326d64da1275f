"""The synthetic conversation generator (spec §6a): determinism, planted shares,
Polis-like missingness, authors' automatic agrees, presets."""

from __future__ import annotations

import doctest

import numpy as np
import pytest

from coproduce.analytics.errors import InputError
from coproduce.analytics.opinion_map import synthetic
from coproduce.analytics.opinion_map.synthetic import (
    PRESETS,
    SyntheticConversation,
    generate_conversation,
)
from coproduce.analytics.opinion_map.votes import build_vote_matrix


def _clear(seed: int) -> SyntheticConversation:
    return generate_conversation(**PRESETS["clear"], random_state=seed)


def test_docstring_examples_hold() -> None:
    failed, attempted = doctest.testmod(synthetic, verbose=False)
    assert attempted > 0
    assert failed == 0


def test_same_seed_same_conversation_and_other_seeds_differ() -> None:
    a, b, c = _clear(3), _clear(3), _clear(4)
    for field in ("participant_ids", "statement_ids", "values", "cast_at"):
        np.testing.assert_array_equal(getattr(a.votes, field), getattr(b.votes, field))
    assert a.planted_group == b.planted_group
    assert a.authors == b.authors
    assert a.moderated_out == b.moderated_out
    assert a.meta == b.meta
    assert a.votes.n_events != c.votes.n_events or not np.array_equal(
        a.votes.values, c.votes.values
    )


@pytest.mark.parametrize("seed", range(5))
def test_planted_shares_are_exact_up_to_rounding(seed: int) -> None:
    conv = generate_conversation(
        n_participants=101,
        n_statements=30,
        group_shares=(2, 1, 1),  # normalised: 0.5, 0.25, 0.25
        random_state=seed,
    )
    sizes = np.bincount(list(conv.planted_group.values()))
    # 50.5, 25.25, 25.25: floors 50, 25, 25, and the largest remainder (group 0)
    # takes the last participant.
    assert sizes.tolist() == [51, 25, 25]
    assert sorted(conv.planted_group) == list(range(101))


@pytest.mark.parametrize("seed", range(20))
def test_clear_preset_has_polis_like_missingness(seed: int) -> None:
    conv = _clear(seed)
    mat = build_vote_matrix(conv.votes, moderated_out=conv.moderated_out)
    assert conv.n_participants == 600
    assert conv.n_statements == 120
    assert mat.n_participants == 600  # everyone votes at least once
    assert mat.n_statements == 120
    votes = mat.n_votes
    # The median is set exactly before capping and authors' extra agrees.
    assert abs(float(np.median(votes)) - 25) <= 2
    assert 0.2 <= float(np.mean(votes < 7)) <= 0.4  # many never reach in-conv
    assert votes.max() > 60  # heavy tail
    # Later statements get fewer votes: compare by creation order (= number).
    per_statement = np.bincount(
        mat.statement_ids[mat.raw.indices], minlength=conv.n_statements
    )
    first, *_, last = np.array_split(per_statement, 4)
    assert first.mean() > 2 * last.mean()
    assert set(np.unique(conv.votes.values).tolist()) == {-1, 0, 1}
    assert bool(np.all(np.diff(conv.votes.cast_at) >= 0))


def test_values_follow_the_planted_opinions() -> None:
    conv = _clear(0)
    values = conv.votes.values.astype(np.float64)
    # Passes 0.10–0.25 per statement, plus noise: overall between 0.1 and 0.25.
    assert 0.10 <= float(np.mean(values == 0)) <= 0.25
    # Groups differ: mean vote per (group, statement) spreads widely.
    groups = np.array([conv.planted_group[int(p)] for p in conv.votes.participant_ids])
    key = groups * conv.n_statements + conv.votes.statement_ids
    sums = np.bincount(key, weights=values, minlength=3 * conv.n_statements)
    counts = np.bincount(key, minlength=3 * conv.n_statements)
    means = sums[counts >= 10] / counts[counts >= 10]
    assert means.min() < -0.4
    assert means.max() > 0.4


@pytest.mark.parametrize("seed", range(20))
def test_authors_agree_with_their_own_statement_when_they_write_it(seed: int) -> None:
    conv = _clear(seed)
    log = conv.votes
    assert sorted(conv.authors) == list(range(conv.n_statements))
    for statement, author in conv.authors.items():
        on_it = np.flatnonzero(log.statement_ids == statement)
        # The statement's first event is its author's agree; nobody votes on
        # it earlier, and the author never votes on it again.
        assert int(log.participant_ids[on_it[0]]) == author
        assert int(log.values[on_it[0]]) == 1
        assert int(np.sum(log.participant_ids[on_it] == author)) == 1


def test_moderation_sets() -> None:
    conv = generate_conversation(
        n_participants=200,
        n_statements=100,
        rejected_share=0.1,
        meta_share=0.05,
        random_state=2,
    )
    assert len(conv.meta) == 5
    assert conv.meta < conv.moderated_out
    assert len(conv.moderated_out) == 15
    assert conv.moderated_out <= set(range(100))


def test_benchmark_preset_gives_about_a_million_votes() -> None:
    conv = generate_conversation(**PRESETS["benchmark"], random_state=0)
    assert conv.n_participants == 20_000
    assert conv.n_statements == 2_000
    assert 800_000 <= conv.votes.n_events <= 1_200_000
    assert set(PRESETS) == {"clear", "hard", "benchmark"}


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"n_participants": 0}, "at least 1"),
        ({"group_shares": (0.5, -0.1)}, "group_shares"),
        ({"group_shares": ()}, "group_shares"),
        ({"median_votes": 0}, "median_votes"),
        ({"noise": 1.5}, "noise"),
        ({"rejected_share": 0.7, "meta_share": 0.6}, "cannot exceed"),
    ],
)
def test_bad_parameters_are_named(kwargs: dict[str, object], message: str) -> None:
    params: dict[str, object] = {
        "n_participants": 10,
        "n_statements": 5,
        "random_state": 0,
    }
    params.update(kwargs)
    with pytest.raises(InputError, match=message):
        generate_conversation(**params)  # type: ignore[arg-type]
