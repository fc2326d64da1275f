"""Residents' pages: one statement at a time with Agree, Disagree and Pass, and a
form for a statement of their own.

Works without JavaScript: each vote is a plain form POST followed by a redirect
to the next statement. With htmx, the vote swaps only the voting area (a live
region) and voting.mjs adds the A, D and P keys.

People without an account are known by a random token in a signed cookie; the
database keeps only its hash. A tampered or missing cookie simply makes a new
participant on the next vote.
"""

from __future__ import annotations

import random
import secrets

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from coproduce.apps.conversations import selectors, services
from coproduce.apps.conversations.errors import SignInRequiredError
from coproduce.apps.conversations.forms import StatementForm
from coproduce.apps.conversations.models import Conversation
from coproduce.apps.conversations.selectors import Visitor
from coproduce.apps.core.forms import form_add_domain_error
from coproduce.errors import DomainError

COOKIE_NAME = "coproduce_participant"
COOKIE_SALT = "coproduce.conversations.participant"
COOKIE_MAX_AGE = 365 * 24 * 3600


def _cookie_token(request: HttpRequest) -> str:
    """The browser's token, or "" when it has none or it was tampered with."""
    token = request.get_signed_cookie(
        COOKIE_NAME, default="", salt=COOKIE_SALT, max_age=COOKIE_MAX_AGE
    )
    return token if isinstance(token, str) else ""


def _visitor(request: HttpRequest, *, create_token: bool) -> Visitor:
    # A token made earlier in this request (first vote) is not in the cookie yet.
    token = getattr(request, "new_participant_token", "") or _cookie_token(request)
    if not token and create_token and not request.user.is_authenticated:
        token = secrets.token_urlsafe(32)
        request.new_participant_token = token  # type: ignore[attr-defined]
    return Visitor(
        user=request.user,
        anonymous_token=token,
        client_ip=request.META.get("REMOTE_ADDR", ""),
    )


def _with_cookie(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """Set the cookie made for a first vote (httponly, same-site, secure in prod)."""
    token = getattr(request, "new_participant_token", "")
    if token:
        response.set_signed_cookie(
            COOKIE_NAME,
            token,
            salt=COOKIE_SALT,
            max_age=COOKIE_MAX_AGE,
            httponly=True,
            samesite="Lax",
            secure=settings.SESSION_COOKIE_SECURE,
        )
    return response


def _login_url(conversation: Conversation) -> str:
    return (
        reverse("account_login")
        + "?"
        + urlencode({"next": conversation.get_public_url()})
    )


def _language() -> str:
    return "cy" if (translation.get_language() or "en").startswith("cy") else "en"


def _voting_context(
    request: HttpRequest,
    conversation: Conversation,
    *,
    error_messages: list[str] | None = None,
    statement_form: StatementForm | None = None,
) -> dict[str, object]:
    visitor = _visitor(request, create_token=False)
    participant = selectors.participant_find(conversation=conversation, visitor=visitor)
    # The draw need not be reproducible here; tests pass their own seeded rng.
    rng = random.Random(secrets.randbits(64))  # noqa: S311 (not for security)
    statement = selectors.next_statement(
        conversation=conversation, participant=participant, rng=rng
    )
    progress = selectors.voting_progress(
        conversation=conversation, participant=participant
    )
    needs_sign_in = conversation.requires_account and visitor.signed_in_user is None
    return {
        "conversation": conversation,
        "organisation": conversation.organisation,
        "statement": statement,
        "progress": progress,
        "is_banned": participant is not None and participant.is_banned,
        "needs_sign_in": needs_sign_in,
        "login_url": _login_url(conversation),
        "can_add_statement": conversation.is_open_for_votes
        and conversation.allow_resident_statements
        and not needs_sign_in,
        "statement_form": statement_form or StatementForm(),
        "error_messages": error_messages or [],
        "vote_url": reverse(
            "conversations:conversation-vote", kwargs={"pk": conversation.pk}
        ),
    }


def conversation_vote_view(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the next statement. POST: record a vote, then show the next one."""
    conversation = selectors.conversation_get_public(actor=request.user, pk=pk)
    is_htmx = request.headers.get("HX-Request") == "true"
    if request.method == "POST":
        visitor = _visitor(request, create_token=True)
        try:
            statement_number = int(request.POST.get("statement", ""))
        except ValueError:
            statement_number = -1
        value = services.VOTE_VALUES.get(request.POST.get("vote", ""))
        error_messages: list[str] = []
        status = 200
        if value is None:
            error_messages = [_("Choose agree, disagree or pass.")]
            status = 422
        else:
            try:
                services.vote_cast(
                    conversation=conversation,
                    visitor=visitor,
                    statement_number=statement_number,
                    value=value,
                )
            except SignInRequiredError:
                return redirect(_login_url(conversation))
            except (DomainError, ValidationError) as exc:
                error_messages = list(exc.messages)
                status = getattr(exc, "http_status", 422)
        if is_htmx:
            # htmx swaps only 2xx answers: the fragment carries the message.
            return _with_cookie(
                request,
                render(
                    request,
                    "conversations/_voting.html",
                    _voting_context(
                        request, conversation, error_messages=error_messages
                    ),
                ),
            )
        if not error_messages:
            return _with_cookie(request, redirect(conversation.get_public_url()))
        return _with_cookie(
            request,
            render(
                request,
                "conversations/vote.html",
                _voting_context(request, conversation, error_messages=error_messages),
                status=status,
            ),
        )
    return render(
        request, "conversations/vote.html", _voting_context(request, conversation)
    )


def statement_create_view(request: HttpRequest, pk: int) -> HttpResponse:
    """A resident's own statement: the form, and its submission."""
    conversation = selectors.conversation_get_public(actor=request.user, pk=pk)
    form = StatementForm(request.POST if request.method == "POST" else None)
    status = 200
    error_messages: list[str] = []
    if request.method == "POST" and form.is_valid():
        visitor = _visitor(request, create_token=True)
        try:
            services.statement_submit(
                conversation=conversation,
                visitor=visitor,
                text=form.cleaned_data["text"],
                language=_language(),
            )
        except SignInRequiredError:
            return redirect(_login_url(conversation))
        except (DomainError, ValidationError) as exc:
            if isinstance(exc, DomainError) and exc.field == "text":
                form_add_domain_error(form, exc)
            else:
                error_messages = list(exc.messages)
            status = getattr(exc, "http_status", 422)
        else:
            if conversation.is_strict:
                text = _(
                    "Thank you. Your statement will appear once a moderator has "
                    "checked it. We have counted it as one you agree with."
                )
            else:
                text = _(
                    "Thank you. Your statement is now shown to others. We have "
                    "counted it as one you agree with."
                )
            messages.success(request, text)
            return _with_cookie(request, redirect(conversation.get_public_url()))
    elif request.method == "POST":
        status = 422
    context = _voting_context(
        request, conversation, error_messages=error_messages, statement_form=form
    )
    return _with_cookie(
        request,
        render(request, "conversations/statement_create.html", context, status=status),
    )
