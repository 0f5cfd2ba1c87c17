"""Lesson 3: torch <-> NumPy, and the memory the two can share, one step at a time.

``torch.from_numpy(a)`` and ``t.numpy()`` are views of the same memory, while
``torch.tensor(a)`` copies. The ``write`` field puts a number into a's first
element after both tensors are made, and the lesson's action bumps that number,
so the learner watches the shared tensor follow the array and the copy stay.
The last step asks for ``.numpy()`` on a tensor that requires grad: PyTorch's
refusal, and the ``.detach().numpy()`` fix, which is one of the field's choices.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping

from engine.blocks import Block, Code, Columns, Fact, FixChoice, LessonResult, ProblemView, Table
from engine.errors import InputError
from engine.i18n import _
from engine.lesson import read
from engine.lessons.bridge.spec import BACK, DTYPES
from engine.lessons.common import problem_block, value_block
from engine.outcomes import Evaluation, Output, Problem
from engine.parsing import Nested, parse_choice, parse_number, parse_values, values_shape
from engine.sandbox.evaluation import evaluate

FIRST_WRITE = 99
"""What the action writes into a's first element the first time."""


def _array_line(values: Nested, dtype: str) -> str:
    dtype_arg = "" if dtype == "default" else f", dtype=np.{dtype}"
    return f"a = np.array({values!r}{dtype_arg})"


def _number_literal(value: float) -> str:
    return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)


def _array(values: Mapping[str, str]) -> list[Nested]:
    array = read(values, "values", parse_values)
    if not isinstance(array, list) or 0 in values_shape(array):
        raise InputError(_("a needs at least one number in brackets, like [1.0, 2.0, 3.0]."), "values")
    return array


def _write(values: Mapping[str, str]) -> float | None:
    text = values["write"].strip()
    return read({"write": text}, "write", parse_number, _("The number to write")) if text else None


def _last(evaluation: Evaluation, name: str) -> Output | None:
    """The latest output of ``name``: its assignment, or a later line showing it."""
    return next((o for o in reversed(evaluation.outputs) if o.name == name or o.source == name), None)


def share_source(array: list[Nested], dtype: str, write: float | None) -> str:
    """Make a, share it as t, copy it as c; then maybe write into a and show all three again."""
    first = "a[" + ", ".join("0" * len(values_shape(array))) + "]"
    lines = [_array_line(array, dtype), "t = torch.from_numpy(a)", "c = torch.tensor(a)"]
    if write is not None:
        lines += [f"{first} = {_number_literal(write)}", "a", "t", "c"]
    return "\n".join(lines) + "\n"


def _table(evaluation: Evaluation, notes: Mapping[str, str]) -> Table:
    rows = []
    for name, note in notes.items():
        output = _last(evaluation, name)
        if output is not None:
            rows.append((name, output.text, note))
    return Table((_("name"), _("value"), _("memory")), tuple(rows))


def _first_number(output: Output | None) -> str:
    if output is None:
        return ""
    text = output.text.removeprefix("tensor(").lstrip("[ ")
    return text.split(",")[0].split()[0].rstrip(".]") if text else ""


def _share(values: Mapping[str, str]) -> LessonResult:
    array, write = _array(values), _write(values)
    source = share_source(array, "default", write)
    evaluation = evaluate(source)
    notes = {"a": _("the array"), "t": _("shares a's memory"), "c": _("a copy")}
    blocks: list[Block] = [Code(source), _table(evaluation, notes)]
    if evaluation.error is not None:
        blocks.append(problem_block(evaluation.error))
    followed = False
    if write is not None and evaluation.error is None:
        a, t, c = (_first_number(_last(evaluation, n)) for n in ("a", "t", "c"))
        followed = a == t and c != a
        if followed:
            blocks.append(Fact(_("t changed with a: from_numpy wraps a's memory. c did not: torch.tensor(a) copied.")))
    actions = {"change": {"write": str(FIRST_WRITE) if write is None else _number_literal(write + 1)}}
    return LessonResult(tuple(blocks), source, actions, measures={"ok": evaluation.error is None, "followed": followed})


def dtype_source(array: list[Nested], dtype: str) -> str:
    """From NumPy to torch and back, then whether the result still uses a's memory."""
    return (
        "\n".join([_array_line(array, dtype), "t = torch.from_numpy(a)", "n = t.numpy()", "np.shares_memory(n, a)"])
        + "\n"
    )


