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
from dataclasses import dataclass
from typing import Callable, Mapping, Sequence, TypeVar

import torch

from engine.blocks import Block, Chart, Code, Columns, Fact, LessonResult, Prose, Series, Table
from engine.calculus import Curve, check_expression, curve, run_problem, sample
from engine.catalog import lesson_by_id
from engine.errors import InputError
from engine.evaluation import Evaluation, evaluate
from engine.parsing import parse_choice, parse_number

T = TypeVar("T")

MAX_FUNCTIONS = 4
DESCEND_CHOICES = tuple(f"f{i}" for i in range(1, MAX_FUNCTIONS + 1))
MAX_PATH = 50
"""Most visited points the path field keeps (the oldest go first)."""
MAX_X = 1e6
"""Largest |x| and |range| accepted: beyond it float32 slopes stop meaning much."""
CURVE_POINTS = 201
DEFAULT_X = "2"

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
    curve: Curve

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
        raise InputError("Type at least one function of x, like x; x**2; x**3.", "functions")
    if len(pieces) > MAX_FUNCTIONS:
        raise InputError(
            f"{len(pieces)} functions: up to {MAX_FUNCTIONS} fit on the charts; remove one.", "functions"
        )
    try:
        return [check_expression(piece, f"f{i}") for i, piece in enumerate(pieces, 1)]
    except InputError as error:
        raise error.for_field("functions") from None


def parse_range(text: str) -> tuple[float, float]:
    """Two numbers such as ``-3, 3``, ``(-3, 3)`` or ``-3..3``, the first smaller."""
    parts = [p for p in re.split(r"\s*(?:,|\.\.|\s)\s*", text.strip().strip("()[]")) if p]
    if len(parts) != 2:
        raise InputError(f'Range "{text}": type two numbers, like -3, 3.', "range")
    try:
        lo, hi = (parse_number(p, "Range", -MAX_X, MAX_X) for p in parts)
    except InputError as error:
        raise error.for_field("range") from None
    if hi - lo < 1e-6:
        raise InputError(f"Range {lo:g}, {hi:g}: the first number must be smaller, like -3, 3.", "range")
    return lo, hi


def parse_path(text: str) -> list[float]:
    """The x values gradient descent visited, separated by commas (may be empty)."""
    parts = [p for p in re.split(r"\s*,\s*|\s+", text.strip()) if p][-MAX_PATH:]
    try:
        return [parse_number(p, "Path", -MAX_X, MAX_X) for p in parts]
    except InputError as error:
        raise error.for_field("path") from None


def _field(parse: Callable[[], T], field: str) -> T:
    """``parse()``, with any InputError it raises shown under ``field``."""
    try:
        return parse()
    except InputError as error:
        raise error.for_field(field) from None


# ---------------------------------------------------------------- the code that runs


def build_source(expressions: Sequence[str], x: float, depends: Sequence[bool], descend: int, lr: float) -> str:
    """The lesson's code: one x that requires grad, then for each function backward and .grad."""
    lines = [f"x = torch.tensor({float(x)!r}, requires_grad=True)"]
    for i, (expression, grad) in enumerate(zip(expressions, depends), 1):
        lines.append(f"y{i} = {expression}")
        if grad:
            lines += [f"y{i}.backward()", f"slope{i} = x.grad.item()", "x.grad.zero_()"]
        else:
            lines.append(f"# y{i} does not depend on x: there is nothing to backward, its slope is 0")
    if depends[descend - 1]:
        lines.append(f"lr = {lr!r}")
        lines.append(f"x_next = x.item() - lr * slope{descend}  # w = w - lr * dJ/dw")
    return "\n".join(lines) + "\n"


def accumulation_source(expression: str, x: float) -> str:
    """backward twice without zeroing, then after zero_: the gradient adds up."""
    return (
        f"x = torch.tensor({float(x)!r}, requires_grad=True)\n"
        f"y = {expression}\n"
        "y.backward(retain_graph=True)\n"
        "first = x.grad.item()\n"
        "y.backward(retain_graph=True)\n"
        "second = x.grad.item()  # added to the first\n"
        "x.grad.zero_()\n"
        "y.backward()\n"
        "zeroed = x.grad.item()\n"
    )


