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
    SurveyCreateForm,
    SurveySettingsForm,
)
from coproduce.apps.surveys.models import Choice, Survey
from coproduce.apps.surveys.selectors.surveys import (
    engagement_get_for_surveys,
    question_list,
    survey_get,
    survey_has_unpublished_changes,
    version_list,
)
from coproduce.apps.surveys.services import builder as builder_services
from coproduce.apps.surveys.services import entry as entry_services
from coproduce.apps.surveys.services.responses import AnswersInvalidError
from coproduce.apps.surveys.views.answering import posted_data, question_items
from coproduce.errors import DomainError


def staff_survey(
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


def builder_url(survey: Survey) -> str:
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
            return redirect(builder_url(survey))
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
    survey = staff_survey(request, org_slug, engagement_slug, survey_slug)
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
            return redirect(builder_url(survey))
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
    survey = staff_survey(request, org_slug, engagement_slug, survey_slug)
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


@login_required
def survey_preview_view(
    request: AuthenticatedHttpRequest,
    org_slug: str,
    engagement_slug: str,
    survey_slug: str,
) -> HttpResponse:
    """The working copy as residents would see it, every page, nothing saved."""
    survey = staff_survey(request, org_slug, engagement_slug, survey_slug)
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
    survey = staff_survey(request, org_slug, engagement_slug, survey_slug)
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
    return redirect(builder_url(survey))


@login_required
def survey_entry_view(
    request: AuthenticatedHttpRequest,
    org_slug: str,
    engagement_slug: str,
    survey_slug: str,
) -> HttpResponse:
    """An officer types in a paper, telephone or event response."""
    survey = staff_survey(request, org_slug, engagement_slug, survey_slug)
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
