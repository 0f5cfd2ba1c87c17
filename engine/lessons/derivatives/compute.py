"""Lesson 4: derivatives with autograd, the tutorial's line, parabola and cubic at x = 2.

The code shown is built from the fields and run through ``evaluate``: a tensor
that requires grad, ``backward`` for each function, ``.grad.item()`` for its
slope, and one gradient descent step. The charts come from ``engine.calculus``
(the same functions sampled over the range, slopes by autograd).
"""

from __future__ import annotations

import ast
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import torch

from engine.blocks import Block, Chart, Code, Fact, LessonResult, Series, Table
from engine.calculus import check_expression, curve, run_problem, sample
from engine.errors import InputError
from engine.i18n import _
from engine.lesson import read
from engine.lessons.derivatives.spec import FUNCTION_LABELS, LESSON, MAX_FUNCTIONS
from engine.lessons.memo import Remembered
from engine.outcomes import Curve, Evaluation
from engine.parsing import parse_choice, parse_number
from engine.sandbox.evaluation import evaluate

MAX_PATH = 50
"""Most visited points the path field keeps (the oldest go first)."""
MAX_X = 1e6
"""Largest |x| and |range| accepted: beyond it float32 slopes stop meaning much."""
CURVE_POINTS = 201
DEFAULT_X = "2"

_FUNCTIONS: Remembered[tuple[tuple[Function, ...], str]] = Remembered()
"""The functions at x: the descent step's lr and path do not change them."""
_CURVE: Remembered[Curve] = Remembered()
"""A chart's 201-point curve: moving x inside the range does not change it."""
_PATH: Remembered[Curve] = Remembered()
"""The function at the points descent visited: a new lr does not change them."""

_KINDS = {
    "x": "line",
    "x**2": "parabola",
    "x**3": "cubic",
    "1/x": "hyperbola",
    "torch.sin(x)": "sine",
    "torch.exp(x)": "exponential",
    "torch.log(x)": "logarithm",
    "torch.sigmoid(x)": "sigmoid",
}
_TUTORIAL = ("x", "x**2", "x**3")


@dataclass(frozen=True)
class Function:
    """One of the learner's functions and what autograd found at x."""

    label: str
    expression: str
    value: float
    slope: float | None
    depends: bool

    @property
    def kind(self) -> str:
        return _KINDS.get(_canonical(self.expression), "")


def _canonical(expression: str) -> str:
    """The expression without spacing or redundant brackets (``x ** 2`` and ``(x**2)`` are ``x**2``)."""
    return ast.unparse(ast.parse(expression, mode="eval")).replace(" ", "")


def fmt(value: float) -> str:
    """A number as the lesson shows it: 4.0, 12.0, 0.6931, 1.6e-07."""
    if math.isfinite(value) and value == int(value) and abs(value) < 1e6:
        return f"{value:.1f}"
    return f"{value:.4g}"


def field_number(value: float) -> str:
    """A number as a field holds it: short, and read back exactly as shown."""
    return f"{value:.6g}"


# ---------------------------------------------------------------- reading the fields


def parse_functions(text: str) -> list[str]:
    """Up to four expressions in x separated by semicolons; empty pieces are skipped."""
    pieces = [piece.strip() for piece in text.split(";") if piece.strip()]
    if not pieces:
        raise InputError(_("Type at least one function of x, like x; x**2; x**3."), "functions")
    if len(pieces) > MAX_FUNCTIONS:
        raise InputError(
            _("{count} functions: up to {most} fit; remove one.", count=len(pieces), most=MAX_FUNCTIONS), "functions"
        )
    try:
        return [check_expression(piece, f"f{i}") for i, piece in enumerate(pieces, 1)]
    except InputError as error:
        raise error.for_field("functions") from None


