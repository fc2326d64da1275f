"""Trimming inside raking (spec §7): cap, redistribute, re-rake, alternate."""

from __future__ import annotations

import numpy as np
import pytest

from coproduce.analytics.weighting import RakingWeighter, trim_weights
from coproduce.analytics.weighting.tests.synthetic import engagement


def test_trim_weights_repeats_until_none_exceed():
    """Cap 2·mean = 2·(1+1+1+5+12)/5 = 8. 12 → 8 frees 4, shared over 1, 1, 1, 5
    (total 8) as × 1.5: 1.5, 1.5, 1.5, 7.5: none above 8, total still 20."""
    trimmed = trim_weights([1, 1, 1, 5, 12], cap_factor=2.0)

    assert trimmed.tolist() == pytest.approx([1.5, 1.5, 1.5, 7.5, 8])


def test_trim_weights_caps_a_weight_pushed_over_by_the_redistribution():
    """Cap 1.5·mean = 1.5·(10+7+1+1+1)/5 = 6. Capping 10 frees 4 over 7, 1, 1, 1
    (× 1.4): 7 becomes 9.8 > 6, so it is capped too."""
    trimmed = trim_weights([10, 7, 1, 1, 1], cap_factor=1.5)

    assert trimmed.max() == pytest.approx(6)
    assert trimmed.sum() == pytest.approx(20)
    assert trimmed[2:].tolist() == pytest.approx([8 / 3] * 3)


def test_trim_weights_leaves_weights_under_the_cap_alone():
    assert trim_weights([1, 2, 3]).tolist() == [1, 2, 3]


@pytest.mark.parametrize("seed", range(20))
def test_trimmed_raking_keeps_the_cap_and_near_margins(seed):
    participants, margins = engagement(seed)

    result = RakingWeighter(cap_factor=1.5).fit(participants, margins).result_

    weights = np.array(result.weights)
    assert result.cap == pytest.approx(1.5 * result.population_total / 300)
    assert weights.max() <= result.cap
    assert weights.sum() == pytest.approx(result.population_total)
    if result.is_converged:
        assert result.max_relative_margin_error < 1e-4
    else:
        assert any("Trimming could not" in w for w in result.warnings)


def test_trimming_that_cannot_meet_the_margins_keeps_the_cap_and_flags_it():
    """1 of 10 participants is young but young is half the residents: raking gives
    them 500 = 5·w̄, the cap is 3·w̄ = 300, so young can reach at most 300 of 500."""
    participants = {"age": ["young"] + ["old"] * 9}
    margins = {"age": {"young": 500, "old": 500}}

    result = RakingWeighter().fit(participants, margins).result_

    assert result.is_trimmed
    assert not result.is_converged
    assert result.trim_rounds == 50
    assert max(result.weights) == pytest.approx(300)
    assert result.achieved_totals["age"] == pytest.approx({"young": 300, "old": 700})
    assert result.max_relative_margin_error == pytest.approx(0.4)
    assert result.worst_margin == ("age", "young")
    assert any("Trimming could not" in w for w in result.warnings)


def test_no_trimming_when_cap_factor_is_none():
    participants = {"age": ["young"] + ["old"] * 9}
    margins = {"age": {"young": 500, "old": 500}}

    result = RakingWeighter(cap_factor=None).fit(participants, margins).result_

    assert result.cap is None
    assert not result.is_trimmed
    assert result.weights[0] == pytest.approx(500)
