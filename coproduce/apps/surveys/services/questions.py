"""Officers edit a survey's questions: options, grid rows, order, pages, routing.

These change only the working copy; residents see them once the survey is
published again (builder.survey_publish).
"""

from __future__ import annotations

import re
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils.text import slugify
from django.utils.translation import gettext as _

from coproduce.apps.accounts.models import User
from coproduce.apps.audit.services import audit_diff, audit_event_create, audit_snapshot
from coproduce.apps.surveys.definition import definition_build
from coproduce.apps.surveys.models import (
    KINDS_WITH_OPTIONS,
    Choice,
    Question,
    QuestionKind,
    Survey,
)
from coproduce.apps.surveys.routing import condition_problems
from coproduce.apps.surveys.services.builder import (
    SurveyBuildError,
    survey_check_can_manage,
)

_QUESTION_FIELDS = [
    "kind",
    "page",
    "position",
    "text_en",
    "text_cy",
    "help_text_en",
    "help_text_cy",
    "is_required",
    "settings",
    "condition",
]


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def choices_from_lines(
    *, english: str, welsh: str, numbered: bool = False, what: str = "option"
) -> list[tuple[str, str, str]]:
    """(value, English label, Welsh label) for each line of English text.

    Welsh lines pair with English lines in order. Values are slugs of the
    English labels, or "1", "2", … when `numbered` (scale points, so results
    can average them). Raises SurveyBuildError if there are more Welsh lines.
    """
    english_lines, welsh_lines = _lines(english), _lines(welsh)
    if len(welsh_lines) > len(english_lines):
        raise SurveyBuildError(
            _(
                "There are more Welsh %(what)s lines than English ones. Put each "
                "Welsh label on the same line as its English one."
            )
            % {"what": what},
            field=f"{what}s_cy",
        )
    made: list[tuple[str, str, str]] = []
    used: set[str] = set()
    for index, label in enumerate(english_lines):
        if numbered:
            value = str(index + 1)
        else:
            base = (slugify(label) or f"{what}-{index + 1}")[:50]
            value, n = base, 2
            while value in used:
                value, n = f"{base}-{n}", n + 1
        used.add(value)
        cy = welsh_lines[index] if index < len(welsh_lines) else ""
        made.append((value, label, cy))
    return made


def _number_settings(settings: dict[str, Any]) -> dict[str, Any]:
    low, high = settings.get("min"), settings.get("max")
    if low is not None and high is not None and low > high:
        raise SurveyBuildError(
            _("The lowest number allowed must not be more than the highest."),
            field="number_min",
        )
    return {
        "min": low,
        "max": high,
        "integer_only": bool(settings.get("integer_only")),
    }


def _next_key(survey: Survey) -> str:
    numbers = [
        int(match.group(1))
        for key in Question.objects.filter(survey=survey).values_list("key", flat=True)
        if (match := re.fullmatch(r"q(\d+)", key))
    ]
    return f"q{max(numbers, default=0) + 1}"


def _replace_choices(
    question: Question,
    options: list[tuple[str, str, str]],
    rows: list[tuple[str, str, str]],
) -> None:
    question.choices.all().delete()
    for kind, items in ((Choice.Kind.OPTION, options), (Choice.Kind.ROW, rows)):
        for position, (value, label_en, label_cy) in enumerate(items):
            choice = Choice(
                question=question,
                kind=kind,
                value=value,
                label_en=label_en,
                label_cy=label_cy,
                position=position,
            )
            choice.full_clean()
            choice.save()


def _shape_for_kind(
    kind: str,
    options: list[tuple[str, str, str]],
    rows: list[tuple[str, str, str]],
    settings: dict[str, Any],
) -> tuple[list[tuple[str, str, str]], list[tuple[str, str, str]], dict[str, Any]]:
    """Keep only what the kind uses: options for choice kinds, rows for grids."""
    if kind not in KINDS_WITH_OPTIONS:
        options = []
    if kind != QuestionKind.MATRIX:
        rows = []
    settings = _number_settings(settings) if kind == QuestionKind.NUMBER else {}
    return options, rows, settings


@transaction.atomic
def question_create(
    *,
    actor: User,
    survey: Survey,
    kind: str,
    text_en: str,
    text_cy: str = "",
    help_text_en: str = "",
    help_text_cy: str = "",
    is_required: bool = False,
    page: int = 1,
    options: list[tuple[str, str, str]] | None = None,
    rows: list[tuple[str, str, str]] | None = None,
    settings: dict[str, Any] | None = None,
) -> Question:
    """Add a question at the end of its page.

    Raises PermissionDenied, SurveyBuildError or ValidationError.
    """
    survey_check_can_manage(actor, survey)
    # Lock the survey: two officers adding questions together must not get
    # the same key.
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    options, rows, settings = _shape_for_kind(
        kind, options or [], rows or [], settings or {}
    )
    last = Question.objects.filter(survey=survey, page=page).aggregate(
        last=Max("position")
    )["last"]
    question = Question(
        survey=survey,
        key=_next_key(survey),
        kind=kind,
        page=page,
        position=0 if last is None else last + 1,
        text_en=text_en.strip(),
        text_cy=text_cy.strip(),
        help_text_en=help_text_en.strip(),
        help_text_cy=help_text_cy.strip(),
        is_required=is_required,
        settings=settings,
    )
    question.full_clean()
    question.save()
    _replace_choices(question, options, rows)
    audit_event_create(
        actor=actor,
        action="survey.question_create",
        target=question,
        organisation=survey.organisation,
        changes=audit_snapshot(question, ["key", *_QUESTION_FIELDS]),
    )
    return question


