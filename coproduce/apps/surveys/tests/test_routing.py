"""Routing rules as properties over random survey definitions (hypothesis)."""

from __future__ import annotations

import itertools
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from coproduce.apps.surveys.definition import QuestionDefinition
from coproduce.apps.surveys.routing import (
    OPERATORS,
    condition_is_met,
    condition_problems,
    page_first,
    page_next,
    page_previous,
    pages_shown,
    visible_answers,
    visible_questions,
)

_VALUES = ["yes", "no", "maybe"]


def _question(
    key: str, page: int, condition: dict[str, Any] | None = None, required: bool = False
) -> QuestionDefinition:
    return {
        "key": key,
        "kind": "single_choice",
        "page": page,
        "text": {"en": key, "cy": ""},
        "help_text": {"en": "", "cy": ""},
        "is_required": required,
        "settings": {},
        "condition": condition,
        "options": [{"value": v, "label": {"en": v, "cy": ""}} for v in _VALUES],
        "rows": [],
    }


@st.composite
def definitions(
    draw: st.DrawFn, with_conditions: bool = True
) -> list[QuestionDefinition]:
    """Questions in page order; conditions refer to questions on earlier pages."""
    n = draw(st.integers(min_value=0, max_value=12))
    pages = sorted(draw(st.lists(st.integers(1, 6), min_size=n, max_size=n)))
    questions: list[QuestionDefinition] = []
    for index, page in enumerate(pages):
        earlier = [q for q in questions if q["page"] < page]
        condition = None
        if with_conditions and earlier and draw(st.booleans()):
            target = draw(st.sampled_from(earlier))
            condition = {
                "question": target["key"],
                "operator": draw(st.sampled_from(OPERATORS)),
                "values": draw(st.lists(st.sampled_from(_VALUES), max_size=2)),
            }
        questions.append(
            _question(f"q{index + 1}", page, condition, required=draw(st.booleans()))
        )
    return questions


def answer_sets(questions: list[QuestionDefinition]) -> st.SearchStrategy[Any]:
    return st.fixed_dictionaries(
        {},
        optional={
            q["key"]: st.lists(st.sampled_from(_VALUES), max_size=1) for q in questions
        },
    )


@given(definitions(with_conditions=False), st.data())
def test_without_conditions_every_page_is_shown_in_order(
    questions: list[QuestionDefinition], data: st.DataObject
) -> None:
    answers = data.draw(answer_sets(questions))
    expected = sorted({q["page"] for q in questions})
    assert pages_shown(questions, answers) == expected
    assert visible_questions(questions, answers) == questions
    # Walking with page_next visits exactly those pages.
    walked, page = [], page_first(questions, answers)
    while page is not None:
        walked.append(page)
        page = page_next(questions, answers, page)
    assert walked == expected


@given(definitions(), st.data())
def test_page_sequence_is_strictly_increasing(
    questions: list[QuestionDefinition], data: st.DataObject
) -> None:
    answers = data.draw(answer_sets(questions))
    walked, page = [], page_first(questions, answers)
    while page is not None:
        walked.append(page)
        page = page_next(questions, answers, page)
    assert walked == sorted(set(walked))
    assert walked == pages_shown(questions, answers)
    for earlier, later in itertools.pairwise(walked):
        assert page_previous(questions, answers, later) == earlier


@given(definitions(), st.data())
def test_a_hidden_question_is_never_required(
    questions: list[QuestionDefinition], data: st.DataObject
) -> None:
    from coproduce.apps.surveys.services.responses import answers_validate

    answers = data.draw(answer_sets(questions))
    # Answer every visible question and none of the hidden ones. Filling in
    # answers may change what is visible, so repeat until it settles.
    complete: dict[str, list[str]] = dict(answers)
    shown: set[str] = set()
    for _ in range(len(questions) + 1):
        shown = {q["key"] for q in visible_questions(questions, complete)}
        complete = {
            q["key"]: complete.get(q["key"]) or ["yes"]
            for q in questions
            if q["key"] in shown
        }
    hidden_keys = [q["key"] for q in questions if q["key"] not in shown]
    validated = answers_validate(questions=questions, answers=complete)
    assert not set(validated) & set(hidden_keys)


