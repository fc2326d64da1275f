"""Template helpers: the language switch, GOV.UK form widgets and table cells."""

from __future__ import annotations

import re
from typing import Any

from django import template
from django.forms import BoundField
from django.http import HttpRequest
from django.urls import translate_url
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from coproduce.apps.core.tables import HIDDEN, HIDDEN_MARK, TableColumn

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


def _widget_classes(field: BoundField) -> str:
    """The GOV.UK class of the field's widget, or of the widget it is made from.

    A project widget (a MultipleFileInput subclassing ClearableFileInput, say)
    has a widget_type of its own; its nearest Django ancestor in the map
    decides, so new widgets are styled without being listed here.
    """
    css = _WIDGET_CLASSES.get(field.widget_type)
    if css is not None:
        return css
    for cls in type(field.field.widget).__mro__[1:]:
        name = re.sub(r"widget$|input$", "", cls.__name__.lower())
        if name in _WIDGET_CLASSES:
            return _WIDGET_CLASSES[name]
    return ""


@register.simple_tag
def language_url(request: HttpRequest, language: str) -> str:
    """The current page in another language, keeping the query string."""
    url = translate_url(request.get_full_path(), language)
    return url


@register.filter
def govuk_widget(field: BoundField) -> SafeString:
    """Render a field's input with the GOV.UK class, error state and hint links."""
    css = _widget_classes(field)
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


@register.simple_tag
def table_cell(cell: Any, column: TableColumn) -> SafeString:
    """One cell of a `core.tables.Table`, formatted for its column's kind.

    A hidden cell shows the "[c]" of the downloads to sighted readers and says
    what it means to screen readers; the note under the table explains it.
    """
    if cell is HIDDEN:
        return format_html(
            '<span aria-hidden="true">{}</span>'
            '<span class="govuk-visually-hidden">{}</span>',
            HIDDEN_MARK,
            _("hidden to protect people in a small group"),
        )
    if cell is None:
        return format_html("{}", "–")
    if isinstance(cell, bool) or not isinstance(cell, int | float):
        return format_html("{}", cell)
    if column.kind == "percent":
        return format_html("{}%", f"{cell:.1f}")
    if column.kind == "count" and isinstance(cell, int):
        return format_html("{}", f"{cell:,}")
    if isinstance(cell, float):
        return format_html("{}", f"{cell:.2f}")
    return format_html("{}", cell)
