"""Template helpers: the language switch and GOV.UK form widgets."""

from __future__ import annotations

from typing import Any

from django import template
from django.forms import BoundField
from django.http import HttpRequest
from django.urls import translate_url
from django.utils.safestring import SafeString

register = template.Library()

# Keys are Django's BoundField.widget_type: the widget class name, lower case,
# without a trailing "Input" or "Widget" (TextInput -> "text").
_WIDGET_CLASSES = {
    "text": "govuk-input",
    "email": "govuk-input",
    "password": "govuk-input",
    "number": "govuk-input govuk-input--width-5",
    "url": "govuk-input",
    "date": "govuk-input govuk-input--width-10",
    "datetimelocal": "govuk-input govuk-input--width-20",
    "textarea": "govuk-textarea",
    "select": "govuk-select",
    "clearablefile": "govuk-file-upload",
    "file": "govuk-file-upload",
}


@register.simple_tag
def language_url(request: HttpRequest, language: str) -> str:
    """The current page in another language, keeping the query string."""
    url = translate_url(request.get_full_path(), language)
    return url


@register.filter
def govuk_widget(field: BoundField) -> SafeString:
    """Render a field's input with the GOV.UK class, error state and hint links."""
    widget_type = field.widget_type
    css = _WIDGET_CLASSES.get(widget_type, "")
    attrs: dict[str, Any] = {}
    if css:
        if field.errors:
            css += f" {css.split()[0]}--error"
        attrs["class"] = css
    described_by = []
    if field.help_text:
        described_by.append(f"{field.auto_id}-hint")
    if field.errors:
        described_by.append(f"{field.auto_id}-error")
    if described_by:
        attrs["aria-describedby"] = " ".join(described_by)
    return field.as_widget(attrs=attrs)
