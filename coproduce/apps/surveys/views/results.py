"""Results pages: summaries with charts, free text with tags, exports, imports."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import (
    Http404,
    HttpResponse,
    StreamingHttpResponse,
)
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from coproduce.apps.accounts.http import AuthenticatedHttpRequest
from coproduce.apps.core.forms import form_add_domain_error
from coproduce.apps.engagements.permissions import (
    can_export_responses,
    can_manage_engagements,
)
from coproduce.apps.organisations.selectors import organisation_get
from coproduce.apps.surveys import exports
from coproduce.apps.surveys.forms.results import (
    AnswerTagForm,
    ResultFilterForm,
    SurveyImportForm,
    TagFilterForm,
    TagForm,
)
from coproduce.apps.surveys.models import QuestionKind, Survey, SurveyImport
from coproduce.apps.surveys.permissions import can_weight_results
from coproduce.apps.surveys.selectors import results as selectors
from coproduce.apps.surveys.selectors.weighting import weighting_run_for_results
from coproduce.apps.surveys.services import imports as import_services
from coproduce.apps.surveys.services import tags as tag_services
from coproduce.errors import DomainError

FREE_TEXT_PAGE_SIZE = 25
# GOV.UK Design System colours (blue, green, purple, orange, turquoise, pink…).
_PALETTE = ["#1d70b8", "#00703c", "#4c2c92", "#f47738", "#28a197", "#d53880", "#505a5f"]


def _survey(
    request: AuthenticatedHttpRequest,
    org_slug: str,
    engagement_slug: str,
    survey_slug: str,
) -> Survey:
    organisation = organisation_get(slug=org_slug)
    return selectors.survey_get_for_results(
        actor=request.user,
        organisation=organisation,
        engagement_slug=engagement_slug,
        survey_slug=survey_slug,
    )


def _survey_kwargs(survey: Survey) -> dict[str, str]:
    return {
        "org_slug": survey.organisation.slug,
        "engagement_slug": survey.engagement.slug,
        "survey_slug": survey.slug,
    }


def _survey_url(name: str, survey: Survey, **extra: Any) -> str:
    return reverse(f"survey_results:{name}", kwargs={**_survey_kwargs(survey), **extra})


def _filter_form(request: AuthenticatedHttpRequest, survey: Survey) -> ResultFilterForm:
    versions = selectors.survey_version_list(survey=survey)
    return ResultFilterForm(
        request.GET or None,
        areas=selectors.area_list_for_results(survey=survey),
        version_numbers=[version.number for version in versions],
    )


def _language() -> str:
    return "cy" if (get_language() or "en").startswith("cy") else "en"


def _bar_spec(
    *, description: str, rows: list[dict[str, Any]], x_title: str, colour: str
) -> dict[str, Any]:
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v6.json",
        "description": description,
        "width": "container",
        "autosize": {"type": "fit-x", "contains": "padding"},
        "data": {"values": rows},
        "mark": {"type": "bar", "color": colour, "tooltip": False},
        "encoding": {
            "y": {
                "field": "label",
                "type": "nominal",
                "sort": None,
                "title": None,
                "axis": {"labelLimit": 280},
            },
            "x": {"field": "n", "type": "quantitative", "title": x_title},
        },
        "config": {"font": "Arial, sans-serif", "axis": {"labelFontSize": 14}},
    }


def chart_spec(
    question: selectors.QuestionResult, *, weighted: bool = False
) -> dict[str, Any] | None:
    """A Vega-Lite spec (horizontal bars) for a question, or None for no chart.

    Weighted charts show weighted shares (per cent) and say so.
    """
    if weighted:
        return _weighted_chart_spec(question)
    description = _("Bar chart of answers to: %(question)s") % {
        "question": question.text
    }
    respondents = _("Respondents")
    if question.counts:
        return _bar_spec(
            description=description,
            rows=[{"label": row.label, "n": row.n} for row in question.counts],
            x_title=respondents,
            colour=_PALETTE[0],
        )
    if question.ranking:
        return _bar_spec(
            description=_("Bar chart of first choices for: %(question)s")
            % {"question": question.text},
            rows=[{"label": row.label, "n": row.n_first} for row in question.ranking],
            x_title=_("Ranked first"),
            colour=_PALETTE[1],
        )
    if question.grid:
        rows = [
            {"label": grid_row.label, "option": count.label, "n": count.n}
            for grid_row in question.grid
            for count in grid_row.counts
        ]
        options = [count.label for count in question.grid[0].counts]
        return {
            "$schema": "https://vega.github.io/schema/vega-lite/v6.json",
            "description": description,
            "width": "container",
            "autosize": {"type": "fit-x", "contains": "padding"},
            "data": {"values": rows},
            "mark": {"type": "bar", "tooltip": False},
            "encoding": {
                "y": {"field": "label", "type": "nominal", "sort": None, "title": None},
                "x": {"field": "n", "type": "quantitative", "title": respondents},
                "color": {
                    "field": "option",
                    "type": "nominal",
                    "sort": options,
                    "title": None,
                    "scale": {
                        "domain": options,
                        "range": _PALETTE[: max(len(options), 1)],
                    },
                    "legend": {"orient": "bottom"},
                },
            },
            "config": {"font": "Arial, sans-serif", "axis": {"labelFontSize": 14}},
        }
    return None


def _weighted_chart_spec(question: selectors.QuestionResult) -> dict[str, Any] | None:
    description = _("Bar chart of weighted answers to: %(question)s") % {
        "question": question.text
    }
    x_title = _("Weighted share of respondents (%)")
    if question.counts:
        return _bar_spec(
            description=description,
            rows=[
                {"label": row.label, "n": round(row.share_pct, 1)}
                for row in question.counts
            ],
            x_title=x_title,
            colour=_PALETTE[2],
        )
    if question.grid:
        return _bar_spec(
            description=description,
            rows=[
                {
                    "label": f"{grid_row.label}: {count.label}",
                    "n": round(count.share_pct, 1),
                }
                for grid_row in question.grid
                for count in grid_row.counts
            ],
            x_title=x_title,
            colour=_PALETTE[2],
        )
    return None


def _without(query: Any, *names: str) -> str:
    copy = query.copy()
    for name in names:
        copy.pop(name, None)
    return str(copy.urlencode())


@login_required
def results_view(
    request: AuthenticatedHttpRequest,
    org_slug: str,
    engagement_slug: str,
    survey_slug: str,
) -> HttpResponse:
    survey = _survey(request, org_slug, engagement_slug, survey_slug)
    form = _filter_form(request, survey)
    filters = form.filters()
    # "?weighted=1" (optionally "&run=<id>") shows the latest (or that) finished
    # weighting run's weighted results; anything else is the unweighted page.
    weighting_run = weighting_run_for_results(
        survey=survey, run_id=request.GET.get("run")
    )
    asks_weighted = request.GET.get("weighted") == "1"
    is_weighted = asks_weighted and weighting_run is not None
    results = selectors.survey_results(
        actor=request.user,
        survey=survey,
        filters=filters,
        language=_language(),
        weighting_run=weighting_run if is_weighted else None,
    )
    questions = [
        {
            "result": question,
            "spec": chart_spec(question, weighted=is_weighted),
            "chart_id": f"chart-spec-{number}",
        }
        for number, question in enumerate(results.questions, start=1)
    ]
    unweighted_query = _without(request.GET, "weighted", "run")
    weighted_query = request.GET.copy()
    weighted_query["weighted"] = "1"
    if weighting_run is not None:
        weighted_query["run"] = str(weighting_run.pk)
    return render(
        request,
        "survey_results/results.html",
        {
            "survey": survey,
            "organisation": survey.organisation,
            "form": form,
            "filters": filters,
            "results": results,
            "questions": questions,
            "query": request.GET.urlencode(),
            "can_export": can_export_responses(request.user, survey.organisation),
            "can_import": can_manage_engagements(request.user, survey.organisation),
            "can_weight": can_weight_results(request.user, survey.organisation),
            "free_text_kinds": [QuestionKind.SHORT_TEXT, QuestionKind.LONG_TEXT],
            "weighting_run": weighting_run,
            "is_weighted": is_weighted,
            "asks_weighted_without_run": asks_weighted and weighting_run is None,
            "unweighted_query": unweighted_query,
            "weighted_query": weighted_query.urlencode(),
            "extra_hidden": (
                [("weighted", "1"), ("run", str(weighting_run.pk))]
                if is_weighted and weighting_run is not None
                else []
            ),
        },
    )


@login_required
def free_text_view(
    request: AuthenticatedHttpRequest,
    org_slug: str,
    engagement_slug: str,
    survey_slug: str,
    question_key: str,
) -> HttpResponse:
    survey = _survey(request, org_slug, engagement_slug, survey_slug)
    question = selectors.free_text_question_get(survey=survey, key=question_key)
    form = _filter_form(request, survey)
    tags = selectors.answer_tag_list(survey=survey)
    tag_form = TagFilterForm(request.GET or None, tags=tags)
    tag = tag_form.cleaned_data.get("tag") if tag_form.is_valid() else None
    answers = selectors.free_text_answer_list(
        actor=request.user,
        survey=survey,
        question_key=question_key,
        filters=form.filters(),
        tag=tag,
    )
    page = Paginator(answers, FREE_TEXT_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "survey_results/free_text.html",
        {
            "survey": survey,
            "organisation": survey.organisation,
            "question": question,
            "question_text": question["text"]["cy"]
            if _language() == "cy" and question["text"]["cy"]
            else question["text"]["en"],
            "form": form,
            "tag_form": tag_form,
            "tags": tags,
            "page": page,
            "query": query.urlencode(),
            "can_tag": can_export_responses(request.user, survey.organisation),
        },
    )


def _back_to(request: AuthenticatedHttpRequest, fallback: str) -> str:
    target = request.POST.get("next", "")
    # Only addresses on this site: never an open redirect.
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


@login_required
def tag_list_view(
    request: AuthenticatedHttpRequest,
    org_slug: str,
    engagement_slug: str,
    survey_slug: str,
) -> HttpResponse:
    survey = _survey(request, org_slug, engagement_slug, survey_slug)
    if not can_export_responses(request.user, survey.organisation):
        raise PermissionDenied
    form = TagForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            tag = tag_services.answer_tag_create(
                actor=request.user, survey=survey, name=form.cleaned_data["name"]
            )
        except (DomainError, ValidationError) as exc:
            form_add_domain_error(form, exc)
        else:
            messages.success(request, _("Tag %(name)s added.") % {"name": tag.name})
            return redirect(_survey_url("tag-list", survey))
    return render(
        request,
        "survey_results/tag_list.html",
        {
            "survey": survey,
            "organisation": survey.organisation,
            "form": form,
            "tags": selectors.answer_tag_list(survey=survey),
        },
    )


@login_required
def tag_update_view(
    request: AuthenticatedHttpRequest,
    org_slug: str,
    engagement_slug: str,
    survey_slug: str,
    pk: int,
) -> HttpResponse:
    survey = _survey(request, org_slug, engagement_slug, survey_slug)
    if not can_export_responses(request.user, survey.organisation):
        raise PermissionDenied
    tag = selectors.answer_tag_get(survey=survey, pk=pk)
    form = TagForm(request.POST or None, initial={"name": tag.name})
    if request.method == "POST" and form.is_valid():
        try:
            tag_services.answer_tag_rename(
                actor=request.user, tag=tag, name=form.cleaned_data["name"]
            )
        except (DomainError, ValidationError) as exc:
            form_add_domain_error(form, exc)
        else:
            messages.success(request, _("Tag renamed."))
            return redirect(_survey_url("tag-list", survey))
    return render(
        request,
        "survey_results/tag_form.html",
        {
            "survey": survey,
            "organisation": survey.organisation,
            "form": form,
            "tag": tag,
        },
    )


@login_required
def tag_delete_view(
    request: AuthenticatedHttpRequest,
    org_slug: str,
    engagement_slug: str,
    survey_slug: str,
    pk: int,
) -> HttpResponse:
    survey = _survey(request, org_slug, engagement_slug, survey_slug)
    if not can_export_responses(request.user, survey.organisation):
        raise PermissionDenied
    tag = selectors.answer_tag_get(survey=survey, pk=pk)
    if request.method == "POST":
        tag_services.answer_tag_delete(actor=request.user, tag=tag)
        messages.success(request, _("Tag %(name)s deleted.") % {"name": tag.name})
        return redirect(_survey_url("tag-list", survey))
    return render(
        request,
        "survey_results/tag_confirm_delete.html",
        {"survey": survey, "organisation": survey.organisation, "tag": tag},
    )


@require_POST
@login_required
def answer_tag_change_view(
    request: AuthenticatedHttpRequest,
    org_slug: str,
    engagement_slug: str,
    survey_slug: str,
    pk: int,
    action: str,
) -> HttpResponse:
    survey = _survey(request, org_slug, engagement_slug, survey_slug)
    answer = selectors.answer_get_for_tagging(actor=request.user, survey=survey, pk=pk)
    form = AnswerTagForm(request.POST, tags=selectors.answer_tag_list(survey=survey))
    fallback = reverse(
        "survey_results:free-text",
        kwargs={**_survey_kwargs(survey), "question_key": answer.question_key},
    )
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect(_back_to(request, fallback))
    tag = form.cleaned_data["tag"]
    try:
        if action == "add":
            tag_services.answer_tag_add(actor=request.user, answer=answer, tag=tag)
            messages.success(request, _("Tag %(name)s added.") % {"name": tag.name})
        else:
            tag_services.answer_tag_remove(actor=request.user, answer=answer, tag=tag)
            messages.success(request, _("Tag %(name)s removed.") % {"name": tag.name})
    except DomainError as exc:
        for message in exc.messages:
            messages.error(request, message)
    return redirect(_back_to(request, fallback))


@login_required
def export_view(
    request: AuthenticatedHttpRequest,
    org_slug: str,
    engagement_slug: str,
    survey_slug: str,
    file_format: str,
) -> HttpResponseBase:
    survey = _survey(request, org_slug, engagement_slug, survey_slug)
    if not can_export_responses(request.user, survey.organisation):
        raise PermissionDenied
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    filename = f"{survey.slug}-responses-{stamp}.{file_format}"
    # "?weighted=1" (with "&run=<id>") adds a weight column from that finished
    # run (or the latest); without a finished run the export has no weights.
    weighting_run = (
        weighting_run_for_results(survey=survey, run_id=request.GET.get("run"))
        if request.GET.get("weighted") == "1"
        else None
    )
    response: HttpResponse | StreamingHttpResponse
    if file_format == "csv":
        response = StreamingHttpResponse(
            exports.export_csv_lines(
                actor=request.user, survey=survey, weighting_run=weighting_run
            ),
            content_type="text/csv; charset=utf-8",
        )
    elif file_format == "xlsx":
        response = HttpResponse(
            exports.export_xlsx(
                actor=request.user, survey=survey, weighting_run=weighting_run
            ),
            content_type=(
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            ),
        )
    elif file_format == "sav":
        response = HttpResponse(
            exports.export_sav(
                actor=request.user,
                survey=survey,
                language=_language(),
                weighting_run=weighting_run,
            ),
            content_type="application/x-spss-sav",
        )
    else:
        raise Http404
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
def import_template_view(
    request: AuthenticatedHttpRequest,
    org_slug: str,
    engagement_slug: str,
    survey_slug: str,
) -> HttpResponse:
    survey = _survey(request, org_slug, engagement_slug, survey_slug)
    if not can_manage_engagements(request.user, survey.organisation):
        raise PermissionDenied
    response = HttpResponse(
        exports.template_csv(survey=survey), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="{survey.slug}-import-template.csv"'
    )
    return response


@login_required
def import_create_view(
    request: AuthenticatedHttpRequest,
    org_slug: str,
    engagement_slug: str,
    survey_slug: str,
) -> HttpResponse:
    survey = _survey(request, org_slug, engagement_slug, survey_slug)
    if not can_manage_engagements(request.user, survey.organisation):
        raise PermissionDenied
    form = SurveyImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            survey_import = import_services.survey_import_create(
                actor=request.user,
                survey=survey,
                uploaded_file=form.cleaned_data["file"],
                channel=form.cleaned_data["channel"],
                mode=form.cleaned_data["mode"],
            )
        except (DomainError, ValidationError) as exc:
            form_add_domain_error(form, exc)
        else:
            return redirect(_survey_url("import-detail", survey, pk=survey_import.pk))
    return render(
        request,
        "survey_results/import_form.html",
        {
            "survey": survey,
            "organisation": survey.organisation,
            "form": form,
            "imports": selectors.survey_import_list(survey=survey)[:10],
            "max_megabytes": import_services.max_import_bytes() // (1024 * 1024),
        },
    )


@login_required
def import_detail_view(
    request: AuthenticatedHttpRequest,
    org_slug: str,
    engagement_slug: str,
    survey_slug: str,
    pk: int,
) -> HttpResponse:
    survey = _survey(request, org_slug, engagement_slug, survey_slug)
    if not can_manage_engagements(request.user, survey.organisation):
        raise PermissionDenied
    survey_import = selectors.survey_import_get(survey=survey, pk=pk)
    context = {
        "survey": survey,
        "organisation": survey.organisation,
        "survey_import": survey_import,
        "is_running": survey_import.status
        in (SurveyImport.Status.QUEUED, SurveyImport.Status.RUNNING),
    }
    if request.headers.get("HX-Request"):
        return render(request, "survey_results/_import_status.html", context)
    return render(request, "survey_results/import_detail.html", context)
