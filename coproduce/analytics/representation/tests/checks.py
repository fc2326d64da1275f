"""Assertions shared by the representation tests."""

from __future__ import annotations

from coproduce.analytics.errors import InputError


def assert_is_a_sentence(error: InputError) -> None:
    """Error messages are plain sentences for the user, never a bare repr."""
    assert error.message == str(error)
    assert error.message[0].isupper()
    assert error.message.endswith(".")
