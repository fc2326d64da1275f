"""Hypothesis properties (house style §7, spec §9): raked weights reproduce the
margins and sum to N, row order changes nothing, deff ≥ 1, trimming keeps its
cap, and any input either works or raises InputError."""

from __future__ import annotations

import itertools
import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coproduce.analytics.errors import InputError
from coproduce.analytics.weighting import (
    RakingWeighter,
    design_effect,
    trim_weights,
    weighted_share,
)

# Two shared cores: keep example counts moderate and let slow examples through.
MODERATE = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    derandomize=True,
)
POPULATION = 1_000_000
LABELS = ("Cymraeg", "English", "ŵ ŷ ẁ", "75+", "<script>", "{{ x }}")


@st.composite
def raking_problems(draw):
    """Participants covering every combination of categories (so the margins can
    always be met), plus extra rows, and census shares for each characteristic."""
    sizes = draw(st.lists(st.integers(2, 4), min_size=1, max_size=3))
    names = [f"characteristic {index}" for index in range(len(sizes))]
    rows = list(itertools.product(*(range(k) for k in sizes)))
    rows += draw(
        st.lists(
            st.tuples(*(st.integers(0, k - 1) for k in sizes)), min_size=0, max_size=40
        )
    )
    rows = draw(st.permutations(rows))
    participants = {
        name: [LABELS[row[index]] for row in rows] for index, name in enumerate(names)
    }
    margins = {}
    for name, k in zip(names, sizes, strict=True):
        weights = draw(st.lists(st.integers(1, 8), min_size=k, max_size=k))
        margins[name] = {
            LABELS[category]: weight / sum(weights)
            for category, weight in enumerate(weights)
        }
    return participants, margins


def fit(participants, margins, **params):
    return (
        RakingWeighter(**params)
        .fit(participants, margins, population_total=POPULATION, margin_unit="share")
        .result_
    )


@MODERATE
@given(problem=raking_problems(), engine=st.sampled_from(["weightipy", "numpy"]))
def test_raked_weights_reproduce_the_margins_and_sum_to_n(problem, engine):
    participants, margins = problem

    result = fit(participants, margins, cap_factor=None, engine=engine)

    assert sum(result.weights) == pytest.approx(POPULATION, rel=1e-9)
    assert min(result.weights) > 0
    for name, targets in result.target_totals.items():
        for label, target in targets.items():
            achieved = result.achieved_totals[name][label]
            assert abs(achieved - target) / target < 1e-6
    assert result.max_relative_margin_error < 1e-6


@MODERATE
@given(
    problem=raking_problems(),
    engine=st.sampled_from(["weightipy", "numpy"]),
    data=st.data(),
)
def test_row_order_changes_nothing(problem, engine, data):
    participants, margins = problem
    n = len(next(iter(participants.values())))
    order = data.draw(st.permutations(range(n)))
    shuffled = {
        name: [values[i] for i in order] for name, values in participants.items()
    }

    original = fit(participants, margins, engine=engine)
    permuted = fit(shuffled, margins, engine=engine)

    expected = [original.weights[i] for i in order]
    assert permuted.weights == pytest.approx(expected, rel=1e-9)
    assert permuted.deff == pytest.approx(original.deff, rel=1e-9)
    assert permuted.is_trimmed == original.is_trimmed


@MODERATE
@given(
    weights=st.lists(
        st.floats(0, 1e6, allow_nan=False, allow_infinity=False), min_size=2
    ).filter(lambda w: sum(w) > 0)
)
def test_design_effect_is_at_least_one(weights):
    result = design_effect(weights)

    assert result.deff >= 1 - 1e-12
    assert result.n_eff <= len(weights) * (1 + 1e-12)


@MODERATE
@given(problem=raking_problems(), cap_factor=st.floats(1.05, 4))
def test_trimming_respects_the_cap_when_it_reports_success(problem, cap_factor):
    participants, margins = problem

    result = fit(participants, margins, cap_factor=cap_factor)

    assert result.deff >= 1 - 1e-12
    assert sum(result.weights) == pytest.approx(POPULATION, rel=1e-9)
    # When trimming fails it keeps the closest weights that meet the cap.
    assert max(result.weights) <= result.cap
    if result.is_converged:
        assert result.max_relative_margin_error < result.margin_tolerance
    else:
        assert result.is_trimmed
        assert any("Trimming could not" in w for w in result.warnings)


@MODERATE
@given(
    weights=st.lists(st.floats(0.01, 1e4), min_size=2, max_size=60),
    cap_factor=st.floats(1.01, 5),
)
def test_trim_weights_keeps_the_total_and_the_cap(weights, cap_factor):
    trimmed = trim_weights(weights, cap_factor)

    cap = cap_factor * sum(weights) / len(weights)
    assert trimmed.sum() == pytest.approx(sum(weights), rel=1e-9)
    assert trimmed.max() <= cap * (1 + 1e-12)


# Anything a caller might pass: odd labels, unknowns, numbers of every kind.
ANY_LABEL = st.sampled_from(
    [
        "a",
        "A ",
        " a",
        "b",
        "ŵ",
        "w\u0302",
        "",
        "  ",
        None,
        1,
        1.0,
        2,
        math.nan,
        True,
        *LABELS,
    ]
)
ANY_NUMBER = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(-10, 10**13),
    st.sampled_from([0, 0.5, 1, 100, "12", None]),
)
NAMES = ["characteristic 0", "characteristic 1", "area"]


