"""Lesson 4 at 80x24, driven by the keyboard: slopes move with x, the charts redraw and stay in their boxes."""

from __future__ import annotations

import pytest
import torch
from rich.color import Color as RichColor
from rich.color import ColorSystem
from textual.widget import Widget

from engine.blocks import Chart, Series
from tests.conftest import SIZE, replace_field, settle
from tests.screen import next_step, shown, shown_one
from tui.app import TensorTutorApp
from tui.widgets.blocks import ChartBlock, TableBlock
from tui.widgets.chart import clip_line, legend, nice_ticks, series_colours, tick_labels

BRAILLE = range(0x2801, 0x2900)


def screen_text(widget: Widget) -> list[str]:
    """The lines a widget shows on screen."""
    return [widget.render_line(y).text for y in range(widget.size.height)]


def table_rows(pane) -> dict[str, list[str]]:
    """The slopes table as shown: each function's label and its cells."""
    rows = {}
    for line in screen_text(shown_one(pane, TableBlock)):
        cells = line.split()
        if cells and cells[0] in ("f1", "f2", "f3", "f4"):
            rows[cells[0]] = cells[1:]
    return rows


def torch_slope(power: int, x: float) -> float:
    point = torch.tensor(x, requires_grad=True)
    (point**power).backward()
    return point.grad.item()


async def open_lesson(pilot):
    await settle(pilot)
    await pilot.press("escape", "4", "enter")
    await settle(pilot)
    pane = pilot.app.current_pane
    assert pane.lesson.id == "derivatives"
    return pane


async def focus_x(pilot, pane) -> None:
    pane.form.row("x").editor.focus()
    await pilot.pause()


def assert_inside_frame(chart: ChartBlock) -> None:
    """Every mark of the plot lies inside its frame: nothing drawn past a border."""
    lines = screen_text(chart.plot)
    top = next(i for i, line in enumerate(lines) if "┌" in line)
    bottom = next(i for i, line in enumerate(lines) if "└" in line)
    left, right = lines[top].index("┌"), lines[top].index("┐")
    assert right > left + 10 and bottom > top + 3
    for row, line in enumerate(lines):
        for column, char in enumerate(line):
            if ord(char) in BRAILLE or char in "●•+·x*":
                if char == "x" and row > bottom:
                    continue  # an axis label, not a mark
                assert top < row < bottom and left < column < right, (row, column, char, line)


