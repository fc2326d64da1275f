"""R-indicator, CV and partial R-indicators (spec §3).

The independent reference fits statsmodels' `Logit` to one row per resident and
then works every indicator out person by person in plain Python loops, so it
shares neither the cell GLM nor the vectorised sums with the code under test.
"""

from __future__ import annotations

import dataclasses
import json
import math

import numpy as np
import pytest
import statsmodels.api as sm
from hypothesis import given, settings
from hypothesis import strategies as st

from coproduce.analytics.errors import InputError
from coproduce.analytics.representation import (
    RIndicatorResult,
    r_indicator_from_invited_frame,
    r_indicator_from_population_table,
    r_indicator_from_weights,
)
from coproduce.analytics.representation.tests.checks import assert_is_a_sentence

PROPERTY = settings(max_examples=50, derandomize=True, deadline=None)

# Spec §3 example: 16–34 has 20 participants of 400, 35+ has 60 of 600.
AGE_CELLS = {"age": ["16–34", "35+"]}


def _check_spec_example(result: RIndicatorResult) -> None:
    """ρ = (0.05, 0.10), ρ̄ = 80/1000 = 0.08.

    Σ(ρ_i − ρ̄)² = 400·(0.05 − 0.08)² + 600·(0.10 − 0.08)² = 400·0.0009 +
    600·0.0004 = 0.36 + 0.24 = 0.60; S = √(0.60/999) = 0.024507;
    R = 1 − 2·0.024507 = 0.9510; CV = 0.024507/0.08 = 0.3063.
    P_u(age) = √(0.4·0.0009 + 0.6·0.0004) = √0.0006 = 0.024495;
    P_u(16–34) = √0.4·(0.05 − 0.08) = −0.018974; P_u(35+) = √0.6·0.02 = +0.015492.
    """
    assert result.n_population == pytest.approx(1000)
    assert result.n_participants == pytest.approx(80)
    assert result.mean_propensity == pytest.approx(0.08)
    assert result.propensity_sd == pytest.approx(0.024507, abs=5e-7)
    assert result.r_indicator == pytest.approx(0.9510, abs=5e-5)
    assert result.coefficient_of_variation == pytest.approx(0.3063, abs=5e-5)
    (age,) = result.partials
    assert age.unconditional == pytest.approx(0.024495, abs=5e-7)
    assert age.unconditional_cv == pytest.approx(0.024495 / 0.08, abs=1e-5)
    young, old = age.categories
    assert (young.label, old.label) == ("16–34", "35+")
    assert young.mean_propensity == pytest.approx(0.05)
    assert old.mean_propensity == pytest.approx(0.10)
    assert young.unconditional == pytest.approx(-0.018974, abs=5e-7)
    assert old.unconditional == pytest.approx(0.015492, abs=5e-7)


def test_spec_example_from_the_population_table() -> None:
    """Route (a): a GLM on two cells is saturated, so ρ_c = n_c/N_c."""
    result = r_indicator_from_population_table(AGE_CELLS, [400, 600], [20, 60])
    _check_spec_example(result)
    assert result.basis == "population table"
    # With one variable, Z is the whole population: P_c = √(0.60/1000) = 0.024495.
    assert result.partials[0].conditional == pytest.approx(0.024495, abs=5e-7)


def test_spec_example_from_raking_weights_agrees() -> None:
    """Route (b): raking on age alone gives w = N_k/n_k = 400/20 = 20 and 600/60 = 10.

    ρ_i = 1/w_i = 0.05 and 0.10, and S² = (20·20·0.0009 + 60·10·0.0004)/999 =
    0.60/999, as in route (a).
    """
    labels = ["16–34"] * 20 + ["35+"] * 60
    weights = [20.0] * 20 + [10.0] * 60
    result = r_indicator_from_weights({"age": labels}, weights)
    _check_spec_example(result)
    assert result.basis == "margin-based"
    assert result.partials[0].conditional is None
    routed_a = r_indicator_from_population_table(AGE_CELLS, [400, 600], [20, 60])
    assert result.r_indicator == pytest.approx(routed_a.r_indicator, abs=1e-9)


def test_spec_example_from_an_invited_frame_agrees() -> None:
    """Route (c): 1,000 invited, the same 20 of 400 and 60 of 600 took part."""
    labels = ["16–34"] * 400 + ["35+"] * 600
    took_part = [1] * 20 + [0] * 380 + [1] * 60 + [0] * 540
    result = r_indicator_from_invited_frame({"age": labels}, took_part)
    _check_spec_example(result)
    assert result.basis == "invited frame"
    assert any("invited" in notice for notice in result.notices)


