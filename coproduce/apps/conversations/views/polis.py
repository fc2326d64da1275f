"""Polis data in and out: the import pages and the export download. Thin."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from coproduce.apps.accounts.http import AuthenticatedHttpRequest
from coproduce.apps.conversations import selectors
from coproduce.apps.conversations.models import Conversation, ConversationImport
from coproduce.apps.conversations.permissions import can_view_conversation_admin
from coproduce.apps.conversations.polis_forms import PolisImportForm
from coproduce.apps.conversations.polis_permissions import (
    can_export_polis,
    can_import_polis,
)
from coproduce.apps.conversations.services import polis_export, polis_import
from coproduce.apps.core.forms import form_add_domain_error
from coproduce.apps.engagements.selectors import engagement_list
from coproduce.apps.organisations.models import Organisation
from coproduce.apps.organisations.selectors import organisation_get
from coproduce.errors import DomainError


def _importing_organisation(
    request: AuthenticatedHttpRequest, org_slug: str
) -> Organisation:
    organisation = organisation_get(slug=org_slug)
    if not can_import_polis(request.user, organisation):
        raise PermissionDenied
    return organisation


@login_required
def polis_import_create_view(
    request: AuthenticatedHttpRequest, org_slug: str
) -> HttpResponse:
    organisation = _importing_organisation(request, org_slug)
    form = PolisImportForm(
        request.POST or None,
        request.FILES or None,
        engagements=engagement_list(actor=request.user, organisation=organisation),
    )
    if request.method == "POST" and form.is_valid():
        try:
            conversation_import = polis_import.conversation_import_create(
                actor=request.user,
                organisation=organisation,
                uploads=form.cleaned_data["export_files"],
                polarity=form.cleaned_data["polarity"],
                source_url=form.cleaned_data["source_url"],
                licence=form.cleaned_data["licence"],
                attribution=form.cleaned_data["attribution"],
                changes_statement=form.cleaned_data["changes_statement"],
                engagement=form.cleaned_data["engagement"],
            )
        except (DomainError, ValidationError) as exc:
            form_add_domain_error(form, exc)
        else:
            return redirect(
                "conversations:polis-import-detail",
                org_slug=organisation.slug,
                pk=conversation_import.pk,
            )
    return render(
        request,
        "conversations/polis_import_form.html",
        {
            "organisation": organisation,
            "form": form,
            "imports": polis_import.conversation_import_list(organisation=organisation)[
                :10
            ],
            "max_megabytes": polis_import.max_polis_import_bytes() // (1024 * 1024),
        },
    )


@login_required
def polis_import_detail_view(
    request: AuthenticatedHttpRequest, org_slug: str, pk: int
) -> HttpResponse:
    organisation = _importing_organisation(request, org_slug)
    conversation_import = polis_import.conversation_import_get(
        organisation=organisation, pk=pk
    )
    context = {
        "organisation": organisation,
        "conversation_import": conversation_import,
        "Status": ConversationImport.Status,
    }
    if request.headers.get("HX-Request"):
        return render(request, "conversations/_polis_import_status.html", context)
    return render(request, "conversations/polis_import_detail.html", context)


def _zip_response(request: HttpRequest, conversation: Conversation) -> HttpResponse:
    layout = "classic" if request.GET.get("layout") == "classic" else "newer"
    content = polis_export.conversation_polis_export(
        conversation=conversation, layout=layout
    )
    response = HttpResponse(content, content_type="application/zip")
    name = polis_export.polis_export_filename(conversation)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
def polis_export_view(
    request: AuthenticatedHttpRequest, org_slug: str, pk: int
) -> HttpResponse:
    """Staff download: every member, any state."""
    organisation = organisation_get(slug=org_slug)
    if not can_view_conversation_admin(request.user, organisation):
        raise PermissionDenied
    conversation = selectors.conversation_get(organisation=organisation, pk=pk)
    return _zip_response(request, conversation)


def polis_export_public_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Public download, once the results are published; else 404 as if absent."""
    conversation = selectors.conversation_get_public(actor=request.user, pk=pk)
    if not can_export_polis(request.user, conversation):
        raise Http404
    return _zip_response(request, conversation)
