"""Lesson 2: matrix products in PyTorch beside the same products in NumPy.

The fields say what A and B hold, which operation joins them and the two
operand expressions (``left`` and ``right``, ``A`` and ``B`` at first). From
them the lesson writes two short programs, one in torch and its twin in NumPy,
and runs each through ``evaluate``: what the pane shows is exactly what that
code prints. When torch refuses, the shape doctor's verified fixes are turned
back into field values (an operation and two operands), so applying a fix
changes the fields and the code together.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np
import torch

from engine.blocks import (
    Block,
    Code,
    Columns,
    Fact,
    FixChoice,
    LessonResult,
    Measures,
    ProblemView,
    Table,
    Value,
    shape_text,
)
from engine.errors import InputError
from engine.i18n import _
from engine.lesson import read
from engine.lessons.common import problem_block, tensors_named, value_block
from engine.lessons.matmul.operands import NoTwin, numpy_twin, parse_operand
from engine.lessons.matmul.spec import BATCHED, MAX_BATCH, OPS, PRODUCTS
from engine.outcomes import Evaluation, Fix, Problem
from engine.parsing import Nested, parse_choice, parse_int, parse_shape, parse_values, values_shape
from engine.sandbox.evaluation import evaluate

NUMPY_OPS = {"matmul": "np.matmul", "mm": "np.dot", "bmm": "np.matmul", "@": "@", "*": "np.multiply"}
"""The NumPy spelling shown beside each torch operation."""

SEED = 0
RANDOM_HIGH = 10
"""Random inputs are whole numbers from 0 to 9, so torch's and NumPy's results are easy to compare."""


@dataclass(frozen=True)
class Matrix:
    """What the A or B field asks for: literal values, or a shape of random whole numbers."""

    name: str
    values: Nested | None
    shape: tuple[int, ...]

    def torch_line(self) -> str:
        if self.values is not None:
            return f"{self.name} = torch.tensor({self.values!r})"
        return f"{self.name} = {_randint(self.shape)}"

    def numpy_line(self) -> str:
        twin = self.name.lower()
        if self.values is not None:
            return f"{twin} = np.array({self.values!r})"
        return f"{twin} = {_randint(self.shape)}.numpy()"


def _randint(shape: tuple[int, ...]) -> str:
    dims = f"({shape[0]},)" if len(shape) == 1 else f"({', '.join(map(str, shape))})"
    return f"torch.randint(0, {RANDOM_HIGH}, {dims})"


def parse_matrix(text: str, name: str, field: str) -> Matrix:
    """Values in brackets (``[[1, 2], [3, 4]]``) or a shape for random numbers (``2,3``)."""
    try:
        if text.strip().startswith("["):
            values = parse_values(text)
            return Matrix(name, values, values_shape(values))
        return Matrix(name, None, parse_shape(text))
    except InputError as error:
        raise error.for_field(field) from None


@dataclass(frozen=True)
class Setup:
    """The validated fields."""

    a: Matrix
    b: Matrix
    op: str
    batch: int
    left: ast.expr
    right: ast.expr

    @property
    def random(self) -> bool:
        return self.a.values is None or self.b.values is None


def read_matrices(values: Mapping[str, str]) -> tuple[Matrix, Matrix]:
    """A and B, as the first step's fields hold them."""
    return parse_matrix(values["a"], "A", "a"), parse_matrix(values["b"], "B", "b")


def product(op: str, left: ast.expr, right: ast.expr, numpy: bool = False) -> ast.expr:
    """``left op right`` as torch (or NumPy) writes it."""
    if op in ("@", "*") and not (numpy and op == "*"):
        operator = ast.MatMult() if op == "@" else ast.Mult()
        return ast.BinOp(left=left, op=operator, right=right)
    module, name = (NUMPY_OPS[op] if numpy else f"torch.{op}").split(".")
    function = ast.Attribute(value=ast.Name(module, ast.Load()), attr=name, ctx=ast.Load())
    return ast.Call(func=function, args=[left, right], keywords=[])


def torch_source(setup: Setup) -> str:
    """The PyTorch program for these fields."""
    lines = []
    if setup.random:
        lines.append(f"torch.manual_seed({SEED})")
    lines += [setup.a.torch_line(), setup.b.torch_line()]
    if setup.batch:
        lines.append(f"A = torch.stack([{', '.join(['A'] * setup.batch)}])")
    lines.append(f"C = {ast.unparse(product(setup.op, setup.left, setup.right))}")
    return "\n".join(lines) + "\n"


