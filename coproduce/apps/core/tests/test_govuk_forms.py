"""Our forms render GOV.UK markup: classes on every input, hints and errors linked."""

from __future__ import annotations

import re

from django import forms

from coproduce.apps.organisations.forms import InvitationForm


class EveryWidgetForm(forms.Form):
    name = forms.CharField(help_text="Your full name")
    email = forms.EmailField()
    secret = forms.CharField(widget=forms.PasswordInput)
    count = forms.IntegerField()
    website = forms.URLField(assume_scheme="https")
    notes = forms.CharField(widget=forms.Textarea)
    colour = forms.ChoiceField(choices=[("r", "Red"), ("g", "Green")])


def _tag_for(html: str, name: str) -> str:
    match = re.search(rf'<(?:input|textarea|select)[^>]*name="{name}"[^>]*>', html)
    assert match is not None, f"no input named {name}"
    return match.group(0)


def test_every_text_like_input_gets_its_govuk_class():
    html = EveryWidgetForm().as_div()
    for name, css in [
        ("name", "govuk-input"),
        ("email", "govuk-input"),
        ("secret", "govuk-input"),
        ("count", "govuk-input govuk-input--width-5"),
        ("website", "govuk-input"),
        ("notes", "govuk-textarea"),
        ("colour", "govuk-select"),
    ]:
        assert f'class="{css}"' in _tag_for(html, name), name
    assert 'aria-describedby="id_name-hint"' in _tag_for(html, "name")


def test_a_field_with_an_error_is_marked_and_described_by_its_message():
    form = InvitationForm(data={"email": "not an address", "role": ""})
    assert not form.is_valid()
    html = form.as_div()
    assert "govuk-form-group--error" in html
    assert "govuk-input--error" in html
    assert 'id="id_email-error"' in html
    assert 'aria-describedby="id_email-error"' in html
    # Radios are a fieldset with a legend, and the error sits inside it.
    assert "<legend" in html
    assert 'id="id_role-error"' in html
