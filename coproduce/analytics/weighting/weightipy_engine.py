"""Raking with weightipy, the production engine (chosen in panel-selection §5)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import weightipy  # type: ignore[import-untyped]

from coproduce.analytics.weighting.inputs import RakingInputs
from coproduce.analytics.weighting.ipf import FloatArray


def weightipy_rake(inputs: RakingInputs, max_sweeps: int) -> tuple[FloatArray, int]:
    """Rake the encoded cells with weightipy and rescale the weights to N.

    Parameters
    ----------
    inputs
        Checked cells and targets from `prepare_raking_inputs`.
    max_sweeps
        weightipy's `max_iterations`.

    Returns
    -------
    (weights, sweeps)
        Weights in input order summing to N, and the sweeps weightipy ran.

    Notes
    -----
    weightipy's Rim rakes from w = 1 with targets as shares and returns weights
    with mean 1, so w_i·N/n gives the spec's scale (start N/n). It stops when a
    sweep no longer cuts Σ|Δw| by at least 1 % of the previous sweep's
    (`convcrit`), or after `max_iterations`; it reports no margins, so the caller
    checks them.

    References
    ----------
    weightipy 0.4 (`weightipy.internal.rim.Rake.start`), a port of the RIM
    weighting in quantipy.
    """
    # Columns get neutral names so no characteristic name reaches pandas.query.
    frame = pd.DataFrame(
        {f"c{index}": codes for index, codes in enumerate(inputs.codes)}
    )
    distributions = {
        f"c{index}": {cell: float(t) for cell, t in enumerate(targets) if t > 0}
        for index, targets in enumerate(inputs.targets)
    }
    scheme = weightipy.scheme_from_dict(
        distributions,
        name="coproduce",
        rim_params={"max_iterations": max_sweeps},
    )
    series = weightipy.weight(frame, scheme)
    factors = np.asarray(series.reindex(frame.index), dtype=np.float64)
    if factors.shape != (inputs.n_participants,) or not np.isfinite(factors).all():
        raise RuntimeError("weightipy returned weights that do not match the rows")
    # weightipy decides whether to stop at the top of each iteration, so when it
    # stops early the last iteration it counts ran no sweep.
    iterations = int(scheme.groups["global_group"]["iterations"])
    sweeps = iterations - 1 if iterations < max_sweeps else max_sweeps
    scale = inputs.population_total / float(factors.sum())
    return factors * scale, sweeps