def _dtype(values: Mapping[str, str]) -> LessonResult:
    array = _array(values)
    dtype = read(values, "dtype", parse_choice, _("dtype"), DTYPES)
    source = dtype_source(array, dtype)
    evaluation = evaluate(source)
    outputs = {n: _last(evaluation, n) for n in ("a", "t", "n")}
    rows = tuple((n, o.text, o.dtype or "") for n, o in outputs.items() if o is not None)
    blocks: list[Block] = [Code(source), Table((_("name"), _("value"), _("dtype")), rows)]
    shares = _last(evaluation, "np.shares_memory(n, a)")
    if shares is not None:
        blocks.append(Columns((value_block(shares, shares.source),)))
    if evaluation.error is not None:
        blocks.append(problem_block(evaluation.error))
    dtypes = {(o.dtype or "").removeprefix("torch.") for o in outputs.values() if o is not None}
    kept = evaluation.error is None and len(dtypes) == 1
    if kept:
        aside = _(" torch.tensor of a Python list of floats would make float32.") if dtypes == {"float64"} else ""
        blocks.append(Fact(_("The dtype is kept: {dtype} all the way.", dtype=dtypes.pop()) + aside))
    return LessonResult(tuple(blocks), source, measures={"ok": evaluation.error is None, "kept": kept})


def grad_source(array: list[Nested], dtype: str, back: str) -> str:
    """A tensor that requires grad, made from a, then back to NumPy the way ``back`` says."""
    if back == "t.numpy()":
        return "\n".join([_array_line(array, dtype), "t = torch.from_numpy(a)", "n = t.numpy()"]) + "\n"
    return "\n".join([_array_line(array, dtype), "w = torch.tensor(a, requires_grad=True)", f"n = {back}"]) + "\n"


def _fix_choices(problem: Problem) -> tuple[FixChoice, ...]:
    """The doctor's fixes that are one of the ``n =`` choices, as field values."""
    choices = []
    for fix in problem.fixes:
        try:
            statement = ast.parse(fix.code.strip()).body
        except SyntaxError:
            continue
        if len(statement) == 1 and isinstance(statement[0], ast.Assign):
            expression = ast.unparse(statement[0].value)
            if expression in BACK:
                choices.append(
                    FixChoice(fix.label or fix.code, fix.note, fix.shape, {"back": expression}, of=fix.target)
                )
    return tuple(choices)


def _grad_problem(problem: Problem) -> ProblemView:
    """The refusal this step is about, or the learner's own error, explained."""
    if "requires grad" in problem.message:
        return problem_block(problem, _fix_choices(problem), expected=True)
    if "floating point" in problem.message:
        explanation = _(
            "requires_grad needs floating point numbers, and a holds whole numbers (the dtype picked in "
            "the step before). Go back (PageUp) and pick a float dtype, or 'default' with decimals in a."
        )
        return problem_block(problem, explanation=explanation)
    return problem_block(problem)


def _grad(values: Mapping[str, str]) -> LessonResult:
    array = _array(values)
    dtype = read(values, "dtype", parse_choice, _("dtype"), DTYPES)
    back = read(values, "back", parse_choice, "n", BACK)
    source = grad_source(array, dtype, back)
    evaluation = evaluate(source)
    blocks: list[Block] = [Code(source)]
    n = _last(evaluation, "n")
    if n is not None:
        blocks.append(Columns((value_block(n, "n"),)))
    if evaluation.error is not None:
        blocks.append(_grad_problem(evaluation.error))
    elif back == "w.detach().numpy()":
        blocks.append(Fact(_("detach() shares w's memory without gradient tracking; w itself is a copy of a.")))
    elif back == "t.numpy()":
        blocks.append(Fact(_("t does not require grad, so .numpy() just works. Pick w.numpy() to see the refusal.")))
    return LessonResult(tuple(blocks), source, measures={"ok": evaluation.error is None})


_STEPS = {"share": _share, "dtype": _dtype, "grad": _grad}


def run(values: Mapping[str, str], step: str) -> LessonResult:
    """Step ``step`` of lesson 3 for the given field values."""
    return _STEPS[step](values)
