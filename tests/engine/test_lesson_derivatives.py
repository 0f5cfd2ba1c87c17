"""Lesson 4: slopes by autograd match PyTorch's, each function gets a chart of its own, descent follows the rule."""

from __future__ import annotations

import pytest
import torch

from engine import InputError, lesson_by_id
from engine.blocks import Chart, Code, Fact, Table
from engine.lessons.derivatives.compute import break_jumps, robust_range

LESSON = lesson_by_id("derivatives")


def compute(step: str = "slopes", **values: str):
    return LESSON.compute({**LESSON.defaults(), **values}, step=step)


def table(result) -> Table:
    return next(b for b in result.blocks if isinstance(b, Table))


def facts(result) -> str:
    return " ".join(b.text for b in result.blocks if isinstance(b, Fact))


def chart(result) -> Chart:
    return next(b for b in result.blocks if isinstance(b, Chart))


def torch_slopes(x: float) -> list[float]:
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
    assert "hold only at x = 2" in facts(result)
    assert "x.grad.zero_()" in next(b for b in result.blocks if isinstance(b, Code)).source


@pytest.mark.parametrize("x", [1.0, 3.0, -1.5])
def test_ratios_are_two_x_and_one_and_a_half_x_away_from_two(x: float) -> None:
    slopes = [float(row[4]) for row in table(compute(x=str(x))).rows]
    assert slopes == pytest.approx(torch_slopes(x))
    assert f"{slopes[1] / slopes[0]:.4g} = 2x" in facts(compute(x=str(x)))


def test_the_cubic_is_called_a_cubic() -> None:
    prose = LESSON.step("chart").prose
    assert "x**3 is a cubic" in prose and "hyperbola" in prose
    assert table(compute()).rows[2][2] == "cubic"


@pytest.mark.parametrize("show", ["f1", "f2", "f3"])
def test_each_function_has_its_own_scale_and_its_tangent_in_its_colour(show: str) -> None:
    index = int(show[1])
    result = compute("chart", show=show)
    drawn = chart(result)
    labels = {series.label for series in drawn.series}
    assert labels == {f"{show} = {['x', 'x**2', 'x**3'][index - 1]}"}, "curve and tangent share one legend entry"
    slope = torch_slopes(2.0)[index - 1]
    tangent = drawn.series[1]
    assert (tangent.ys[1] - tangent.ys[0]) / (tangent.xs[1] - tangent.xs[0]) == pytest.approx(slope)
    ys = [y for y in drawn.series[0].ys if y is not None]
    lo, hi = drawn.y_range
    assert lo <= min(ys) and max(ys) <= hi and (hi - lo) < 3 * (max(ys) - min(ys)), "the scale fits this function"


def test_descend_follows_the_functions() -> None:
    result = compute("descent", functions="torch.sin(x)")
    assert "There is no f2 now" in facts(result) and "f1 is used" in facts(result)
    point = torch.tensor(2.0, requires_grad=True)
    torch.sin(point).backward()
    assert result.actions["step"]["x"] == f"{2 - 0.1 * point.grad.item():.6g}"


def test_a_descent_step_moves_x_by_minus_lr_times_the_slope() -> None:
    result = compute("descent")
    assert result.actions["step"] == {"x": "1.6", "path": "2"}
    result = compute("descent", **result.actions["step"])
    assert result.actions["step"] == {"x": "1.28", "path": "2, 1.6"}
    assert (2.0, 4.0) in chart(result).points
    assert "2 -> 1.6" in facts(result)
    assert result.actions["reset"] == {"x": "2", "path": ""}
    steep = compute("descent", lr="0.5", descend="f3")
    assert steep.actions["step"]["x"] == f"{2 - 0.5 * 12:g}"


def test_too_large_a_learning_rate_overshoots_and_says_so() -> None:
    first = compute("descent", lr="1.5")
    assert first.actions["step"] == {"x": "-4", "path": "2"}
    second = compute("descent", lr="1.5", **first.actions["step"])
    assert "went up on the last step" in facts(second) and "too large" in facts(second)
    far = compute("descent", lr="1.5", x="524288", path="2")
    assert "step" not in far.actions and "grow past" in facts(far)


def test_backward_twice_accumulates_unless_zeroed() -> None:
    result = compute("pitfall")
    point = torch.tensor(2.0, requires_grad=True)
    y = point**2
    y.backward(retain_graph=True)
    first = point.grad.item()
    y.backward()
    assert (first, point.grad.item()) == (4.0, 8.0)
    assert "x.grad went 4.0 -> 8.0" in facts(result) and "it is 4.0 again" in facts(result)
    assert ".item()" in facts(result) and "'%f' % t" in facts(result)


def test_a_constant_function_has_slope_zero_and_no_backward() -> None:
    result = compute(functions="x; 5")
    assert table(result).rows[1][4] == "0.0"
    assert "y2.backward()" not in result.source and "does not depend on x" in result.source
    assert "step" not in compute("descent", functions="x; 5").actions


@pytest.mark.parametrize(
    ("step", "values", "field", "words"),
    [
        ("slopes", {"functions": "x; x.mul_(2)"}, "functions", "f2 = x.mul_(2): RuntimeError"),
        ("slopes", {"functions": "__import__('os')"}, "functions", "Refused"),
        ("slopes", {"functions": " ; "}, "functions", "at least one"),
        ("slopes", {"functions": "x; x; x; x; x"}, "functions", "up to 4"),
        ("slopes", {"x": "two"}, "x", "not a number"),
        ("chart", {"range": "3, -3"}, "range", "smaller"),
        ("descent", {"lr": "0"}, "lr", "more than 0"),
        ("descent", {"lr": "fast"}, "lr", "like 0.1"),
        ("descent", {"path": "1, a"}, "path", "not a number"),
    ],
)
def test_bad_input_names_its_field(step: str, values: dict[str, str], field: str, words: str) -> None:
    with pytest.raises(InputError) as caught:
        compute(step, **values)
    assert caught.value.field == field and words in caught.value.message


def test_a_learning_rate_hint_suggests_a_value_the_field_accepts() -> None:
    with pytest.raises(InputError) as caught:
        compute("descent", lr="fast")
    assert "-0.5" not in caught.value.message
    assert compute("descent", lr="0.1").actions["step"]


def test_robust_range_ignores_spikes_but_keeps_points() -> None:
    spiky = [1 / x for x in (-3, -2, -1, -0.5, 0.5, 1, 2, 3)] * 5 + [1000.0]
    assert robust_range(spiky)[1] < 100
    assert robust_range(spiky, must_show=[500.0])[1] >= 500
    assert robust_range([2.0, 2.0]) == (1.0, 3.0)


def test_break_jumps_only_breaks_leaps_across_the_whole_chart() -> None:
    xs, ys = break_jumps((0.0, 1.0, 2.0, 3.0), (-50.0, 50.0, 5.0, 6.0), (-10.0, 10.0))
    assert ys == (-50.0, None, 50.0, 5.0, 6.0) and xs[1] == 0.5
