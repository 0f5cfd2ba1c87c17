"""Charts: an ``engine.blocks.Chart`` drawn with plotext, behind one small adapter.

plotext draws wherever it is told and labels flat lines oddly, so the adapter
decides everything that matters here: lines are cut where they leave the
chart's box (and at gaps, the ``None`` values of a singularity), the y range is
always explicit and never empty, and the tick labels are chosen here. Series
that share a label are one legend entry with one colour and one marker; under
NO_COLOR the entries differ by marker, since shades are gone. The first series
listed is drawn on top, and the chart's points on top of all.

plotext is imported when the first chart is mounted, not when the app starts.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.color import Color as RichColor
from rich.color import ColorSystem
from rich.text import Text
from textual.app import ComposeResult
from textual.color import Color
from textual.containers import Vertical
from textual.geometry import Size
from textual.widgets import Static

from engine.blocks import Chart
from tui import glyphs
from tui.widgets.steady import SteadyStatic

if TYPE_CHECKING:
    from textual_plotext.plot import Plot

    from tui.widgets.plot import ChartPlot

Run = tuple[list[float], list[float]]
"""One unbroken piece of a line: its xs and ys."""

THEME_COLOURS = ("primary", "warning", "success", "error", "secondary", "accent")
"""Theme variables that colour the legend entries, in order: distinct hues in the built-in themes."""

_LEGEND_GLYPHS = {"braille": "⠤⠤", "hd": "▄▄", "fhd": "▄▄", "sd": "██", "dot": "••"}


def clip_line(
    xs: Sequence[float], ys: Sequence[float | None], x_range: tuple[float, float], y_range: tuple[float, float]
) -> list[Run]:
    """The pieces of a line that lie inside the box ``x_range`` by ``y_range``.

    A ``None`` or non-finite value is a gap. A segment that crosses the box's
    edge is cut exactly at the edge (so a steep line reaches the border but
    never passes it); a segment wholly outside is dropped.
    """
    runs: list[Run] = []
    current: Run | None = None
    points = [_point(x, y) for x, y in zip(xs, ys)]
    for index, point in enumerate(points):
        if point is None:
            current = None
            continue
        x, y = point
        following = points[index + 1] if index + 1 < len(points) else None
        if following is not None:
            piece = _clip_segment(point, following, x_range, y_range)
            if piece is None:
                current = None
                continue
            (ax, ay), (bx, by) = piece
            if current is None or (current[0][-1], current[1][-1]) != (ax, ay):
                current = ([ax], [ay])
                runs.append(current)
            current[0].append(bx)
            current[1].append(by)
            if (bx, by) != following:
                current = None
        elif current is None and _inside(x, y, x_range, y_range):
            runs.append(([x], [y]))  # an isolated point between gaps
        else:
            current = None
    return runs


def _point(x: float, y: float | None) -> tuple[float, float] | None:
    """The point (x, y), or None for a gap: a missing or non-finite value."""
    if y is None or not (math.isfinite(x) and math.isfinite(y)):
        return None
    return x, y


def _inside(x: float, y: float, x_range: tuple[float, float], y_range: tuple[float, float]) -> bool:
    return x_range[0] <= x <= x_range[1] and y_range[0] <= y <= y_range[1]


def _clip_segment(
    a: tuple[float, float], b: tuple[float, float], x_range: tuple[float, float], y_range: tuple[float, float]
) -> tuple[tuple[float, float], tuple[float, float]] | None:
    """Liang-Barsky: the part of segment a-b inside the box, or None."""
    (ax, ay), (bx, by) = a, b
    dx, dy = bx - ax, by - ay
    t0, t1 = 0.0, 1.0
    for p, q in ((-dx, ax - x_range[0]), (dx, x_range[1] - ax), (-dy, ay - y_range[0]), (dy, y_range[1] - ay)):
        if p == 0:
            if q < 0:
                return None
            continue
        t = q / p
        if p < 0:
            t0 = max(t0, t)
        else:
            t1 = min(t1, t)
        if t0 > t1:
            return None
    start = a if t0 == 0.0 else (ax + t0 * dx, ay + t0 * dy)
    end = b if t1 == 1.0 else (ax + t1 * dx, ay + t1 * dy)
    return start, end


def safe_range(lo: float, hi: float) -> tuple[float, float]:
    """A range plotext can draw: finite, and not empty (a flat line gets room above and below)."""
    if not (math.isfinite(lo) and math.isfinite(hi)):
        return (-1.0, 1.0)
    if lo > hi:
        lo, hi = hi, lo
    if hi - lo < 1e-9 * max(1.0, abs(lo), abs(hi)):
        pad = max(1.0, abs(lo) * 0.1)
        return (lo - pad, hi + pad)
    return (lo, hi)


def nice_ticks(lo: float, hi: float, count: int) -> list[float]:
    """At most ``count`` round values (1, 2 or 5 times a power of ten apart) within [lo, hi]."""
    count = max(count, 2)
    raw = (hi - lo) / (count - 1) if hi > lo else 1.0
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw * (1 - 1e-9))
    first = math.ceil(lo / step - 1e-9)
    ticks = []
    k = first
    while k * step <= hi + 1e-9 * step:
        ticks.append(k * step)
        k += 1
    return ticks


def tick_labels(ticks: Sequence[float]) -> list[str]:
    """Labels with just enough decimals to tell neighbouring ticks apart."""
    if len(ticks) < 2:
        return [f"{t:g}" for t in ticks]
    step = abs(ticks[1] - ticks[0])
    decimals = max(0, -math.floor(math.log10(step) + 1e-9))
    labels = []
    for tick in ticks:
        text = f"{tick:.{decimals}f}"
        labels.append("0" if float(text) == 0 else text)
    return labels


@dataclass(frozen=True)
class LegendEntry:
    """A label as the chart draws it: its colour (an RGB triple) and its marker."""

    label: str
    colour: tuple[int, int, int]
    marker: str

    @property
    def glyph(self) -> str:
        return _LEGEND_GLYPHS.get(self.marker, self.marker * 2)


def legend(
    chart: Chart, colours: Sequence[tuple[int, int, int]], no_color: bool, plain: bool = False
) -> list[LegendEntry]:
    """One entry per distinct series label, in order of first appearance (``plain``: ASCII markers)."""
    entries: dict[str, LegendEntry] = {}
    markers = glyphs.chart_markers(no_color, plain)
    for series in chart.series:
        if series.label not in entries:
            index = len(entries)
            marker = markers[index % len(markers)] if markers else series.marker
            entries[series.label] = LegendEntry(series.label, colours[index % len(colours)], marker)
    return list(entries.values())


def draw(
    plt: Plot,
    chart: Chart,
    entries: Sequence[LegendEntry],
    size: tuple[int, int],
    point_colour: tuple[int, int, int],
    point_marker: str = glyphs.UNICODE_POINT,
) -> None:
    """Put ``chart`` on plotext's figure ``plt`` for a plot of ``size`` (width, height) cells."""
    width, height = size
    x_range = safe_range(*chart.x_range)
    y_range = safe_range(*chart.y_range)
    plt.clear_data()
    by_label = {entry.label: entry for entry in entries}
    for series in reversed(chart.series):  # the first series listed ends up on top
        entry = by_label[series.label]
        for xs, ys in clip_line(series.xs, series.ys, x_range, y_range):
            plt.plot(xs, ys, marker=entry.marker, color=entry.colour)
    finite = (_point(x, y) for x, y in chart.points)
    points = [point for point in finite if point is not None and _inside(*point, x_range, y_range)]
    if points:
        plt.scatter(
            [x for x, _ in points], [y for _, y in points], marker=point_marker, color=point_colour, style="bold"
        )
    plt.xlim(*x_range)
    plt.ylim(*y_range)
    xticks = nice_ticks(*x_range, count=max(2, width // 9))
    yticks = nice_ticks(*y_range, count=max(2, (height - 3) // 2 + 1))
    plt.xticks(xticks, tick_labels(xticks))
    plt.yticks(yticks, tick_labels(yticks))


def series_colours(variables: dict[str, str], color_system: str | None) -> list[tuple[int, int, int]]:
    """The legend colours: the app theme's, each different, and still different in 16 colours.

    A 16-colour terminal turns a theme's orange and red (or two greys) into the
    same colour, so there the theme's colours are kept only while their 16-colour
    hues differ, then plain ANSI hues fill in.
    """
    colours = list(dict.fromkeys(Color.parse(variables[name]).rgb for name in THEME_COLOURS if name in variables))
    if color_system not in ("standard", "windows"):
        return colours or list(_ANSI_HUES)
    chosen: list[tuple[int, int, int]] = []
    hues: set[int] = set()
    for rgb in [*colours, *_ANSI_HUES]:
        number = RichColor.from_rgb(*rgb).downgrade(ColorSystem.STANDARD).number or 0
        hue = number % 8
        if hue not in (0, 7) and hue not in hues:
            hues.add(hue)
            chosen.append(rgb)
    return chosen


_ANSI_HUES = ((0, 0, 170), (170, 85, 0), (0, 170, 0), (170, 0, 170), (0, 170, 170), (170, 0, 0))
"""Blue, yellow, green, magenta, cyan and red as the 16-colour palette has them."""


class ChartView(Vertical):
    """A chart: its title, a legend in words and markers, and the plot, redrawn on every ``show``.

    ``tui.widgets.blocks.ChartBlock`` makes it a result block.
    """

    DEFAULT_CSS = """
    ChartView {
        height: auto;
    }
    ChartView > .chart-title {
        height: auto;
        text-style: bold;
    }
    ChartView > .chart-legend {
        height: auto;
    }
    ChartView > .chart-plot {
        height: 12;
        width: 1fr;
    }
    """

    def __init__(self, block: Chart) -> None:
        super().__init__(classes="block chart")
        self.block = block
        self._drawn_size: Size | None = None
        """The plot's size at the last drawing."""

    def compose(self) -> ComposeResult:
        from tui.widgets.plot import ChartPlot

        yield SteadyStatic(classes="chart-title", markup=False)
        yield SteadyStatic(classes="chart-legend", markup=False)
        yield ChartPlot(classes="chart-plot")

    @property
    def plot(self) -> ChartPlot:
        """The plotext widget."""
        from tui.widgets.plot import ChartPlot

        return self.query_one(ChartPlot)

    def on_mount(self) -> None:
        self.app.theme_changed_signal.subscribe(self, lambda _theme: self._draw())
        self.show(self.block)

    def show(self, block: Chart) -> None:
        """Draw ``block`` in place of the chart shown."""
        self.block = block
        self.query_one(".chart-title", Static).update(block.title)
        self._draw()

    def on_resize(self) -> None:
        # A title that wraps onto another line resizes the chart, not its plot: no need to draw again.
        if self.plot.size != self._drawn_size:
            self._draw()

    def _draw(self) -> None:
        if not self.is_mounted:
            return
        colours = series_colours(self.app.theme_variables, self.app.console.color_system)
        plain = glyphs.plain()
        entries = legend(self.block, colours, self.app.no_color, plain)
        self.query_one(".chart-legend", Static).update(_legend_text(entries))
        plot = self.plot
        self._drawn_size = plot.size
        size = (plot.size.width or self.size.width or 60, plot.size.height or 12)
        foreground = Color.parse(self.app.theme_variables.get("foreground", "white")).rgb
        draw(plot.plt, self.block, entries, size, foreground, glyphs.point_marker(plain))
        plot.redraw()


def _legend_text(entries: Sequence[LegendEntry]) -> Text:
    text = Text()
    for index, entry in enumerate(entries):
        if index:
            text.append("  ")
        text.append(entry.glyph + " ", style=f"bold rgb({entry.colour[0]},{entry.colour[1]},{entry.colour[2]})")
        text.append(entry.label)
    return text
