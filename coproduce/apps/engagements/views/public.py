"""Pages residents use: the list, an engagement, its documents, comments and the
organisation's "you said, we did" page."""

from __future__ import annotations

from pathlib import PurePath

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from coproduce.apps.accounts.http import AuthenticatedHttpRequest
from coproduce.apps.core.forms import form_add_domain_error
from coproduce.apps.engagements import selectors, services
from coproduce.apps.engagements.forms import CommentForm, EngagementFilterForm
from coproduce.apps.engagements.models import Engagement
from coproduce.apps.engagements.permissions import (
    can_manage_engagements,
    can_see_unpublished_engagements,
)
from coproduce.apps.organisations.selectors import organisation_get
from coproduce.apps.surveys.selectors.public import survey_list_published_for_engagement
from coproduce.apps.surveys.selectors.surveys import survey_list_for_engagement
from coproduce.errors import DomainError

PAGE_SIZE = 20
_PUBLIC_STATUSES = [
    Engagement.Status.OPEN,
    Engagement.Status.CLOSED,
    Engagement.Status.RESPONDED,
    Engagement.Status.ARCHIVED,
]


def engagement_list_view(request: HttpRequest, org_slug: str) -> HttpResponse:
    organisation = organisation_get(slug=org_slug)
    statuses = (
        list(Engagement.Status.values)
        if can_see_unpublished_engagements(request.user, organisation)
        else [str(s) for s in _PUBLIC_STATUSES]
    )
    form = EngagementFilterForm(
        request.GET or None, organisation=organisation, statuses=statuses
    )
    # Invalid filters are shown in the error summary and ignored.
    cleaned = form.cleaned_data if form.is_valid() else {}
    engagements = selectors.engagement_list(
        actor=request.user,
        organisation=organisation,
        area=cleaned.get("area"),
        topic=cleaned.get("topic"),
        level=cleaned.get("level", ""),
        status=cleaned.get("status", ""),
        search=cleaned.get("q", ""),
    )
    page = Paginator(engagements, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "engagements/engagement_list.html",
        {
            "organisation": organisation,
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "can_manage": can_manage_engagements(request.user, organisation),
        },
    )


def _survey_links(engagement: Engagement) -> list[tuple[object, str | None]]:
    """Published surveys with their start link, or None while the surveys pages
    are not installed (the link appears once the URL exists)."""
    links: list[tuple[object, str | None]] = []
    for survey in survey_list_published_for_engagement(engagement=engagement):
        try:
            url: str | None = reverse(
                "surveys:survey-start",
                kwargs={
                    "org_slug": engagement.organisation.slug,
                    "engagement_slug": engagement.slug,
                    "survey_slug": survey.slug,
                },
            )
        except NoReverseMatch:
            url = None
        links.append((survey, url))
    return links


def engagement_detail_view(
    request: HttpRequest, org_slug: str, slug: str
) -> HttpResponse:
    organisation = organisation_get(slug=org_slug)
    engagement = selectors.engagement_get_for_detail(
        actor=request.user, organisation=organisation, slug=slug
    )
    return _render_detail(request, engagement, CommentForm())


def _render_detail(
    request: HttpRequest, engagement: Engagement, comment_form: CommentForm
) -> HttpResponse:
    organisation = engagement.organisation
    can_manage = can_manage_engagements(request.user, organisation)
    now = timezone.now()
    return render(
        request,
        "engagements/engagement_detail.html",
        {
            "organisation": organisation,
            "engagement": engagement,
            "survey_links": _survey_links(engagement),
            # Members see every survey (drafts too) with links to build it and
            # to its results; residents see only the published ones above.
            "staff_surveys": (
                list(
                    survey_list_for_engagement(
                        actor=request.user, engagement=engagement
                    )
                )
                if can_see_unpublished_engagements(request.user, organisation)
                else []
            ),
            "response": selectors.response_get_published(engagement=engagement),
            "own_comments": selectors.comment_list_for_author(
                engagement=engagement, user=request.user
            ),
            "comment_form": comment_form,
            "form": comment_form,
            "takes_comments": engagement.allows_comments
            and engagement.status == Engagement.Status.OPEN,
            "can_manage": can_manage,
            "allowed_actions": services.engagement_allowed_actions(
                engagement=engagement, now=now
            )
            if can_manage
            else [],
        },
    )


def document_download_view(
    request: HttpRequest, org_slug: str, slug: str, pk: int
) -> FileResponse:
    organisation = organisation_get(slug=org_slug)
    engagement = selectors.engagement_get(
        actor=request.user, organisation=organisation, slug=slug
    )
    document = selectors.document_get(engagement=engagement, pk=pk)
    try:
        handle = document.file.open("rb")
    except (FileNotFoundError, ValueError) as exc:
        raise Http404 from exc
    extension = PurePath(document.file.name).suffix.lower()
    # A name built from the title: never the uploaded one, never a path.
    filename = f"{slugify(document.title_en or '')[:80] or 'document'}{extension}"
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=filename,
        content_type=document.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_POST
@login_required
def comment_create_view(
    request: AuthenticatedHttpRequest, org_slug: str, slug: str
) -> HttpResponse:
    organisation = organisation_get(slug=org_slug)
    engagement = selectors.engagement_get(
        actor=request.user, organisation=organisation, slug=slug
    )
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            services.comment_create(
                actor=request.user,
                engagement=engagement,
                body=form.cleaned_data["body"],
            )
        except (DomainError, ValidationError) as exc:
            form_add_domain_error(form, exc)
        else:
            messages.success(
                request,
                _(
                    "Thank you. Your comment will be published once a moderator "
                    "has read it."
                ),
            )
            return redirect(engagement.get_absolute_url() + "#comments")
    detail = selectors.engagement_get_for_detail(
        actor=request.user, organisation=organisation, slug=slug
    )
    return _render_detail(request, detail, form)


def response_list_view(request: HttpRequest, org_slug: str) -> HttpResponse:
    organisation = organisation_get(slug=org_slug)
    responses = selectors.response_list_published(organisation=organisation)
    page = Paginator(responses, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "engagements/response_list.html",
        {
            "organisation": organisation,
            "page": page,
            "query": "",
            "figures": selectors.response_figures_for_organisation(
                organisation=organisation
            ),
        },
    )
