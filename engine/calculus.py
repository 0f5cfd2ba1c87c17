"""Slopes by autograd: a function of x typed by the learner, its value and derivative.

The expression is text, never Python: it is checked to be one expression in
``x``, then run through ``engine.sandbox.evaluation.evaluate`` (the same safe subset as
every lesson) with ``x`` bound to a tensor that requires grad. Autograd's
``backward`` then fills ``x.grad``.

Where the function is undefined (``1/x`` at 0, ``torch.log(x)`` for x <= 0) the
value is not finite and the slope is reported as undefined (NaN for
``derivative``, ``None`` in a ``curve``), whatever autograd's formula says.
"""

from __future__ import annotations

import ast
import builtins
import math
from collections.abc import Sequence

import torch

from engine.errors import InputError
from engine.number_text import format_number
from engine.outcomes import Curve, Evaluation
from engine.parsing import parse_python
from engine.sandbox.evaluation import evaluate
from engine.sandbox.whitelist import LIBRARIES

MAX_EXPRESSION_CHARS = 200
"""Longest expression accepted; a function of x is a few dozen characters."""

MAX_POINTS = 2_001
"""Most points a curve may have (a chart is at most a few hundred cells wide)."""

_PROBES = 3
"""How many points of a curve are recomputed one at a time to check the function acts element-wise."""


def check_expression(text: str, what: str = "f(x)") -> str:
    """``text`` stripped, if it is one Python expression whose only free name is ``x``.

    Raises ``InputError`` otherwise, naming ``what`` (the function's label) in
    the message. Library names (torch, np, F, nn) and Python's builtin names
    pass here; the interpreter decides which of them may run.
    """
    expression = text.strip()
    if not expression:
        raise InputError(f"{what} is empty: type a function of x, like x**2 or torch.sin(x).")
    if len(expression) > MAX_EXPRESSION_CHARS:
        raise InputError(f"{what} is {len(expression)} characters long: keep it under {MAX_EXPRESSION_CHARS}.")
    try:
        tree = parse_python(expression, mode="eval")
    except SyntaxError as error:
        raise InputError(
            f'{what} "{_clip(expression)}" is not a Python expression ({error.msg}): '
            "write it in x, like x**2, 2*x**3 or torch.sin(x)."
        ) from None
    except (ValueError, RecursionError, MemoryError):
        raise InputError(f'{what} "{_clip(expression)}" cannot be read: write it in x, like x**2.') from None
    for name in sorted(_free_names(tree)):
        if name != "x" and name not in LIBRARIES and not hasattr(builtins, name):
            hint = " (write x in lower case)" if name == "X" else ""
            raise InputError(f'{what} may only use x and torch functions: "{name}" is not known here{hint}.')
    return expression


def _free_names(tree: ast.AST) -> set[str]:
    """Names the expression reads that it does not bind itself (comprehension targets, lambda args)."""
    loaded = {node.id for node in ast.walk(tree) if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load)}
    bound = {node.id for node in ast.walk(tree) if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store)}
    bound |= {arg.arg for node in ast.walk(tree) if isinstance(node, ast.Lambda) for arg in node.args.args}
    return loaded - bound


def _clip(text: str, width: int = 40) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def run_problem(evaluation: Evaluation, what: str, expression: str) -> InputError:
    """The evaluation's problem as an InputError about the function ``what``."""
    problem = evaluation.error
    assert problem is not None
    first_line = problem.message.strip().splitlines()[0] if problem.message.strip() else problem.kind
    return InputError(f"{what} = {_clip(expression)}: {problem.kind}: {first_line}")


def _evaluate(source: str, what: str, expression: str) -> Evaluation:
    evaluation = evaluate(source, values_only=True)  # the names it binds, unprinted: printing costs more than the run
    if evaluation.error is not None:
        raise run_problem(evaluation, what, expression)
    return evaluation


def _as_tensor(value: object, what: str, expression: str) -> torch.Tensor:
    """The function's result as a tensor; numbers are constants, anything else is refused."""
    if isinstance(value, bool) or isinstance(value, (int, float)):
        return torch.tensor(float(value), dtype=torch.float64)
    if not isinstance(value, torch.Tensor):
        raise InputError(f"{what} = {_clip(expression)} gives a {type(value).__name__}, not a number.")
    if value.is_complex():
        raise InputError(f"{what} = {_clip(expression)} gives complex numbers: charts need real ones.")
    return value


def derivative(expression: str, x: float, *, label: str = "f(x)") -> float:
    """d/dx of ``expression`` at ``x``, by autograd (float32, like ``torch.tensor(2.0)``).

    Returns NaN where the function itself is not finite there, and 0.0 for a
    function autograd sees no path to from x (a constant, a comparison).
    Raises ``InputError`` for text that is not a function of x or fails to run;
    ``label`` names the function in the message.
    """
    expression = check_expression(expression, label)
    value = float(x)
    if not math.isfinite(value):
        raise InputError(f"x must be a finite number, not {value}.")
    source = f"x = torch.tensor({value!r}, requires_grad=True)\ny = {expression}\n"
    evaluation = _evaluate(source, label, expression)
    point, y = evaluation.namespace["x"], _as_tensor(evaluation.namespace["y"], label, expression)
    if y.numel() != 1:
        raise InputError(
            f"{label} = {_clip(expression)} gives {y.numel()} numbers (shape {tuple(y.shape)}) for one x; "
            "a function here gives one number."
        )
    if not math.isfinite(float(y.detach().double())):
        return math.nan
    if not y.requires_grad:
        return 0.0
    y.backward()
    assert isinstance(point, torch.Tensor) and point.grad is not None
    return float(point.grad.item())


