"""The hostile text every factory uses must itself be trustworthy."""

from __future__ import annotations

import pytest
from django.core.validators import validate_email

from coproduce.testing.text import (
    ARABIC,
    EMOJI,
    HEBREW,
    INVISIBLE,
    LONG_LENGTH,
    SCRIPT,
    SQL,
    TEMPLATE_SYNTAX,
    WELSH,
    hostile_email_local_parts,
    hostile_strings,
)


@pytest.mark.parametrize("max_length", [1, 5, 12, 60, 200, 254, 300, 10_000])
def test_every_string_fits_and_has_no_surrounding_whitespace(max_length):
    strings = hostile_strings(max_length)

    assert strings
    assert all(0 < len(s) <= max_length for s in strings)
    assert all(s == s.strip() for s in strings)
    assert len(set(strings)) == len(strings)


@pytest.mark.parametrize("max_length", [1, 7, 200, 5000])
def test_one_string_is_exactly_at_the_limit(max_length):
    assert max_length in {len(s) for s in hostile_strings(max_length)}


def test_the_long_string_is_cut_to_the_limit():
    assert LONG_LENGTH == 5000
    assert any(s.startswith("Llanfairpwllgwyngyll") for s in hostile_strings(200))
    assert LONG_LENGTH in {len(s) for s in hostile_strings(100_000)}


def test_every_kind_of_hostile_text_is_included_when_it_fits():
    strings = hostile_strings(200)

    for sample in (WELSH, EMOJI, ARABIC, HEBREW, SCRIPT, SQL, TEMPLATE_SYNTAX):
        assert sample in strings
    assert INVISIBLE in strings
    assert "\u200b" in INVISIBLE  # zero-width space
    assert "\u00a0" in INVISIBLE  # no-break space
    assert "\u200d" in EMOJI  # zero-width joiner
    assert "\U0001f3fd" in EMOJI  # skin tone
    assert all(c in WELSH for c in "ŵŷẁâ")
    assert all(
        marker in TEMPLATE_SYNTAX for marker in ("{{ x }}", "{% if %}", "%(name)s")
    )


def test_the_strings_are_the_same_every_time():
    assert hostile_strings(80) == hostile_strings(80)


def test_a_limit_below_one_is_refused():
    with pytest.raises(ValueError, match="at least 1"):
        hostile_strings(0)


@pytest.mark.parametrize("local_part", hostile_email_local_parts())
def test_every_hostile_local_part_is_a_valid_address_with_a_suffix(local_part):
    validate_email(f"{local_part}@example.org")
    validate_email(f"{local_part}.42@example.org")
    assert local_part == local_part.lower()