def parse_range(text: str) -> tuple[float, float]:
    """Two numbers such as ``-3, 3``, ``(-3, 3)`` or ``-3..3``, the first smaller."""
    parts = [p for p in re.split(r"\s*(?:,|\.\.|\s)\s*", text.strip().strip("()[]")) if p]
    if len(parts) != 2:
        raise InputError(_('Range "{text}": type two numbers, like -3, 3.', text=text), "range")
    try:
        lo, hi = (parse_number(p, _("Range"), -MAX_X, MAX_X) for p in parts)
    except InputError as error:
        raise error.for_field("range") from None
    if hi - lo < 1e-6:
        raise InputError(
            _("Range {lo}, {hi}: the first number must be smaller, like -3, 3.", lo=f"{lo:g}", hi=f"{hi:g}"), "range"
        )
    return lo, hi


def parse_path(text: str) -> list[float]:
    """The x values gradient descent visited, separated by commas (may be empty)."""
    parts = [p for p in re.split(r"\s*,\s*|\s+", text.strip()) if p][-MAX_PATH:]
    try:
        return [parse_number(p, _("Path"), -MAX_X, MAX_X) for p in parts]
    except InputError as error:
        raise error.for_field("path") from None


# ---------------------------------------------------------------- the code that runs


def slopes_source(expressions: Sequence[str], x: float, depends: Sequence[bool]) -> str:
    """One x that requires grad, then for each function: backward, read x.grad, zero it."""
    lines = [f"x = torch.tensor({float(x)!r}, requires_grad=True)"]
    for i, (expression, grad) in enumerate(zip(expressions, depends), 1):
        if grad:
            lines.append(f"y{i} = {expression}; y{i}.backward(); g{i} = x.grad.item(); x.grad.zero_()")
        else:
            lines.append(f"y{i} = {expression}  # does not depend on x: its slope is 0")
    return "\n".join(lines) + "\n"


def descent_source(expression: str, x: float, lr: float) -> str:
    """One gradient descent step on ``expression`` from ``x``."""
    return (
        f"x = torch.tensor({float(x)!r}, requires_grad=True); lr = {lr!r}\n"
        f"y = {expression}; y.backward()\n"
        "x_next = x.item() - lr * x.grad.item()\n"
    )


def accumulation_source(expression: str, x: float) -> str:
    """backward twice without zeroing, then after zero_: the gradient adds up."""
    return (
        f"x = torch.tensor({float(x)!r}, requires_grad=True)\n"
        f"y = {expression}\n"
        "y.backward(retain_graph=True); first = x.grad.item()\n"
        "y.backward(retain_graph=True); second = x.grad.item()\n"
        "x.grad.zero_(); y.backward(); zeroed = x.grad.item()\n"
    )


def _run(source: str, labels: Sequence[str], expressions: Sequence[str]) -> Evaluation:
    evaluation = evaluate(source, values_only=True)  # the names it binds, unprinted: printing costs more than the run
    if evaluation.error is not None:
        # Each function's line binds y<i>: the failing line says whose it was.
        found = re.match(r"\s*y(\d+)\b", evaluation.error.source)
        index = int(found.group(1)) - 1 if found and int(found.group(1)) <= len(expressions) else 0
        raise run_problem(evaluation, labels[index], expressions[index]).for_field("functions")
    return evaluation


def _probe(expressions: Sequence[str], labels: Sequence[str], x: float) -> list[bool]:
    """Which functions autograd can follow back to x (the others get no backward)."""
    source = f"x = torch.tensor({float(x)!r}, requires_grad=True)\n" + "".join(
        f"y{i} = {e}\n" for i, e in enumerate(expressions, 1)
    )
    namespace = _run(source, labels, expressions).namespace
    depends = []
    for i, (label, expression) in enumerate(zip(labels, expressions), 1):
        value = namespace[f"y{i}"]
        if isinstance(value, torch.Tensor) and value.numel() != 1:
            raise InputError(
                _(
                    "{label} = {expression} gives {count} numbers for one x: a function here gives one.",
                    label=label,
                    expression=expression,
                    count=value.numel(),
                ),
                "functions",
            )
        if not isinstance(value, (torch.Tensor, int, float)) or isinstance(value, torch.Tensor) and value.is_complex():
            raise InputError(
                _(
                    "{label} = {expression} gives a {kind}, not a number.",
                    label=label,
                    expression=expression,
                    kind=type(value).__name__,
                ),
                "functions",
            )
        depends.append(isinstance(value, torch.Tensor) and value.requires_grad)
    return depends


