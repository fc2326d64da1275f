"""Our forms render GOV.UK markup: classes on every input, hints and errors linked."""

from __future__ import annotations

import re

from django import forms

from coproduce.apps.organisations.forms import InvitationForm, PopulationProfileForm


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


def test_the_multiple_file_upload_gets_the_govuk_class_and_its_error():
    """A project widget is styled like the Django widget it is made from."""
    form = PopulationProfileForm(
        data={
            "name": "Cyfrifiad Ŵŷ 🏴",
            "source": "<b>ONS</b>",
            "age_base": "All usual residents",
        },
        files={},
    )
    assert not form.is_valid()
    assert "file" in form.errors
    html = form.as_div()
    tag = _tag_for(html, "file")
    assert 'class="govuk-file-upload govuk-file-upload--error"' in tag
    assert "multiple" in tag
    assert 'aria-describedby="id_file-hint id_file-error"' in tag
    assert 'id="id_file-error"' in html
    assert "Select a CSV or XLSX file." in html
    # Without an error: the class, and the hint only.
    clean = _tag_for(PopulationProfileForm().as_div(), "file")
    assert 'class="govuk-file-upload"' in clean
    assert 'aria-describedby="id_file-hint"' in clean


def test_a_subclassed_widget_is_styled_like_its_django_parent():
    class WideTextInput(forms.TextInput):
        pass

    class ShoutyTextarea(forms.Textarea):
        pass

    class AForm(forms.Form):
        wide = forms.CharField(widget=WideTextInput)
        shouty = forms.CharField(widget=ShoutyTextarea)

    html = AForm(data={}).as_div()
    assert 'class="govuk-input govuk-input--error"' in _tag_for(html, "wide")
    assert 'class="govuk-textarea govuk-textarea--error"' in _tag_for(html, "shouty")
