"""A chart's plot: plotext's canvas, drawn when the chart's data changes rather than when the screen is painted.

``PlotextPlot`` draws its whole canvas in ``render``, inside the frame that puts
a new result on screen, and Textual then turns that text into lines of cells
there too. A new result lands some milliseconds before Textual's next frame is
due, so the canvas is drawn and cut into lines (``Strip``) as soon as the data is
in (``redraw``); the frame only hands those lines over (``render_line``, Textual's
line API). A canvas is drawn again only for another size or theme.
"""

from __future__ import annotations

from rich.text import Text
from textual.geometry import Size
from textual.strip import Strip
from textual_plotext import PlotextPlot


class ChartPlot(PlotextPlot):
    """plotext's figure and the lines last drawn from it, for the size and theme they were drawn at."""

    _canvas: tuple[tuple[Size, str, str], list[Strip]] | None = None

    def redraw(self) -> None:
        """The figure changed: draw its canvas now (at the plot's current size), and paint it next frame."""
        self._canvas = None
        if self.size.area:
            self._canvas = (self._drawn_for(), self._draw_canvas())
        self.refresh()

    def render_line(self, y: int) -> Strip:
        if self._canvas is None or self._canvas[0] != self._drawn_for():
            self._canvas = (self._drawn_for(), self._draw_canvas())
        lines = self._canvas[1]
        return lines[y] if y < len(lines) else Strip.blank(self.size.width)

    def _drawn_for(self) -> tuple[Size, str, str]:
        return self.size, self.app.theme, self.theme

    def _draw_canvas(self) -> list[Strip]:
        text = super().render()  # plotext's canvas, as Text parsed from its escape codes
        assert isinstance(text, Text)
        console = self.app.console
        width = self.size.width
        return [Strip(line.render(console), line.cell_len).adjust_cell_length(width) for line in text.split("\n")]
