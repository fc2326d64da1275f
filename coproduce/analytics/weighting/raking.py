"""Raking weights to census margins, with trimming and the design effect (§7)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, Self

import numpy as np
import numpy.typing as npt

from coproduce.analytics.errors import InputError
from coproduce.analytics.weighting.design_effect import (
    design_effect_warnings,
    effective_sample_size,
)
from coproduce.analytics.weighting.inputs import (
    UNKNOWN_CELL,
    Margins,
    MarginUnit,
    Participants,
    RakingInputs,
    prepare_raking_inputs,
)
from coproduce.analytics.weighting.ipf import (
    Collapsed,
    FloatArray,
    MarginCheck,
    check_margins,
    collapse,
    ipf,
    weighted_totals,
)
from coproduce.analytics.weighting.trimming import check_cap_factor, trim_and_rake
from coproduce.analytics.weighting.weightipy_engine import weightipy_rake

Engine = Literal["weightipy", "numpy"]
#: Spec §8 [D]: below this share of known values a characteristic's weights warn.
COVERAGE_WARNING = 0.8


@dataclass(frozen=True, slots=True)
class RakingResult:
    """Raking weights and how well they meet the margins; numbers and labels only."""

    weights: tuple[float, ...]  # people per participant, in input order; sum to N
    n_participants: int
    population_total: float  # N
    characteristics: tuple[str, ...]  # raked on, in sweep order
    characteristics_left_out: tuple[str, ...]  # no margins or no known value
    n_unknown: dict[str, int]  # per characteristic: participants who did not say
    target_totals: dict[str, dict[str, float]]  # people per census category
    achieved_totals: dict[str, dict[str, float]]  # Σ weights per census category
    max_relative_margin_error: float  # over every raking cell
    worst_margin: tuple[str, str]  # (characteristic, category) of that error
    margin_tolerance: float  # 1e-6 untrimmed, 1e-4 after trimming
    is_converged: bool  # every cell within margin_tolerance (and cap held)
    sweeps: int  # raking sweeps before trimming
    engine: str  # "weightipy", "weightipy+numpy" (finished by NumPy) or "numpy"
    cap: float | None  # weight cap in people per participant; None: no trimming
    is_trimmed: bool  # some raked weight exceeded the cap and was trimmed
    trim_rounds: int  # cap-then-re-rake rounds run (0 when not trimmed)
    deff: float  # Kish: n·Σw²/(Σw)²
    n_eff: float  # n/deff
    warnings: tuple[str, ...]  # things that make the weighted figures weaker
    notices: tuple[str, ...]  # what was done to the input


class RakingWeighter:
    """Raking (iterative proportional fitting) weights to census margins.

    Participants who did not give a characteristic form a cell of their own for
    it, holding their share of the sample; see Notes.

    Parameters
    ----------
    cap_factor
        Trim weights above cap_factor·w̄ (w̄ = N/n); None skips trimming.
    tolerance
        Raking has converged when every |Σ_{j∈k} w_j − T_k| / T_k is below this.
    max_sweeps
        Sweeps allowed before non-convergence is an error.
    trim_tolerance
        Margin tolerance trimming must meet along with the cap.
    max_trim_rounds
        Cap-then-re-rake rounds before trimming keeps its closest attempt.
    engine
        "weightipy" (production) or "numpy" (the same IPF without weightipy).

    Attributes
    ----------
    result_ : RakingResult
    weights_ : numpy.ndarray
        The same weights as `result_.weights`, as an array.

    Notes
    -----
    Start w_i = N/n. One sweep sets, for each characteristic in order and each
    category k, w_i ← w_i·T_k / Σ_{j∈k} w_j with T_k = N·q_k; raking has
    converged when every cell is within `tolerance` (at most `max_sweeps`).
    weightipy rakes first; its weights are rescaled to N and the margins checked
    here, and the NumPy IPF finishes if weightipy stopped outside the tolerance
    (weightipy stops when its weights stall, which is not the spec's rule). A
    non-convergent rake raises `InputError` naming the worst category.

    Trimming (when a weight exceeds c·w̄): cap and redistribute, re-rake, and
    alternate until the cap holds and the margins are within `trim_tolerance`;
    after `max_trim_rounds` the capped weights closest to the margins are kept,
    `is_converged` is False and a warning says how far off they are.

    The NumPy steps work on the distinct combinations of cells that occur,
    each with its number of participants (`ipf.collapse`). Raking and trimming
    give everyone in a combination the same weight, so this is exact, and
    100,000 participants rarely make more than a few thousand combinations.
    Achieved margins are always checked on the participants' own weights.

    **Unknown values** (None, NaN, blank). For characteristic X with unknown
    share u = n_unknown/n, the unknown participants form one more raking cell
    with target N·u, and the census categories get T_k = N·q_k·(1 − u). So the
    people who said match the census shares exactly, and those who did not keep
    their weight share on X: X neither pushes them towards any census category
    nor drops them (which would shift weight onto those who answered). Their
    weights still move with the characteristics they did give. At the start
    w = N/n their cell is already on target, so their X factor starts at 1. The
    unknown cell is never reported as a census category. A characteristic
    nobody gave is left out with a notice.

    References
    ----------
    Deming, W. E. and Stephan, F. F. (1940). "On a least squares adjustment of a
    sampled frequency table when the expected marginal totals are known".
    Annals of Mathematical Statistics 11(4): 427–444.
    Battaglia, M. P., Izrael, D., Hoaglin, D. C. and Frankel, M. R. (2009).
    "Practical considerations in raking survey data". Survey Practice 2(5).
    Kish, L. (1992). "Weighting for unequal P_i". Journal of Official
    Statistics 8(2): 183–200.
    """

    def __init__(
        self,
        *,
        cap_factor: float | None = 3.0,
        tolerance: float = 1e-6,
        max_sweeps: int = 100,
        trim_tolerance: float = 1e-4,
        max_trim_rounds: int = 50,
        engine: Engine = "weightipy",
    ) -> None:
        self.cap_factor = cap_factor
        self.tolerance = tolerance
        self.max_sweeps = max_sweeps
        self.trim_tolerance = trim_tolerance
        self.max_trim_rounds = max_trim_rounds
        self.engine = engine

    def fit(
        self,
        participants: Participants,
        margins: Margins,
        *,
        population_total: float | None = None,
        margin_unit: MarginUnit = "count",
    ) -> Self:
        """Rake weights for `participants` to `margins`.

        Parameters
        ----------
        participants
            Characteristic name -> one category label per participant, e.g.
            ``{"sex": ["female", "male", None, ...], "age_band": [...]}``.
            Labels match the margins after NFC, case-folding and trimming; None,
            NaN and blank text are unknown.
        margins
            Characteristic name -> category label -> population count, share or
            percentage (`margin_unit`). Characteristics are swept in the order
            of `participants`.
        population_total
            N. Required for shares and percentages; for counts, defaults to the
            first used characteristic's total.
        margin_unit
            "count", "share" (0–1) or "percent" (0–100).

        Returns
        -------
        RakingWeighter
            self, with `result_` and `weights_`.

        Raises
        ------
        InputError
            Bad input (spec §8; see `prepare_raking_inputs`), bad parameters, or
            raking that does not converge within `max_sweeps`.
        """
        self._check_parameters()
        inputs = prepare_raking_inputs(
            participants,
            margins,
            population_total=population_total,
            margin_unit=margin_unit,
        )
        table = collapse(inputs.codes)
        weights, sweeps, engine = self._rake(inputs, table)
        # Checked on the participants' own weights, whichever engine made them.
        check = check_margins(weights, inputs.codes, inputs.targets)
        if check.max_relative_error >= self.tolerance:
            raise _not_converged_error(inputs, check, self.max_sweeps)

        notices = list(inputs.notices)
        warnings: list[str] = []
        cap = None
        trim_rounds = 0
        margin_tolerance = self.tolerance
        if self.cap_factor is not None:
            cap = self.cap_factor * inputs.population_total / inputs.n_participants
            n_over = int(np.count_nonzero(weights > cap))
            if n_over:
                trimmed = trim_and_rake(
                    _per_combination(weights, table),
                    table.codes,
                    inputs.targets,
                    cap=cap,
                    margin_tolerance=self.trim_tolerance,
                    rake_tolerance=self.tolerance,
                    max_sweeps=self.max_sweeps,
                    max_rounds=self.max_trim_rounds,
                    sizes=table.sizes,
                )
                weights = trimmed.weights[table.row_of]
                check = check_margins(weights, inputs.codes, inputs.targets)
                trim_rounds = trimmed.rounds
                margin_tolerance = self.trim_tolerance
                notices.append(
                    f"{n_over:,} raked weights were above the cap of {cap:,.2f} "
                    f"({self.cap_factor:g} times the mean) and were trimmed in "
                    f"{trim_rounds} round{'s' if trim_rounds != 1 else ''}."
                )
        is_converged = check.max_relative_error < margin_tolerance and (
            cap is None or float(weights.max()) <= cap
        )
        if not is_converged and cap is not None:
            warnings.append(_trimming_warning(inputs, check, cap, trim_rounds))

        n_eff = effective_sample_size(weights)
        deff = inputs.n_participants / n_eff
        warnings.extend(_coverage_warnings(inputs))
        warnings.extend(design_effect_warnings(inputs.n_participants, deff, n_eff))
        self.weights_ = weights
        self.result_ = RakingResult(
            weights=tuple(weights.tolist()),
            n_participants=inputs.n_participants,
            population_total=inputs.population_total,
            characteristics=inputs.characteristics,
            characteristics_left_out=inputs.left_out,
            n_unknown=dict(inputs.n_unknown),
            target_totals=_census_totals(inputs, list(inputs.targets)),
            achieved_totals=_census_totals(
                inputs,
                [
                    weighted_totals(weights, codes, len(targets))
                    for codes, targets in zip(inputs.codes, inputs.targets, strict=True)
                ],
            ),
            max_relative_margin_error=check.max_relative_error,
            worst_margin=(
                inputs.characteristics[check.characteristic],
                inputs.cell_label(check.characteristic, check.cell),
            ),
            margin_tolerance=margin_tolerance,
            is_converged=is_converged,
            sweeps=sweeps,
            engine=engine,
            cap=cap,
            is_trimmed=trim_rounds > 0,
            trim_rounds=trim_rounds,
            deff=deff,
            n_eff=n_eff,
            warnings=tuple(warnings),
            notices=tuple(notices),
        )
        return self

    def _check_parameters(self) -> None:
        if self.cap_factor is not None:
            check_cap_factor(self.cap_factor)
        if not (0 < self.tolerance < 1 and 0 < self.trim_tolerance < 1):
            raise InputError("Raking tolerances must be between 0 and 1.")
        if self.max_sweeps < 1 or self.max_trim_rounds < 1:
            raise InputError("Raking needs at least one sweep and one trimming round.")
        if self.engine not in ("weightipy", "numpy"):
            raise InputError(
                "The raking engine must be 'weightipy' or 'numpy', not "
                f"{self.engine!r}."
            )

    def _rake(
        self, inputs: RakingInputs, table: Collapsed
    ) -> tuple[FloatArray, int, str]:
        """Participants' weights summing to N, the sweeps used and the engine."""
        if self.engine == "weightipy":
            weights, sweeps = weightipy_rake(inputs, self.max_sweeps)
            # weightipy stops when its changes stall, not by the spec's rule, and
            # reports no margins: check them here.
            check = check_margins(weights, inputs.codes, inputs.targets)
            if check.max_relative_error < self.tolerance:
                return weights, sweeps, "weightipy"
            start, engine = _per_combination(weights, table), "weightipy+numpy"
        else:
            sweeps, engine = 0, "numpy"
            start = np.full(
                table.sizes.size, inputs.population_total / inputs.n_participants
            )
        finished = ipf(
            start,
            table.codes,
            inputs.targets,
            tolerance=self.tolerance,
            max_sweeps=max(self.max_sweeps - sweeps, 0),
            sizes=table.sizes,
        )
        return finished.weights[table.row_of], sweeps + finished.sweeps, engine


def _per_combination(weights: FloatArray, table: Collapsed) -> FloatArray:
    """Each combination's weight; raking gives everyone in one the same weight,
    so the mean is that weight (and absorbs any last-bit rounding)."""
    return np.bincount(table.row_of, weights=weights) / table.sizes


def _census_totals(
    inputs: RakingInputs, per_cell: Sequence[npt.NDArray[np.float64]]
) -> dict[str, dict[str, float]]:
    return {
        name: dict(zip(labels, values[: len(labels)].tolist(), strict=True))
        for name, labels, values in zip(
            inputs.characteristics, inputs.labels, per_cell, strict=True
        )
    }


def _describe(inputs: RakingInputs, check: MarginCheck) -> tuple[str, str, str]:
    name = inputs.characteristics[check.characteristic]
    label = inputs.cell_label(check.characteristic, check.cell)
    shown = (
        f"participants who did not give their '{name}'"
        if label == UNKNOWN_CELL
        else f"'{label}' in '{name}'"
    )
    return name, label, shown


def _not_converged_error(
    inputs: RakingInputs, check: MarginCheck, max_sweeps: int
) -> InputError:
    name, label, shown = _describe(inputs, check)
    return InputError(
        f"Raking did not converge in {max_sweeps} sweeps: {shown} is still "
        f"{check.max_relative_error:.2%} off its target. These participants "
        "cannot match all the margins at once; merge small categories or weight "
        "by fewer characteristics.",
        column=name,
        category=label,
    )


def _trimming_warning(
    inputs: RakingInputs, check: MarginCheck, cap: float, rounds: int
) -> str:
    _, _, shown = _describe(inputs, check)
    return (
        f"Trimming could not keep every weight under the cap of {cap:,.2f} and "
        f"meet the margins in {rounds} rounds. The weights keep the cap; the "
        f"furthest margin, {shown}, is {check.max_relative_error:.2%} off its "
        "target (the achieved margins are in the result)."
    )


def _coverage_warnings(inputs: RakingInputs) -> list[str]:
    warnings = []
    for name, n_unknown in inputs.n_unknown.items():
        coverage = 1 - n_unknown / inputs.n_participants
        if coverage < COVERAGE_WARNING:
            warnings.append(
                f"Only {coverage:.0%} of participants gave their '{name}', so "
                "weighting corrects it among those who did and leaves the rest "
                "as they are."
            )
    return warnings
