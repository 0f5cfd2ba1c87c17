"""Lesson 4 in the engine: the tutorial's slopes at x = 2, the ratios away from it, descent and the pitfalls."""

from __future__ import annotations

import math

import pytest
import torch

from engine.blocks import Chart, Code, Columns, Fact, Table
from engine.catalog import lesson_by_id
from engine.errors import InputError
from engine.evaluation import evaluate
from engine.lessons.derivatives import break_jumps, robust_range

LESSON = lesson_by_id("derivatives")


def compute(**values: str):
    return LESSON.compute({**LESSON.defaults(), **values})


def table(result) -> Table:
    return next(b for b in result.blocks if isinstance(b, Table))


def charts(result) -> tuple[Chart, Chart]:
    columns = next(b for b in result.blocks if isinstance(b, Columns))
    value_chart, slope_chart = columns.blocks
    return value_chart, slope_chart


def facts(result) -> str:
    return "\n".join(b.text for b in result.blocks if isinstance(b, Fact))


def torch_slopes(x: float) -> list[float]:
    """Slopes of x, x**2 and x**3 at x, from torch directly (float32, as the lesson's code)."""
    slopes = []
    for power in (1, 2, 3):
        point = torch.tensor(x, requires_grad=True)
        (point**power).backward()
        slopes.append(point.grad.item())
    return slopes


def test_defaults_show_the_tutorials_slopes_and_ratios() -> None:
    result = compute()
    rows = table(result).rows
    assert [row[1] for row in rows] == ["x", "x**2", "x**3"]
    assert [float(row[4]) for row in rows] == torch_slopes(2.0) == [1.0, 4.0, 12.0]
    assert [row[5] for row in rows] == ["", "4× f1's", "3× f2's"]
    assert [row[2] for row in rows] == ["line", "parabola", "cubic"]
    text = facts(result)
    assert "hold only at x = 2" in text
    assert "x**3 is a cubic" in text and "hyperbola" in text


def test_the_code_shown_is_the_code_that_ran() -> None:
    result = compute()
    source = result.source
    assert "x = torch.tensor(2.0, requires_grad=True)" in source
    assert "y2.backward()" in source and "slope2 = x.grad.item()" in source and "x.grad.zero_()" in source
    assert "x_next = x.item() - lr * slope2" in source
    assert any(isinstance(b, Code) and b.source == source for b in result.blocks)
    namespace = evaluate(source).namespace
    assert [namespace[f"slope{i}"] for i in (1, 2, 3)] == [1.0, 4.0, 12.0]
    assert namespace["x_next"] == pytest.approx(1.6)


@pytest.mark.parametrize("x", [2.1, -1.5, 0.5, 3.0])
def test_ratios_are_two_x_and_one_and_a_half_x_away_from_two(x: float) -> None:
    result = compute(x=str(x))
    rows = table(result).rows
    shown = [float(row[4]) for row in rows]
    assert shown == pytest.approx(torch_slopes(x), rel=1e-3)
    assert shown == pytest.approx([1.0, 2 * x, 3 * x * x], rel=1e-3)
    assert "= 2x and" in facts(result) and f"At x = {x:g}" in facts(result)
    assert rows[1][5] == f"{2 * x:.3g}× f1's" and rows[2][5] == f"{1.5 * x:.3g}× f2's"


def test_charts_hold_each_function_its_tangent_and_the_points_at_x() -> None:
    value_chart, slope_chart = charts(compute(x="1"))
    labels = [s.label for s in value_chart.series]
    assert labels[:3] == ["f1 = x", "f2 = x**2", "f3 = x**3"] and labels[3:] == ["tangents"] * 3
    assert value_chart.x_range == (-3.0, 3.0)
    assert value_chart.points == ((1.0, 1.0), (1.0, 1.0), (1.0, 1.0))
    parabola = value_chart.series[1]
    assert list(parabola.ys) == pytest.approx([x * x for x in parabola.xs])
    tangent = value_chart.series[4]  # of x**2 at 1: y = 1 + 2 (t - 1)
    assert tangent.xs == (-3.0, 3.0) and tangent.ys == pytest.approx((-7.0, 5.0))
    assert [s.label for s in slope_chart.series] == ["f1'", "f2'", "f3'"]
    assert list(slope_chart.series[2].ys) == pytest.approx([3 * x * x for x in slope_chart.series[2].xs])
    assert slope_chart.points == ((1.0, 1.0), (1.0, 2.0), (1.0, 3.0))
    for chart in (value_chart, slope_chart):
        lo, hi = chart.y_range
        assert lo < hi and all(lo <= y <= hi for _, y in chart.points)


def test_a_line_alone_has_a_flat_slope_chart_with_room_around_it() -> None:
    _, slope_chart = charts(compute(functions="x", descend="f1"))
    assert set(slope_chart.series[0].ys) == {1.0}
    lo, hi = slope_chart.y_range
    assert lo < 1.0 < hi and hi - lo >= 1.0


def test_one_over_x_at_zero_is_undefined_with_a_gap() -> None:
    result = compute(functions="x; 1/x", x="0", descend="f1")
    rows = table(result).rows
    assert rows[1][2] == "hyperbola" and rows[1][4] == "undefined" and "undefined" in rows[1][3]
    assert "not defined there" in facts(result)
    value_chart, slope_chart = charts(result)
    hyperbola = value_chart.series[1]
    assert None in hyperbola.ys and hyperbola.xs[hyperbola.ys.index(None)] == 0.0
    assert len([s for s in value_chart.series if s.label == "tangents"]) == 1  # none for 1/x at 0
    assert (0.0, 1.0) in slope_chart.points and len(slope_chart.points) == 1


