"""GOV.UK Design System rendering for every Django form in the product."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.forms.renderers import TemplatesSetting

from coproduce.errors import DomainError


class GovukFormRenderer(TemplatesSetting):
    """Renders forms with GOV.UK markup: labels, hints, inline errors, radios."""

    form_template_name = "govuk/forms/form.html"
    field_template_name = "govuk/forms/field.html"


def form_add_domain_error(
    form: forms.Form, error: DomainError | ValidationError
) -> None:
    """Attach a service's error to the field it names, else to the whole form.

    A model ValidationError from the service's `full_clean()` is mapped field by
    field, so the error summary still names the field the person must fix.
    """
    if isinstance(error, ValidationError):
        if not hasattr(error, "error_dict"):
            for message in error.messages:
                form.add_error(None, message)
            return
        for name, messages in error.message_dict.items():
            field = name if name in form.fields else None
            for message in messages:
                form.add_error(field, message)
        return
    field = error.field if error.field in form.fields else None
    for message in error.messages:
        form.add_error(field, message)
