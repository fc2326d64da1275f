"""Our weights against weightipy called directly and against `rake_reference`."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import weightipy

from coproduce.analytics.errors import InputError
from coproduce.analytics.weighting import RakingWeighter, rake_reference
from coproduce.analytics.weighting.tests.synthetic import codes_and_targets, engagement
from coproduce.analytics.weighting.weightipy_engine import weightipy_rake

SEEDS = range(20)


def weightipy_directly(participants, margins, population_total):
    frame = pd.DataFrame(participants)
    scheme = weightipy.scheme_from_dict(margins, name="direct")
    weighted = weightipy.weight_dataframe(frame, scheme)
    return weighted["weights"].to_numpy() * population_total / len(frame)


# weightipy rakes on until its weights stop changing, far past the spec's 1e-6
# on the margins; the NumPy engine stops at the spec's rule, where weights can
# still be a few 1e-6 from the limit, so it is compared at a tighter tolerance.
ENGINES = [
    pytest.param("weightipy", 1e-6, id="weightipy"),
    pytest.param("numpy", 1e-11, id="numpy"),
]


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize(("engine", "tolerance"), ENGINES)
def test_weights_agree_with_weightipy_called_directly(seed, engine, tolerance):
    participants, margins = engagement(seed)

    result = (
        RakingWeighter(
            cap_factor=None, engine=engine, tolerance=tolerance, max_sweeps=1000
        )
        .fit(participants, margins)
        .result_
    )

    expected = weightipy_directly(participants, margins, result.population_total)
    assert np.array(result.weights) == pytest.approx(expected, rel=1e-6)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize(("engine", "tolerance"), ENGINES)
def test_weights_agree_with_the_reference_raking(seed, engine, tolerance):
    participants, margins = engagement(seed)
    codes, targets = codes_and_targets(participants, margins)

    result = (
        RakingWeighter(
            cap_factor=None, engine=engine, tolerance=tolerance, max_sweeps=1000
        )
        .fit(participants, margins)
        .result_
    )

    expected, _ = rake_reference(codes, targets, tolerance=1e-12, max_sweeps=1000)
    assert np.array(result.weights) == pytest.approx(expected, rel=1e-6)
    assert result.max_relative_margin_error < tolerance


@pytest.mark.parametrize("seed", SEEDS)
def test_numpy_engine_stops_at_the_same_sweep_as_the_reference(seed):
    participants, margins = engagement(seed)
    codes, targets = codes_and_targets(participants, margins)

    result = (
        RakingWeighter(cap_factor=None, engine="numpy")
        .fit(participants, margins)
        .result_
    )

    expected, sweeps = rake_reference(codes, targets)
    assert result.sweeps == sweeps
    assert np.array(result.weights) == pytest.approx(expected, rel=1e-9)


@pytest.mark.parametrize("seed", SEEDS)
def test_unknowns_agree_with_weightipy_given_an_unknown_category(seed):
    participants, margins = engagement(seed)
    rng = np.random.default_rng(seed + 100)
    sex = [None if rng.random() < 0.1 else s for s in participants["sex"]]
    u = sex.count(None) / len(sex)
    total = sum(margins["sex"].values())
    with_unknowns = {**participants, "sex": sex}
    scheme = {
        **margins,
        "sex": {
            **{k: v * (1 - u) for k, v in margins["sex"].items()},
            "not known": total * u,
        },
    }

    result = RakingWeighter(cap_factor=None).fit(with_unknowns, margins).result_

    direct = {**participants, "sex": [s or "not known" for s in sex]}
    expected = weightipy_directly(direct, scheme, result.population_total)
    assert np.array(result.weights) == pytest.approx(expected, rel=1e-6)


def test_weightipy_margins_are_checked_and_finished_by_numpy(monkeypatch):
    """If weightipy stops outside the tolerance, the NumPy IPF finishes the job."""
    participants, margins = engagement(0)

    def stops_short(inputs, max_sweeps):
        weights, sweeps = weightipy_rake(inputs, max_sweeps)
        wobble = 1 + 1e-3 * np.cos(np.arange(weights.size))
        return weights * wobble, sweeps

    monkeypatch.setattr(
        "coproduce.analytics.weighting.raking.weightipy_rake", stops_short
    )
    result = RakingWeighter(cap_factor=None).fit(participants, margins).result_

    assert result.engine == "weightipy+numpy"
    assert result.max_relative_margin_error < 1e-6
    reference, _ = rake_reference(
        *codes_and_targets(participants, margins), tolerance=1e-12, max_sweeps=1000
    )
    # A different start converges to different weights in general; the margins,
    # not the individual weights, are what must hold.
    assert sum(result.weights) == pytest.approx(reference.sum())


def test_weightipy_weights_that_miss_after_all_sweeps_are_an_error(monkeypatch):
    participants, margins = engagement(0)

    def spends_every_sweep(inputs, max_sweeps):
        weights, _ = weightipy_rake(inputs, max_sweeps)
        return weights * (1 + 1e-3 * np.cos(np.arange(weights.size))), max_sweeps

    monkeypatch.setattr(
        "coproduce.analytics.weighting.raking.weightipy_rake", spends_every_sweep
    )
    with pytest.raises(InputError, match="did not converge in 100 sweeps"):
        RakingWeighter(cap_factor=None).fit(participants, margins)
