"""Lesson 5: one layer, y = sigmoid(inputs @ w1 + b1), the shape error the tutorial hits, and its fixes.

The tutorial makes w1 with ``randn_like(inputs)``, so w1 is (1, 10) like the
input and the product fails. The lesson runs the code built from the fields,
shows the shape doctor's explanation and verified fixes, and runs each of the
four ways to make w1 fit (reshape, view, resize_, .T) so their results and what
they do to memory can be compared side by side.
"""

from __future__ import annotations

import ast
import math
from collections.abc import Mapping
from dataclasses import dataclass

import torch

from engine.blocks import Block, Code, Columns, Fact, FixChoice, LessonResult, Prose, Table, shape_text
from engine.errors import InputError
from engine.i18n import _
from engine.lesson import read
from engine.lessons.common import outputs_by_name, problem_block, tensors_named, value_block
from engine.lessons.layer.spec import ACTIVATIONS, FIXES, LAYOUTS
from engine.lessons.memo import Remembered
from engine.outcomes import Evaluation, Problem
from engine.parsing import parse_choice, parse_int, parse_shape
from engine.sandbox.evaluation import evaluate

LIKE_INPUTS = ("like inputs", "like", "randn_like", "same")
"""What the w1 field accepts for ``torch.randn_like(inputs)``, the tutorial's choice."""

MAX_WRITTEN_TERMS = 12
"""Most terms of z = w1 x1 + ... + b written out with their numbers."""


@dataclass(frozen=True)
class Layer:
    """The validated fields: everything the lesson's code is built from."""

    seed: int
    inputs: tuple[int, ...]
    weight: tuple[int, ...] | None
    """The requested shape of w1; None means ``torch.randn_like(inputs)``."""
    bias: tuple[int, ...]
    contiguous: bool
    activation: str

    @property
    def requested(self) -> tuple[int, ...]:
        """The shape asked for w1 (the input's, when made like it)."""
        return self.inputs if self.weight is None else self.weight

    @property
    def weight_shape(self) -> tuple[int, ...]:
        """The shape w1 has once made; a non-contiguous w1 is always a transposed matrix."""
        return self.requested if self.contiguous else _transposed_layout(self.requested)

    @property
    def target(self) -> tuple[int, int]:
        """The shape reshape, view and resize_ give w1: as many rows as the input has columns."""
        features = self.inputs[-1]
        count = math.prod(self.weight_shape)
        if features and count and count % features == 0:
            return features, count // features
        return features, 1


def _transposed_layout(shape: tuple[int, ...]) -> tuple[int, ...]:
    """A 2-D shape with both sides over 1 holding as many numbers as ``shape``: its transpose is not contiguous."""
    if len(shape) == 2 and min(shape) > 1:
        return shape
    count = math.prod(shape)
    side = next((d for d in range(math.isqrt(count), 1, -1) if count % d == 0), None)
    if side is None:
        raise InputError(
            _(
                "w1 would hold {count} numbers, and {count} has no factors: a transposed matrix needs two sides "
                "over 1 (for example 10 = 2 x 5). Give w1 a count like 10, or keep it contiguous.",
                count=count,
            ),
            "memory",
        )
    return side, count // side


def parse(values: Mapping[str, str], contiguous: bool | None = None) -> Layer:
    """Check every field, raising ``InputError`` on the first bad one.

    ``contiguous`` overrides the memory field (the steps before the memory step use a plain w1).
    """
    seed = read(values, "seed", parse_int, _("Seed"), 0, 2**32 - 1)
    inputs = read(values, "inputs", parse_shape)
    weight_text = values["weight"].strip().lower()
    if weight_text in LIKE_INPUTS:
        weight = None
    else:
        try:
            weight = parse_shape(values["weight"])
        except InputError as error:
            raise InputError(
                error.message + " " + _('Or type "like inputs" for torch.randn_like(inputs).'), "weight"
            ) from None
    bias = read(values, "bias", parse_shape)
    read(values, "fix", parse_choice, _("Fix"), FIXES)
    memory = read(values, "memory", parse_choice, _("Memory"), LAYOUTS)
    activation = read(values, "activation", parse_choice, _("Activation"), ACTIVATIONS)
    layout = memory == "contiguous" if contiguous is None else contiguous
    return Layer(seed, inputs, weight, bias, layout, activation)


_tuple = shape_text