def _later_conditions_on(question: Question) -> list[str]:
    return [
        other.key
        for other in Question.objects.filter(survey_id=question.survey_id)
        .exclude(pk=question.pk)
        .exclude(condition=None)
        if (other.condition or {}).get("question") == question.key
    ]


@transaction.atomic
def question_update(
    *,
    actor: User,
    question: Question,
    kind: str,
    text_en: str,
    text_cy: str,
    help_text_en: str,
    help_text_cy: str,
    is_required: bool,
    page: int,
    options: list[tuple[str, str, str]] | None = None,
    rows: list[tuple[str, str, str]] | None = None,
    settings: dict[str, Any] | None = None,
) -> Question:
    """Change a question, its options and grid rows, or move it to another page.

    Raises PermissionDenied, SurveyBuildError (a move that would break routing)
    or ValidationError.
    """
    survey_check_can_manage(actor, question.survey)
    question = (
        Question.objects.select_for_update()
        .select_related("survey__organisation")
        .get(pk=question.pk)
    )
    before = audit_snapshot(question, _QUESTION_FIELDS)
    options, rows, settings = _shape_for_kind(
        kind, options or [], rows or [], settings or {}
    )
    if page != question.page:
        last = Question.objects.filter(
            survey_id=question.survey_id, page=page
        ).aggregate(last=Max("position"))["last"]
        question.position = 0 if last is None else last + 1
    question.kind = kind
    question.text_en = text_en.strip()
    question.text_cy = text_cy.strip()
    question.help_text_en = help_text_en.strip()
    question.help_text_cy = help_text_cy.strip()
    question.is_required = is_required
    question.page = page
    question.settings = settings
    question.full_clean()
    question.save()
    _replace_choices(question, options, rows)
    _check_routing_still_valid(question.survey)
    audit_event_create(
        actor=actor,
        action="survey.question_update",
        target=question,
        organisation=question.survey.organisation,
        changes=audit_diff(before, audit_snapshot(question, _QUESTION_FIELDS)),
    )
    return question


def _check_routing_still_valid(survey: Survey) -> None:
    """After a change, every condition must still point at an earlier page."""
    questions = definition_build(survey=survey)["questions"]
    problems: list[str] = []
    for index, question in enumerate(questions):
        problems.extend(condition_problems(question, questions[:index]))
    if problems:
        raise SurveyBuildError(
            [
                *problems,
                _("Change or remove those conditions first, then try again."),
            ]
        )


@transaction.atomic
def question_delete(*, actor: User, question: Question) -> None:
    """Remove a question from the working copy (published versions keep it).

    Raises PermissionDenied or SurveyBuildError when another question's
    condition depends on it.
    """
    survey_check_can_manage(actor, question.survey)
    question = (
        Question.objects.select_for_update()
        .select_related("survey__organisation")
        .get(pk=question.pk)
    )
    dependants = _later_conditions_on(question)
    if dependants:
        raise SurveyBuildError(
            _(
                "Questions %(keys)s are shown depending on the answer to this "
                "question. Remove their conditions first."
            )
            % {"keys": ", ".join(sorted(dependants))}
        )
    audit_event_create(
        actor=actor,
        action="survey.question_delete",
        target=question,
        organisation=question.survey.organisation,
        changes=audit_snapshot(question, ["key", *_QUESTION_FIELDS]),
    )
    question.delete()


@transaction.atomic
def question_move(*, actor: User, question: Question, direction: str) -> Question:
    """Swap a question with its neighbour on the same page ("up" or "down").

    Raises PermissionDenied or SurveyBuildError at the top or bottom of a page.
    """
    survey_check_can_manage(actor, question.survey)
    # Lock the whole page: positions of two rows change together.
    page = list(
        Question.objects.select_for_update()
        .filter(survey_id=question.survey_id, page=question.page)
        .order_by("position", "pk")
    )
    index = next(i for i, q in enumerate(page) if q.pk == question.pk)
    other_index = index - 1 if direction == "up" else index + 1
    if direction not in ("up", "down") or not 0 <= other_index < len(page):
        raise SurveyBuildError(_("This question cannot move further on its page."))
    # Renumber the page first, so equal positions never make the swap a no-op.
    for position, item in enumerate(page):
        item.position = position
    page[index], page[other_index] = page[other_index], page[index]
    for position, item in enumerate(page):
        item.position = position
        item.save(update_fields=["position", "updated_at"])
    moved = page[other_index]
    audit_event_create(
        actor=actor,
        action="survey.question_move",
        target=moved,
        organisation=question.survey.organisation,
        changes={"direction": direction},
    )
    return moved


@transaction.atomic
def question_condition_set(
    *, actor: User, question: Question, condition: dict[str, Any] | None
) -> Question:
    """Show the question only when an earlier page's answer matches (None: always).

    Raises PermissionDenied or SurveyBuildError naming what is wrong.
    """
    survey_check_can_manage(actor, question.survey)
    question = (
        Question.objects.select_for_update()
        .select_related("survey__organisation")
        .get(pk=question.pk)
    )
    before = audit_snapshot(question, ["condition"])
    question.condition = condition or None
    question.full_clean()
    question.save(update_fields=["condition", "updated_at"])
    questions = definition_build(survey=question.survey)["questions"]
    index = next(i for i, q in enumerate(questions) if q["key"] == question.key)
    problems = condition_problems(questions[index], questions[:index])
    if problems:
        raise SurveyBuildError(problems)
    audit_event_create(
        actor=actor,
        action="survey.question_condition",
        target=question,
        organisation=question.survey.organisation,
        changes=audit_diff(before, audit_snapshot(question, ["condition"])),
    )
    return question
