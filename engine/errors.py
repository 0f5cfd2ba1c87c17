"""Errors the engine raises for bad user input."""

from __future__ import annotations


class InputError(ValueError):
    """Bad user input: one sentence saying what was wrong and what to type instead.

    ``field`` names the lesson field the text came from, so the app can show the
    message right under it.
    """

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field

    def for_field(self, field: str) -> InputError:
        """The same message, attached to ``field``."""
        return InputError(self.message, field)
