"""Lesson 3: torch <-> NumPy, and the memory the two can share.

``torch.from_numpy(a)`` and ``t.numpy()`` are views of the same memory, while
``torch.tensor(a)`` copies. The ``write`` field puts a number into a's first
element after both tensors are made, and the lesson's action bumps that number,
so the learner watches the shared tensor follow the array and the copy stay.
The last part asks for ``.numpy()`` on a tensor that requires grad: PyTorch's
refusal, and the ``.detach().numpy()`` fix, which is one of the field's choices.
"""

from __future__ import annotations

import ast
from typing import Mapping

from engine.blocks import Block, Code, Columns, Fact, FixChoice, LessonResult, ProblemView, Prose
from engine.catalog import lesson_by_id
from engine.errors import InputError
from engine.evaluation import Evaluation, Output, Problem, evaluate
from engine.lessons.common import problem_block, value_block
from engine.parsing import parse_choice, parse_number, parse_values, values_shape

DTYPES = ("default", "float64", "float32", "int64", "int32", "uint8")
BACK = ("t.numpy()", "w.numpy()", "w.detach().numpy()")
"""How n comes back to NumPy: from the shared tensor t, or from w, a copy of a that requires grad."""

CHANGE_KEY = next(a.key for a in lesson_by_id("numpy").actions if a.name == "change")

TRY = (
    f"Try: {CHANGE_KEY} (or the button) to write into a's first element and watch t follow it while c stays; "
    "n = w.numpy() for a tensor that requires grad; another dtype."
)

FIRST_WRITE = 99
"""What the action writes into a's first element the first time."""


def _array_line(values: list, dtype: str) -> str:
    dtype_arg = "" if dtype == "default" else f", dtype=np.{dtype}"
    return f"a = np.array({values!r}{dtype_arg})"


def _number_literal(value: float) -> str:
    return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)


def build_cells(values: list, dtype: str, write: float | None, back: str) -> tuple[str, str]:
    """The lesson's code in two cells: make a, share it, copy it, maybe write into it; then back to NumPy.

    After a write only ``t`` is shown again: ``c`` cannot have changed, which is the point.
    """
    first = "a[" + ", ".join("0" * len(values_shape(values))) + "]"
    share = [_array_line(values, dtype), "t = torch.from_numpy(a)", "c = torch.tensor(a)"]
    if write is not None:
        share += [f"{first} = {_number_literal(write)}", "t"]
    if back == "t.numpy()":
        back_lines = ["n = t.numpy()", "np.shares_memory(n, a)"]
    else:
        back_lines = ["w = torch.tensor(a, requires_grad=True)", f"n = {back}"]
    return "\n".join(share) + "\n", "\n".join(back_lines) + "\n"


def _last(evaluation: Evaluation, name: str) -> Output | None:
    """The latest output of ``name``: its assignment, or a later line showing it."""
    return next((o for o in reversed(evaluation.outputs) if o.name == name or o.source == name), None)


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
                choices.append(FixChoice(fix.label or fix.code, fix.note, fix.shape, {"back": expression}, of=fix.target))
    return tuple(choices)


def _problem_view(problem: Problem) -> ProblemView:
    return problem_block(problem, _fix_choices(problem), expected=True)


def _wrote(evaluation: Evaluation) -> bool:
    """Whether the write into a's first element ran."""
    return any(o.source.startswith("a[") for o in evaluation.outputs)


def _shown(evaluation: Evaluation) -> list[Block]:
    notes = {"a": "after the write" if _wrote(evaluation) else "", "t": "shares a's memory", "c": "a copy"}
    values = [value_block(output, name, note) for name, note in notes.items() if (output := _last(evaluation, name))]
    return [Columns(tuple(values))] if values else []


def _shown_back(evaluation: Evaluation, back: str) -> list[Block]:
    n = _last(evaluation, "n")
    if n is None:
        return []
    values = [value_block(n, "n", "shares t's memory" if back == "t.numpy()" else "shares w's memory")]
    shares = _last(evaluation, "np.shares_memory(n, a)")
    if shares is not None:
        values.append(value_block(shares, shares.source))
    return [Columns(tuple(values))]


def _facts(evaluation: Evaluation, back: str) -> list[Block]:
    facts: list[Block] = []
    a, t = _last(evaluation, "a"), _last(evaluation, "t")
    if a is not None and t is not None:
        aside = " (torch.tensor of a Python list of floats would make float32.)" if a.dtype == "float64" else ""
        facts.append(Fact(f"The dtype is kept: NumPy's {a.dtype} became {t.dtype}, and .numpy() gives it back.{aside}"))
    if _wrote(evaluation):
        facts.append(
            Fact(
                "t changed with a: from_numpy wraps a's memory, it does not copy it. "
                "c did not: torch.tensor(a) copied the numbers when it was made."
            )
        )
    shares = _last(evaluation, "np.shares_memory(n, a)")
    if shares is not None and shares.text == "True":
        facts.append(Fact("n = t.numpy() shares memory too: both ways, one buffer."))
    elif back == "w.detach().numpy()" and evaluation.error is None:
        facts.append(
            Fact(
                "detach() gives the same numbers without gradient tracking, so .numpy() works; n shares w's memory "
                "(w itself is a copy of a, made by torch.tensor)."
            )
        )
    facts += [Fact(f"A warning was raised: {text}", tone="warning") for text in evaluation.warnings]
    return facts


def _next_write(write: float | None) -> str:
    return str(FIRST_WRITE) if write is None else _number_literal(write + 1)


def run(values: Mapping[str, str]) -> LessonResult:
    """Lesson 3 for the given field values."""
    try:
        array = parse_values(values["values"])
    except InputError as error:
        raise error.for_field("values") from None
    shape = values_shape(array)
    if not isinstance(array, list) or 0 in shape:
        raise InputError("a needs at least one number in brackets, like [1.0, 2.0, 3.0].", "values")
    dtype = parse_choice(values["dtype"], "dtype", DTYPES)
    text = values["write"].strip()
    try:
        write = parse_number(text, "The number to write") if text else None
    except InputError as error:
        raise error.for_field("write") from None
    back = parse_choice(values["back"], "n", BACK)
    share, back_cell = build_cells(array, dtype, write, back)
    evaluation = evaluate(share + back_cell)
    blocks: list[Block] = [Code(share), *_shown(evaluation)]
    problem = [] if evaluation.error is None else [_problem_view(evaluation.error)]
    if problem and evaluation.error.line <= share.count("\n"):
        blocks += problem  # the second cell never ran
    else:
        blocks += [Code(back_cell), *_shown_back(evaluation, back), *problem]
    blocks += [*_facts(evaluation, back), Prose(TRY)]
    actions = {"change": {"write": _next_write(write)}}
    return LessonResult(blocks=tuple(blocks), source=share + back_cell, actions=actions)