def _run(source: str, labels: Sequence[str], expressions: Sequence[str]) -> Evaluation:
    evaluation = evaluate(source)
    if evaluation.error is not None:
        # Each function's lines bind y<i> or slope<i>: the failing line says whose it was.
        found = re.match(r"\s*(?:y|slope)(\d+)\b", evaluation.error.source)
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
                f"{label} = {expression} gives {value.numel()} numbers for one x: a function here gives one.",
                "functions",
            )
        if not isinstance(value, (torch.Tensor, int, float)) or isinstance(value, torch.Tensor) and value.is_complex():
            raise InputError(f"{label} = {expression} gives a {type(value).__name__}, not a number.", "functions")
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


def charts(functions: Sequence[Function], x: float, x_range: tuple[float, float], path_points: Sequence[tuple[float, float]]) -> Columns:
    """f with tangents at x and the descent path; and the slopes f' with their values at x."""
    here = [(x, f.value) for f in functions if math.isfinite(f.value)]
    y_range = robust_range(
        [y for f in functions for y in f.curve.ys if y is not None], [y for _, y in here + list(path_points)]
    )
    series = [_series(f"{f.label} = {f.expression}", f.curve.xs, f.curve.ys, y_range) for f in functions]
    series += [Series("tangents", *_tangent(f, x, x_range)) for f in functions if _defined(f)]
    title = f"f(x) and its tangents at x = {x:g}, where f = " + ", ".join(fmt(y) for _, y in here)
    if path_points:
        title += "; the other points: the descent path"
    value_chart = Chart(
        title=title,
        series=tuple(series),
        x_range=x_range,
        y_range=y_range,
        points=tuple(here) + tuple(path_points),
        y_label="f(x)",
    )
    slopes_here = [(x, f.slope) for f in functions if _defined(f)]
    slope_range = robust_range([s for f in functions for s in f.curve.slopes if s is not None], [s for _, s in slopes_here])
    slope_chart = Chart(
        title=f"f'(x), the slopes: at x = {x:g} they are " + ", ".join(fmt(s) for _, s in slopes_here),
        series=tuple(_series(f"{f.label}'", f.curve.xs, f.curve.slopes, slope_range) for f in functions),
        x_range=x_range,
        y_range=slope_range,
        points=tuple(slopes_here),
        y_label="f'(x)",
    )
    return Columns((value_chart, slope_chart))


def _defined(function: Function) -> bool:
    return function.slope is not None and math.isfinite(function.value)


# ---------------------------------------------------------------- what the learner reads


def slopes_table(functions: Sequence[Function], x: float) -> Table:
    """Each function's value and slope at x, and each slope against the one before it."""
    rows = []
    previous: Function | None = None
    for f in functions:
        value = fmt(f.value) if math.isfinite(f.value) else f"undefined ({f.value:g})"
        slope = fmt(f.slope) if _defined(f) else "undefined"
        ratio = ""
        if previous is not None and _defined(f) and _defined(previous) and previous.slope:
            ratio = f"{f.slope / previous.slope:.3g}× {previous.label}'s"  # type: ignore[operator]
        rows.append((f.label, f.expression, f.kind, value, slope, ratio))
        previous = f
    return Table(
        headers=("", "f", "shape", f"f({x:g})", f"slope f'({x:g})", "slope vs previous"),
        rows=tuple(rows),
    )


def ratio_fact(functions: Sequence[Function], x: float) -> Fact | None:
    """The tutorial's 4x and 3x, and why they hold only at x = 2 (for its three functions)."""
    if [_canonical(f.expression) for f in functions[:3]] != list(_TUTORIAL) or x == 0:
        return None
    line, parabola, cubic = functions[:3]
    first, second = parabola.slope / line.slope, cubic.slope / parabola.slope  # type: ignore[operator]
    if x == 2:
        return Fact(
            f"{first:.3g}× and {second:.3g}×, as the tutorial says. But the ratios are 2x and 1.5x, "
            "so they hold only at x = 2: move x with left/right."
        )
    return Fact(
        f"At x = {x:g} the ratios are {first:.4g} = 2x and {second:.4g} = 1.5x: "
        "the tutorial's 4× and 3× hold only at x = 2."
    )