def fix_expression(layer: Layer, fix: str) -> str:
    """The code that makes w1 fit, for one of the fixes."""
    rows, cols = layer.target
    if fix == "transpose":
        return "w1.T"
    return f"w1.{fix}({rows}, {cols})"


def _grows(layer: Layer, fix: str) -> bool:
    """Whether the fix is a resize_ that would add numbers nobody wrote (uninitialised memory)."""
    return fix == "resize_" and math.prod(layer.target) > math.prod(layer.weight_shape)


def build_source(layer: Layer, fix: str) -> str:
    """The lesson's code: the tutorial's layer, with w1 made to fit by ``fix`` (or not, for "none")."""
    lines = [f"torch.manual_seed({layer.seed})", f"inputs = torch.randn({_tuple(layer.inputs)})"]
    if not layer.contiguous:
        rows, cols = layer.weight_shape
        lines += [f"w1 = torch.randn(({cols}, {rows})).T", "w1.is_contiguous()"]
    elif layer.weight is None:
        lines.append("w1 = torch.randn_like(inputs)")
    else:
        lines.append(f"w1 = torch.randn({_tuple(layer.weight)})")
    lines.append(f"b1 = torch.randn({_tuple(layer.bias)})")
    if fix == "none":
        lines.append("z = torch.matmul(inputs, w1) + b1")
    else:
        lines += [f"w = {fix_expression(layer, fix)}", "z = torch.matmul(inputs, w) + b1"]
    lines.append("y = torch.sigmoid(z)" if layer.activation == "torch.sigmoid" else "y = 1 / (1 + torch.exp(-z))")
    if fix == "resize_":
        lines.append("w1.shape")
    return "\n".join(lines) + "\n"


def _same_code(a: str, b: str) -> bool:
    """Whether two statements are the same code, whatever their spacing."""
    try:
        return ast.dump(ast.parse(a.strip())) == ast.dump(ast.parse(b.strip()))
    except SyntaxError:
        return False


def fix_choices(layer: Layer, problem: Problem) -> tuple[FixChoice, ...]:
    """The doctor's verified fixes that are one of the lesson's fixes, as choices that set the fix field."""
    choices: list[FixChoice] = []
    for fix in problem.fixes:
        for kind in FIXES[1:]:
            expression = fix_expression(layer, kind)
            forms = (f"z = torch.matmul(inputs, {expression}) + b1", f"w = {expression}")
            if any(_same_code(fix.code, form) for form in forms) and all(c.values["fix"] != kind for c in choices):
                choices.append(FixChoice(expression, fix.note, fix.shape, {"fix": kind}, of=fix.target))
                break
    return tuple(choices)


@dataclass(frozen=True)
class FixRun:
    """One fix, run: its y, or why it failed or was not run, and what it did to memory."""

    fix: str
    expression: str
    evaluation: Evaluation | None
    skipped: str = ""

    @property
    def failed(self) -> bool:
        return self.evaluation is None or self.evaluation.error is not None

    def tensor(self, name: str) -> torch.Tensor | None:
        value = None if self.evaluation is None else self.evaluation.namespace.get(name)
        return value if isinstance(value, torch.Tensor) else None

    @property
    def shares_memory(self) -> bool | None:
        """Whether w, the fitted weight, uses w1's memory (None when the fix did not run)."""
        w, w1 = self.tensor("w"), self.tensor("w1")
        if self.failed or w is None or w1 is None:
            return None
        return w.untyped_storage().data_ptr() == w1.untyped_storage().data_ptr()


def run_fix(layer: Layer, fix: str) -> FixRun:
    """Run the lesson's code with ``fix`` applied (a resize_ into uninitialised memory is not run)."""
    expression = fix_expression(layer, fix)
    if _grows(layer, fix):
        grown = math.prod(layer.target) - math.prod(layer.weight_shape)
        return FixRun(
            fix, expression, None, _("not run: it would grow w1 by {count} uninitialised numbers", count=grown)
        )
    return FixRun(fix, expression, evaluate(build_source(layer, fix), seed=layer.seed, values_only=True))


def _short(text: str) -> str:
    """A one-number tensor's text as just the number (``tensor([[0.3030]])`` -> ``0.3030``)."""
    inner = text.removeprefix("tensor(").rstrip(")").strip("[]")
    return inner if "," not in inner and "\n" not in inner else text


