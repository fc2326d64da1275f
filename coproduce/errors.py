"""Errors raised by services for the user to read. Plain Python: no Django imports."""

from __future__ import annotations

from collections.abc import Iterable


class DomainError(Exception):
    """A rule of the domain was broken; `messages` are sentences fit for the user.

    Views show each message in the GOV.UK error summary; the API returns
    ``{"code": code, "messages": messages}`` with `http_status`.
    """

    code = "domain_error"
    http_status = 422

    def __init__(
        self,
        messages: str | Iterable[str],
        *,
        code: str | None = None,
        field: str | None = None,
    ) -> None:
        self.messages = [messages] if isinstance(messages, str) else list(messages)
        if code is not None:
            self.code = code
        # The form field the message belongs to, if any; views attach it there.
        self.field = field
        super().__init__(" ".join(str(m) for m in self.messages))


class StateConflictError(DomainError):
    """The object is not in a state that allows this change."""

    code = "state_conflict"
    http_status = 409