def _numpy_inputs(setup: Setup) -> list[str]:
    lines = []
    if setup.random:
        lines.append(f"torch.manual_seed({SEED})  # the same random numbers as above")
    lines += [setup.a.numpy_line(), setup.b.numpy_line()]
    if setup.batch:
        lines.append(f"a = np.stack([{', '.join(['a'] * setup.batch)}])")
    return lines


def numpy_source(setup: Setup) -> str:
    """The NumPy twin of ``torch_source``; raises ``NoTwin`` when an operand has none."""
    statement = product(setup.op, numpy_twin(setup.left), numpy_twin(setup.right), numpy=True)
    lines = [*_numpy_inputs(setup), f"c = {ast.unparse(statement)}"]
    return "\n".join(lines) + "\n"


def fix_values(fix: Fix) -> dict[str, str] | None:
    """The field values that apply ``fix`` to the product line, or None if the fix is not of that form."""
    try:
        statement = ast.parse(fix.code.strip()).body
    except SyntaxError:
        return None
    if len(statement) != 1 or not isinstance(statement[0], ast.Assign):
        return None
    targets, expression = statement[0].targets, statement[0].value
    if len(targets) != 1 or not isinstance(targets[0], ast.Name) or targets[0].id != "C":
        return None
    if isinstance(expression, ast.BinOp) and isinstance(expression.op, (ast.MatMult, ast.Mult)):
        op = "@" if isinstance(expression.op, ast.MatMult) else "*"
        return {"op": op, "left": ast.unparse(expression.left), "right": ast.unparse(expression.right)}
    if (
        isinstance(expression, ast.Call)
        and isinstance(expression.func, ast.Attribute)
        and isinstance(expression.func.value, ast.Name)
        and expression.func.value.id == "torch"
        and expression.func.attr in OPS
        and len(expression.args) == 2
        and not expression.keywords
    ):
        left, right = expression.args
        return {"op": expression.func.attr, "left": ast.unparse(left), "right": ast.unparse(right)}
    return None


def _fix_choices(problem: Problem, fields: Callable[[dict[str, str]], dict[str, str] | None]) -> tuple[FixChoice, ...]:
    """The doctor's fixes this step's fields can express; ``fields`` maps a fix's op and operands onto them."""
    choices = []
    for fix in problem.fixes:
        found = fix_values(fix)
        values = None if found is None else fields(found)
        if values is not None:
            label = fix.label or fix.code
            choices.append(FixChoice(label=label, note=fix.note, shape=fix.shape, values=values, of=fix.target))
    return tuple(choices)


def problem_view(problem: Problem, fixes: tuple[FixChoice, ...] = (), expected: bool = True) -> ProblemView:
    """A torch or NumPy error as the pane shows it; ``expected`` when it is the one the step sets out to show."""
    return problem_block(problem, fixes, expected=expected)


def _as_times(fix: dict[str, str]) -> dict[str, str] | None:
    return {"times": fix["right"]} if fix["op"] == "*" and fix["left"] == "A" else None


def _as_order(fix: dict[str, str]) -> dict[str, str] | None:
    return fix if fix["op"] in PRODUCTS else None


def _as_batched(fix: dict[str, str]) -> dict[str, str] | None:
    same = (fix["left"], fix["right"]) == ("A", "B") and fix["op"] in BATCHED
    return {"batched": fix["op"]} if same else None


def _named(evaluation: Evaluation, name: str, title: str | None = None) -> Value | None:
    output = next((o for o in reversed(evaluation.outputs) if o.name == name), None)
    return None if output is None else value_block(output, title or name)


def _numpy_side(setup: Setup) -> tuple[str, Evaluation | None, str]:
    """NumPy's program and its run, or what has no NumPy twin."""
    try:
        twin = numpy_source(setup)
    except NoTwin as missing:
        return "", None, str(missing)
    return twin, evaluate(twin, seed=SEED), ""


WAYS = ("torch.matmul(A, B)", "torch.mm(A, B)", "A @ B", "np.matmul(a, b)", "np.dot(a, b)")
"""The five spellings of the product the first step runs."""


def ways_source(a: Matrix, b: Matrix) -> str:
    """A and B, their NumPy twins, then the product spelt five ways."""
    lines = [f"torch.manual_seed({SEED})"] if a.values is None or b.values is None else []
    lines += [a.torch_line(), b.torch_line(), "a, b = A.numpy(), B.numpy()", *WAYS]
    return "\n".join(lines) + "\n"


