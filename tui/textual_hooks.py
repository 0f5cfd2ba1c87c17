"""What tensor-tutor needs of Textual beyond its public API, kept in this one module.

Textual ends the app on any exception that a message handler, a callback or a worker raises:
each of those paths calls ``App._handle_exception``, and which widget's handler raised is known
only from ``textual._context.active_message_pump``. Neither has a public name (textual 8.2.8).
A bug in one lesson's widget must not end a learner's session (``tui/errors.py`` shows it in the
pane instead), so this module overrides the one and reads the other.
``tests/app/test_textual_hooks.py`` fails loudly when a Textual upgrade changes either.
"""

from __future__ import annotations

from textual._context import active_message_pump
from textual.app import App, ReturnType
from textual.dom import DOMNode


class RecoveringApp(App[ReturnType]):
    """An app that may keep running after an unexpected error: ``recover`` decides."""

    def recover(self, error: Exception) -> bool:
        """Deal with ``error`` and return True to keep running; False leaves it to Textual, which exits."""
        return False

    def _handle_exception(self, error: Exception) -> None:
        # Textual calls this with every exception it catches, and exits; ``recover`` has the first word.
        if not self.recover(error):
            super()._handle_exception(error)


def failing_node() -> DOMNode | None:
    """The widget, screen or app whose handler is running: inside ``recover``, the one that raised."""
    pump = active_message_pump.get(None)
    return pump if isinstance(pump, DOMNode) else None
