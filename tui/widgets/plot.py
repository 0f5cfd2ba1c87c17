"""A chart's plot: plotext's canvas, drawn when the chart's data changes rather than when the screen is painted.

``PlotextPlot`` draws its whole canvas in ``render``, inside the frame that puts
a new result on screen. A new result lands some milliseconds before Textual's
next frame is due, so drawing the canvas as soon as the data is in (``redraw``)
takes that work out of the frame; ``render`` then hands over what was drawn. A
canvas is drawn again only for another size or theme.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import RenderResult
from textual.content import Content
from textual.geometry import Size
from textual_plotext import PlotextPlot


class ChartPlot(PlotextPlot):
    """plotext's figure and the canvas last drawn from it, for the size and theme it was drawn at."""

    _canvas: tuple[tuple[Size, str, str], Content] | None = None

    def redraw(self) -> None:
        """The figure changed: draw its canvas now (at the plot's current size), and paint it next frame."""
        self._canvas = None
        if self.size.area:
            self._canvas = (self._drawn_for(), self._draw_canvas())
        self.refresh()

    def render(self) -> RenderResult:
        if self._canvas is None or self._canvas[0] != self._drawn_for():
            self._canvas = (self._drawn_for(), self._draw_canvas())
        return self._canvas[1]

    def _drawn_for(self) -> tuple[Size, str, str]:
        return self.size, self.app.theme, self.theme

    def _draw_canvas(self) -> Content:
        text = super().render()  # plotext's canvas, as Text parsed from its escape codes
        assert isinstance(text, Text)
        return Content.from_rich_text(text, console=self.app.console)