def _shown_source(source: str) -> str:
    """The code on screen: the lines after A and B are made (step 1 shows those)."""
    kept = [
        line
        for line in source.splitlines()
        if not line.startswith(
            ("A = torch.tensor", "B = torch.tensor", "A = torch.randint", "B = torch.randint", "torch.manual_seed")
        )
    ]
    return "\n".join([_("# A and B as in step 1"), *kept]) + "\n"


def _bare(text: str) -> str:
    """A printed matrix on one line, without torch's ``tensor(...)`` around it."""
    line = " ".join(part.strip() for part in text.splitlines())
    return line.removeprefix("tensor(").removesuffix(")") if line.startswith("tensor(") else line


def _ways(values: Mapping[str, str]) -> LessonResult:
    a, b = read_matrices(values)
    source = ways_source(a, b)
    evaluation = evaluate(source, seed=SEED)
    results = {o.source: o for o in evaluation.outputs if o.source in WAYS}
    rows = []
    for way in WAYS:
        output = results.get(way)
        if output is not None:
            rows.append((way, _bare(output.text)))
    shown = source.split("\n" + WAYS[0], 1)[0] + "\n" + _("# then each product in the table, as written") + "\n"
    blocks: list[Block] = [Code(shown)]
    if rows:
        blocks.append(Table((_("product"), _("result")), tuple(rows)))
    if evaluation.error is not None:
        blocks.append(problem_view(evaluation.error, expected=False))
    agree = evaluation.error is None and len(rows) == len(WAYS) and _all_close(evaluation)
    if agree:
        blocks.append(Fact(_("All five agree (np.dot and np.matmul part ways on 3-D input).")))
    return LessonResult(tuple(blocks), source, measures={"ok": evaluation.error is None, "agree": agree})


def _all_close(evaluation: Evaluation) -> bool:
    """Whether the five products hold the same numbers."""
    names = evaluation.namespace
    A, B = names.get("A"), names.get("B")
    if not isinstance(A, torch.Tensor) or not isinstance(B, torch.Tensor):
        return False
    reference = (A @ B).numpy()
    others = [torch.matmul(A, B).numpy(), np.matmul(A.numpy(), B.numpy()), np.dot(A.numpy(), B.numpy())]
    return all(o.shape == reference.shape and _close(o, reference) for o in others)


def _close(x: np.ndarray, y: np.ndarray) -> bool:
    """Equal numbers, allowing float32 against float64 rounding."""
    try:
        return bool(np.allclose(x, y))
    except TypeError:  # booleans do not subtract
        return bool(np.array_equal(x, y))


def _mismatch(problem: Problem | None) -> bool:
    return problem is not None and "must match the size" in problem.message


def _times(values: Mapping[str, str]) -> LessonResult:
    a, b = read_matrices(values)
    right = parse_operand(values["times"], "times")
    setup = Setup(a, b, "*", 0, ast.Name("A", ast.Load()), right)
    source = torch_source(setup)
    torch_run = evaluate(source, seed=SEED)
    twin, numpy_run, missing = _numpy_side(setup)
    blocks: list[Block] = [Code(_shown_source(source))]
    problem = torch_run.error
    if problem is not None:
        blocks.append(problem_view(problem, _fix_choices(problem, _as_times), expected=_mismatch(problem)))
    shown = [
        v
        for v in (_named(torch_run, "C", "torch: C"), numpy_run and _named(numpy_run, "c", "np.multiply(a, ...)"))
        if v
    ]
    if shown:
        blocks.append(Columns(tuple(shown)))
    if problem is None:
        if isinstance(right, ast.Constant):
            blocks.append(Fact(_("A number times a tensor multiplies every element: the number is broadcast.")))
        else:
            blocks.append(Fact(_("Element by element: C[i, j] = A[i, j] * right[i, j]. Not a matrix product.")))
    if missing:
        blocks.append(
            Fact(_("NumPy has no plain twin for {missing} here, so only torch ran.", missing=missing), tone="warning")
        )
    error = "mismatch" if _mismatch(problem) else ("other" if problem is not None else "")
    measures: Measures = {"ok": problem is None, "error": error}
    return LessonResult(tuple(blocks), source + ("\n" + twin if twin else ""), measures=measures)