# ---------------------------------------------------------------- ranges and chart series


def robust_range(values: Sequence[float], must_show: Sequence[float] = ()) -> tuple[float, float]:
    """A y range for ``values``: all of them, unless a few spikes (near a singularity) would flatten the rest.

    Then the middle 90% decides, with room around it. ``must_show`` values (the
    points at x) are always inside. The range is padded a little and never empty.
    """
    finite = sorted(v for v in values if math.isfinite(v))
    if finite:
        lo, hi = finite[0], finite[-1]
        q05, q95 = finite[int(0.05 * (len(finite) - 1))], finite[int(0.95 * (len(finite) - 1))]
        spread = q95 - q05
        if spread > 0 and hi - lo > 3 * spread:
            lo, hi = max(lo, q05 - spread / 2), min(hi, q95 + spread / 2)
    else:
        lo, hi = -1.0, 1.0
    for value in must_show:
        if math.isfinite(value):
            lo, hi = min(lo, value), max(hi, value)
    if hi - lo < 1e-9 * max(1.0, abs(lo), abs(hi)):
        pad = max(1.0, abs(lo) * 0.1)
        return lo - pad, hi + pad
    pad = (hi - lo) * 0.05
    return lo - pad, hi + pad


def break_jumps(
    xs: Sequence[float], ys: Sequence[float | None], y_range: tuple[float, float]
) -> tuple[tuple[float, ...], tuple[float | None, ...]]:
    """xs and ys with a gap wherever one step leaps from below the chart to above it (or back).

    Sampled curves jump like that across a pole between two samples (1/x near
    0, tan near pi/2); joining the two sides would draw a false vertical line.
    """
    lo, hi = y_range
    out_x: list[float] = []
    out_y: list[float | None] = []
    previous: float | None = None
    for x, y in zip(xs, ys):
        if previous is not None and y is not None and (previous < lo and y > hi or previous > hi and y < lo):
            out_x.append((out_x[-1] + x) / 2)
            out_y.append(None)
        out_x.append(x)
        out_y.append(y)
        previous = y
    return tuple(out_x), tuple(out_y)


def _tangent(function: Function, x: float, x_range: tuple[float, float]) -> tuple[tuple[float, ...], tuple[float, ...]]:
    assert function.slope is not None
    lo, hi = x_range
    return (lo, hi), (function.value + function.slope * (lo - x), function.value + function.slope * (hi - x))


def _series(label: str, xs: Sequence[float], ys: Sequence[float | None], y_range: tuple[float, float]) -> Series:
    gapped_x, gapped_y = break_jumps(xs, ys, y_range)
    return Series(label, gapped_x, gapped_y)


def _defined(function: Function) -> bool:
    return function.slope is not None and math.isfinite(function.value)


def slopes_table(functions: Sequence[Function], x: float) -> Table:
    """Each function's value and slope at x, and each slope against the one before it."""
    rows = []
    previous: Function | None = None
    for f in functions:
        value = fmt(f.value) if math.isfinite(f.value) else _("undefined ({value})", value=f"{f.value:g}")
        slope = fmt(f.slope) if f.slope is not None and _defined(f) else _("undefined")
        ratio = ""
        if previous is not None and _defined(f) and _defined(previous) and f.slope is not None and previous.slope:
            ratio = _("{ratio}× {label}'s", ratio=f"{f.slope / previous.slope:.3g}", label=previous.label)
        rows.append((f.label, f.expression, f.kind, value, slope, ratio))
        previous = f
    return Table(
        headers=("", "f", _("shape"), f"f({x:g})", _("slope f'({x})", x=f"{x:g}"), _("slope vs previous")),
        rows=tuple(rows),
    )


