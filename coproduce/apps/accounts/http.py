"""Request types for views."""

from __future__ import annotations

from django.http import HttpRequest

from coproduce.apps.accounts.models import User


class AuthenticatedHttpRequest(HttpRequest):
    """The request a `@login_required` view receives: `user` is never anonymous.

    Only for type hints (the django-stubs recipe); Django still passes HttpRequest.
    """

    user: User
