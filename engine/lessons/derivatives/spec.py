"""Lesson 4, declared: its fields, steps and goals (no torch here)."""

from __future__ import annotations

from engine.i18n import _
from engine.lesson import Action, Field, Goal, Lesson, Step

MAX_FUNCTIONS = 4
FUNCTION_LABELS = tuple(f"f{i}" for i in range(1, MAX_FUNCTIONS + 1))


def _near(value: object, target: float) -> bool:
    return isinstance(value, (int, float)) and abs(value - target) < 1e-4


FIELDS = (
    Field(
        "functions",
        "f(x)",
        "x; x**2; x**3",
        _(
            "Up to four functions of x separated by semicolons, like x; x**2; x**3 or torch.sin(x). Each is run with autograd to find its slope."
        ),
    ),
    Field("x", "x", "2", _("The point where the slopes are taken: up/down move it by 0.1, shift for 1."), step=0.1),
    Field(
        "show",
        _("chart"),
        "f2",
        _("Which function the chart shows, with its tangent at x: each gets a scale of its own."),
        choices=FUNCTION_LABELS,
    ),
    Field("range", _("range"), "-3, 3", _("The chart's x range: two numbers, like -3, 3.")),
    Field(
        "lr",
        "lr",
        "0.1",
        _("Learning rate of a gradient descent step, x = x - lr * f'(x): more than 0, like 0.1."),
        step=0.01,
    ),
    Field(
        "descend",
        _("descend"),
        "f2",
        _("The function a gradient descent step (ctrl+g) goes down; past the last function typed, the last one."),
        choices=FUNCTION_LABELS,
    ),
    Field("path", _("path"), "", _("The x values gradient descent has visited: ctrl+g adds one, ctrl+r clears them.")),
)

STEPS = (
    Step(
        "slopes",
        _("Slopes by autograd"),
        _("y.backward() puts dy/dx in x.grad. At x = 2 the slopes are 1, 4 and 12."),
        ("functions", "x"),
        Goal(
            _("Move x (up/down in its field) until the parabola's slope is 6."),
            _("At x = 3 the parabola's slope is 2x = 6: the ratios changed with x."),
            lambda values, m: _near(m.get("parabola_slope"), 6.0),
        ),
    ),
    Step(
        "chart",
        _("A tangent per function"),
        _("Each function on its own scale. x**3 is a cubic, not the hyperbola the tutorial says."),
        ("show", "x", "range"),
        Goal(
            _("Chart the cubic: pick f3 and see how much steeper its tangent is."),
            _("The cubic's tangent at 2 climbs 12 for each step in x, three times the parabola's."),
            lambda values, m: m.get("shown_kind") == "cubic",
        ),
    ),
    Step(
        "descent",
        _("Gradient descent"),
        _("The tutorial's rule: w = w - lr * dJ/dw."),
        ("descend", "lr", "path"),
        Goal(
            _("Take three descent steps with ctrl+g."),
            _("Each step is smaller as the slope flattens near the minimum."),
            lambda values, m: int(m.get("steps") or 0) >= 3,
        ),
        actions=("step", "reset"),
    ),
    Step(
        "pitfall",
        _("Pitfall: .grad adds up"),
        _("A second backward adds to x.grad: zero it before each step."),
        ("x",),
        Goal(
            _("Move x away from 2 and check that the second .grad is still twice the first."),
            _("Always twice: backward adds the same slope again."),
            lambda values, m: bool(m.get("doubled")) and not _near(m.get("x"), 2.0),
        ),
    ),
)

LESSON = Lesson(
    id="derivatives",
    number=4,
    title=_("Derivatives"),
    summary=_("Autograd: requires_grad, backward and .grad give the slope of a function."),
    fields=FIELDS,
    module="engine.lessons.derivatives.compute",
    actions=(
        Action("step", "ctrl+g", _("descent step"), _("step")),
        Action("reset", "ctrl+r", _("reset descent"), _("reset")),
    ),
    steps=STEPS,
)
