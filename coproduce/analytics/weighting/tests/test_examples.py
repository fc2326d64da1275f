"""Spec §7 worked examples, one test each, with the arithmetic written out."""

from __future__ import annotations

import pytest

from coproduce.analytics.weighting import (
    RakingWeighter,
    design_effect,
    rake_reference,
    trim_weights,
)

# F-young 2, F-old 4, M-young 1, M-old 2 (n = 9).
SEX = ["F", "F", "F", "F", "F", "F", "M", "M", "M"]
AGE = ["young", "young", "old", "old", "old", "old", "young", "old", "old"]
MARGINS = {"sex": {"F": 500, "M": 500}, "age": {"young": 400, "old": 600}}
EXPECTED = [100, 100, 75, 75, 75, 75, 200, 150, 150]


@pytest.mark.parametrize("engine", ["weightipy", "numpy"])
def test_raking_example_gives_the_spec_weights_and_exact_margins(engine):
    """Start w = 1000/9. After sex: F total 6·w → 500, M 3·w → 500, so F-weights
    83.33 and M-weights 166.67. Young total 2·83.33 + 166.67 = 333.33 → × 1.2;
    old 4·83.33 + 2·166.67 = 666.67 → × 0.9. Weights: F-young 100, F-old 75,
    M-young 200, M-old 150; F = 200 + 300 = 500, M = 200 + 300 = 500,
    young = 200 + 200 = 400, old = 300 + 300 = 600: all exact after one sweep.
    """
    result = (
        RakingWeighter(engine=engine).fit({"sex": SEX, "age": AGE}, MARGINS).result_
    )

    assert result.weights == pytest.approx(EXPECTED, rel=1e-12)
    assert result.population_total == 1000
    assert sum(result.weights) == pytest.approx(1000, rel=1e-12)
    assert result.achieved_totals == {
        "sex": pytest.approx({"F": 500, "M": 500}, rel=1e-12),
        "age": pytest.approx({"young": 400, "old": 600}, rel=1e-12),
    }
    assert result.max_relative_margin_error < 1e-12
    assert result.is_converged
    assert not result.is_trimmed  # largest weight 200 < cap 3·1000/9 = 333.3


def test_raking_example_converges_in_one_sweep():
    result = RakingWeighter(engine="numpy").fit({"sex": SEX, "age": AGE}, MARGINS)

    assert result.result_.sweeps == 1
    weights, sweeps = rake_reference(
        [[0] * 6 + [1] * 3, [0, 0, 1, 1, 1, 1, 0, 1, 1]], [[500, 500], [400, 600]]
    )
    assert sweeps == 1
    assert weights.tolist() == pytest.approx(EXPECTED, rel=1e-12)


def test_trimming_example_on_the_total_only():
    """w̄ = 10/5 = 2, cap 2.5·2 = 5. 6 → 5 leaves an excess of 1, shared over the
    four 1s in proportion (equally): 1 + 1/4 = 1.25. Total 4·1.25 + 5 = 10."""
    trimmed = trim_weights([1, 1, 1, 1, 6], cap_factor=2.5)

    assert trimmed.tolist() == pytest.approx([1.25, 1.25, 1.25, 1.25, 5], rel=1e-12)
    assert trimmed.sum() == pytest.approx(10)


def test_design_effect_example_from_the_raking_weights():
    """Σw = 1,000; Σw² = 2·100² + 4·75² + 200² + 2·150² = 20,000 + 22,500 +
    40,000 + 45,000 = 127,500; deff = 9·127,500/1,000² = 1.1475;
    n_eff = 9/1.1475 = 7.843."""
    result = design_effect(EXPECTED)

    assert result.deff == pytest.approx(1.1475, rel=1e-12)
    assert result.n_eff == pytest.approx(7.84, abs=0.005)
    assert result.n_participants == 9
    assert any("7.8 effective participants" in w for w in result.warnings)


def test_raking_result_carries_the_design_effect_of_the_example():
    result = RakingWeighter().fit({"sex": SEX, "age": AGE}, MARGINS).result_

    assert result.deff == pytest.approx(1.1475, rel=1e-9)
    assert result.n_eff == pytest.approx(9 / 1.1475, rel=1e-9)
    assert any("fewer than 30" in w for w in result.warnings)