def ratio_fact(functions: Sequence[Function], x: float) -> Fact | None:
    """The tutorial's 4x and 3x, and why they hold only at x = 2 (for its three functions)."""
    if [_canonical(f.expression) for f in functions[:3]] != list(_TUTORIAL) or x == 0:
        return None
    line, parabola, cubic = (f.slope for f in functions[:3])
    if not line or not parabola or cubic is None:
        return None
    first, second = parabola / line, cubic / parabola
    if x == 2:
        return Fact(
            _(
                "{first}× and {second}×, as the tutorial says. But the ratios are 2x and 1.5x, "
                "so they hold only at x = 2: move x with up/down.",
                first=f"{first:.3g}",
                second=f"{second:.3g}",
            )
        )
    return Fact(
        _(
            "At x = {x} the ratios are {first} = 2x and {second} = 1.5x: the tutorial's 4× and 3× hold only at x = 2.",
            x=f"{x:g}",
            first=f"{first:.4g}",
            second=f"{second:.4g}",
        )
    )


def undefined_facts(functions: Sequence[Function], x: float) -> list[Block]:
    facts: list[Block] = []
    for f in functions:
        if not math.isfinite(f.value):
            facts.append(
                Fact(
                    _(
                        "{label} = {expression} is {value} at x = {x}: the function is not defined there, "
                        "so neither is its slope (the charts leave a gap).",
                        label=f.label,
                        expression=f.expression,
                        value=f"{f.value:g}",
                        x=f"{x:g}",
                    ),
                    tone="warning",
                )
            )
        elif not f.depends:
            facts.append(
                Fact(
                    _(
                        "{label} = {expression} does not depend on x as autograd sees it (a constant, a "
                        "comparison, or detach): its slope is 0, and calling backward on it would fail.",
                        label=f.label,
                        expression=f.expression,
                    )
                )
            )
    return facts


def descent_fact(
    target: Function, x: float, lr: float, path: Sequence[float], x_next: float | None, before: float | None
) -> Fact:
    """Where the next gradient descent step goes, the path so far, and whether the last step overshot.

    ``before`` is the function's value at the last point of the path, if any.
    """
    name = f"{target.label} = {target.expression}"
    if not target.depends:
        return Fact(
            _("{name} is flat as autograd sees it: its slope is 0, so descent stays put.", name=name), tone="warning"
        )
    if target.slope is None:
        return Fact(
            _("The slope of {name} at x = {x} is undefined: descent cannot step.", name=name, x=f"{x:g}"),
            tone="warning",
        )
    if x_next is None:
        return Fact(
            _(
                "With lr = {lr} the steps grow past ±{limit} instead of settling: {reset} goes back, then try a smaller lr.",
                lr=f"{lr:g}",
                limit=f"{MAX_X:,.0f}",
                reset=_action_key("reset"),
            ),
            tone="warning",
        )
    text = _(
        "On {name}: x_next = {x} - {lr} * {slope} = {next}.",
        name=name,
        x=f"{x:g}",
        lr=f"{lr:g}",
        slope=fmt(target.slope),
        next=f"{x_next:.6g}",
    )
    if path:
        visited = [f"{p:g}" for p in [*path, x]]
        shown = visited if len(visited) <= 6 else ["…", *visited[-5:]]
        text += " " + _("Visited: {points} ({count} steps).", points=" -> ".join(shown), count=len(path))
    if before is not None and math.isfinite(target.value) and target.value > before:
        return Fact(
            text
            + " "
            + _("{label} went up on the last step: lr is too large, so the step overshoots.", label=target.label),
            tone="warning",
        )
    return Fact(text)


def _action_key(name: str) -> str:
    return LESSON.action(name).key


# ---------------------------------------------------------------- the steps


def _x(values: Mapping[str, str]) -> float:
    return read(values, "x", parse_number, "x", -MAX_X, MAX_X)


def _functions(values: Mapping[str, str], x: float) -> tuple[tuple[Function, ...], str]:
    """The learner's functions with their values and slopes at x, and the code that found them."""
    text = values["functions"]
    return _FUNCTIONS.get((text, x), lambda: _functions_at(text, x))


