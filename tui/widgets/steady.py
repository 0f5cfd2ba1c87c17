"""Widgets that never scroll, so the layout that resizes them is the only one they need.

Textual lays the whole screen out again, one frame later, whenever a widget's
virtual size changes: a scrolling widget needs that, since its scrollbars may
come or go. The blocks of a result, the view that holds them and the goal bar
never scroll, and the layout that gave them their new size has already placed
and drawn them. An edit that makes a tensor a row taller would otherwise settle
a frame later (17 ms at Textual's 60 frames a second), after a layout that
changes nothing.

Most edits change a tensor's digits, not its size: a ``SteadyStatic`` given new
content of the size it already has is only painted again. Laying out the whole
screen for it was a third of an edit's work in lesson 1.
"""

from __future__ import annotations

from textual.geometry import Size
from textual.reactive import Reactive
from textual.visual import VisualType
from textual.widget import Widget
from textual.widgets import Static


class Steady(Widget):
    """Mixed in after a Textual widget class (which keeps its styles): a new size asks for no second layout or repaint."""

    virtual_size: Reactive[Size] = Reactive(Size(0, 0), layout=False, repaint=False)


class SteadyStatic(Static, Steady):
    """A Static inside a widget that never scrolls, laid out again only when new content changes its size."""

    def update(self, content: VisualType = "", *, layout: bool = True) -> None:
        """Show ``content``; the screen is laid out again only if the widget's height must change."""
        size = self.content_size
        super().update(content, layout=False)
        if layout and not self._fills(size):
            self.refresh(layout=True)

    def _fills(self, size: Size) -> bool:
        """Whether the content now shown takes exactly ``size``, the space the last layout gave the widget.

        Only the height can differ: a widget whose width follows its content (``width: auto``), or that
        has not been laid out yet, is always laid out again.
        """
        width = self.styles.width
        if not size.width or (width is not None and width.is_auto):
            return False
        return self.get_content_height(self.container_size, self.app.size, size.width) == size.height
