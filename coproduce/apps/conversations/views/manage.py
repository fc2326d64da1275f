"""Staff pages: list, create and edit conversations, open and close them, seed
statements, moderate, and ban participants. Thin: services decide."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from coproduce.apps.accounts.http import AuthenticatedHttpRequest
from coproduce.apps.conversations import selectors, services
from coproduce.apps.conversations.forms import (
    ConversationForm,
    ModerationForm,
    SeedStatementsForm,
)
from coproduce.apps.conversations.models import Conversation
from coproduce.apps.conversations.permissions import (
    can_manage_conversations,
    can_view_conversation_admin,
    can_view_opinion_map,
)
from coproduce.apps.core.forms import form_add_domain_error
from coproduce.apps.engagements.selectors import engagement_get
from coproduce.apps.organisations.models import Organisation
from coproduce.apps.organisations.selectors import organisation_get
from coproduce.errors import DomainError

PAGE_SIZE = 100

STATUS_ACTIONS = {
    "open": Conversation.Status.OPEN,
    "close": Conversation.Status.CLOSED,
}


def _posted(request: AuthenticatedHttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


def _organisation(
    request: AuthenticatedHttpRequest, org_slug: str, *, manage: bool
) -> Organisation:
    organisation = organisation_get(slug=org_slug)
    allowed = (
        can_manage_conversations(request.user, organisation)
        if manage
        else can_view_conversation_admin(request.user, organisation)
    )
    if not allowed:
        raise PermissionDenied
    return organisation


def _conversation(
    request: AuthenticatedHttpRequest, org_slug: str, pk: int, *, manage: bool
) -> Conversation:
    organisation = _organisation(request, org_slug, manage=manage)
    return selectors.conversation_get(organisation=organisation, pk=pk)


def _render(
    request: HttpRequest, template: str, conversation: Conversation, **context: Any
) -> HttpResponse:
    """Render a page about one conversation, with its organisation and engagement."""
    return render(
        request,
        template,
        {
            "organisation": conversation.organisation,
            "engagement": conversation.engagement,
            "conversation": conversation,
            **context,
        },
    )


def _initial(conversation: Conversation) -> dict[str, Any]:
    return {
        "topic_en": conversation.topic_en,
        "topic_cy": conversation.topic_cy,
        "description_en": conversation.description_en,
        "description_cy": conversation.description_cy,
        "moderation": conversation.moderation,
        "allow_resident_statements": conversation.allow_resident_statements,
        "requires_account": conversation.requires_account,
        "results_published": conversation.results_published,
        "licence": conversation.licence,
        "attribution": conversation.attribution,
    }


@login_required
def conversation_list_view(
    request: AuthenticatedHttpRequest, org_slug: str
) -> HttpResponse:
    organisation = _organisation(request, org_slug, manage=False)
    return render(
        request,
        "conversations/conversation_list.html",
        {
            "organisation": organisation,
            "engagement": None,
            "conversations": selectors.conversation_list(organisation=organisation),
            "can_manage": can_manage_conversations(request.user, organisation),
        },
    )


@login_required
def engagement_conversation_list_view(
    request: AuthenticatedHttpRequest, org_slug: str, slug: str
) -> HttpResponse:
    organisation = _organisation(request, org_slug, manage=False)
    engagement = engagement_get(
        actor=request.user, organisation=organisation, slug=slug
    )
    return render(
        request,
        "conversations/conversation_list.html",
        {
            "organisation": organisation,
            "engagement": engagement,
            "conversations": selectors.conversation_list(
                organisation=organisation, engagement=engagement
            ),
            "can_manage": can_manage_conversations(request.user, organisation),
        },
    )


@login_required
def conversation_create_view(
    request: AuthenticatedHttpRequest, org_slug: str, slug: str
) -> HttpResponse:
    organisation = _organisation(request, org_slug, manage=True)
    engagement = engagement_get(
        actor=request.user, organisation=organisation, slug=slug
    )
    form = ConversationForm(
        _posted(request), initial={"allow_resident_statements": True}
    )
    if request.method == "POST" and form.is_valid():
        try:
            conversation = services.conversation_create(
                actor=request.user, engagement=engagement, **form.cleaned_data
            )
        except (DomainError, ValidationError) as exc:
            form_add_domain_error(form, exc)
        else:
            messages.success(
                request,
                _(
                    "Conversation created as a draft. Add seed statements, then "
                    "open it."
                ),
            )
            return redirect(conversation)
    return render(
        request,
        "conversations/conversation_form.html",
        {
            "organisation": organisation,
            "engagement": engagement,
            "conversation": None,
            "form": form,
        },
    )


@login_required
def conversation_update_view(
    request: AuthenticatedHttpRequest, org_slug: str, pk: int
) -> HttpResponse:
    conversation = _conversation(request, org_slug, pk, manage=True)
    form = ConversationForm(_posted(request), initial=_initial(conversation))
    if request.method == "POST" and form.is_valid():
        try:
            conversation = services.conversation_update(
                actor=request.user, conversation=conversation, **form.cleaned_data
            )
        except (DomainError, ValidationError) as exc:
            form_add_domain_error(form, exc)
        else:
            messages.success(request, _("The conversation has been saved."))
            return redirect(conversation)
    return _render(
        request,
        "conversations/conversation_form.html",
        conversation,
        form=form,
    )


@login_required
def conversation_detail_view(
    request: AuthenticatedHttpRequest, org_slug: str, pk: int
) -> HttpResponse:
    conversation = _conversation(request, org_slug, pk, manage=False)
    can_manage = can_manage_conversations(request.user, conversation.organisation)
    actions = []
    for action, status in STATUS_ACTIONS.items():
        try:
            services.conversation_check_transition(
                conversation=conversation, to_status=status
            )
        except DomainError:
            continue
        actions.append(action)
    return _render(
        request,
        "conversations/conversation_detail.html",
        conversation,
        counts=selectors.conversation_counts(conversation=conversation),
        can_manage=can_manage,
        can_view_opinion_map=can_view_opinion_map(
            request.user, conversation.organisation
        ),
        status_actions=actions if can_manage else [],
        public_url=request.build_absolute_uri(conversation.get_public_url()),
    )


@login_required
def conversation_status_view(
    request: AuthenticatedHttpRequest, org_slug: str, pk: int, action: str
) -> HttpResponse:
    """Confirm, then open or close a conversation."""
    conversation = _conversation(request, org_slug, pk, manage=True)
    if action not in STATUS_ACTIONS:
        raise Http404
    target = STATUS_ACTIONS[action]
    error_messages: list[str] = []
    try:
        services.conversation_check_transition(
            conversation=conversation, to_status=target
        )
    except DomainError as exc:
        error_messages = exc.messages
    if request.method == "POST":
        change = (
            services.conversation_open
            if target == Conversation.Status.OPEN
            else services.conversation_close
        )
        try:
            change(actor=request.user, conversation=conversation)
        except (DomainError, ValidationError) as exc:
            error_messages = exc.messages
        else:
            messages.success(
                request,
                _("The conversation is now %(status)s.")
                % {"status": Conversation.Status(target).label.lower()},
            )
            return redirect(conversation)
    return _render(
        request,
        "conversations/conversation_status.html",
        conversation,
        action=action,
        target_status=Conversation.Status(target),
        error_messages=error_messages,
    )


@login_required
def statements_seed_view(
    request: AuthenticatedHttpRequest, org_slug: str, pk: int
) -> HttpResponse:
    conversation = _conversation(request, org_slug, pk, manage=True)
    form = SeedStatementsForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            created = services.statements_seed(
                actor=request.user, conversation=conversation, **form.cleaned_data
            )
        except (DomainError, ValidationError) as exc:
            form_add_domain_error(form, exc)
        else:
            messages.success(
                request,
                ngettext(
                    "%(count)s statement added.",
                    "%(count)s statements added.",
                    len(created),
                )
                % {"count": len(created)},
            )
            return redirect(conversation)
    return _render(
        request,
        "conversations/statements_seed.html",
        conversation,
        form=form,
    )


@login_required
def statement_list_view(
    request: AuthenticatedHttpRequest, org_slug: str, pk: int
) -> HttpResponse:
    conversation = _conversation(request, org_slug, pk, manage=False)
    page = Paginator(
        selectors.statement_list(conversation=conversation), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    return _render(
        request,
        "conversations/statement_list.html",
        conversation,
        page=page,
        can_manage=can_manage_conversations(request.user, conversation.organisation),
    )


@login_required
def moderation_queue_view(
    request: AuthenticatedHttpRequest, org_slug: str, pk: int
) -> HttpResponse:
    conversation = _conversation(request, org_slug, pk, manage=True)
    page = Paginator(
        selectors.statement_queue(conversation=conversation), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    return _render(
        request,
        "conversations/moderation_queue.html",
        conversation,
        page=page,
    )


@login_required
def statement_moderate_view(
    request: AuthenticatedHttpRequest, org_slug: str, pk: int, number: int
) -> HttpResponse:
    conversation = _conversation(request, org_slug, pk, manage=True)
    statement = selectors.statement_get(conversation=conversation, number=number)
    form = ModerationForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.statement_moderate(
                actor=request.user, statement=statement, **form.cleaned_data
            )
        except (DomainError, ValidationError) as exc:
            form_add_domain_error(form, exc)
        else:
            messages.success(
                request,
                _("Statement %(number)s moderated.") % {"number": statement.number},
            )
            next_in_queue = selectors.statement_queue(conversation=conversation).first()
            if next_in_queue is not None:
                return redirect(
                    "conversations:statement-moderate",
                    org_slug=conversation.organisation.slug,
                    pk=conversation.pk,
                    number=next_in_queue.number,
                )
            return redirect(
                "conversations:moderation-queue",
                org_slug=conversation.organisation.slug,
                pk=conversation.pk,
            )
    return _render(
        request,
        "conversations/statement_moderate.html",
        conversation,
        statement=statement,
        form=form,
    )


@login_required
def participant_list_view(
    request: AuthenticatedHttpRequest, org_slug: str, pk: int
) -> HttpResponse:
    conversation = _conversation(request, org_slug, pk, manage=True)
    page = Paginator(
        selectors.participant_list(conversation=conversation), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    return _render(
        request,
        "conversations/participant_list.html",
        conversation,
        page=page,
    )


@require_POST
@login_required
def participant_ban_view(
    request: AuthenticatedHttpRequest, org_slug: str, pk: int, number: int
) -> HttpResponse:
    """Ban (action=ban) or unban (action=unban) one participant."""
    conversation = _conversation(request, org_slug, pk, manage=True)
    participant = selectors.participant_get(conversation=conversation, number=number)
    action = request.POST.get("action", "")
    try:
        if action == "ban":
            services.participant_ban(actor=request.user, participant=participant)
            messages.success(
                request,
                _("Participant %(number)s is banned.") % {"number": number},
            )
        elif action == "unban":
            services.participant_unban(actor=request.user, participant=participant)
            messages.success(
                request,
                _("Participant %(number)s may take part again.") % {"number": number},
            )
        else:
            messages.error(request, _("Choose to ban or to unban the participant."))
    except (DomainError, ValidationError) as exc:
        for message in exc.messages:
            messages.error(request, message)
    return redirect(
        reverse(
            "conversations:participant-list",
            kwargs={"org_slug": conversation.organisation.slug, "pk": conversation.pk},
        )
    )
