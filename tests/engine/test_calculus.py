"""derivative() and curve(): slopes by autograd, checked against closed forms and torch run directly."""

from __future__ import annotations

import math

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import engine
from engine.calculus import MAX_POINTS, check_expression, curve, derivative, sample
from engine.errors import InputError

CLOSED_FORMS = {
    "x": (lambda x: x, lambda x: 1.0),
    "x**2": (lambda x: x * x, lambda x: 2 * x),
    "x**3": (lambda x: x**3, lambda x: 3 * x * x),
    "2*x**3": (lambda x: 2 * x**3, lambda x: 6 * x * x),
    "torch.sin(x)": (math.sin, math.cos),
    "torch.sigmoid(x)": (
        lambda x: 1 / (1 + math.exp(-x)),
        lambda x: math.exp(-x) / (1 + math.exp(-x)) ** 2,
    ),
}

TORCH_FORMS = {
    "x": lambda x: x,
    "x**2": lambda x: x**2,
    "x**3": lambda x: x**3,
    "2*x**3": lambda x: 2 * x**3,
    "torch.sin(x)": torch.sin,
    "torch.sigmoid(x)": torch.sigmoid,
}


def autograd_slope(function, x: float) -> float:
    """The slope torch itself gives, with no engine in between."""
    point = torch.tensor(x, requires_grad=True)
    function(point).backward()
    return point.grad.item()


def test_the_tutorials_three_slopes_at_two() -> None:
    assert [derivative(e, 2.0) for e in ("x", "x**2", "x**3")] == [1.0, 4.0, 12.0]
    assert engine.derivative("x**2", 2.0) == 4.0  # the lazy public name


@settings(max_examples=40, deadline=None)
@given(
    expression=st.sampled_from(sorted(CLOSED_FORMS)),
    x=st.floats(min_value=-20, max_value=20, allow_nan=False).map(lambda v: round(v, 3)),
)
def test_derivative_agrees_with_closed_forms_and_with_autograd(expression: str, x: float) -> None:
    slope = derivative(expression, x)
    _, closed = CLOSED_FORMS[expression]
    assert slope == pytest.approx(closed(float(torch.tensor(x))), rel=1e-4, abs=1e-4)
    assert slope == autograd_slope(TORCH_FORMS[expression], x)


@settings(max_examples=15, deadline=None)
@given(
    expression=st.sampled_from(sorted(CLOSED_FORMS)),
    lo=st.integers(min_value=-10, max_value=5),
    width=st.integers(min_value=1, max_value=10),
    points=st.integers(min_value=2, max_value=300),
)
def test_curve_agrees_with_closed_forms_and_with_autograd(expression: str, lo: int, width: int, points: int) -> None:
    xs, ys, slopes = curve(expression, lo, lo + width, points)
    assert len(xs) == len(ys) == len(slopes) == points
    assert xs[0] == lo and xs[-1] == lo + width
    assert all(b > a for a, b in zip(xs, xs[1:]))
    value, closed = CLOSED_FORMS[expression]
    assert list(ys) == pytest.approx([value(x) for x in xs], rel=1e-9, abs=1e-9)
    assert list(slopes) == pytest.approx([closed(x) for x in xs], rel=1e-9, abs=1e-9)
    grid = torch.tensor(xs, dtype=torch.float64, requires_grad=True)
    TORCH_FORMS[expression](grid).sum().backward()
    assert list(slopes) == pytest.approx(grid.grad.tolist(), rel=1e-12, abs=1e-12)


def test_singularities_are_gaps_not_errors() -> None:
    assert math.isnan(derivative("1/x", 0.0))
    assert math.isnan(derivative("torch.log(x)", -1.0))
    assert math.isnan(derivative("torch.log(x)", 0.0))
    assert derivative("1/x", 2.0) == -0.25

    xs, ys, slopes = curve("1/x", -3, 3, 201)
    zero = xs.index(0.0)  # the grid hits 0 exactly, so 1/x has its gap there
    assert ys[zero] is None and slopes[zero] is None
    assert ys[zero - 1] == pytest.approx(1 / xs[zero - 1]) and slopes[zero + 1] == pytest.approx(-1 / xs[zero + 1] ** 2)

    xs, ys, slopes = curve("torch.log(x)", -3, 3, 7)
    assert ys[:4] == (None,) * 4 and slopes[:4] == (None,) * 4
    assert ys[4:] == pytest.approx([math.log(x) for x in xs[4:]])
    assert slopes[4:] == pytest.approx([1 / x for x in xs[4:]])


def test_constants_and_comparisons_have_slope_zero() -> None:
    assert derivative("5", 1.0) == 0.0
    assert derivative("x > 1", 2.0) == 0.0
    xs, ys, slopes = curve("5", -1, 1, 5)
    assert ys == (5.0,) * 5 and slopes == (0.0,) * 5


def test_sample_takes_any_points() -> None:
    xs, ys, slopes = sample("x**2", [2.0, 1.6, -0.5])
    assert xs == (2.0, 1.6, -0.5)
    assert ys == pytest.approx((4.0, 2.56, 0.25)) and slopes == pytest.approx((4.0, 3.2, -1.0))


@pytest.mark.parametrize(
    "text, words",
    [
        ("__import__('os').system('echo hacked')", "Refused"),
        ("open('/etc/passwd').read()", "Refused"),
        ("x.__class__.__bases__", "Refused"),
        ("eval('1')", "Refused"),
        ("exec('import os')", "Refused"),
        ("x; import os", "not a Python expression"),
        ("x\nimport os", "not a Python expression"),
        ("y = x", "not a Python expression"),
        ("x***3", "not a Python expression"),
        ("X**2", "lower case"),
        ("slope1 * x", '"slope1" is not known'),
        ("", "empty"),
        ("x" * 300, "characters long"),
        ("torch.ones(10**7) * x", "limit"),
    ],
)
def test_code_and_typos_are_refused_with_a_message(text: str, words: str) -> None:
    for call in (lambda: derivative(text, 1.0), lambda: curve(text, -1, 1, 11)):
        with pytest.raises(InputError) as caught:
            call()
        assert words in str(caught.value)


def test_refused_code_has_no_side_effect(tmp_path) -> None:
    target = tmp_path / "written"
    with pytest.raises(InputError):
        curve(f"open({str(target)!r}, 'w').write('x') + x", -1, 1, 3)
    assert not target.exists()


@pytest.mark.parametrize(
    "text, words",
    [
        ("x.sum()", "mixes the points"),
        ("torch.softmax(x, 0)", "mixes the points"),
        ("torch.rand(1) * x", "random"),
        ("torch.stack([x, x])", "one number for each x"),
        ("print(x)", "NoneType"),
        ("np.sin(x)", "detach"),
    ],
)
def test_functions_that_are_not_functions_of_x_alone_are_refused(text: str, words: str) -> None:
    with pytest.raises(InputError) as caught:
        curve(text, -1, 1, 11)
    assert words in str(caught.value)


def test_curve_bounds() -> None:
    with pytest.raises(InputError, match="first smaller"):
        curve("x", 1, 1, 10)
    with pytest.raises(InputError, match="points"):
        curve("x", 0, 1, MAX_POINTS + 1)
    with pytest.raises(InputError, match="points"):
        curve("x", 0, 1, 1)


def test_check_expression_keeps_the_learners_text() -> None:
    assert check_expression("  2*x**3 ") == "2*x**3"
    assert check_expression("[t * 2 for t in x]") == "[t * 2 for t in x]"  # a comprehension's own names are fine
    with pytest.raises(InputError, match="f3"):
        check_expression("x***3", "f3")