# Two variables, not proportional, so the main-effects model is not saturated.
TWO_WAY = {
    # (age, sex): (N_c, n_c)
    ("16–34", "F"): (120, 9),
    ("16–34", "M"): (110, 4),
    ("35–64", "F"): (160, 18),
    ("35–64", "M"): (150, 11),
    ("65+", "F"): (90, 17),
    ("65+", "M"): (70, 8),
}


def _reference(cells: dict[tuple[str, str], tuple[int, int]]) -> dict[str, float]:
    """Logit on one row per resident, then indicators by per-person loops."""
    people: list[tuple[str, str, int]] = []
    for (age, sex), (big_n, small_n) in cells.items():
        people += [(age, sex, 1)] * small_n + [(age, sex, 0)] * (big_n - small_n)
    ages = sorted({p[0] for p in people})
    sexes = sorted({p[1] for p in people})
    design = np.array(
        [
            [1.0]
            + [float(a == k) for k in ages[1:]]
            + [float(s == k) for k in sexes[1:]]
            for a, s, _ in people
        ]
    )
    taking_part = np.array([float(p[2]) for p in people])
    fit = sm.Logit(taking_part, design).fit(disp=0, tol=1e-12, maxiter=200)
    rho = [float(x) for x in fit.predict(design)]
    big_n = len(people)
    mean = sum(rho) / big_n
    reference = {"mean": mean}
    reference["S"] = math.sqrt(sum((r - mean) ** 2 for r in rho) / (big_n - 1))
    for position, levels in ((0, ages), (1, sexes)):
        between = 0.0
        for level in levels:
            members = [
                r for p, r in zip(people, rho, strict=True) if p[position] == level
            ]
            mean_k = sum(members) / len(members)
            between += len(members) / big_n * (mean_k - mean) ** 2
            reference[f"Pu {level}"] = math.sqrt(len(members) / big_n) * (mean_k - mean)
        reference[f"Pu {position}"] = math.sqrt(between)
        # Conditional: deviations from the mean in one's cell on the other variable.
        other = 1 - position
        cell_mean = {}
        for value in {p[other] for p in people}:
            inside = [r for p, r in zip(people, rho, strict=True) if p[other] == value]
            cell_mean[value] = sum(inside) / len(inside)
        total = 0.0
        for level in levels:
            squares = sum(
                (r - cell_mean[p[other]]) ** 2
                for p, r in zip(people, rho, strict=True)
                if p[position] == level
            )
            reference[f"Pc {level}"] = math.sqrt(squares / big_n)
            total += squares
        reference[f"Pc {position}"] = math.sqrt(total / big_n)
    return reference


def _two_way_result() -> RIndicatorResult:
    keys = list(TWO_WAY)
    return r_indicator_from_population_table(
        {"age": [k[0] for k in keys], "sex": [k[1] for k in keys]},
        [TWO_WAY[k][0] for k in keys],
        [TWO_WAY[k][1] for k in keys],
    )


def test_cell_glm_matches_logit_on_individuals_and_per_person_sums() -> None:
    reference = _reference(TWO_WAY)
    result = _two_way_result()
    assert result.mean_propensity == pytest.approx(reference["mean"], rel=1e-9)
    assert result.propensity_sd == pytest.approx(reference["S"], rel=1e-6)
    assert result.r_indicator == pytest.approx(1 - 2 * reference["S"], rel=1e-7)
    age, sex = result.partials
    assert age.unconditional == pytest.approx(reference["Pu 0"], rel=1e-6)
    assert sex.unconditional == pytest.approx(reference["Pu 1"], rel=1e-6)
    assert age.conditional == pytest.approx(reference["Pc 0"], rel=1e-6)
    assert sex.conditional == pytest.approx(reference["Pc 1"], rel=1e-6)
    for variable in (age, sex):
        for category in variable.categories:
            label = category.label
            assert category.unconditional == pytest.approx(
                reference[f"Pu {label}"], rel=1e-6, abs=1e-12
            )
            assert category.conditional == pytest.approx(
                reference[f"Pc {label}"], rel=1e-6, abs=1e-12
            )