def _relabel_a_participant(draw, participants, margins, population_total):
    name = draw(st.sampled_from(list(participants)))
    values = list(participants[name])
    values[draw(st.integers(0, len(values) - 1))] = draw(ANY_LABEL)
    return {**participants, name: values}, margins, population_total


def _change_a_margin(draw, participants, margins, population_total):
    name = draw(st.sampled_from(list(margins)))
    label = draw(st.sampled_from(list(margins[name]) or [None]))
    value = draw(
        st.one_of(
            ANY_NUMBER, st.floats(0.98, 1.02).map(lambda f: margins[name][label] * f)
        )
    )
    return (
        participants,
        {**margins, name: {**margins[name], label: value}},
        population_total,
    )


def _drop_a_margin_category(draw, participants, margins, population_total):
    name = draw(st.sampled_from(list(margins)))
    label = draw(st.sampled_from(list(margins[name]) or [None]))
    margin = {k: v for k, v in margins[name].items() if k != label}
    return participants, {**margins, name: margin}, population_total


def _add_a_margin_category(draw, participants, margins, population_total):
    name = draw(st.sampled_from(list(margins)))
    label = draw(ANY_LABEL.filter(lambda x: x is not None))
    margin = {**margins[name], label: draw(ANY_NUMBER)}
    return participants, {**margins, name: margin}, population_total


def _drop_a_characteristic(draw, participants, margins, population_total):
    name = draw(st.sampled_from(NAMES))
    if draw(st.booleans()):
        return (
            {k: v for k, v in participants.items() if k != name},
            margins,
            population_total,
        )
    return (
        participants,
        {k: v for k, v in margins.items() if k != name},
        population_total,
    )


def _blank_a_column(draw, participants, margins, population_total):
    name = draw(st.sampled_from(list(participants)))
    values = [draw(st.sampled_from([None, "", math.nan]))] * len(participants[name])
    return {**participants, name: values}, margins, population_total


def _cut_a_column(draw, participants, margins, population_total):
    name = draw(st.sampled_from(list(participants)))
    cut = draw(st.integers(0, len(participants[name])))
    return {**participants, name: participants[name][:cut]}, margins, population_total


def _change_the_population(draw, participants, margins, population_total):
    return participants, margins, draw(st.one_of(st.none(), ANY_NUMBER))


MUTATIONS = [
    _relabel_a_participant,
    _change_a_margin,
    _drop_a_margin_category,
    _add_a_margin_category,
    _drop_a_characteristic,
    _blank_a_column,
    _cut_a_column,
    _change_the_population,
]
SCALE = {"share": 1, "percent": 100, "count": POPULATION}


@st.composite
def perturbed_problems(draw):
    """A valid problem with up to two things broken."""
    participants, margins = draw(raking_problems())
    unit = draw(st.sampled_from(sorted(SCALE)))
    margins = {
        name: {label: value * SCALE[unit] for label, value in margin.items()}
        for name, margin in margins.items()
    }
    population_total = POPULATION if unit != "count" else None
    for mutate in draw(st.lists(st.sampled_from(MUTATIONS), max_size=2)):
        participants, margins, population_total = mutate(
            draw, participants, margins, population_total
        )
        if not participants or not margins:
            break
    cap_factor = draw(st.one_of(st.none(), st.floats(0.5, 5)))
    return participants, margins, population_total, unit, cap_factor


@st.composite
def anything(draw):
    """Inputs with no structure at all."""
    n = draw(st.integers(0, 12))
    names = draw(st.lists(st.sampled_from(NAMES), unique=True, max_size=3))
    participants = {
        name: draw(st.lists(ANY_LABEL, min_size=n, max_size=n)) for name in names
    }
    margins = {
        name: draw(
            st.dictionaries(
                ANY_LABEL.filter(lambda x: x is not None), ANY_NUMBER, max_size=4
            )
        )
        for name in draw(st.lists(st.sampled_from(NAMES), unique=True))
    }
    return (
        participants,
        margins,
        draw(st.one_of(st.none(), ANY_NUMBER)),
        draw(st.sampled_from(sorted(SCALE))),
        draw(st.one_of(st.none(), st.floats(0.5, 5))),
    )


@settings(MODERATE, max_examples=200)
@given(case=st.one_of(perturbed_problems(), anything()))
def test_bad_input_succeeds_or_raises_input_error_only(case):
    participants, margins, population_total, margin_unit, cap_factor = case
    try:
        result = (
            RakingWeighter(cap_factor=cap_factor)
            .fit(
                participants,
                margins,
                population_total=population_total,
                margin_unit=margin_unit,
            )
            .result_
        )
    except InputError:
        return  # refused with our own error: the message is checked elsewhere
    assert all(math.isfinite(w) and w > 0 for w in result.weights)
    assert sum(result.weights) == pytest.approx(result.population_total, rel=1e-9)
    assert result.deff >= 1 - 1e-12


@MODERATE
@given(
    weights=st.lists(ANY_NUMBER, max_size=8),
    outcomes=st.lists(
        st.sampled_from([0, 1, True, 2, None, "1", math.nan]), max_size=8
    ),
)
def test_weight_functions_succeed_or_raise_input_error_only(weights, outcomes):
    for call in (
        lambda: design_effect(weights),
        lambda: trim_weights(weights),
        lambda: weighted_share(weights, outcomes),
    ):
        try:
            value = call()
        except InputError:
            continue
        assert value is not None
