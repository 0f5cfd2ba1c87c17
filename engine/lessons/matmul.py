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
from dataclasses import dataclass
from typing import Mapping

import numpy as np
import torch

from engine.blocks import Block, Code, Columns, Fact, FixChoice, LessonResult, Prose, ProblemView, Value
from engine.catalog import lesson_by_id
from engine.errors import InputError
from engine.evaluation import Evaluation, Fix, Problem, evaluate
from engine.lessons.common import problem_block, value_block
from engine.lessons.operands import NoTwin, numpy_twin, parse_operand
from engine.parsing import parse_choice, parse_int, parse_shape, parse_values, values_shape

OPS = ("matmul", "mm", "bmm", "@", "*")
"""torch.matmul, torch.mm, torch.bmm, the @ operator and the element-wise *."""

NUMPY_OPS = {"matmul": "np.matmul", "mm": "np.dot", "bmm": "np.matmul", "@": "@", "*": "np.multiply"}
"""The NumPy spelling shown beside each torch operation."""

MAX_BATCH = 4
SEED = 0
RANDOM_HIGH = 10
"""Random inputs are whole numbers from 0 to 9, so torch's and NumPy's results are easy to compare."""

SWAP_KEY = next(a.key for a in lesson_by_id("matmul").actions if a.name == "swap")

TRY = (
    f"Try: {SWAP_KEY} to swap left and right; op * with right 2 (the tutorial's example) or right A; "
    "batch 2 with op matmul, then mm; op bmm with right torch.stack([B, B])."
)


@dataclass(frozen=True)
class Matrix:
    """What the A or B field asks for: literal values, or a shape of random whole numbers."""

    name: str
    values: list | None
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


def read_fields(values: Mapping[str, str]) -> Setup:
    """Parse every field, raising ``InputError`` under the first bad one."""
    a = parse_matrix(values["a"], "A", "a")
    b = parse_matrix(values["b"], "B", "b")
    op = parse_choice(values["op"], "Operation", OPS)
    try:
        batch = parse_int(values["batch"], "Batch", 0, MAX_BATCH)
    except InputError as error:
        raise error.for_field("batch") from None
    left = parse_operand(values["left"], "left")
    right = parse_operand(values["right"], "right")
    return Setup(a, b, op, batch, left, right)


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


def _fix_choices(problem: Problem) -> tuple[FixChoice, ...]:
    choices = []
    for fix in problem.fixes:
        values = fix_values(fix)
        if values is not None:
            label = fix.label or fix.code
            choices.append(FixChoice(label=label, note=fix.note, shape=fix.shape, values=values, of=fix.target))
    return tuple(choices)


def problem_view(problem: Problem, fixes: tuple[FixChoice, ...] = (), explain: bool = True) -> ProblemView:
    """A torch or NumPy error as the pane shows it: the point of the lesson, not a failure of the app.

    ``explain`` False leaves out the explanation (NumPy's, when torch's above already says the same).
    """
    explanation = problem.explanation if explain else ""
    return problem_block(problem, fixes, expected=True, explanation=explanation)


def _named(evaluation: Evaluation, name: str) -> Value | None:
    output = next((o for o in reversed(evaluation.outputs) if o.name == name), None)
    return None if output is None else value_block(output, name)


def _shape_text(shape: tuple[int, ...]) -> str:
    return "(" + ", ".join(map(str, shape)) + ("," if len(shape) == 1 else "") + ")"


def _agreement(setup: Setup, C: object, c: object) -> list[Block]:
    if not isinstance(C, torch.Tensor) or c is None:
        return []
    torch_name = setup.op if setup.op in ("@", "*") else f"torch.{setup.op}"
    c = np.asarray(c)
    if tuple(C.shape) != c.shape or not _close(C.detach().numpy(), c):
        return [
            Fact(
                f"They differ: torch gives shape {_shape_text(tuple(C.shape))}, NumPy {_shape_text(c.shape)}.",
                tone="warning",
            )
        ]
    facts: list[Block] = [
        Fact(f"Same numbers: {torch_name} and {NUMPY_OPS[setup.op]} agree, shape {_shape_text(c.shape)}.")
    ]
    torch_dtype = str(C.dtype).removeprefix("torch.")
    if torch_dtype != str(c.dtype):
        facts.append(
            Fact(
                f"Not the same dtype: torch made {torch_dtype}, NumPy {c.dtype}. From Python floats torch.tensor "
                "makes float32 and np.array float64."
            )
        )
    return facts