def _result_cell(run: FixRun) -> str:
    if run.skipped:
        return "-"
    if run.failed:
        return _("fails")
    y = run.tensor("y")
    if y is None:
        return "?"
    return _short(str(y)) if y.numel() == 1 else "shape " + shape_text(tuple(y.shape))


def _memory_cell(layer: Layer, run: FixRun) -> str:
    if run.skipped:
        return run.skipped
    if run.failed:
        assert run.evaluation is not None and run.evaluation.error is not None
        return _("refused (see below)") if run.fix == "view" else _("refused")
    if run.fix == "resize_":
        w1 = run.tensor("w1")
        after = shape_text(tuple(w1.shape)) if w1 is not None else "?"
        dropped = math.prod(layer.weight_shape) - math.prod(layer.target)
        if dropped > 0:
            return _("in place: w1 is now {after}, {dropped} lost", after=after, dropped=dropped)
        return _("in place: w1 is now {after}", after=after)
    if run.shares_memory:
        return _("no copy")
    return _("copied (w1 is not contiguous)")


def _clipped(message: str, width: int = 40) -> str:
    """A long library message cut in the middle, keeping its advice (``... Use .reshape(...) instead.``)."""
    if len(message) <= width:
        return message
    advice = message.rsplit(". ", 1)[-1] if ". " in message else ""
    return message[: width - 3].rstrip() + " ... " + advice


def fixes_table(layer: Layer, runs: list[FixRun], chosen: str = "") -> Table:
    """Each fix's y and what it did to memory, one row per fix (the chosen one marked)."""
    rows = tuple(
        (("> " if run.fix == chosen else "  ") + run.expression, _result_cell(run), _memory_cell(layer, run))
        for run in runs
    )
    return Table(("fix", "y", _("memory")), rows)


def formula(layer: Layer, evaluation: Evaluation) -> Block | None:
    """z = w1 x1 + ... + b written out with the numbers, when it is one short sum."""
    tensors = tensors_named(evaluation, "inputs", "w", "b1", "z", "y")
    if tensors is None:
        return None
    x, w, b, z, y = tensors
    features = layer.inputs[-1]
    if not (z.numel() == 1 and b.numel() == 1 and x.numel() == features == w.numel()):
        return Prose(
            _(
                "z has shape {shape}: each of its numbers is a sum w1 x1 + ... + b over one row "
                "of inputs and one column of w. With one row and one output it is a single sum.",
                shape=shape_text(tuple(z.shape)),
            )
        )
    if features > MAX_WRITTEN_TERMS:
        last = _sub(features)
        return Prose(f"z = w₁x₁ + w₂x₂ + … + w{last}x{last} + b = {z.item():.4f}")
    xs, ws = x.reshape(-1).tolist(), w.reshape(-1).tolist()
    symbols = " + ".join(f"w{_sub(i)}x{_sub(i)}" for i in range(1, features + 1))
    numbers = " + ".join(f"{_num(wi)}×{_num(xi)}" for wi, xi in zip(ws, xs))
    sigmoid = f"y = sigmoid(z) = 1 / (1 + e^{_num(-z.item())}) = {y.item():.4f}"
    return Prose(f"z = {symbols} + b\n  = {numbers} + {_num(b.item())}\n  = {z.item():.4f}\n{sigmoid}")


_SUBSCRIPTS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def _sub(index: int) -> str:
    return str(index).translate(_SUBSCRIPTS)


def _num(value: float) -> str:
    return f"({value:.4f})" if value < 0 else f"{value:.4f}"


def _sigmoid_fact(layer: Layer, evaluation: Evaluation) -> Fact | None:
    z, y = evaluation.namespace.get("z"), evaluation.namespace.get("y")
    if not isinstance(z, torch.Tensor) or not isinstance(y, torch.Tensor) or not z.is_floating_point():
        return None
    by_hand = layer.activation == "by hand"
    other = torch.sigmoid(z) if by_hand else 1 / (1 + torch.exp(-z))
    shown = _short(str(other)) if other.numel() == 1 else _("shape {shape}", shape=shape_text(tuple(other.shape)))
    if torch.allclose(other, y):
        text = (
            _("torch.sigmoid(z) gives the same: {shown}. Sigmoid squeezes any z into (0, 1).", shown=shown)
            if by_hand
            else _(
                "By hand, 1 / (1 + torch.exp(-z)) gives the same: {shown}. Sigmoid squeezes any z into (0, 1).",
                shown=shown,
            )
        )
    else:
        text = (
            _("torch.sigmoid(z) gives something else: {shown}.", shown=shown)
            if by_hand
            else _("By hand, 1 / (1 + torch.exp(-z)) gives something else: {shown}.", shown=shown)
        )
    return Fact(text)