def _functions_at(text: str, x: float) -> tuple[tuple[Function, ...], str]:
    expressions = parse_functions(text)
    labels = [f"f{i}" for i in range(1, len(expressions) + 1)]
    depends = _probe(expressions, labels, x)
    source = slopes_source(expressions, x, depends)
    namespace = _run(source, labels, expressions).namespace
    functions = []
    for i, (label, expression, grad) in enumerate(zip(labels, expressions, depends), 1):
        value = namespace[f"y{i}"]
        number = float(value.detach()) if isinstance(value, torch.Tensor) else _item(namespace, f"y{i}")
        slope = _item(namespace, f"g{i}") if grad else 0.0
        defined = math.isfinite(number) and math.isfinite(slope)
        functions.append(Function(label, expression, number, slope if defined else None, grad))
    return tuple(functions), source


def _item(namespace: Mapping[str, object], name: str) -> float:
    """A number the code left under ``name`` (a Python number, or ``.item()`` of a tensor)."""
    value = namespace[name]
    if not isinstance(value, (int, float)):
        raise TypeError(f"{name} is a {type(value).__name__}, not a number")
    return float(value)


def _pick(functions: Sequence[Function], values: Mapping[str, str], name: str) -> tuple[Function, str]:
    """The function a pick-list names; past the last one typed, the last one (and a note saying so)."""
    label = read(values, name, parse_choice, name, FUNCTION_LABELS)
    index = int(label[1:]) - 1
    if index < len(functions):
        return functions[index], ""
    chosen = functions[-1]
    note = _(
        "There is no {label} now: the functions field has {count}, so {chosen} is used.",
        label=label,
        count=len(functions),
        chosen=chosen.label,
    )
    return chosen, note


def _slopes(values: Mapping[str, str]) -> LessonResult:
    x = _x(values)
    functions, source = _functions(values, x)
    blocks: list[Block] = [Code(source), slopes_table(functions, x)]
    blocks += [fact for fact in (ratio_fact(functions, x),) if fact is not None]
    blocks += undefined_facts(functions, x)
    parabola = next((f.slope for f in functions if f.kind == "parabola"), None)
    return LessonResult(tuple(blocks), source, measures={"parabola_slope": parabola, "x": x})


def _chart_range(values: Mapping[str, str], x: float, path: Sequence[float] = ()) -> tuple[float, float]:
    lo, hi = parse_range(values["range"])
    return min(lo, x, *path), max(hi, x, *path)


def function_chart(
    function: Function, x: float, x_range: tuple[float, float], path: Sequence[tuple[float, float]], height: int
) -> Chart:
    """One function over the range, on a y scale of its own, with its tangent at x (in its colour) and any path."""
    lo, hi = x_range
    sampled = _CURVE.get(
        (function.expression, lo, hi, function.label),
        lambda: curve(function.expression, lo, hi, CURVE_POINTS, label=function.label),
    )
    here = [(x, function.value)] if math.isfinite(function.value) else []
    y_range = robust_range([y for y in sampled.ys if y is not None], [y for _, y in here + list(path)])
    label = f"{function.label} = {function.expression}"
    series = [_series(label, sampled.xs, sampled.ys, y_range)]
    if _defined(function):
        # The tangent shares the function's label: one legend entry, one colour, one marker.
        series.append(Series(label, *_tangent(function, x, x_range)))
    slope = fmt(function.slope) if function.slope is not None else _("undefined")
    title = _("{label} and its tangent at x = {x}: slope {slope}", label=label, x=f"{x:g}", slope=slope)
    return Chart(title, tuple(series), x_range, y_range, tuple(here) + tuple(path), y_label="f(x)", height=height)


def _chart(values: Mapping[str, str]) -> LessonResult:
    x = _x(values)
    functions, source = _functions(values, x)
    shown, note = _pick(functions, values, "show")
    x_range = _chart_range(values, x)
    code = _tangent_source(shown, x)
    blocks: list[Block] = [Code(code), function_chart(shown, x, x_range, (), height=10)]
    if note:
        blocks.append(Fact(note, tone="warning"))
    return LessonResult(tuple(blocks), source, measures={"shown_kind": shown.kind})


