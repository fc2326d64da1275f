"""Template filters for inclusion figures that small-number protection may hide."""

from __future__ import annotations

from typing import Any

from django import template
from django.template.defaultfilters import floatformat
from django.utils.translation import gettext as _

from coproduce.apps.core.tables import HIDDEN
from coproduce.apps.inclusion.disclosure import Disclosure

register = template.Library()

MISSING = "–"


@register.filter
def people_count(value: Any, disclosure: Disclosure | None = None) -> str:
    """A count of people, "fewer than 10" when hidden, "–" when unknown."""
    if value is HIDDEN:
        threshold = disclosure.threshold if disclosure is not None else 10
        return _("fewer than %(threshold)s") % {"threshold": threshold}
    if value is None:
        return MISSING
    return str(value)


@register.filter
def percent(value: Any, digits: int = 0) -> str:
    """A percentage (value already ×100), "hidden" when protected, "–" when unknown."""
    if value is HIDDEN:
        return _("hidden")
    if value is None:
        return MISSING
    return f"{floatformat(value, digits)}%"


@register.filter
def number(value: Any, digits: int = 2) -> str:
    """A plain number such as a Gini coefficient, "–" when unknown."""
    if value is HIDDEN:
        return _("hidden")
    if value is None:
        return MISSING
    return str(floatformat(value, digits))


@register.filter
def is_hidden(value: Any) -> bool:
    return value is HIDDEN