def _order(values: Mapping[str, str]) -> LessonResult:
    a, b = read_matrices(values)
    op = read(values, "op", parse_choice, _("Operation"), PRODUCTS)
    left, right = parse_operand(values["left"], "left"), parse_operand(values["right"], "right")
    setup = Setup(a, b, op, 0, left, right)
    source = torch_source(setup)
    torch_run = evaluate(source, seed=SEED)
    # NumPy's twin of a product is np.dot here: its refusal names both shapes, like torch's.
    twin, numpy_run, _missing = _numpy_side(Setup(a, b, "mm", 0, left, right))
    blocks: list[Block] = [Code(_shown_source(source))]
    problem = torch_run.error
    if problem is not None:
        shape_error = problem.kind == "RuntimeError" and "cannot be multiplied" in problem.message
        blocks.append(problem_view(problem, _fix_choices(problem, _as_order), expected=shape_error))
        if numpy_run is not None and numpy_run.error is not None:
            numpy_error = numpy_run.error
            blocks.append(Fact(_("NumPy says: {kind}: {message}", kind=numpy_error.kind, message=numpy_error.message)))
    else:
        shown = _named(torch_run, "C")
        if shown is not None:
            blocks.append(Columns((shown,)))
        blocks.append(Fact(_("Inner sizes agree: ({left}) @ ({right}) -> {result}.", **_inner(torch_run))))
    swapped = {"left": ast.unparse(right), "right": ast.unparse(left)}
    return LessonResult(
        tuple(blocks), source + ("\n" + twin if twin else ""), {"swap": swapped}, measures={"ok": problem is None}
    )


def _inner(evaluation: Evaluation) -> dict[str, str]:
    """The shapes of a product that ran, for the sentence that says why it worked."""
    outputs = {o.name: o for o in evaluation.outputs if o.name}
    C = outputs.get("C")
    sides = tensors_named(evaluation, "A", "B")
    left = right = "?"
    if sides is not None:
        left, right = (", ".join(map(str, t.shape)) for t in sides)
    return {"left": left, "right": right, "result": shape_text(C.shape) if C and C.shape is not None else "?"}


def _batch(values: Mapping[str, str]) -> LessonResult:
    a, b = read_matrices(values)
    op = read(values, "batched", parse_choice, _("Operation"), BATCHED)
    batch = read(values, "batch", _parse_batch)
    setup = Setup(a, b, op, batch, ast.Name("A", ast.Load()), ast.Name("B", ast.Load()))
    source = torch_source(setup)
    torch_run = evaluate(source, seed=SEED)
    blocks: list[Block] = [Code(_shown_source(source))]
    problem = torch_run.error
    C = torch_run.namespace.get("C") if problem is None else None
    if problem is not None:
        blocks.append(
            problem_view(problem, _fix_choices(problem, _as_batched), expected=op in ("mm", "bmm") and batch > 0)
        )
    elif isinstance(C, torch.Tensor):
        name = "@" if op == "@" else f"torch.{op}"
        blocks.append(
            Fact(
                _(
                    "{name} gives {shape}: one product per matrix of the batch.",
                    name=name,
                    shape=shape_text(tuple(C.shape)),
                )
            )
        )
    blocks += _batch_hints(setup, op)
    dims = C.dim() if isinstance(C, torch.Tensor) else 0
    return LessonResult(tuple(blocks), source, measures={"ok": problem is None, "dims": dims})


def _parse_batch(text: str) -> int:
    """How many copies of A to stack: a whole number from 0 to MAX_BATCH (the hint names one it accepts)."""
    try:
        return parse_int(text, _("Batch"), 0, MAX_BATCH)
    except InputError:
        raise InputError(
            _('Batch "{text}": type a whole number from 0 to {most}, like 2.', text=text.strip()[:20], most=MAX_BATCH)
        ) from None


def _batch_hints(setup: Setup, op: str) -> list[Block]:
    """What mm says with the batch on the right, and a bmm call that works: each run, so each is true."""
    facts: list[Block] = []
    if setup.batch == 0:
        return [Fact(_("batch 0 leaves A 2-D: every op works. Give batch 1 or more."))]
    prefix = torch_source(Setup(setup.a, setup.b, "@", setup.batch, setup.left, setup.right)).rsplit("C =", 1)[0]
    if op == "mm":
        flipped = evaluate(prefix + "C = torch.mm(B.T, A)\n", seed=SEED, values_only=True).error
        if flipped is not None:
            facts.append(Fact(_("With the batch second, torch.mm(B.T, A) says: {message}", message=flipped.message)))
    stack = f"torch.stack([{', '.join(['B'] * setup.batch)}])"
    if evaluate(prefix + f"C = torch.bmm(A, {stack})\n", seed=SEED, values_only=True).error is None:
        facts.append(Fact(_("torch.bmm(A, {stack}) works: both sides 3-D.", stack=stack)))
    return facts


_STEPS = {"ways": _ways, "times": _times, "order": _order, "batch": _batch}


def run(values: Mapping[str, str], step: str) -> LessonResult:
    """Step ``step`` of lesson 2 for the given field values."""
    return _STEPS[step](values)