@given(definitions(), st.data())
def test_a_later_answer_never_changes_an_earlier_questions_visibility(
    questions: list[QuestionDefinition], data: st.DataObject
) -> None:
    answers = data.draw(answer_sets(questions))
    if not questions:
        return
    index = data.draw(st.integers(0, len(questions) - 1))
    changed_key = questions[index]["key"]
    changed = {
        **answers,
        changed_key: data.draw(st.lists(st.sampled_from(_VALUES), max_size=1)),
    }
    before = {q["key"] for q in visible_questions(questions, answers)}
    after = {q["key"] for q in visible_questions(questions, changed)}
    for question in questions[: index + 1]:
        assert (question["key"] in before) == (question["key"] in after)


@settings(max_examples=200)
@given(
    st.lists(
        st.fixed_dictionaries(
            {
                "key": st.text(max_size=5),
                "page": st.integers(-3, 5),
                "condition": st.one_of(
                    st.none(),
                    st.dictionaries(
                        st.sampled_from(["question", "operator", "values"]),
                        st.one_of(st.text(max_size=5), st.lists(st.text(max_size=3))),
                    ),
                ),
                "options": st.just([]),
                "rows": st.just([]),
                "kind": st.sampled_from(["single_choice", "matrix", "short_text"]),
            }
        ),
        max_size=8,
    ),
    st.dictionaries(st.text(max_size=5), st.lists(st.text(max_size=5), max_size=2)),
)
def test_random_definitions_never_crash(
    questions: list[Any], answers: dict[str, list[str]]
) -> None:
    shown = visible_questions(questions, answers)
    pages = pages_shown(questions, answers)
    assert all(q in questions for q in shown)
    assert pages == sorted(set(pages))
    visible_answers(questions, answers)
    for index, question in enumerate(questions):
        problems = condition_problems(question, questions[:index])
        assert all(isinstance(p, str) for p in problems)


def test_a_follow_up_of_a_hidden_question_is_hidden_too() -> None:
    questions = [
        _question("q1", 1),
        _question("q2", 2, {"question": "q1", "operator": "equals", "values": ["yes"]}),
        _question("q3", 3, {"question": "q2", "operator": "answered", "values": []}),
    ]
    # q2 was answered earlier, then q1 changed to "no": q2 hides, and so does q3.
    answers = {"q1": ["no"], "q2": ["yes"]}
    assert [q["key"] for q in visible_questions(questions, answers)] == ["q1"]
    assert visible_answers(questions, answers) == {"q1": ["no"]}
    assert page_next(questions, answers, 1) is None


def test_operators() -> None:
    yes = {"q1": ["yes"]}
    assert condition_is_met(
        {"question": "q1", "operator": "equals", "values": ["yes"]}, yes
    )
    assert not condition_is_met(
        {"question": "q1", "operator": "not_equals", "values": ["yes"]}, yes
    )
    assert condition_is_met(
        {"question": "q1", "operator": "not_equals", "values": ["no"]}, {}
    )
    assert condition_is_met(
        {"question": "q1", "operator": "any_of", "values": ["no", "yes"]}, yes
    )
    assert condition_is_met({"question": "q1", "operator": "answered"}, yes)
    assert condition_is_met({"question": "q1", "operator": "not_answered"}, {})
    assert condition_is_met(None, {})


def test_conditions_must_refer_to_an_earlier_page_and_offered_answers() -> None:
    q1 = _question("q1", 1)
    same_page = _question("q2", 1, {"question": "q1", "operator": "answered"})
    unknown = _question(
        "q3", 2, {"question": "q1", "operator": "equals", "values": ["x"]}
    )
    no_values = _question(
        "q4", 2, {"question": "q1", "operator": "any_of", "values": []}
    )
    later = _question("q5", 2, {"question": "q9", "operator": "answered"})
    good = _question(
        "q6", 2, {"question": "q1", "operator": "equals", "values": ["no"]}
    )
    assert "q2" in condition_problems(same_page, [q1])[0]
    assert "does not offer" in condition_problems(unknown, [q1])[0]
    assert condition_problems(no_values, [q1])
    assert "earlier page" in condition_problems(later, [q1])[0]
    assert condition_problems(good, [q1]) == []
