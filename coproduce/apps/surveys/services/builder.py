"""Officers build surveys: settings, questions, options, routing, publishing.

Officers edit the working copy (Survey, Question, Choice rows). Residents only
ever see a published SurveyVersion, so edits change nothing for them until
the survey is published again, which freezes a new version.
"""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from coproduce.apps.accounts.models import User
from coproduce.apps.audit.services import audit_diff, audit_event_create, audit_snapshot
from coproduce.apps.engagements.models import Engagement
from coproduce.apps.engagements.permissions import can_manage_engagements
from coproduce.apps.surveys.definition import (
    QuestionDefinition,
    SurveyDefinition,
    definition_build,
)
from coproduce.apps.surveys.models import (
    KINDS_WITH_OPTIONS,
    Choice,
    Question,
    QuestionKind,
    Survey,
    SurveyVersion,
)
from coproduce.apps.surveys.routing import condition_problems
from coproduce.errors import DomainError, StateConflictError

_SURVEY_FIELDS = [
    "slug",
    "title_en",
    "title_cy",
    "introduction_en",
    "introduction_cy",
    "access",
    "is_one_response_per_person",
    "includes_about_you",
    "offers_email_receipt",
]
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
# Words the survey pages use after ".../surveys/", so no survey may take them.
RESERVED_SLUGS = frozenset({"new"})


class SurveyBuildError(DomainError):
    """A survey, question or option breaks a building rule; the message says which."""

    code = "survey_build"


class SurveyPublishError(DomainError):
    """The survey cannot be published yet; `messages` list every problem."""

    code = "survey_publish"


def _check_can_manage(actor: User, survey_or_engagement: Survey | Engagement) -> None:
    if not can_manage_engagements(actor, survey_or_engagement.organisation):
        raise PermissionDenied


@transaction.atomic
def survey_create(
    *,
    actor: User,
    engagement: Engagement,
    slug: str,
    title_en: str,
    title_cy: str = "",
    introduction_en: str = "",
    introduction_cy: str = "",
    access: str = Survey.Access.ANYONE,
    is_one_response_per_person: bool = False,
    includes_about_you: bool = True,
    offers_email_receipt: bool = True,
) -> Survey:
    """Add a survey to an engagement. Raises PermissionDenied, SurveyBuildError or
    ValidationError."""
    _check_can_manage(actor, engagement)
    slug = slug.strip().lower()
    if slug in RESERVED_SLUGS:
        raise SurveyBuildError(
            _("'%(slug)s' is used by the site. Choose another short name.")
            % {"slug": slug},
            field="slug",
        )
    if Survey.objects.filter(engagement=engagement, slug=slug).exists():
        raise SurveyBuildError(
            _("Another survey of this engagement already uses this short name."),
            field="slug",
        )
    survey = Survey(
        organisation=engagement.organisation,
        engagement=engagement,
        slug=slug,
        title_en=title_en.strip(),
        title_cy=title_cy.strip(),
        introduction_en=introduction_en.strip(),
        introduction_cy=introduction_cy.strip(),
        access=access,
        is_one_response_per_person=is_one_response_per_person,
        includes_about_you=includes_about_you,
        offers_email_receipt=offers_email_receipt,
        created_by=actor,
    )
    survey.full_clean()
    survey.save()
    audit_event_create(
        actor=actor,
        action="survey.create",
        target=survey,
        changes=audit_snapshot(survey, _SURVEY_FIELDS),
    )
    return survey


@transaction.atomic
def survey_update(
    *,
    actor: User,
    survey: Survey,
    title_en: str,
    title_cy: str,
    introduction_en: str,
    introduction_cy: str,
    access: str,
    is_one_response_per_person: bool,
    includes_about_you: bool,
    offers_email_receipt: bool,
) -> Survey:
    """Change a survey's settings (the working copy; title and introduction are
    published with the next version). Raises PermissionDenied or ValidationError."""
    _check_can_manage(actor, survey)
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    before = audit_snapshot(survey, _SURVEY_FIELDS)
    survey.title_en = title_en.strip()
    survey.title_cy = title_cy.strip()
    survey.introduction_en = introduction_en.strip()
    survey.introduction_cy = introduction_cy.strip()
    survey.access = access
    survey.is_one_response_per_person = is_one_response_per_person
    survey.includes_about_you = includes_about_you
    survey.offers_email_receipt = offers_email_receipt
    survey.full_clean()
    survey.save()
    audit_event_create(
        actor=actor,
        action="survey.update",
        target=survey,
        changes=audit_diff(before, audit_snapshot(survey, _SURVEY_FIELDS)),
    )
    return survey


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
    _check_can_manage(actor, survey)
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
    _check_can_manage(actor, question.survey)
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
    _check_can_manage(actor, question.survey)
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
    _check_can_manage(actor, question.survey)
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
    _check_can_manage(actor, question.survey)
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


def _question_problems(question: QuestionDefinition) -> list[str]:
    key, kind = question["key"], question["kind"]
    n_options, n_rows = len(question["options"]), len(question["rows"])
    if kind in KINDS_WITH_OPTIONS and n_options < 2:
        return [_("Question %(key)s: give at least 2 answer options.") % {"key": key}]
    if kind == QuestionKind.MATRIX and n_rows < 1:
        return [
            _("Question %(key)s: give the grid at least 1 row (statement).")
            % {"key": key}
        ]
    if kind == QuestionKind.NUMBER:
        low = question["settings"].get("min")
        high = question["settings"].get("max")
        if low is not None and high is not None and low > high:
            return [
                _(
                    "Question %(key)s: the lowest number allowed is more than the "
                    "highest."
                )
                % {"key": key}
            ]
    return []


def definition_problems(definition: SurveyDefinition) -> list[str]:
    """Every reason a definition cannot be published, each naming its question."""
    questions = definition["questions"]
    if not questions:
        return [_("Add at least one question before publishing.")]
    problems: list[str] = []
    for index, question in enumerate(questions):
        problems.extend(_question_problems(question))
        problems.extend(condition_problems(question, questions[:index]))
    return problems


@transaction.atomic
def survey_publish(*, actor: User, survey: Survey) -> SurveyVersion:
    """Freeze the working copy as the next version and make it the one residents answer.

    Answers already given keep pointing at the version they answered.
    Raises PermissionDenied, SurveyPublishError (listing every problem) or
    StateConflictError when nothing changed since the live version.
    """
    _check_can_manage(actor, survey)
    # Lock: two officers publishing together must not both make version n+1.
    survey = (
        Survey.objects.select_for_update()
        .select_related("current_version", "organisation")
        .get(pk=survey.pk)
    )
    definition = definition_build(survey=survey)
    problems = definition_problems(definition)
    if problems:
        raise SurveyPublishError(problems)
    current = survey.current_version
    if current is not None and current.definition == definition:
        raise StateConflictError(
            _("Nothing has changed since version %(number)d was published.")
            % {"number": current.number}
        )
    last = SurveyVersion.objects.filter(survey=survey).aggregate(last=Max("number"))[
        "last"
    ]
    version = SurveyVersion(
        survey=survey,
        number=(last or 0) + 1,
        definition=definition,
        published_at=timezone.now(),
        published_by=actor,
    )
    version.full_clean()
    version.save()
    survey.current_version = version
    survey.save(update_fields=["current_version", "updated_at"])
    audit_event_create(
        actor=actor,
        action="survey.publish",
        target=survey,
        changes={
            "version": version.number,
            "n_questions": len(definition["questions"]),
        },
    )
    return version
