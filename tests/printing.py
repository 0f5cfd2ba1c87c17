"""The text a value shows in tensor-tutor: ``str`` under the print width ``evaluate`` uses."""

from __future__ import annotations

from engine.sandbox.printing import display_width


def pane_text(value: object) -> str:
    """``str(value)`` as the pane shows it: tensors and arrays printed for ``DISPLAY_WIDTH``."""
    with display_width():
        return str(value)