async def test_opens_with_the_tutorials_slopes_and_ratios(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        pane = await open_lesson(pilot)
        rows = table_rows(pane)
        assert [rows[f][3] for f in ("f1", "f2", "f3")] == ["1.0", "4.0", "12.0"]
        assert rows["f2"][4:] == ["4×", "f1's"] and rows["f3"][4:] == ["3×", "f2's"]
        assert rows["f3"][1] == "cubic"
        assert not shown(pane, ChartBlock), "one result per step: the charts have their own step"


async def test_up_moves_x_and_the_slopes_follow(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        pane = await open_lesson(pilot)
        await focus_x(pilot, pane)
        for presses, x in ((["up"], 2.1), (["up", "up"], 2.3), (["shift+up"], 3.3)):
            await pilot.press(*presses)
            await settle(pilot)
            assert pane.values()["x"] == f"{x:g}"
            rows = table_rows(pane)
            slopes = [float(rows[f][3]) for f in ("f1", "f2", "f3")]
            assert slopes == pytest.approx([torch_slope(p, x) for p in (1, 2, 3)], rel=1e-3)
            assert rows["f2"][4] == f"{2 * x:.3g}×" and rows["f3"][4] == f"{1.5 * x:.3g}×"
        await pilot.press(*["down"] * 3)
        await settle(pilot)
        assert pane.values()["x"] == "3" and pane.result.goal_met


async def test_each_function_charted_on_its_own_scale_with_its_tangent(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        pane = await open_lesson(pilot)
        await next_step(pilot, pane)
        chart = shown_one(pane, ChartBlock)
        assert "f2 = x**2 and its tangent at x = 2: slope 4.0" in " ".join(screen_text(chart.query_one(".chart-title")))
        assert any(ord(c) in BRAILLE for line in screen_text(chart.plot) for c in line)
        assert_inside_frame(chart)
        parabola_range = chart.block.y_range
        await pilot.press("enter", "down", "enter")  # f2 -> f3
        await settle(pilot)
        assert pane.result.goal_met and chart.block.series[0].label == "f3 = x**3"
        assert chart.block.y_range[1] - chart.block.y_range[0] > 3 * (parabola_range[1] - parabola_range[0])
        assert {series.label for series in chart.block.series} == {"f3 = x**3"}, "the tangent in its function's colour"
        assert_inside_frame(chart)


async def test_the_descent_keys_step_along_the_slope_and_reset(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        pane = await open_lesson(pilot)
        await next_step(pilot, pane, 2)
        assert app.focused is pane.form.row("descend").editor
        await pilot.press("ctrl+g")
        await settle(pilot)
        assert pane.values()["x"] == "1.6" and pane.values()["path"] == "2"
        await pilot.press("ctrl+g")
        await settle(pilot)
        assert pane.values()["x"] == f"{1.6 - 0.1 * 2 * 1.6:g}" and pane.values()["path"] == "2, 1.6"
        chart = shown_one(pane, ChartBlock)
        assert (2.0, 4.0) in chart.block.points and (1.6, pytest.approx(2.56)) in chart.block.points
        assert_inside_frame(chart)
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert pane.values()["x"] == "2" and pane.values()["path"] == ""


async def test_descend_follows_the_functions_typed(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        pane = await open_lesson(pilot)
        await replace_field(pilot, "functions", "torch.sin(x)")
        assert not str(pane.form.row("functions").query_one(".field-error").content)
        await next_step(pilot, pane, 2)
        assert not pane.results.has_class("-stale")
        assert not str(pane.form.row("descend").query_one(".field-error").content)
        await pilot.press("ctrl+g")
        await settle(pilot)
        assert pane.values()["path"] == "2" and pane.values()["x"] == f"{2 - 0.1 * torch_slope_sin(2.0):.6g}"


def torch_slope_sin(x: float) -> float:
    point = torch.tensor(x, requires_grad=True)
    torch.sin(point).backward()
    return point.grad.item()


async def test_bad_input_says_why_under_its_field_and_the_table_stays(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        pane = await open_lesson(pilot)
        shown = table_rows(pane)
        await replace_field(pilot, "functions", "x**2 x")
        error = pane.form.row("functions").query_one(".field-error")
        assert "f1" in str(error.content) and "not a Python expression" in str(error.content)
        assert pane.results.has_class("-stale") and table_rows(pane) == shown


async def test_singularities_draw_gaps_and_stay_in_the_box(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        pane = await open_lesson(pilot)
        await replace_field(pilot, "functions", "1/x; torch.log(x)")
        await replace_field(pilot, "x", "0")
        rows = table_rows(pane)
        assert rows["f1"][-1] == "undefined" and rows["f2"][-1] == "undefined"
        await next_step(pilot, pane)
        chart = shown_one(pane, ChartBlock)
        assert chart.block.series[0].label == "f2 = torch.log(x)" and None in chart.block.series[0].ys
        assert_inside_frame(chart)


async def test_without_colour_the_function_and_the_points_differ_by_marker(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.setenv("NO_COLOR", "1")
    app = TensorTutorApp()
    async with app.run_test(size=SIZE) as pilot:
        pane = await open_lesson(pilot)
        await next_step(pilot, pane)
        chart = shown_one(pane, ChartBlock)
        legend_line = str(chart.query_one(".chart-legend").content)
        assert legend_line == "⠤⠤ f2 = x**2"
        plot = "".join(screen_text(chart.plot))
        assert "●" in plot and any(ord(c) in BRAILLE for c in plot)
        assert_inside_frame(chart)


def test_clip_line_cuts_at_the_border_and_leaves_gaps() -> None:
    runs = clip_line([0, 1, 2, 3, 4], [0, 10, None, 1, 2], (0, 4), (-1, 5))
    assert runs == [([0, 0.5], [0, 5.0]), ([3, 4], [1, 2])]
    assert clip_line([-3, 3], [-10, 14], (-3, 3), (-5, 5)) == [([-1.75, 0.75], [-5.0, 5.0])]
    assert clip_line([0, 1], [10, 20], (0, 1), (-1, 1)) == []
    assert clip_line([0, 1, 2], [None, 0.5, None], (0, 2), (0, 1)) == [([1], [0.5])]


def test_ticks_are_round_and_inside_the_range() -> None:
    ticks = nice_ticks(-29.7, 29.7, 5)
    assert ticks == [-20, 0, 20] and tick_labels(ticks) == ["-20", "0", "20"]
    assert tick_labels(nice_ticks(0.9, 1.1, 5)) == ["0.90", "0.95", "1.00", "1.05", "1.10"]
    assert tick_labels(nice_ticks(0.9, 1.1, 3)) == ["0.9", "1.0", "1.1"]


def test_legend_colours_differ_in_sixteen_colours() -> None:
    dark = {
        "primary": "#0178D4",
        "secondary": "#004578",
        "accent": "#FEA62B",
        "warning": "#FEA62B",
        "error": "#B93C5B",
        "success": "#4EBF71",
    }
    colours = series_colours(dark, "standard")
    hues = [(RichColor.from_rgb(*c).downgrade(ColorSystem.STANDARD).number or 0) % 8 for c in colours]
    assert len(set(hues)) == len(hues) >= 4 and not {0, 7} & set(hues)
    assert series_colours(dark, "truecolor")[0] == (1, 120, 212)  # the theme's own primary
    chart = Chart(
        "t",
        (Series("a", (0.0,), (0.0,)), Series("b", (0.0,), (0.0,)), Series("a", (1.0,), (1.0,))),
        (0.0, 1.0),
        (0.0, 1.0),
    )
    entries = legend(chart, colours, no_color=True)
    assert [e.label for e in entries] == ["a", "b"] and len({e.marker for e in entries}) == 2
