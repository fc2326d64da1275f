"""Errors raised by the pure analytics library.

Apps turn these into `DomainError`s (with translated messages) at the service
boundary; analytics never imports Django, so its messages are plain English
sentences that name the row, column or category at fault.
"""

from __future__ import annotations


class InputError(ValueError):
    """The input cannot be analysed as given; the message says where and why.

    `row` and `column` locate the problem when the input is tabular; `category`
    names the category (e.g. "75+") when the problem is a category's.
    """

    def __init__(
        self,
        message: str,
        *,
        row: int | None = None,
        column: str | None = None,
        category: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.row = row
        self.column = column
        self.category = category
