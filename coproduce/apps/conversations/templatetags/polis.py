"""Template helpers for the Polis import and export links."""

from __future__ import annotations

from typing import Any

from django import template

from coproduce.apps.conversations.polis_permissions import can_import_polis
from coproduce.apps.organisations.models import Organisation

register = template.Library()


@register.simple_tag(takes_context=True)
def may_import_polis(context: dict[str, Any], organisation: Organisation) -> bool:
    """Whether the signed-in person may import Polis exports into `organisation`."""
    request = context.get("request")
    return request is not None and can_import_polis(request.user, organisation)
