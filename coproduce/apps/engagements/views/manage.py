"""Officers' pages: create and edit engagements, change status, events, documents,
topics, the "you said, we did" response and comment moderation. Thin: services
decide."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from coproduce.apps.accounts.http import AuthenticatedHttpRequest
from coproduce.apps.core.forms import form_add_domain_error
from coproduce.apps.engagements import selectors, services
from coproduce.apps.engagements.forms import (
    DocumentForm,
    EngagementForm,
    EventForm,
    ModerationForm,
    ResponseDueForm,
    ResponseForm,
    TopicForm,
)
from coproduce.apps.engagements.models import Engagement
from coproduce.apps.engagements.permissions import can_manage_engagements
from coproduce.apps.organisations.models import Organisation
from coproduce.apps.organisations.selectors import organisation_get
from coproduce.apps.surveys.selectors.public import (
    answer_tag_list_for_engagement,
    question_list_for_engagement,
)
from coproduce.errors import DomainError

# URL action → target status. closed → responded is not here: only publishing
# the response does it.
STATUS_ACTIONS = {
    "schedule": Engagement.Status.SCHEDULED,
    "open": Engagement.Status.OPEN,
    "close": Engagement.Status.CLOSED,
    "archive": Engagement.Status.ARCHIVED,
}


def _posted(request: AuthenticatedHttpRequest) -> Any:
    """The POST data for a POST (even an empty one, so it is validated), else None."""
    return request.POST if request.method == "POST" else None


def _organisation_for_officer(
    request: AuthenticatedHttpRequest, org_slug: str
) -> Organisation:
    organisation = organisation_get(slug=org_slug)
    if not can_manage_engagements(request.user, organisation):
        raise PermissionDenied
    return organisation


def _engagement_for_officer(
    request: AuthenticatedHttpRequest, org_slug: str, slug: str
) -> Engagement:
    organisation = _organisation_for_officer(request, org_slug)
    return selectors.engagement_get(
        actor=request.user, organisation=organisation, slug=slug
    )


def _engagement_initial(engagement: Engagement) -> dict[str, Any]:
    local = timezone.localtime
    return {
        "title_en": engagement.title_en,
        "title_cy": engagement.title_cy,
        "summary_en": engagement.summary_en,
        "summary_cy": engagement.summary_cy,
        "purpose_en": engagement.purpose_en,
        "purpose_cy": engagement.purpose_cy,
        "level": engagement.level,
        "topics": list(engagement.topics.all()),
        "areas": list(engagement.areas.all()),
        "owning_team": engagement.owning_team,
        "contact_email": engagement.contact_email,
        "contact_phone": engagement.contact_phone,
        "opens_at": local(engagement.opens_at) if engagement.opens_at else None,
        "closes_at": local(engagement.closes_at) if engagement.closes_at else None,
        "allows_comments": engagement.allows_comments,
    }


@login_required
def engagement_create_view(
    request: AuthenticatedHttpRequest, org_slug: str
) -> HttpResponse:
    organisation = _organisation_for_officer(request, org_slug)
    form = EngagementForm(_posted(request), organisation=organisation)
    if request.method == "POST" and form.is_valid():
        try:
            engagement = services.engagement_create(
                actor=request.user, organisation=organisation, **form.cleaned_data
            )
        except (DomainError, ValidationError) as exc:
            form_add_domain_error(form, exc)
        else:
            messages.success(
                request, _("Engagement created as a draft. Only members can see it.")
            )
            return redirect(engagement)
    return render(
        request,
        "engagements/engagement_form.html",
        {"organisation": organisation, "form": form, "engagement": None},
    )


@login_required
def engagement_update_view(
    request: AuthenticatedHttpRequest, org_slug: str, slug: str
) -> HttpResponse:
    engagement = _engagement_for_officer(request, org_slug, slug)
    form = EngagementForm(
        _posted(request),
        organisation=engagement.organisation,
        initial=_engagement_initial(engagement),
    )
    if request.method == "POST" and form.is_valid():
        try:
            engagement = services.engagement_update(
                actor=request.user, engagement=engagement, **form.cleaned_data
            )
        except (DomainError, ValidationError) as exc:
            form_add_domain_error(form, exc)
        else:
            messages.success(request, _("The engagement has been saved."))
            return redirect(engagement)
    return render(
        request,
        "engagements/engagement_form.html",
        {
            "organisation": engagement.organisation,
            "form": form,
            "engagement": engagement,
        },
    )


@login_required
def engagement_status_view(
    request: AuthenticatedHttpRequest, org_slug: str, slug: str, action: str
) -> HttpResponse:
    """Confirm, then make, one status change (schedule, open, close, archive)."""
    engagement = _engagement_for_officer(request, org_slug, slug)
    if action not in STATUS_ACTIONS:
        raise Http404
    error_messages: list[str] = []
    if request.method == "GET":
        # Say at once why a change is not possible, rather than after a click.
        try:
            services.engagement_check_transition(
                engagement=engagement,
                to_status=STATUS_ACTIONS[action],
                now=timezone.now(),
            )
        except DomainError as exc:
            error_messages = exc.messages
    if request.method == "POST":
        try:
            services.engagement_change_status(
                actor=request.user, engagement=engagement, status=STATUS_ACTIONS[action]
            )
        except (DomainError, ValidationError) as exc:
            error_messages = exc.messages
        else:
            messages.success(
                request,
                _("The engagement is now %(status)s.")
                % {"status": Engagement.Status(STATUS_ACTIONS[action]).label.lower()},
            )
            return redirect(engagement)
    return render(
        request,
        "engagements/engagement_status.html",
        {
            "organisation": engagement.organisation,
            "engagement": engagement,
            "action": action,
            "target_status": Engagement.Status(STATUS_ACTIONS[action]),
            "error_messages": error_messages,
        },
    )


@login_required
def engagement_response_due_view(
    request: AuthenticatedHttpRequest, org_slug: str, slug: str
) -> HttpResponse:
    engagement = _engagement_for_officer(request, org_slug, slug)
    form = ResponseDueForm(
        _posted(request), initial={"response_due_on": engagement.response_due_on}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.engagement_set_response_due(
                actor=request.user, engagement=engagement, **form.cleaned_data
            )
        except (DomainError, ValidationError) as exc:
            form_add_domain_error(form, exc)
        else:
            messages.success(request, _("The response due date has been saved."))
            return redirect(engagement)
    return render(
        request,
        "engagements/simple_form.html",
        {
            "organisation": engagement.organisation,
            "engagement": engagement,
            "form": form,
            "title": _("Change when the response is due"),
            "submit_label": _("Save date"),
        },
    )


def _event_initial(event: Any) -> dict[str, Any]:
    return {
        "title_en": event.title_en,
        "title_cy": event.title_cy,
        "starts_at": timezone.localtime(event.starts_at),
        "ends_at": timezone.localtime(event.ends_at) if event.ends_at else None,
        "venue": event.venue,
        "accessibility_information_en": event.accessibility_information_en,
        "accessibility_information_cy": event.accessibility_information_cy,
        "attendance_count": event.attendance_count,
    }


@login_required
def event_create_view(
    request: AuthenticatedHttpRequest, org_slug: str, slug: str
) -> HttpResponse:
    engagement = _engagement_for_officer(request, org_slug, slug)
    form = EventForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.event_create(
                actor=request.user, engagement=engagement, **form.cleaned_data
            )
        except (DomainError, ValidationError) as exc:
            form_add_domain_error(form, exc)
        else:
            messages.success(request, _("The event has been added."))
            return redirect(engagement.get_absolute_url() + "#events")
    return render(
        request,
        "engagements/simple_form.html",
        {
            "organisation": engagement.organisation,
            "engagement": engagement,
            "form": form,
            "title": _("Add an event"),
            "submit_label": _("Save event"),
        },
    )


@login_required
def event_update_view(
    request: AuthenticatedHttpRequest, org_slug: str, slug: str, pk: int
) -> HttpResponse:
    engagement = _engagement_for_officer(request, org_slug, slug)
    event = selectors.event_get(engagement=engagement, pk=pk)
    form = EventForm(_posted(request), initial=_event_initial(event))
    if request.method == "POST" and form.is_valid():
        try:
            services.event_update(actor=request.user, event=event, **form.cleaned_data)
        except (DomainError, ValidationError) as exc:
            form_add_domain_error(form, exc)
        else:
            messages.success(request, _("The event has been saved."))
            return redirect(engagement.get_absolute_url() + "#events")
    return render(
        request,
        "engagements/simple_form.html",
        {
            "organisation": engagement.organisation,
            "engagement": engagement,
            "form": form,
            "title": _("Change an event"),
            "submit_label": _("Save event"),
        },
    )


@login_required
def event_delete_view(
    request: AuthenticatedHttpRequest, org_slug: str, slug: str, pk: int
) -> HttpResponse:
    engagement = _engagement_for_officer(request, org_slug, slug)
    event = selectors.event_get(engagement=engagement, pk=pk)
    if request.method == "POST":
        services.event_delete(actor=request.user, event=event)
        messages.success(request, _("The event has been deleted."))
        return redirect(engagement.get_absolute_url() + "#events")
    return render(
        request,
        "engagements/confirm_delete.html",
        {
            "organisation": engagement.organisation,
            "engagement": engagement,
            "thing": event,
            "title": _("Delete this event?"),
            "button": _("Delete event"),
        },
    )


@login_required
def document_create_view(
    request: AuthenticatedHttpRequest, org_slug: str, slug: str
) -> HttpResponse:
    engagement = _engagement_for_officer(request, org_slug, slug)
    form = DocumentForm(
        _posted(request), request.FILES if request.method == "POST" else None
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.document_create(
                actor=request.user, engagement=engagement, **form.cleaned_data
            )
        except (DomainError, ValidationError) as exc:
            form_add_domain_error(form, exc)
        else:
            messages.success(request, _("The document has been added."))
            return redirect(engagement.get_absolute_url() + "#documents")
    return render(
        request,
        "engagements/simple_form.html",
        {
            "organisation": engagement.organisation,
            "engagement": engagement,
            "form": form,
            "title": _("Add a document"),
            "submit_label": _("Upload document"),
            "is_multipart": True,
        },
    )


@login_required
def document_delete_view(
    request: AuthenticatedHttpRequest, org_slug: str, slug: str, pk: int
) -> HttpResponse:
    engagement = _engagement_for_officer(request, org_slug, slug)
    document = selectors.document_get(engagement=engagement, pk=pk)
    if request.method == "POST":
        services.document_delete(actor=request.user, document=document)
        messages.success(request, _("The document has been deleted."))
        return redirect(engagement.get_absolute_url() + "#documents")
    return render(
        request,
        "engagements/confirm_delete.html",
        {
            "organisation": engagement.organisation,
            "engagement": engagement,
            "thing": document,
            "title": _("Delete this document?"),
            "button": _("Delete document"),
        },
    )


@login_required
def topic_list_view(request: AuthenticatedHttpRequest, org_slug: str) -> HttpResponse:
    organisation = _organisation_for_officer(request, org_slug)
    form = TopicForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            topic = services.topic_create(
                actor=request.user, organisation=organisation, **form.cleaned_data
            )
        except (DomainError, ValidationError) as exc:
            form_add_domain_error(form, exc)
        else:
            messages.success(request, _("Topic %(name)s added.") % {"name": topic.name})
            return redirect("engagements:topic-list", org_slug=organisation.slug)
    return render(
        request,
        "engagements/topic_list.html",
        {
            "organisation": organisation,
            "topics": selectors.topic_list(organisation=organisation),
            "form": form,
        },
    )


@login_required
def topic_update_view(
    request: AuthenticatedHttpRequest, org_slug: str, pk: int
) -> HttpResponse:
    organisation = _organisation_for_officer(request, org_slug)
    topic = selectors.topic_get(organisation=organisation, pk=pk)
    form = TopicForm(
        _posted(request),
        initial={"name_en": topic.name_en, "name_cy": topic.name_cy},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.topic_update(actor=request.user, topic=topic, **form.cleaned_data)
        except (DomainError, ValidationError) as exc:
            form_add_domain_error(form, exc)
        else:
            messages.success(request, _("The topic has been renamed."))
            return redirect("engagements:topic-list", org_slug=organisation.slug)
    return render(
        request,
        "engagements/simple_form.html",
        {
            "organisation": organisation,
            "engagement": None,
            "form": form,
            "title": _("Rename a topic"),
            "submit_label": _("Save topic"),
            "back_url": reverse("engagements:topic-list", args=[organisation.slug]),
        },
    )


@login_required
def topic_delete_view(
    request: AuthenticatedHttpRequest, org_slug: str, pk: int
) -> HttpResponse:
    organisation = _organisation_for_officer(request, org_slug)
    topic = selectors.topic_get(organisation=organisation, pk=pk)
    back_url = reverse("engagements:topic-list", args=[organisation.slug])
    if request.method == "POST":
        services.topic_delete(actor=request.user, topic=topic)
        messages.success(request, _("The topic has been deleted."))
        return redirect(back_url)
    return render(
        request,
        "engagements/confirm_delete.html",
        {
            "organisation": organisation,
            "engagement": None,
            "thing": topic,
            "title": _("Delete this topic?"),
            "hint": _("Engagements tagged with it will lose the tag."),
            "button": _("Delete topic"),
            "back_url": back_url,
        },
    )


def _response_form(engagement: Engagement, data: Any = None) -> ResponseForm:
    response = selectors.response_get_for_editing(engagement=engagement)
    initial: dict[str, Any] = {}
    if response is not None:
        initial = {
            name: getattr(response, name)
            for name in ResponseForm.base_fields
            if name not in ("linked_questions", "linked_tags")
        }
        initial["linked_questions"] = list(response.linked_questions.all())
        initial["linked_tags"] = list(response.linked_tags.all())
    return ResponseForm(
        data,
        initial=initial,
        questions=question_list_for_engagement(engagement=engagement),
        tags=answer_tag_list_for_engagement(engagement=engagement),
    )


@login_required
def response_edit_view(
    request: AuthenticatedHttpRequest, org_slug: str, slug: str
) -> HttpResponse:
    """Write the response; "Save and preview" shows it as residents will see it."""
    engagement = _engagement_for_officer(request, org_slug, slug)
    form = _response_form(engagement, _posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.response_save(
                actor=request.user, engagement=engagement, **form.cleaned_data
            )
        except (DomainError, ValidationError) as exc:
            form_add_domain_error(form, exc)
        else:
            messages.success(request, _("The response has been saved."))
            return redirect(
                "engagements:response-publish",
                org_slug=engagement.organisation.slug,
                slug=engagement.slug,
            )
    return render(
        request,
        "engagements/response_form.html",
        {
            "organisation": engagement.organisation,
            "engagement": engagement,
            "form": form,
            "response": selectors.response_get_for_editing(engagement=engagement),
        },
    )


@login_required
def response_publish_view(
    request: AuthenticatedHttpRequest, org_slug: str, slug: str
) -> HttpResponse:
    """Preview the saved response and publish it."""
    engagement = _engagement_for_officer(request, org_slug, slug)
    response = selectors.response_get_for_editing(engagement=engagement)
    error_messages: list[str] = []
    if request.method == "POST":
        try:
            services.response_publish(actor=request.user, engagement=engagement)
        except (DomainError, ValidationError) as exc:
            error_messages = exc.messages
        else:
            messages.success(
                request,
                _(
                    "The response is published. Everyone who asked to hear back "
                    "is being emailed."
                ),
            )
            return redirect(engagement.get_absolute_url() + "#response")
    return render(
        request,
        "engagements/response_preview.html",
        {
            "organisation": engagement.organisation,
            "engagement": engagement,
            "response": response,
            "error_messages": error_messages,
        },
    )


@login_required
def moderation_queue_view(
    request: AuthenticatedHttpRequest, org_slug: str
) -> HttpResponse:
    organisation = _organisation_for_officer(request, org_slug)
    return render(
        request,
        "engagements/moderation_queue.html",
        {
            "organisation": organisation,
            "comments": selectors.comment_list_for_moderation(
                actor=request.user, organisation=organisation
            ),
        },
    )


@login_required
def comment_moderate_view(
    request: AuthenticatedHttpRequest, org_slug: str, pk: int
) -> HttpResponse:
    organisation = _organisation_for_officer(request, org_slug)
    comment = selectors.comment_get(
        actor=request.user, organisation=organisation, pk=pk
    )
    form = ModerationForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            if form.cleaned_data["decision"] == ModerationForm.APPROVE:
                services.comment_approve(actor=request.user, comment=comment)
                done = _("The comment is published.")
            else:
                services.comment_reject(
                    actor=request.user,
                    comment=comment,
                    reason=form.cleaned_data["rejection_reason"],
                )
                done = _("The comment will not be published. Its author can see why.")
        except (DomainError, ValidationError) as exc:
            form_add_domain_error(form, exc)
        else:
            messages.success(request, done)
            return redirect("engagements:moderation-queue", org_slug=organisation.slug)
    return render(
        request,
        "engagements/comment_moderate.html",
        {"organisation": organisation, "comment": comment, "form": form},
    )