def naming_fact(functions: Sequence[Function]) -> Fact | None:
    """x**3 is a cubic; the tutorial calls it a hyperbola."""
    if not any(f.kind == "cubic" for f in functions):
        return None
    return Fact(
        "x**3 is a cubic. The tutorial calls it a hyperbola, an easy slip: a hyperbola is a curve like "
        "y = 1/x (add ; 1/x to the functions to see one, with its gap at 0)."
    )


def undefined_facts(functions: Sequence[Function], x: float) -> list[Block]:
    facts: list[Block] = []
    for f in functions:
        if not math.isfinite(f.value):
            facts.append(
                Fact(
                    f"{f.label} = {f.expression} is {f.value:g} at x = {x:g}: the function is not defined there, "
                    "so neither is its slope (the charts leave a gap).",
                    tone="warning",
                )
            )
        elif not f.depends:
            facts.append(
                Fact(
                    f"{f.label} = {f.expression} does not depend on x as autograd sees it (a constant, a "
                    "comparison, or detach): its slope is 0, and calling backward on it would fail."
                )
            )
    return facts


def descent_fact(
    target: Function, x: float, lr: float, path: Sequence[float], x_next: float | None, before: float | None
) -> Fact:
    """Where the next gradient descent step goes, the path so far, and whether the last step overshot.

    ``before`` is the function's value at the last point of the path, if any.
    """
    rule = f"Gradient descent on {target.label} = {target.expression}: x = x - lr * f'(x)"
    step_key, reset_key = (_action_key(name) for name in ("step", "reset"))
    if not target.depends:
        return Fact(f"{rule} stays put: {target.label} is flat as autograd sees it, its slope is 0.", tone="warning")
    if target.slope is None:
        return Fact(f"{rule} cannot step from x = {x:g}: the slope there is undefined.", tone="warning")
    if x_next is None:
        return Fact(
            f"{rule} would jump past ±{MAX_X:g}: with lr = {lr:g} the steps grow instead of settling. "
            f"{reset_key} goes back to the start; try a smaller lr.",
            tone="warning",
        )
    text = (
        f"{rule} = {x:g} - {lr:g} * {fmt(target.slope)} = {x_next:.6g}. "
        f"{step_key} takes the step, {reset_key} goes back to the start."
    )
    if path:
        visited = [f"{p:g}" for p in [*path, x]]
        shown = visited if len(visited) <= 8 else ["…", *visited[-7:]]
        text += f" Visited: {' -> '.join(shown)} ({len(path)} step{'s' * (len(path) != 1)})."
    if before is not None and math.isfinite(target.value) and target.value > before:
        return Fact(
            text + f" {target.label} went up on the last step ({fmt(before)} -> {fmt(target.value)}): "
            "lr is too large here, so the step overshoots the minimum.",
            tone="warning",
        )
    return Fact(text)


def _action_key(name: str) -> str:
    return next(action.key for action in lesson_by_id("derivatives").actions if action.name == name)


def accumulation_blocks(target: Function, x: float) -> list[Block]:
    """The pitfall: a second backward adds to .grad; zero_ resets it."""
    if not target.depends or target.slope is None:
        return []
    source = accumulation_source(target.expression, x)
    evaluation = evaluate(source)
    if evaluation.error is not None:
        return []
    names = evaluation.namespace
    return [
        Prose("Pitfall: calling backward twice on the same function."),
        Code(source, title="Pitfall: .grad adds up"),
        Fact(
            f"Calling backward twice adds: x.grad went {fmt(names['first'])} -> {fmt(names['second'])}. "  # type: ignore[arg-type]
            f"After x.grad.zero_() it is {fmt(names['zeroed'])} again, so zero the gradient before each step. "  # type: ignore[arg-type]
            "Read a one-number tensor with .item(): it gives a Python float, where '%f' % t works only "
            "for one-element tensors.",
            tone="warning",
        ),
    ]


