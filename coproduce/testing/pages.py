"""Checks on rendered pages shared by view tests: the GOV.UK error summary, escaping.

These raise AssertionError themselves (rather than using `assert`) so they work
the same under `python -O` and read well in pytest's failure output.
"""

from __future__ import annotations

import re

from django.http import HttpResponse
from django.utils.html import escape

from coproduce.testing.text import SCRIPT

# The body of each GOV.UK error summary: a list of links, or a paragraph.
_SUMMARY_BODY = re.compile(
    r'class="govuk-error-summary__body"[^>]*>(?P<body>.*?)</div>', re.DOTALL
)


def page_text(response: HttpResponse) -> str:
    """The response body as text."""
    return response.content.decode(response.charset or "utf-8")


def error_summary(response: HttpResponse) -> str:
    """The HTML inside the page's GOV.UK error summaries; fails if there is none."""
    bodies = [m.group("body") for m in _SUMMARY_BODY.finditer(page_text(response))]
    if not bodies:
        raise AssertionError("The page has no GOV.UK error summary.")
    return "\n".join(bodies)


def assert_error_summary_names_field(
    response: HttpResponse, *, field_id: str, message: str
) -> None:
    """The error summary links to `#field_id` and shows `message` (escaped)."""
    summary = error_summary(response)
    if f'href="#{field_id}"' not in summary:
        raise AssertionError(
            f"The error summary does not link to #{field_id}:\n{summary}"
        )
    if escape(message) not in summary:
        raise AssertionError(f"The error summary does not say {message!r}:\n{summary}")


def assert_error_summary_says(response: HttpResponse, message: str) -> None:
    """The error summary shows `message` (escaped), whether or not it names a field."""
    summary = error_summary(response)
    if escape(message) not in summary:
        raise AssertionError(f"The error summary does not say {message!r}:\n{summary}")


def assert_escaped(response: HttpResponse, text: str = SCRIPT) -> None:
    """`text` appears on the page only in escaped form: data never becomes markup."""
    content = page_text(response)
    if escape(text) not in content:
        raise AssertionError(f"The escaped form of {text!r} is not on the page.")
    if escape(text) != text and text in content:
        raise AssertionError(f"{text!r} appears unescaped on the page.")