def test_invited_frame_matches_the_population_table_route() -> None:
    covariates: dict[str, list[str]] = {"age": [], "sex": []}
    took_part: list[int] = []
    for (age, sex), (big_n, small_n) in TWO_WAY.items():
        covariates["age"] += [age] * big_n
        covariates["sex"] += [sex] * big_n
        took_part += [1] * small_n + [0] * (big_n - small_n)
    frame = r_indicator_from_invited_frame(covariates, took_part)
    table = _two_way_result()
    assert frame.r_indicator == pytest.approx(table.r_indicator, rel=1e-9)
    assert frame.partials[0].conditional == pytest.approx(
        table.partials[0].conditional, rel=1e-9
    )


def test_main_effects_fit_reproduces_each_categorys_rate() -> None:
    """The GLM's score equations make Σ_{c∈k} N_c ρ_c = n_k, so ρ̄_k = n_k/N_k."""
    result = _two_way_result()
    age = result.partials[0]
    young = age.categories[0]
    assert young.n_population == 230
    assert young.n_participants == 13
    assert young.mean_propensity == pytest.approx(13 / 230, rel=1e-8)


def test_a_category_nobody_took_part_in_is_fine_for_partials() -> None:
    """Spec §8: q_k > 0, n_k = 0 gives ρ̄_k = 0 and a negative P_u(X, k)."""
    result = r_indicator_from_population_table(
        {"age": ["16–34", "35–64", "75+"]}, [400, 500, 100], [20, 60, 0]
    )
    old = result.partials[0].categories[2]
    assert old.label == "75+"
    assert old.mean_propensity == pytest.approx(0.0, abs=1e-8)
    assert old.unconditional == pytest.approx(math.sqrt(0.1) * (0 - 0.08), rel=1e-6)


def test_the_floor_is_the_lowest_r_at_this_participation_rate() -> None:
    """All 80 participants in one cell of 80: ρ is 1 for 80 people and 0 otherwise.

    Σ(ρ_i − ρ̄)² = N·ρ̄(1 − ρ̄), so R reaches 1 − 2√(N/(N − 1)·ρ̄(1 − ρ̄)).
    """
    result = r_indicator_from_population_table(
        {"group": ["in", "out"]}, [80, 920], [80, 0]
    )
    assert result.r_indicator == pytest.approx(result.r_indicator_floor, abs=1e-7)
    assert result.r_indicator_floor == pytest.approx(
        1 - 2 * math.sqrt(1000 / 999 * 0.08 * 0.92)
    )


def test_the_result_serialises_to_json() -> None:
    result = _two_way_result()
    decoded = json.loads(json.dumps(dataclasses.asdict(result)))
    assert decoded["variables"] == ["age", "sex"]
    assert decoded["partials"][1]["categories"][0]["label"] == "F"


@PROPERTY
@given(
    participants=st.lists(st.integers(1, 30), min_size=2, max_size=6),
    factor=st.integers(2, 40),
)
def test_r_is_one_and_partials_zero_when_participation_is_even(
    participants: list[int], factor: int
) -> None:
    labels = [f"cell {i}" for i in range(len(participants))]
    result = r_indicator_from_population_table(
        {"area": labels}, [n * factor for n in participants], participants
    )
    assert result.r_indicator == pytest.approx(1.0, abs=1e-9)
    assert result.partials[0].unconditional == pytest.approx(0.0, abs=1e-9)
    for category in result.partials[0].categories:
        assert category.unconditional == pytest.approx(0.0, abs=1e-9)
    weights = r_indicator_from_weights({"area": labels}, [float(factor)] * len(labels))
    assert weights.r_indicator == pytest.approx(1.0)
    assert weights.partials[0].unconditional == pytest.approx(0.0, abs=1e-12)


@PROPERTY
@given(
    cells=st.lists(
        st.tuples(st.integers(1, 60), st.integers(0, 60)), min_size=4, max_size=4
    ),
    data=st.data(),
)
def test_row_order_changes_nothing_and_r_stays_above_its_floor(
    cells: list[tuple[int, int]], data: st.DataObject
) -> None:
    cells = [(big_n + small_n, small_n) for big_n, small_n in cells]
    if sum(small_n for _, small_n in cells) == 0:
        cells[0] = (cells[0][0] + 1, 1)
    keys = [("a", "x"), ("a", "y"), ("b", "x"), ("b", "y")]
    order = data.draw(st.permutations(range(4)))

    def run(indices: list[int]) -> RIndicatorResult:
        return r_indicator_from_population_table(
            {"u": [keys[i][0] for i in indices], "v": [keys[i][1] for i in indices]},
            [cells[i][0] for i in indices],
            [cells[i][1] for i in indices],
        )

    first, second = run(list(range(4))), run(list(order))
    assert second.r_indicator == pytest.approx(first.r_indicator, abs=1e-7)
    assert second.partials[1].conditional == pytest.approx(
        first.partials[1].conditional, abs=1e-7
    )
    assert first.r_indicator >= first.r_indicator_floor - 1e-9