def test_a_pole_between_samples_is_a_gap_not_a_vertical_line() -> None:
    value_chart, _ = charts(compute(functions="1/x", x="1", range="-3, 3.1", descend="f1"))
    series = value_chart.series[0]
    gap = series.ys.index(None)
    assert series.xs[gap - 1] < 0 < series.xs[gap + 1]


def test_log_is_undefined_below_zero() -> None:
    result = compute(functions="torch.log(x)", x="-1", descend="f1")
    assert table(result).rows[0][4] == "undefined"
    value_chart, _ = charts(result)
    xs, ys = value_chart.series[0].xs, value_chart.series[0].ys
    assert all(y is None for x, y in zip(xs, ys) if x <= 0)
    assert all(y == pytest.approx(math.log(x)) for x, y in zip(xs, ys) if x > 0)
    assert "step" not in result.actions  # no slope, no descent


def test_a_descent_step_moves_x_by_minus_lr_times_the_slope() -> None:
    result = compute()
    assert result.actions["step"] == {"x": "1.6", "path": "2"}
    result = compute(**result.actions["step"])
    assert result.actions["step"] == {"x": "1.28", "path": "2, 1.6"}
    value_chart, _ = charts(result)
    assert (2.0, 4.0) in value_chart.points  # the path, on the parabola
    assert "2 -> 1.6" in facts(result)
    assert result.actions["reset"] == {"x": "2", "path": ""}
    steep = compute(lr="0.5", descend="f3")
    assert steep.actions["step"]["x"] == f"{2 - 0.5 * 12:g}"


def test_backward_twice_accumulates_unless_zeroed() -> None:
    result = compute()
    point = torch.tensor(2.0, requires_grad=True)
    y = point**2
    y.backward(retain_graph=True)
    first = point.grad.item()
    y.backward()
    assert (first, point.grad.item()) == (4.0, 8.0)
    assert "x.grad went 4.0 -> 8.0" in facts(result) and "it is 4.0 again" in facts(result)
    assert any(isinstance(b, Code) and "retain_graph=True" in b.source for b in result.blocks)


def test_a_constant_function_has_slope_zero_and_no_backward() -> None:
    result = compute(functions="x; 5", descend="f2")
    assert table(result).rows[1][4] == "0.0"
    assert "y2.backward()" not in result.source and "does not depend on x" in result.source
    assert "does not depend on x" in facts(result) and "step" not in result.actions


def test_the_cubic_note_only_when_there_is_a_cubic() -> None:
    assert "cubic" not in facts(compute(functions="x; x**2"))


@pytest.mark.parametrize(
    "values, field, words",
    [
        ({"functions": "x; x***3"}, "functions", "f2"),
        ({"functions": "x; x.mul_(2)"}, "functions", "f2 = x.mul_(2): RuntimeError"),
        ({"functions": "X**2"}, "functions", "lower case"),
        ({"functions": "__import__('os')"}, "functions", "Refused"),
        ({"functions": "x.sum()"}, "functions", "mixes the points"),
        ({"functions": " ; "}, "functions", "at least one"),
        ({"functions": "x; x; x; x; x"}, "functions", "up to 4"),
        ({"functions": "x; x**2", "descend": "f3"}, "descend", "no f3"),
        ({"x": "two"}, "x", "not a number"),
        ({"x": "1e9"}, "x", "out of range"),
        ({"range": "3, -3"}, "range", "smaller"),
        ({"range": "-3"}, "range", "two numbers"),
        ({"lr": "0"}, "lr", "more than 0"),
        ({"path": "1, a"}, "path", "not a number"),
    ],
)
def test_bad_input_names_its_field(values: dict[str, str], field: str, words: str) -> None:
    with pytest.raises(InputError) as caught:
        compute(**values)
    assert caught.value.field == field and words in caught.value.message


def test_x_outside_the_range_widens_the_charts() -> None:
    result = compute(x="5")
    value_chart, _ = charts(result)
    assert value_chart.x_range == (-3.0, 5.0)
    assert "run from -3 to 5" in facts(result)


def test_robust_range_ignores_spikes_but_keeps_points() -> None:
    spiky = [1 / x for x in (-3, -2, -1, -0.5, 0.5, 1, 2, 3)] * 5 + [1000.0]
    lo, hi = robust_range(spiky)
    assert hi < 100
    lo, hi = robust_range(spiky, must_show=[500.0])
    assert hi >= 500
    assert robust_range([2.0, 2.0]) == (1.0, 3.0)


def test_break_jumps_only_breaks_leaps_across_the_whole_chart() -> None:
    xs, ys = break_jumps((0.0, 1.0, 2.0, 3.0), (-50.0, 50.0, 5.0, 6.0), (-10.0, 10.0))
    assert ys == (-50.0, None, 50.0, 5.0, 6.0) and xs[1] == 0.5
    assert break_jumps((0.0, 1.0), (0.0, 50.0), (-10.0, 10.0)) == ((0.0, 1.0), (0.0, 50.0))


def test_too_large_a_learning_rate_overshoots_and_says_so() -> None:
    first = compute(lr="1.5")
    assert first.actions["step"] == {"x": "-4", "path": "2"}  # 2 - 1.5 * 4
    second = compute(lr="1.5", **first.actions["step"])
    assert "went up on the last step (4.0 -> 16.0)" in facts(second) and "too large" in facts(second)
    assert "went up" not in facts(compute(**compute().actions["step"]))  # lr 0.1 goes down: 4 -> 2.56
    far = compute(lr="1.5", x="524288", path="2")
    assert "step" not in far.actions and "would jump past" in facts(far)