# ---------------------------------------------------------------- the lesson


def _descend_index(text: str, labels: Sequence[str]) -> int:
    """Which function (0-based) the descent follows; it must be one of those typed."""
    label = _field(lambda: parse_choice(text, "Descend", DESCEND_CHOICES), "descend")
    if label not in labels:
        raise InputError(
            f"There is no {label}: the functions field has {len(labels)}; pick one of {', '.join(labels)}.",
            "descend",
        )
    return labels.index(label)


def _functions(
    expressions: Sequence[str], labels: Sequence[str], x: float, x_range: tuple[float, float]
) -> tuple[list[bool], list[Curve]]:
    """Which functions autograd can follow, and each one's curve; any failure is the functions field's."""
    depends = _probe(expressions, labels, x)
    curves = []
    for label, expression in zip(labels, expressions):
        try:
            curves.append(curve(expression, x_range[0], x_range[1], CURVE_POINTS, label=label))
        except InputError as error:
            raise error.for_field("functions") from None
    return depends, curves


def run(values: Mapping[str, str]) -> LessonResult:
    """Lesson 4 for the given field values."""
    expressions = parse_functions(values["functions"])
    labels = [f"f{i}" for i in range(1, len(expressions) + 1)]
    x = _field(lambda: parse_number(values["x"], "x", -MAX_X, MAX_X), "x")
    lo, hi = parse_range(values["range"])
    lr = _field(lambda: parse_number(values["lr"], "Learning rate", 0, 100), "lr")
    if lr == 0:
        raise InputError("Learning rate must be more than 0, like 0.1.", "lr")
    path = parse_path(values["path"])
    x_range = (min(lo, x, *path), max(hi, x, *path))
    depends, curves = _functions(expressions, labels, x, x_range)
    descend = _descend_index(values["descend"], labels)

    source = build_source(expressions, x, depends, descend + 1, lr)
    namespace = _run(source, labels, expressions).namespace
    functions = []
    for i, (label, expression, grad, sampled) in enumerate(zip(labels, expressions, depends, curves), 1):
        value = namespace[f"y{i}"]
        number = float(value.detach()) if isinstance(value, torch.Tensor) else float(value)  # type: ignore[arg-type]
        slope = namespace[f"slope{i}"] if grad else 0.0
        defined = math.isfinite(number) and math.isfinite(slope)  # type: ignore[arg-type]
        functions.append(Function(label, expression, number, slope if defined else None, grad, sampled))  # type: ignore[arg-type]

    target = functions[descend]
    x_next = namespace.get("x_next")
    if not isinstance(x_next, float) or target.slope is None or not math.isfinite(x_next) or abs(x_next) > MAX_X:
        x_next = None
    path_points: list[tuple[float, float]] = []
    if path:
        on_path = sample(target.expression, path, label=target.label)
        path_points = [(p, y) for p, y in zip(on_path.xs, on_path.ys) if y is not None]

    blocks: list[Block] = [slopes_table(functions, x)]
    blocks += [fact for fact in (ratio_fact(functions, x),) if fact is not None]
    blocks += undefined_facts(functions, x)
    blocks.append(charts(functions, x, x_range, path_points))
    if (lo, hi) != x_range:
        blocks.append(Fact(f"The charts run from {x_range[0]:g} to {x_range[1]:g} to include x and the path."))
    before = path_points[-1][1] if path_points and path_points[-1][0] == path[-1] else None
    blocks.append(descent_fact(target, x, lr, path, x_next, before))
    blocks += [fact for fact in (naming_fact(functions),) if fact is not None]
    blocks.append(Code(source, title="The code that ran"))
    blocks += accumulation_blocks(target, x)

    actions: dict[str, dict[str, str]] = {"reset": {"x": field_number(path[0]) if path else DEFAULT_X, "path": ""}}
    if x_next is not None:
        visited = [*path, x][-MAX_PATH:]
        actions["step"] = {"x": field_number(x_next), "path": ", ".join(field_number(p) for p in visited)}
    return LessonResult(blocks=tuple(blocks), source=source, actions=actions)