def test_more_participants_than_residents_names_the_cell() -> None:
    with pytest.raises(InputError, match="age '35\\+'") as caught:
        r_indicator_from_population_table(AGE_CELLS, [400, 50], [20, 60])
    assert caught.value.row == 2


def test_participants_in_a_cell_without_residents_name_the_cell() -> None:
    with pytest.raises(InputError, match="no residents") as caught:
        r_indicator_from_population_table(AGE_CELLS, [400, 0], [20, 1])
    assert "'35+'" in str(caught.value)


def test_a_cell_without_residents_or_participants_is_dropped() -> None:
    result = r_indicator_from_population_table(
        {"age": ["16–34", "35+", "90+"]}, [400, 600, 0], [20, 60, 0]
    )
    _check_spec_example(result)
    assert any("'90+' has no residents" in notice for notice in result.notices)


def test_a_weight_below_one_names_the_participant() -> None:
    with pytest.raises(InputError, match="Participant 2") as caught:
        r_indicator_from_weights({"age": ["a", "b"]}, [3.0, 0.5])
    assert caught.value.row == 2


@pytest.mark.parametrize("flag", [2, -1, 0.5, "yes", None])
def test_a_taking_part_flag_other_than_0_or_1_names_the_row(flag: object) -> None:
    with pytest.raises(InputError, match="Row 3") as caught:
        r_indicator_from_invited_frame({"age": ["a", "b", "a"]}, [1, 0, flag])  # type: ignore[list-item]
    assert caught.value.row == 3


def test_a_blank_label_names_row_and_column() -> None:
    with pytest.raises(InputError) as caught:
        r_indicator_from_invited_frame({"age": ["a", " "]}, [1, 0])
    assert (caught.value.row, caught.value.column) == (2, "age")


def test_nobody_taking_part_is_refused() -> None:
    with pytest.raises(InputError, match="Nobody took part"):
        r_indicator_from_invited_frame({"age": ["a", "b"]}, [0, 0])


def test_no_variables_is_refused() -> None:
    with pytest.raises(InputError, match="at least one variable"):
        r_indicator_from_population_table({}, [], [])


def test_columns_of_different_lengths_are_refused() -> None:
    with pytest.raises(InputError, match="same rows"):
        r_indicator_from_weights({"age": ["a", "b"], "sex": ["F"]}, [2.0, 2.0])


def test_counts_not_matching_the_rows_are_refused() -> None:
    with pytest.raises(InputError, match="one for each row"):
        r_indicator_from_population_table(AGE_CELLS, [400], [20, 60])


@PROPERTY
@given(
    labels=st.lists(st.sampled_from(["a", "b", "", "c"]), min_size=0, max_size=6),
    population=st.lists(
        st.one_of(
            st.floats(allow_nan=True, allow_infinity=True, width=32),
            st.integers(-5, 50),
        ),
        max_size=6,
    ),
    participants=st.lists(st.integers(-2, 60), max_size=6),
)
def test_any_table_is_analysed_or_refused_with_an_input_error(
    labels: list[str], population: list[float], participants: list[int]
) -> None:
    try:
        result = r_indicator_from_population_table(
            {"group": labels}, population, participants
        )
    except InputError as error:
        assert_is_a_sentence(error)
    else:
        assert result.r_indicator >= result.r_indicator_floor - 1e-7
        assert result.r_indicator <= 1.0 + 1e-12


@PROPERTY
@given(
    weights=st.lists(
        st.one_of(
            st.floats(allow_nan=True, allow_infinity=True),
            st.integers(-2, 40),
            st.none(),
        ),
        max_size=6,
    ),
    flags=st.lists(st.one_of(st.integers(-1, 2), st.booleans()), max_size=6),
)
def test_any_weights_or_flags_are_analysed_or_refused_with_an_input_error(
    weights: list[float], flags: list[int]
) -> None:
    labels = ["a", "b"] * 3
    for run in (
        lambda: r_indicator_from_weights({"g": labels[: len(weights)]}, weights),
        lambda: r_indicator_from_invited_frame({"g": labels[: len(flags)]}, flags),
    ):
        try:
            result = run()
        except InputError as error:
            assert_is_a_sentence(error)
        else:
            assert result.r_indicator >= result.r_indicator_floor - 1e-9
