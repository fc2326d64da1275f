"""Design effect and weighted shares, checked against statsmodels."""

from __future__ import annotations

import numpy as np
import pytest
from statsmodels.stats.proportion import proportion_confint

from coproduce.analytics.errors import InputError
from coproduce.analytics.weighting import design_effect, weighted_share


def test_equal_weights_have_no_design_effect():
    result = design_effect([4.0] * 50)

    assert result.deff == pytest.approx(1.0)
    assert result.n_eff == pytest.approx(50)
    assert result.warnings == ()


def test_deff_is_one_plus_the_squared_coefficient_of_variation():
    weights = np.random.default_rng(3).gamma(2.0, size=500)

    result = design_effect(weights)

    cv = weights.std() / weights.mean()
    assert result.deff == pytest.approx(1 + cv**2)


def test_a_large_design_effect_warns():
    result = design_effect([1.0] * 99 + [200.0])

    assert result.deff > 2
    assert any("design effect of" in w for w in result.warnings)


@pytest.mark.parametrize("seed", range(20))
def test_weighted_share_interval_is_wilson_with_the_effective_sample_size(seed):
    rng = np.random.default_rng(seed)
    weights = rng.lognormal(0, 0.6, size=120)
    outcomes = rng.random(120) < 0.3

    result = weighted_share(weights, outcomes)

    share = np.dot(weights, outcomes) / weights.sum()
    n_eff = weights.sum() ** 2 / np.dot(weights, weights)
    low, high = proportion_confint(share * n_eff, n_eff, alpha=0.05, method="wilson")
    assert result.share == pytest.approx(share)
    assert result.n_eff == pytest.approx(n_eff)
    assert result.interval == pytest.approx((low, high), rel=1e-9)
    assert result.method == "wilson-kish"


def test_weighted_share_interval_is_not_empty_at_zero():
    result = weighted_share([1.0, 2.0, 3.0], [0, 0, 0], confidence=0.9)

    assert result.share == 0
    assert result.interval[0] == 0
    assert 0 < result.interval[1] < 1
    assert result.confidence == 0.9


def test_weighting_widens_the_interval():
    outcomes = [1, 0] * 50
    equal = weighted_share([1.0] * 100, outcomes)
    unequal = weighted_share([1.0, 1.0] * 25 + [5.0, 5.0] * 25, outcomes)

    assert unequal.share == pytest.approx(equal.share)
    assert unequal.interval[1] - unequal.interval[0] > (
        equal.interval[1] - equal.interval[0]
    )


def test_wilson_interval_from_sums_matches_weighted_share():
    from coproduce.analytics.weighting import wilson_interval

    weights = [100, 100, 75, 75, 75, 75, 200, 150, 150]
    outcomes = [1, 1, 0, 0, 0, 0, 1, 0, 0]
    full = weighted_share(weights, outcomes)
    assert wilson_interval(full.share, full.n_eff) == pytest.approx(full.interval)
    with pytest.raises(InputError):
        wilson_interval(1.5, 10)
    with pytest.raises(InputError):
        wilson_interval(0.5, 0)
