"""Officers' pages for one question: add, change, delete, move, routing.

Thin: selectors find the survey and question (404 for hidden ones), the
officer's rights are checked, and one service in services/questions.py acts.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from coproduce.apps.accounts.http import AuthenticatedHttpRequest
from coproduce.apps.core.forms import form_add_domain_error
from coproduce.apps.surveys.forms.builder import ConditionForm, QuestionForm
from coproduce.apps.surveys.models import Choice, Question, QuestionKind
from coproduce.apps.surveys.selectors.surveys import question_get, question_list
from coproduce.apps.surveys.services import questions as question_services
from coproduce.apps.surveys.views.answering import posted_data
from coproduce.apps.surveys.views.builder import builder_url, staff_survey
from coproduce.errors import DomainError


def _options_initial(question: Question, kind: str) -> tuple[str, str]:
    choices = [c for c in question.choices.all() if c.kind == kind]
    return (
        "\n".join(c.label_en or "" for c in choices),
        "\n".join(c.label_cy or "" for c in choices),
    )


def _question_arguments(form: QuestionForm) -> dict[str, Any]:
    """The service's arguments from a valid question form (choices from lines)."""
    data = form.cleaned_data
    return {
        "kind": data["kind"],
        "text_en": data["text_en"],
        "text_cy": data["text_cy"],
        "help_text_en": data["help_text_en"],
        "help_text_cy": data["help_text_cy"],
        "is_required": data["is_required"],
        "page": data["page"],
        "options": question_services.choices_from_lines(
            english=data["options_en"],
            welsh=data["options_cy"],
            numbered=data["kind"] == QuestionKind.SCALE,
            what="option",
        ),
        "rows": question_services.choices_from_lines(
            english=data["rows_en"], welsh=data["rows_cy"], what="row"
        ),
        "settings": {
            "min": data["number_min"],
            "max": data["number_max"],
            "integer_only": data["integer_only"],
        },
    }


@login_required
def question_create_view(
    request: AuthenticatedHttpRequest,
    org_slug: str,
    engagement_slug: str,
    survey_slug: str,
) -> HttpResponse:
    survey = staff_survey(request, org_slug, engagement_slug, survey_slug)
    form = QuestionForm(posted_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            question = question_services.question_create(
                actor=request.user, survey=survey, **_question_arguments(form)
            )
        except (DomainError, ValidationError) as exc:
            form_add_domain_error(form, exc)
        else:
            messages.success(
                request, _("Question %(key)s added.") % {"key": question.key}
            )
            return redirect(builder_url(survey))
    return render(
        request,
        "surveys/question_form.html",
        {
            "organisation": survey.organisation,
            "engagement": survey.engagement,
            "survey": survey,
            "question": None,
            "form": form,
        },
    )


@login_required
def question_update_view(
    request: AuthenticatedHttpRequest,
    org_slug: str,
    engagement_slug: str,
    survey_slug: str,
    key: str,
) -> HttpResponse:
    survey = staff_survey(request, org_slug, engagement_slug, survey_slug)
    question = question_get(survey=survey, key=key)
    options_en, options_cy = _options_initial(question, Choice.Kind.OPTION)
    rows_en, rows_cy = _options_initial(question, Choice.Kind.ROW)
    settings = question.settings or {}
    initial = {
        "kind": question.kind,
        "text_en": question.text_en,
        "text_cy": question.text_cy,
        "help_text_en": question.help_text_en,
        "help_text_cy": question.help_text_cy,
        "is_required": question.is_required,
        "page": question.page,
        "options_en": options_en,
        "options_cy": options_cy,
        "rows_en": rows_en,
        "rows_cy": rows_cy,
        "number_min": settings.get("min"),
        "number_max": settings.get("max"),
        "integer_only": settings.get("integer_only", False),
    }
    form = QuestionForm(posted_data(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            question_services.question_update(
                actor=request.user, question=question, **_question_arguments(form)
            )
        except (DomainError, ValidationError) as exc:
            form_add_domain_error(form, exc)
        else:
            messages.success(
                request, _("Question %(key)s saved.") % {"key": question.key}
            )
            return redirect(builder_url(survey))
    return render(
        request,
        "surveys/question_form.html",
        {
            "organisation": survey.organisation,
            "engagement": survey.engagement,
            "survey": survey,
            "question": question,
            "form": form,
        },
    )


@login_required
def question_delete_view(
    request: AuthenticatedHttpRequest,
    org_slug: str,
    engagement_slug: str,
    survey_slug: str,
    key: str,
) -> HttpResponse:
    survey = staff_survey(request, org_slug, engagement_slug, survey_slug)
    question = question_get(survey=survey, key=key)
    if request.method == "POST":
        try:
            question_services.question_delete(actor=request.user, question=question)
        except DomainError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(
                request, _("Question %(key)s deleted.") % {"key": question.key}
            )
        return redirect(builder_url(survey))
    return render(
        request,
        "surveys/question_confirm_delete.html",
        {
            "organisation": survey.organisation,
            "engagement": survey.engagement,
            "survey": survey,
            "question": question,
        },
    )


@require_POST
@login_required
def question_move_view(
    request: AuthenticatedHttpRequest,
    org_slug: str,
    engagement_slug: str,
    survey_slug: str,
    key: str,
) -> HttpResponse:
    survey = staff_survey(request, org_slug, engagement_slug, survey_slug)
    question = question_get(survey=survey, key=key)
    try:
        question_services.question_move(
            actor=request.user,
            question=question,
            direction=request.POST.get("direction", ""),
        )
    except DomainError as exc:
        for message in exc.messages:
            messages.error(request, message)
    return redirect(builder_url(survey) + f"#question-{question.key}")


def _condition_choices(
    question: Question, questions: list[Question]
) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    earlier = [q for q in questions if q.page < question.page]
    question_choices = [(q.key, f"{q.key}: {q.text}") for q in earlier]
    value_choices = [
        (f"{q.key}|{choice.value}", f"{q.key}: {choice.label}")
        for q in earlier
        if q.kind != QuestionKind.MATRIX
        for choice in q.choices.all()
        if choice.kind == Choice.Kind.OPTION
    ]
    return question_choices, value_choices


@login_required
def question_condition_view(
    request: AuthenticatedHttpRequest,
    org_slug: str,
    engagement_slug: str,
    survey_slug: str,
    key: str,
) -> HttpResponse:
    survey = staff_survey(request, org_slug, engagement_slug, survey_slug)
    question = question_get(survey=survey, key=key)
    questions = list(question_list(survey=survey))
    earlier, value_choices = _condition_choices(question, questions)
    condition = question.condition or {}
    initial = {
        "is_conditional": "yes" if condition else "no",
        "question": condition.get("question", ""),
        "operator": condition.get("operator", ""),
        "values": [
            f"{condition.get('question')}|{v}" for v in condition.get("values", [])
        ],
    }
    form = ConditionForm(
        posted_data(request),
        initial=initial,
        earlier=earlier,
        value_choices=value_choices,
    )
    if request.method == "POST" and form.is_valid():
        try:
            question_services.question_condition_set(
                actor=request.user, question=question, condition=form.condition()
            )
        except (DomainError, ValidationError) as exc:
            form_add_domain_error(form, exc)
        else:
            messages.success(
                request,
                _("When question %(key)s is shown has been saved.")
                % {"key": question.key},
            )
            return redirect(builder_url(survey))
    return render(
        request,
        "surveys/condition_form.html",
        {
            "organisation": survey.organisation,
            "engagement": survey.engagement,
            "survey": survey,
            "question": question,
            "has_earlier": bool(earlier),
            "form": form,
        },
    )