def _tangent_source(function: Function, x: float) -> str:
    """How the chart's tangent comes from autograd: the slope at x, then the line through (x, f(x))."""
    return (
        f"x = torch.tensor({float(x)!r}, requires_grad=True)\n"
        f"y = {function.expression}; y.backward(); slope = x.grad.item()\n"
        "# tangent(t) = y + slope * (t - x)\n"
    )


def _descent(values: Mapping[str, str]) -> LessonResult:
    x = _x(values)
    lr = read(values, "lr", _parse_lr)
    path = parse_path(values["path"])
    functions, _source = _functions(values, x)
    target, note = _pick(functions, values, "descend")
    source = descent_source(target.expression, x, lr)
    x_next = None
    if target.depends and target.slope is not None:
        found = evaluate(source, values_only=True).namespace.get("x_next")
        if isinstance(found, float) and math.isfinite(found) and abs(found) <= MAX_X:
            x_next = found
    points: list[tuple[float, float]] = []
    if path:
        on_path = _PATH.get(
            (target.expression, tuple(path), target.label), lambda: sample(target.expression, path, label=target.label)
        )
        points = [(p, y) for p, y in zip(on_path.xs, on_path.ys) if y is not None]
    before = points[-1][1] if points and points[-1][0] == path[-1] else None
    x_range = _chart_range(values, x, path)
    blocks: list[Block] = [Code(source), descent_fact(target, x, lr, path, x_next, before)]
    if note:
        blocks.append(Fact(note, tone="warning"))
    blocks.append(function_chart(target, x, x_range, points, height=9))
    actions: dict[str, dict[str, str]] = {"reset": {"x": field_number(path[0]) if path else DEFAULT_X, "path": ""}}
    if x_next is not None:
        visited = [*path, x][-MAX_PATH:]
        actions["step"] = {"x": field_number(x_next), "path": ", ".join(field_number(p) for p in visited)}
    return LessonResult(tuple(blocks), source, actions, measures={"steps": len(path)})


def _parse_lr(text: str) -> float:
    """A learning rate: a number more than 0 (and at most 100)."""
    try:
        lr = parse_number(text, _("Learning rate"))
    except InputError:
        raise InputError(
            _('Learning rate "{text}" is not a number: type one like 0.1.', text=text.strip()[:30])
        ) from None
    if not 0 < lr <= 100:
        raise InputError(_("Learning rate must be more than 0 and at most 100, like 0.1; {lr} is not.", lr=f"{lr:g}"))
    return lr


def _pitfall(values: Mapping[str, str]) -> LessonResult:
    x = _x(values)
    functions, _source = _functions(values, x)
    target, _note = _pick(functions, values, "descend")
    if not target.depends or target.slope is None:
        fact = Fact(
            _(
                "{label} = {expression} has no slope at x here: pick another function to descend.",
                label=target.label,
                expression=target.expression,
            ),
            tone="warning",
        )
        return LessonResult((fact,), "", measures={"doubled": False, "x": x})
    source = accumulation_source(target.expression, x)
    evaluation = evaluate(source, values_only=True)
    blocks: list[Block] = [Code(source)]
    doubled = False
    if evaluation.error is not None:
        blocks.append(Fact(f"{evaluation.error.kind}: {evaluation.error.message}", tone="warning"))
    else:
        first, second, zeroed = (_item(evaluation.namespace, n) for n in ("first", "second", "zeroed"))
        doubled = math.isclose(second, 2 * first, rel_tol=1e-5, abs_tol=1e-6)
        blocks.append(
            Fact(
                _(
                    "backward twice adds: x.grad went {first} -> {second}. After x.grad.zero_() it is {zeroed} again. "
                    "Read a one-number tensor with .item() (a Python float), not '%f' % t.",
                    first=fmt(first),
                    second=fmt(second),
                    zeroed=fmt(zeroed),
                ),
                tone="warning",
            )
        )
    return LessonResult(tuple(blocks), source, measures={"doubled": doubled, "x": x})


_STEPS = {"slopes": _slopes, "chart": _chart, "descent": _descent, "pitfall": _pitfall}


def run(values: Mapping[str, str], step: str) -> LessonResult:
    """Step ``step`` of lesson 4 for the given field values."""
    return _STEPS[step](values)
