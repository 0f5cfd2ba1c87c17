"""The line a lesson pane shows when something failed that the learner did not cause."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.widgets import Static

from engine.i18n import _
from tui.cjk import wrapped


class FailureNotice(Static):
    """Says what went wrong, in words first (NO_COLOR and 16 colours must read it too).

    Hidden while there is nothing to report.
    """

    DEFAULT_CSS = """
    FailureNotice {
        display: none;
        height: auto;
        margin-bottom: 1;
        padding-left: 1;
        border-left: outer $error;
    }
    FailureNotice.-visible {
        display: block;
    }
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__("", markup=False, **kwargs)
        self.message = ""

    def show_message(self, message: str, hint: str) -> None:
        """Show ``message`` with a ``hint`` of what to do; an empty message hides the notice."""
        if not message and not self.message:
            return  # nothing was shown and nothing is: an update would lay the pane out again
        self.message = message
        self.set_class(bool(message), "-visible")
        if message:
            self.update(
                wrapped(Text.assemble((_("✗ Something went wrong: "), "bold"), message, "\n", (hint, "italic")))
            )
        else:
            self.update("")
