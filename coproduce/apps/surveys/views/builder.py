"""Officers' pages: build a survey, preview it, publish it, enter paper responses.

Thin: each view finds objects through selectors (404 for hidden ones), checks
`can_manage_engagements`, and hands `cleaned_data` to one service.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from coproduce.apps.accounts.http import AuthenticatedHttpRequest
from coproduce.apps.core.forms import form_add_domain_error
from coproduce.apps.engagements.permissions import can_manage_engagements
from coproduce.apps.organisations.selectors import organisation_get
from coproduce.apps.surveys.definition import (
    QuestionDefinition,
    definition_build,
    localised,
)
from coproduce.apps.surveys.forms.answering import (
    AboutYouForm,
    EntryChannelForm,
    about_you_data,
    posted_answers,
)
from coproduce.apps.surveys.forms.builder import (
    OPERATOR_LABELS,
    ConditionForm,
    QuestionForm,
    SurveyCreateForm,
    SurveySettingsForm,
)
from coproduce.apps.surveys.models import Choice, Question, QuestionKind, Survey
from coproduce.apps.surveys.selectors.surveys import (
    engagement_get_for_surveys,
    question_get,
    question_list,
    survey_get,
    survey_has_unpublished_changes,
    version_list,
)
from coproduce.apps.surveys.services import builder as builder_services
from coproduce.apps.surveys.services import entry as entry_services
from coproduce.apps.surveys.services import questions as question_services
from coproduce.apps.surveys.services.responses import AnswersInvalidError
from coproduce.apps.surveys.views.answering import posted_data, question_items
from coproduce.errors import DomainError


def _staff_survey(
    request: AuthenticatedHttpRequest,
    org_slug: str,
    engagement_slug: str,
    survey_slug: str,
) -> Survey:
    organisation = organisation_get(slug=org_slug)
    survey = survey_get(
        actor=request.user,
        organisation=organisation,
        engagement_slug=engagement_slug,
        survey_slug=survey_slug,
    )
    if not can_manage_engagements(request.user, organisation):
        raise PermissionDenied
    return survey


def _builder_url(survey: Survey) -> str:
    return reverse(
        "surveys:survey-builder",
        kwargs={
            "org_slug": survey.organisation.slug,
            "engagement_slug": survey.engagement.slug,
            "survey_slug": survey.slug,
        },
    )


def _settings_initial(survey: Survey) -> dict[str, Any]:
    return {
        "title_en": survey.title_en,
        "title_cy": survey.title_cy,
        "introduction_en": survey.introduction_en,
        "introduction_cy": survey.introduction_cy,
        "access": survey.access,
        "is_one_response_per_person": survey.is_one_response_per_person,
        "includes_about_you": survey.includes_about_you,
        "offers_email_receipt": survey.offers_email_receipt,
    }


@login_required
def survey_create_view(
    request: AuthenticatedHttpRequest, org_slug: str, engagement_slug: str
) -> HttpResponse:
    organisation = organisation_get(slug=org_slug)
    engagement = engagement_get_for_surveys(
        actor=request.user, organisation=organisation, slug=engagement_slug
    )
    if not can_manage_engagements(request.user, organisation):
        raise PermissionDenied
    form = SurveyCreateForm(posted_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            survey = builder_services.survey_create(
                actor=request.user, engagement=engagement, **form.cleaned_data
            )
        except (DomainError, ValidationError) as exc:
            form_add_domain_error(form, exc)
        else:
            messages.success(request, _("Survey created. Now add its questions."))
            return redirect(_builder_url(survey))
    return render(
        request,
        "surveys/survey_form.html",
        {
            "organisation": organisation,
            "engagement": engagement,
            "survey": None,
            "form": form,
        },
    )


@login_required
def survey_update_view(
    request: AuthenticatedHttpRequest,
    org_slug: str,
    engagement_slug: str,
    survey_slug: str,
) -> HttpResponse:
    survey = _staff_survey(request, org_slug, engagement_slug, survey_slug)
    form = SurveySettingsForm(posted_data(request), initial=_settings_initial(survey))
    if request.method == "POST" and form.is_valid():
        try:
            builder_services.survey_update(
                actor=request.user, survey=survey, **form.cleaned_data
            )
        except (DomainError, ValidationError) as exc:
            form_add_domain_error(form, exc)
        else:
            messages.success(request, _("The survey's settings have been saved."))
            return redirect(_builder_url(survey))
    return render(
        request,
        "surveys/survey_form.html",
        {
            "organisation": survey.organisation,
            "engagement": survey.engagement,
            "survey": survey,
            "form": form,
        },
    )


def _condition_summary(
    condition: dict[str, Any] | None, labels: dict[str, str]
) -> str | None:
    if not condition:
        return None
    operator = str(OPERATOR_LABELS.get(condition.get("operator", ""), ""))
    values = ", ".join(str(v) for v in condition.get("values") or [])
    return _("Shown only when the answer to %(question)s %(operator)s %(values)s") % {
        "question": labels.get(condition.get("question", ""), "?"),
        "operator": operator,
        "values": values,
    }


@login_required
def survey_builder_view(
    request: AuthenticatedHttpRequest,
    org_slug: str,
    engagement_slug: str,
    survey_slug: str,
) -> HttpResponse:
    survey = _staff_survey(request, org_slug, engagement_slug, survey_slug)
    questions = list(question_list(survey=survey))
    labels = {q.key: q.key for q in questions}
    pages: dict[int, list[dict[str, Any]]] = {}
    for question in questions:
        choices = list(question.choices.all())
        pages.setdefault(question.page, []).append(
            {
                "question": question,
                "options": [c for c in choices if c.kind == Choice.Kind.OPTION],
                "rows": [c for c in choices if c.kind == Choice.Kind.ROW],
                "condition": _condition_summary(question.condition, labels),
            }
        )
    for items in pages.values():
        for index, item in enumerate(items):
            item["is_first"] = index == 0
            item["is_last"] = index == len(items) - 1
    definition = definition_build(survey=survey)
    return render(
        request,
        "surveys/builder.html",
        {
            "organisation": survey.organisation,
            "engagement": survey.engagement,
            "survey": survey,
            "pages": sorted(pages.items()),
            "versions": list(version_list(survey=survey)),
            "has_unpublished_changes": survey_has_unpublished_changes(
                survey=survey, definition=definition
            ),
            "problems": builder_services.definition_problems(definition),
        },
    )


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
    survey = _staff_survey(request, org_slug, engagement_slug, survey_slug)
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
            return redirect(_builder_url(survey))
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
    survey = _staff_survey(request, org_slug, engagement_slug, survey_slug)
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
            return redirect(_builder_url(survey))
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
    survey = _staff_survey(request, org_slug, engagement_slug, survey_slug)
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
        return redirect(_builder_url(survey))
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
    survey = _staff_survey(request, org_slug, engagement_slug, survey_slug)
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
    return redirect(_builder_url(survey) + f"#question-{question.key}")


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
    survey = _staff_survey(request, org_slug, engagement_slug, survey_slug)
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
            return redirect(_builder_url(survey))
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


@login_required
def survey_preview_view(
    request: AuthenticatedHttpRequest,
    org_slug: str,
    engagement_slug: str,
    survey_slug: str,
) -> HttpResponse:
    """The working copy as residents would see it, every page, nothing saved."""
    survey = _staff_survey(request, org_slug, engagement_slug, survey_slug)
    definition = definition_build(survey=survey)
    language = translation.get_language() or "en"
    labels = {q["key"]: localised(q["text"], language) for q in definition["questions"]}
    pages: dict[int, list[dict[str, Any]]] = {}
    for item in question_items(definition["questions"], {}, {}, language):
        item["condition_text"] = _condition_summary(
            item["question"]["condition"], labels
        )
        pages.setdefault(item["question"]["page"], []).append(item)
    return render(
        request,
        "surveys/preview.html",
        {
            "organisation": survey.organisation,
            "engagement": survey.engagement,
            "survey": survey,
            "title": localised(definition["title"], language),
            "introduction": localised(definition["introduction"], language),
            "pages": sorted(pages.items()),
            "about_you_form": AboutYouForm() if survey.includes_about_you else None,
        },
    )


@require_POST
@login_required
def survey_publish_view(
    request: AuthenticatedHttpRequest,
    org_slug: str,
    engagement_slug: str,
    survey_slug: str,
) -> HttpResponse:
    survey = _staff_survey(request, org_slug, engagement_slug, survey_slug)
    try:
        version = builder_services.survey_publish(actor=request.user, survey=survey)
    except DomainError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("Version %(number)d published. Residents now answer this version.")
            % {"number": version.number},
        )
    return redirect(_builder_url(survey))


@login_required
def survey_entry_view(
    request: AuthenticatedHttpRequest,
    org_slug: str,
    engagement_slug: str,
    survey_slug: str,
) -> HttpResponse:
    """An officer types in a paper, telephone or event response."""
    survey = _staff_survey(request, org_slug, engagement_slug, survey_slug)
    language = translation.get_language() or "en"
    version = survey.current_version
    questions: list[QuestionDefinition] = (
        version.definition["questions"] if version is not None else []
    )
    channel_form = EntryChannelForm(posted_data(request))
    about_you_form = (
        AboutYouForm(posted_data(request), prefix="about")
        if survey.includes_about_you
        else None
    )
    answers: dict[str, list[str]] = {}
    errors: dict[str, str] = {}
    if request.method == "POST":
        answers = posted_answers(questions, request.POST)
        if channel_form.is_valid() and (
            about_you_form is None or about_you_form.is_valid()
        ):
            try:
                entry_services.submission_enter(
                    actor=request.user,
                    survey=survey,
                    channel=channel_form.cleaned_data["channel"],
                    answers=answers,
                    about_you=about_you_data(about_you_form.cleaned_data)
                    if about_you_form is not None
                    else {},
                )
            except AnswersInvalidError as exc:
                errors = exc.errors
                for name, message in exc.errors.items():
                    if about_you_form is not None and name in about_you_form.fields:
                        about_you_form.add_error(name, message)
            except (DomainError, ValidationError) as exc:
                form_add_domain_error(channel_form, exc)
            else:
                messages.success(
                    request,
                    _("Response saved. You can enter the next one below."),
                )
                return redirect(
                    "surveys:survey-entry",
                    org_slug=survey.organisation.slug,
                    engagement_slug=survey.engagement.slug,
                    survey_slug=survey.slug,
                )
    items = question_items(questions, answers, errors, language)
    return render(
        request,
        "surveys/entry.html",
        {
            "organisation": survey.organisation,
            "engagement": survey.engagement,
            "survey": survey,
            "version": version,
            "items": items,
            "channel_form": channel_form,
            "about_you_form": about_you_form,
            "question_errors": [i for i in items if i["error"]],
        },
    )