def _memory_facts(layer: Layer, runs: dict[str, FixRun]) -> list[Block]:
    """What the layout did to each fix: view's refusal in torch's words, then what the others did."""
    view, reshape, resize = runs["view"], runs["reshape"], runs["resize_"]
    facts: list[Block] = []
    if layer.contiguous:
        sharing = [runs[k].expression for k in FIXES[1:] if k != "resize_" and runs[k].shares_memory]
        if sharing:
            facts.append(
                Fact(_("w1 is stored row by row, so {fixes} reuse its memory: no copy.", fixes=", ".join(sharing)))
            )
        return facts
    if view.failed and not view.skipped and view.evaluation is not None and view.evaluation.error is not None:
        facts.append(
            Fact(
                _("view never copies, so it refuses: {message}", message=_clipped(view.evaluation.error.message, 50)),
                tone="warning",
            )
        )
    said = []
    if reshape.shares_memory is False:
        said.append(_("reshape copied."))
    y_reshape, y_resize = reshape.tensor("y"), resize.tensor("y")
    if (
        y_reshape is not None
        and y_resize is not None
        and y_reshape.shape == y_resize.shape
        and not torch.allclose(y_reshape, y_resize)
    ):
        said.append(_("resize_ ignores strides and keeps memory order: another y."))
    turned = runs["transpose"].tensor("w1")
    if turned is not None and turned.T.is_contiguous():
        said.append(_("w1.T is contiguous, so w1.T.view works."))
    if said:
        facts.append(Fact(" ".join(said)))
    return facts


_PRODUCT = "torch.matmul(inputs, w1)"
_OTHER_PRODUCTS = ("torch.mm(inputs, w1)", "inputs @ w1")


def _same_words(layer: Layer, source: str, problem: Problem) -> Fact | None:
    """torch.mm and @ refusing the product in matmul's very words, when running them shows they do."""
    if _PRODUCT not in problem.source or problem.kind != "RuntimeError":
        return None
    for product in _OTHER_PRODUCTS:
        other = evaluate(source.replace(_PRODUCT, product), seed=layer.seed, values_only=True).error
        if other is None or other.message != problem.message:
            return None
    return Fact(
        _(
            "{products} refuse with the same words: the shapes, not the function, are wrong.",
            products=_(" and ").join(_OTHER_PRODUCTS),
        )
    )


def _fit(layer: Layer, fix: str) -> None:
    """Refuse a resize_ that would grow w1 into uninitialised memory."""
    if _grows(layer, fix):
        rows, cols = layer.target
        raise InputError(
            _(
                "w1.resize_({rows}, {cols}) would grow w1 from {have} to {want} numbers, leaving the new ones "
                "uninitialised (whatever was in memory), so it is not run here. Pick reshape or view, which "
                "refuse instead, or give w1 more numbers.",
                rows=rows,
                cols=cols,
                have=math.prod(layer.weight_shape),
                want=rows * cols,
            ),
            "fix",
        )


_RUNS: Remembered[dict[str, FixRun]] = Remembered()
"""The four fixes, run: picking another fix in the list does not change them."""
_SAME_WORDS: Remembered[Fact | None] = Remembered()
"""Whether torch.mm and @ refuse the unfixed layer in matmul's words: the fix picked does not change it."""


def _runs(layer: Layer) -> dict[str, FixRun]:
    return _RUNS.get(layer, lambda: {kind: run_fix(layer, kind) for kind in FIXES[1:]})


def _unfixed_words(layer: Layer) -> Fact | None:
    """Run the layer without a fix; the fact that the other products refuse it in the same words, if they do."""

    def run() -> Fact | None:
        source = build_source(layer, "none")
        broken = evaluate(source, seed=layer.seed).error
        return None if broken is None else _same_words(layer, source, broken)

    return _SAME_WORDS.get(layer, run)


