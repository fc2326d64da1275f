"""allauth hooks: audit sign-ups and keep residents' language choice."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest
from django.utils import translation

from coproduce.apps.accounts.models import User


class AccountAdapter(DefaultAccountAdapter):
    def save_user(
        self, request: HttpRequest, user: User, form: Any, commit: bool = True
    ) -> User:
        from coproduce.apps.audit.services import audit_event_create

        user.preferred_language = translation.get_language() or "en"
        user = super().save_user(request, user, form, commit=commit)
        if commit:
            audit_event_create(actor=user, action="account.signup", target=user)
        return user
