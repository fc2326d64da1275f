"""answer_validate: one rule set for online, paper and imported answers."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from coproduce.apps.surveys.answers import (
    AnswerError,
    AnswerValue,
    answer_validate,
    postcode_display,
    postcode_normalise,
)
from coproduce.apps.surveys.definition import QuestionDefinition


def question(kind: str, **overrides: Any) -> QuestionDefinition:
    options = {
        "scale": ["1", "2", "3", "4", "5"],
        "matrix": ["agree", "disagree"],
    }.get(kind, ["parks", "roads", "libraries"])
    definition: dict[str, Any] = {
        "key": "q1",
        "kind": kind,
        "page": 1,
        "text": {"en": "Q", "cy": "C"},
        "help_text": {"en": "", "cy": ""},
        "is_required": False,
        "settings": {},
        "condition": None,
        "options": [{"value": v, "label": {"en": v, "cy": v}} for v in options],
        "rows": [
            {"value": v, "label": {"en": v, "cy": v}} for v in ("safety", "litter")
        ],
    }
    definition.update(overrides)
    return definition  # type: ignore[return-value]


@pytest.mark.parametrize(
    "kind",
    ["short_text", "long_text", "single_choice", "multiple_choice", "scale",
     "number", "date", "postcode", "ranking", "matrix"],
)  # fmt: skip
def test_a_required_question_left_blank_is_refused_and_an_optional_one_is_empty(
    kind: str,
) -> None:
    with pytest.raises(AnswerError):
        answer_validate(question=question(kind, is_required=True), values=["  "])
    assert answer_validate(question=question(kind), values=[]) == []


def test_text_keeps_hostile_characters_and_enforces_the_length_limit() -> None:
    text = "Ŵŷ <script>alert(1)</script> 👍🏽 مجلس '; DROP TABLE x; --"
    assert answer_validate(question=question("short_text"), values=[text]) == [
        AnswerValue(value_text=text)
    ]
    with pytest.raises(AnswerError, match="500 characters"):
        answer_validate(question=question("short_text"), values=["a" * 501])
    assert answer_validate(question=question("long_text"), values=["a" * 10000])


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("twelve", "Enter a number"),
        ("nan", "Enter a number"),
        ("1e999", "Enter a number"),
        ("3.5", "whole number"),
        ("-1", "0 or more"),
        ("121", "120 or less"),
    ],
)
def test_numbers_outside_the_rules_are_refused_with_the_rule(
    text: str, message: str
) -> None:
    bounded = question("number", settings={"min": 0, "max": 120, "integer_only": True})
    with pytest.raises(AnswerError, match=message):
        answer_validate(question=bounded, values=[text])


def test_a_number_in_bounds_is_stored_as_typed_and_as_a_number() -> None:
    bounded = question("number", settings={"min": 0, "max": 120})
    assert answer_validate(question=bounded, values=["42.5"]) == [
        AnswerValue(value_text="42.5", value_number=42.5)
    ]


def test_dates_must_exist() -> None:
    assert answer_validate(question=question("date"), values=["2026-02-28"]) == [
        AnswerValue(value_text="2026-02-28")
    ]
    with pytest.raises(AnswerError, match="real date"):
        answer_validate(question=question("date"), values=["2026-02-30"])


def test_postcodes_are_normalised_and_checked() -> None:
    assert answer_validate(question=question("postcode"), values=["cf10  1aa"]) == [
        AnswerValue(value_text="CF10 1AA")
    ]
    for bad in ["CF10", "QQ1 1AA", "CF10 1CA", "12345"]:
        with pytest.raises(AnswerError, match="UK postcode"):
            answer_validate(question=question("postcode"), values=[bad])


def test_choices_must_come_from_the_list_and_are_stored_in_list_order() -> None:
    assert answer_validate(
        question=question("multiple_choice"), values=["libraries", "parks"]
    ) == [AnswerValue(value_text="parks"), AnswerValue(value_text="libraries")]
    with pytest.raises(AnswerError):
        answer_validate(question=question("multiple_choice"), values=["parks", "zoo"])
    with pytest.raises(AnswerError):
        answer_validate(question=question("single_choice"), values=["parks", "roads"])
    assert answer_validate(question=question("scale"), values=["4"]) == [
        AnswerValue(value_text="4", value_number=4.0)
    ]


def test_ranking_stores_one_rank_per_option_and_refuses_repeats() -> None:
    assert answer_validate(
        question=question("ranking"), values=["roads", "parks", "libraries"]
    ) == [
        AnswerValue(item="roads", value_number=1.0),
        AnswerValue(item="parks", value_number=2.0),
        AnswerValue(item="libraries", value_number=3.0),
    ]
    with pytest.raises(AnswerError):
        answer_validate(question=question("ranking"), values=["roads", "roads"])


def test_a_grid_stores_one_row_per_statement_and_a_required_grid_needs_all() -> None:
    assert answer_validate(
        question=question("matrix"), values=["litter=disagree", "safety=agree"]
    ) == [
        AnswerValue(item="safety", value_text="agree"),
        AnswerValue(item="litter", value_text="disagree"),
    ]
    with pytest.raises(AnswerError, match="each row"):
        answer_validate(
            question=question("matrix", is_required=True), values=["safety=agree"]
        )
    with pytest.raises(AnswerError):
        answer_validate(question=question("matrix"), values=["safety=maybe"])


@given(st.text(max_size=12))
def test_postcode_normalise_never_crashes_and_round_trips(text: str) -> None:
    compact = postcode_normalise(text)
    if compact is not None:
        assert " " not in compact
        assert postcode_normalise(postcode_display(compact)) == compact