def _error(values: Mapping[str, str]) -> LessonResult:
    layer = parse(values, contiguous=True)
    fix = values["fix"]
    _fit(layer, fix)
    source = build_source(layer, fix)
    evaluation = evaluate(source, seed=layer.seed)
    problem = evaluation.error
    ran = source if problem is None else "\n".join(source.splitlines()[: problem.line]) + "\n"
    blocks: list[Block] = [Code(ran)]
    if problem is not None:
        expected = fix == "none" and problem.kind == "RuntimeError"
        blocks.append(problem_block(problem, fix_choices(layer, problem), expected=expected))
    else:
        named = outputs_by_name(evaluation)
        blocks.append(Columns(tuple(value_block(named[n]) for n in ("z", "b1", "y") if n in named)))
    return LessonResult(tuple(blocks), source, measures={"ok": problem is None})


def _fixes(values: Mapping[str, str]) -> LessonResult:
    layer = parse(values, contiguous=True)
    fix = values["fix"]
    runs = _runs(layer)
    shown = runs.get(fix) or runs["reshape"]
    source = build_source(layer, shown.fix)
    lines = source.splitlines()
    tail = "\n".join(lines[lines.index(next(line for line in lines if line.startswith("w = "))) :]) + "\n"
    blocks: list[Block] = [Code(tail, title=_("after the layer's first four lines"))]
    blocks.append(fixes_table(layer, list(runs.values()), chosen=fix))
    b1, z, y = (shown.tensor(n) for n in ("b1", "z", "y"))
    if (
        not shown.failed
        and b1 is not None
        and z is not None
        and y is not None
        and b1.numel() == z.numel() == y.numel() == 1
    ):
        blocks.append(
            Fact(
                _(
                    "z = inputs @ w + b1 = {z} with b1 = {b1}; y = sigmoid(z) = {y}. w1.T, the usual fix, "
                    "is not in the tutorial.",
                    z=f"{z.item():.4f}",
                    b1=f"{b1.item():.4f}",
                    y=f"{y.item():.4f}",
                )
            )
        )
    same = _unfixed_words(layer)
    if same is not None:
        blocks.append(same)
    measures = {"ok": fix != "none" and not runs[fix].failed if fix in runs else False}
    return LessonResult(tuple(blocks), source, measures=measures)


def _memory(values: Mapping[str, str]) -> LessonResult:
    layer = parse(values)
    runs = _runs(layer)
    # The script behind this step makes w1 and checks its layout; the table's rows each ran on their own.
    source = (
        "\n".join(line for line in build_source(layer, "none").splitlines() if not line.startswith(("z = ", "y = ")))
        + "\n"
    )
    made = [line for line in source.splitlines() if line.startswith("w1")]
    setup = "\n".join([_("# inputs and b1 as in step 1"), *made]) + "\n"
    blocks: list[Block] = [Code(setup), fixes_table(layer, list(runs.values()))]
    blocks += _memory_facts(layer, runs)
    blocks.append(Fact(_("resize_ changes w1 itself; grown, its new numbers are uninitialised memory.")))
    return LessonResult(tuple(blocks), source, measures={"view_ok": not runs["view"].failed})


def _sigmoid(values: Mapping[str, str]) -> LessonResult:
    layer = parse(values, contiguous=True)
    fix = values["fix"] if values["fix"] not in ("none", "resize_") else "transpose"
    source = build_source(layer, fix)
    evaluation = evaluate(source, seed=layer.seed)
    blocks: list[Block] = [Code("\n".join(source.splitlines()[-2:]) + "\n", title=_("the layer's last two lines"))]
    if evaluation.error is not None:
        blocks.append(problem_block(evaluation.error))
        return LessonResult(tuple(blocks), source, measures={"same": False})
    written = formula(layer, evaluation)
    if written is not None:
        blocks.append(written)
    fact = _sigmoid_fact(layer, evaluation)
    if fact is not None:
        blocks.append(fact)
    same = fact is not None and "same" in _same_check(layer, evaluation)
    return LessonResult(tuple(blocks), source, measures={"same": same})


def _same_check(layer: Layer, evaluation: Evaluation) -> str:
    z, y = evaluation.namespace.get("z"), evaluation.namespace.get("y")
    if not isinstance(z, torch.Tensor) or not isinstance(y, torch.Tensor):
        return ""
    return (
        "same"
        if torch.allclose(torch.sigmoid(z), 1 / (1 + torch.exp(-z))) and torch.allclose(torch.sigmoid(z), y)
        else ""
    )


_STEPS = {"error": _error, "fixes": _fixes, "memory": _memory, "sigmoid": _sigmoid}


def run(values: Mapping[str, str], step: str) -> LessonResult:
    """Step ``step`` of lesson 5 for the given field values."""
    return _STEPS[step](values)
