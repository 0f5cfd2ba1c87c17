"""Widgets that never scroll, so the layout that resizes them is the only one they need.

Textual lays the whole screen out again, one frame later, whenever a widget's
virtual size changes: a scrolling widget needs that, since its scrollbars may
come or go. The blocks of a result, the view that holds them and the goal bar
never scroll, and the layout that gave them their new size has already placed
and drawn them. An edit that makes a tensor a row taller would otherwise settle
a frame later (17 ms at Textual's 60 frames a second), after a layout that
changes nothing.
"""

from __future__ import annotations

from textual.geometry import Size
from textual.reactive import Reactive
from textual.widget import Widget
from textual.widgets import Static


class Steady(Widget):
    """Mixed in after a Textual widget class (which keeps its styles): a new size asks for no second layout or repaint."""

    virtual_size: Reactive[Size] = Reactive(Size(0, 0), layout=False, repaint=False)


class SteadyStatic(Static, Steady):
    """A Static inside a widget that never scrolls."""