def _close(x: np.ndarray, y: np.ndarray) -> bool:
    """Equal numbers, allowing float32 against float64 rounding."""
    try:
        return bool(np.allclose(x, y))
    except TypeError:  # booleans do not subtract
        return bool(np.array_equal(x, y))


def _batch_fact(setup: Setup, A: object, C: object) -> list[Block]:
    if not isinstance(A, torch.Tensor) or A.dim() < 3 or not isinstance(C, torch.Tensor) or setup.op == "*":
        return []
    name = "@" if setup.op == "@" else f"torch.{setup.op}"
    return [
        Fact(
            f"{name} worked through the batch: one matrix product per matrix in A, giving "
            f"{_shape_text(tuple(C.shape))}. "
            "torch.matmul and @ broadcast a 2-D side over the batch; torch.mm takes only 2-D matrices; "
            "torch.bmm is the batched mm and wants both sides 3-D."
        )
    ]


def _elementwise_fact(setup: Setup, C: object) -> list[Block]:
    if setup.op != "*" or not isinstance(C, torch.Tensor):
        return []
    if any(isinstance(side, ast.Constant) for side in (setup.left, setup.right)):
        return [Fact("A number times a tensor multiplies every element: the number is broadcast to every position.")]
    return [Fact("Element by element: C[i, j] = left[i, j] * right[i, j]; the shapes must match or broadcast.")]


def _dot_versus_matmul(setup: Setup, numpy_run: Evaluation | None) -> list[Block]:
    """On 3-D input NumPy's dot and matmul part ways: show both shapes."""
    if numpy_run is None or setup.op == "*":
        return []
    a, b = numpy_run.namespace.get("a"), numpy_run.namespace.get("b")
    if not isinstance(a, np.ndarray) or not isinstance(b, np.ndarray) or max(a.ndim, b.ndim) < 3:
        return []
    probe = evaluate("\n".join([*_numpy_inputs(setup), "d = np.dot(a, b)", "m = np.matmul(a, b)"]) + "\n", seed=SEED)
    shapes = {o.name: o.shape for o in probe.outputs if o.name in ("d", "m") and o.shape is not None}
    dot = _shape_text(shapes["d"]) if "d" in shapes else "an error"
    matmul = _shape_text(shapes["m"]) if "m" in shapes else "an error"
    verdict = "agree here" if dot == matmul else "differ here"
    return [
        Fact(
            f"On 3-D input NumPy's dot and matmul {verdict}: np.dot(a, b) gives {dot}, np.matmul(a, b) {matmul}. "
            "matmul multiplies matrix by matching matrix; dot pairs every matrix of a with every matrix of b."
        )
    ]


def _numpy_side(setup: Setup) -> tuple[str, Evaluation | None, str]:
    """NumPy's program and its run, or what has no NumPy twin."""
    try:
        twin = numpy_source(setup)
    except NoTwin as missing:
        return "", None, str(missing)
    return twin, evaluate(twin, seed=SEED), ""


def run(values: Mapping[str, str]) -> LessonResult:
    """Lesson 2 for the given field values."""
    setup = read_fields(values)
    source = torch_source(setup)
    torch_run = evaluate(source, seed=SEED)
    twin, numpy_run, missing = _numpy_side(setup)
    blocks: list[Block] = [Code(source), *([Code(twin)] if twin else [])]
    if torch_run.error is not None:
        blocks.append(problem_view(torch_run.error, _fix_choices(torch_run.error)))
    if numpy_run is not None and numpy_run.error is not None:
        blocks.append(problem_view(numpy_run.error, explain=torch_run.error is None))
    shown = [v for v in (_named(torch_run, "C"), numpy_run and _named(numpy_run, "c")) if v]
    if shown:
        blocks.append(Columns(tuple(shown)))
    if missing:
        blocks.append(Fact(f"NumPy has no plain twin for {missing} here, so only the PyTorch side ran.", tone="warning"))
    C = torch_run.namespace.get("C") if torch_run.error is None else None
    c = numpy_run.namespace.get("c") if numpy_run is not None and numpy_run.error is None else None
    blocks += _agreement(setup, C, c)
    blocks += _batch_fact(setup, torch_run.namespace.get("A"), C)
    blocks += _elementwise_fact(setup, C)
    blocks += _dot_versus_matmul(setup, numpy_run)
    blocks.append(Prose(TRY))
    swapped = {"left": ast.unparse(setup.right), "right": ast.unparse(setup.left)}
    source_all = source + ("\n" + twin if twin else "")
    return LessonResult(blocks=tuple(blocks), source=source_all, actions={"swap": swapped})
