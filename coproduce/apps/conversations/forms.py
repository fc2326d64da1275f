"""Input shapes for conversation pages. Forms never save: views call services."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from coproduce.apps.conversations.models import (
    DEFAULT_LICENCE,
    Conversation,
    Statement,
)


class ConversationForm(forms.Form):
    topic_en = forms.CharField(
        label=_("Topic in English"),
        max_length=200,
        help_text=_("The question residents see, for example “Our town centre”."),
        error_messages={"required": _("Enter the topic in English.")},
    )
    topic_cy = forms.CharField(
        label=_("Topic in Welsh"), max_length=200, required=False
    )
    description_en = forms.CharField(
        label=_("Description in English"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    description_cy = forms.CharField(
        label=_("Description in Welsh"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    moderation = forms.ChoiceField(
        label=_("Moderation"),
        choices=Conversation.Moderation.choices,
        initial=Conversation.Moderation.STRICT,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose how statements are moderated.")},
    )
    allow_resident_statements = forms.BooleanField(
        label=_("Residents may add their own statements"), required=False
    )
    requires_account = forms.BooleanField(
        label=_("Residents must sign in to take part"),
        required=False,
        help_text=_("Leave unticked to let people vote without an account."),
    )
    results_published = forms.BooleanField(
        label=_("Show the results to the public"), required=False
    )
    licence = forms.CharField(
        label=_("Licence of the published data"),
        max_length=200,
        initial=DEFAULT_LICENCE,
        required=False,
    )
    attribution = forms.CharField(
        label=_("Attribution statement"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class SeedStatementsForm(forms.Form):
    statements_en = forms.CharField(
        label=_("Statements in English"),
        max_length=200_000,
        widget=forms.Textarea(attrs={"rows": 10}),
        # 280 = STATEMENT_MAX_LENGTH; in the text so the help stays translatable.
        help_text=_(
            "One statement on each line, 280 characters at most. Blank lines "
            "are ignored."
        ),
        error_messages={
            "required": _("Enter at least one statement, one on each line.")
        },
    )
    statements_cy = forms.CharField(
        label=_("Statements in Welsh"),
        max_length=200_000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_(
            "Optional. The same statements in the same order, one on each line."
        ),
    )


class StatementForm(forms.Form):
    """A resident's own statement."""

    text = forms.CharField(
        label=_("Your statement"),
        # The service gives the message naming the limit; the browser is not
        # asked to cut the text short silently.
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=10_000,
        help_text=_(
            "One idea others can agree or disagree with, in 280 characters or fewer."
        ),
        error_messages={"required": _("Enter a statement.")},
    )


class ModerationForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            ("accept", _("Accept")),
            ("meta", _("Accept as about the process (shown, not analysed)")),
            ("reject", _("Reject")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a decision.")},
    )
    reason = forms.ChoiceField(
        label=_("Reason for rejecting"),
        choices=Statement.RejectionReason.choices,
        required=False,
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("More detail"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Needed when the reason is “Another reason”."),
    )
