"""Weighting pages: request a run, follow it (htmx polling), cancel it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from coproduce.apps.accounts.http import AuthenticatedHttpRequest
from coproduce.apps.core.about_you import ABOUT_YOU_LABELS
from coproduce.apps.core.forms import form_add_domain_error
from coproduce.apps.organisations.selectors import population_profile_list
from coproduce.apps.surveys.forms.weighting import WeightingRunForm
from coproduce.apps.surveys.models import Survey, WeightingRun
from coproduce.apps.surveys.permissions import can_weight_results
from coproduce.apps.surveys.selectors import weighting as selectors
from coproduce.apps.surveys.services import weighting as services
from coproduce.apps.surveys.views.results import _survey, _survey_url
from coproduce.errors import DomainError


def _weighting_survey(
    request: AuthenticatedHttpRequest,
    org_slug: str,
    engagement_slug: str,
    survey_slug: str,
) -> Survey:
    survey = _survey(request, org_slug, engagement_slug, survey_slug)
    if not can_weight_results(request.user, survey.organisation):
        raise PermissionDenied
    return survey


@login_required
def weighting_view(
    request: AuthenticatedHttpRequest,
    org_slug: str,
    engagement_slug: str,
    survey_slug: str,
) -> HttpResponse:
    survey = _weighting_survey(request, org_slug, engagement_slug, survey_slug)
    profiles = population_profile_list(
        actor=request.user, organisation=survey.organisation
    )
    first = profiles.first()
    initial = {}
    if first is not None:
        initial["characteristics"] = list(
            services.characteristics_with_margins(profile=first, survey=survey)
        )
    form = WeightingRunForm(request.POST or None, profiles=profiles, initial=initial)
    if request.method == "POST" and form.is_valid():
        profile = form.cleaned_data["profile"] or first
        if profile is None:
            form.add_error("profile", _("Select a population profile."))
    if request.method == "POST" and form.is_valid() and profile is not None:
        try:
            run = services.weighting_run_request(
                actor=request.user,
                survey=survey,
                profile=profile,
                characteristics=form.cleaned_data["characteristics"],
                cap=form.cap_factor(),
            )
        except (DomainError, ValidationError) as exc:
            form_add_domain_error(form, exc)
        else:
            return redirect(_survey_url("weighting-run", survey, pk=run.pk))
    return render(
        request,
        "survey_results/weighting.html",
        {
            "survey": survey,
            "organisation": survey.organisation,
            "form": form,
            "has_profiles": first is not None,
            "runs": selectors.weighting_run_list(survey=survey)[:10],
        },
    )


@login_required
def weighting_run_view(
    request: AuthenticatedHttpRequest,
    org_slug: str,
    engagement_slug: str,
    survey_slug: str,
    pk: int,
) -> HttpResponse:
    survey = _weighting_survey(request, org_slug, engagement_slug, survey_slug)
    run = selectors.weighting_run_get(survey=survey, pk=pk)
    context = {
        "survey": survey,
        "organisation": survey.organisation,
        "run": run,
        "characteristic_labels": [
            str(ABOUT_YOU_LABELS.get(name, name)) for name in run.characteristics
        ],
        "unknown_rows": [
            (str(ABOUT_YOU_LABELS.get(name, name)), n)
            for name, n in run.n_unknown.items()
            if n
        ],
        "margin_rows": selectors.achieved_margin_rows(run),
        "is_done": run.status == WeightingRun.Status.DONE,
    }
    if request.headers.get("HX-Request"):
        return render(request, "survey_results/_weighting_status.html", context)
    return render(request, "survey_results/weighting_run.html", context)


@require_POST
@login_required
def weighting_run_cancel_view(
    request: AuthenticatedHttpRequest,
    org_slug: str,
    engagement_slug: str,
    survey_slug: str,
    pk: int,
) -> HttpResponse:
    survey = _weighting_survey(request, org_slug, engagement_slug, survey_slug)
    run = selectors.weighting_run_get(survey=survey, pk=pk)
    try:
        services.weighting_run_cancel(actor=request.user, run=run)
    except DomainError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The weighting run was cancelled."))
    return redirect(_survey_url("weighting-run", survey, pk=run.pk))