def curve(expression: str, lo: float, hi: float, points: int = 201, *, label: str = "f(x)") -> Curve:
    """``expression`` and its slope at ``points`` evenly spaced x from ``lo`` to ``hi`` (float64).

    The function must act on each x on its own (like x**2 or torch.sin(x), not
    x.sum() or torch.softmax(x, 0)): a few points are recomputed one at a time
    to check, and the curve is refused if they differ.
    """
    if not (math.isfinite(lo) and math.isfinite(hi)) or lo >= hi:
        raise InputError(
            f"The range must be two finite numbers, the first smaller, like -3, 3 (not {format_number(lo)}, {format_number(hi)})."
        )
    if not 2 <= points <= MAX_POINTS:
        raise InputError(f"A curve needs from 2 to {MAX_POINTS:,} points, not {points:,}.")
    return _sample(expression, _grid(lo, hi, points), points, label)


def sample(expression: str, xs: Sequence[float], *, label: str = "f(x)") -> Curve:
    """``expression`` and its slope at the given finite ``xs`` (float64), checked like ``curve``."""
    if not 1 <= len(xs) <= MAX_POINTS or not all(math.isfinite(x) for x in xs):
        raise InputError(f"Sample from 1 to {MAX_POINTS:,} finite values of x.")
    listed = ", ".join(repr(float(x)) for x in xs)
    return _sample(expression, f"x = torch.tensor([{listed}], dtype=torch.float64, requires_grad=True)", len(xs), label)


def _sample(expression: str, x_source: str, points: int, label: str) -> Curve:
    """Run ``expression`` on the x that ``x_source`` makes (``points`` values), then backward."""
    expression = check_expression(expression, label)
    evaluation = _evaluate(f"{x_source}\ny = {expression}\n", label, expression)
    xs_tensor, y = evaluation.namespace["x"], _as_tensor(evaluation.namespace["y"], label, expression)
    assert isinstance(xs_tensor, torch.Tensor)
    if y.numel() == 1:
        y = y.reshape(()).expand(points)
    if tuple(y.shape) != (points,):
        raise InputError(
            f"{label} = {_clip(expression)} turns {points} values of x into shape {tuple(y.shape)}: "
            "a function here gives one number for each x."
        )
    values = y.detach().double()
    grads = torch.zeros(points, dtype=torch.float64)
    if y.requires_grad:
        y.sum().backward()
        if xs_tensor.grad is not None:
            grads = xs_tensor.grad.double()
    xs = tuple(float(v) for v in xs_tensor.detach())
    _check_element_wise(expression, xs, values, label)
    ys: list[float | None] = []
    slopes: list[float | None] = []
    for value, grad in zip(values.tolist(), grads.tolist()):
        defined = math.isfinite(value)
        ys.append(value if defined else None)
        slopes.append(grad if defined and math.isfinite(grad) else None)
    return Curve(xs, tuple(ys), tuple(slopes))


def _grid(lo: float, hi: float, points: int) -> str:
    """Code for ``points`` x from ``lo`` to ``hi``, weighted so that x = 0 comes out exactly 0.

    (linspace(-3, 3, 201) puts 4e-16 where 0 should be, and 1/x would draw a
    spike there instead of a gap.)
    """
    last = points - 1
    return (
        f"k = torch.arange({points}, dtype=torch.float64)\n"
        f"x = (({lo!r}) * ({last} - k) / {last} + ({hi!r}) * k / {last}).requires_grad_()"
    )


def _check_element_wise(expression: str, xs: tuple[float, ...], values: torch.Tensor, label: str) -> None:
    """Refuse functions whose value at x depends on the other points (sum, mean, softmax, randomness)."""
    picks = sorted({round(i * (len(xs) - 1) / (_PROBES - 1)) for i in range(_PROBES)})
    lines = []
    for index in picks:
        lines.append(f"x = torch.tensor({xs[index]!r}, dtype=torch.float64)")
        lines.append(f"y{index} = {expression}")
    evaluation = _evaluate("\n".join(lines) + "\n", label, expression)
    for index in picks:
        result = _as_tensor(evaluation.namespace[f"y{index}"], label, expression)
        alone = float(result.detach().double().reshape(-1)[0]) if result.numel() == 1 else math.inf
        together = float(values[index])
        same = (math.isnan(alone) and math.isnan(together)) or math.isclose(alone, together, rel_tol=1e-6, abs_tol=1e-9)
        if not same:
            raise InputError(
                f"{label} = {_clip(expression)} gives a different value at x = {xs[index]:g} when x is one number "
                f"({alone:g}) than inside a range ({together:g}): it mixes the points (like sum, mean or "
                "softmax) or is random, so it cannot be drawn as a function of x."
            )
