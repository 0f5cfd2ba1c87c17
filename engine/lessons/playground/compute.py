"""Lesson 7, the Playground: the learner's own code, run through ``evaluate``.

Every statement's value is shown under the editor, titled with its line; a
failure shows the library's message, the shape doctor's explanation and the
fixes it verified, each of which rewrites the failing statement in the code.
Code that does not parse yet (the learner is mid-line) is an input error, so
the last results stay on screen, dimmed, until it parses again.
"""

from __future__ import annotations

from collections.abc import Mapping

from engine.blocks import Block, Fact, FixChoice, LessonResult, ProblemView, Prose, Value
from engine.errors import InputError
from engine.i18n import N_, _
from engine.lessons.common import problem_block
from engine.outcomes import Output, Problem
from engine.parsing import parse_python
from engine.sandbox.evaluation import apply_fix, evaluate
from engine.sandbox.limits import MAX_SOURCE_CHARS

MAX_SHOWN = 50
"""Most statement results listed; more would bury the error or the last value."""

TITLE_WIDTH = 48

EMPTY = N_(
    "Type PyTorch or NumPy code in the editor: each statement's value appears here as you type. "
    "torch, np, nn and F are ready to use. Or pick a starter example above."
)

SAFE_SUBSET = N_(
    "The Playground runs a safe subset of Python: assignments, expressions, for/while/if, def and "
    "class, the listed torch, torch.nn, F and np functions and tensor methods. Files, imports of other "
    "modules, names starting with _ and anything that reaches outside are refused."
)


def run(values: Mapping[str, str], step: str = "code") -> LessonResult:
    """The Playground for the code in the ``code`` field (it has one step)."""
    code = values["code"]
    if not code.strip():
        return LessonResult(blocks=(Prose(_(EMPTY)),), source="")
    _check_syntax(code)
    evaluation = evaluate(code)
    blocks: list[Block] = [_value(output) for output in evaluation.outputs[:MAX_SHOWN]]
    hidden = len(evaluation.outputs) - MAX_SHOWN
    if hidden > 0:
        blocks.append(
            Fact(
                _(
                    "{hidden} more results are not listed: the Playground lists the first {shown}.",
                    hidden=hidden,
                    shown=MAX_SHOWN,
                )
            )
        )
    if evaluation.error is not None:
        blocks.append(_problem(code, evaluation.error))
    blocks.extend(
        Fact(_("Warning from the library: {text}", text=text), tone="warning") for text in evaluation.warnings
    )
    if not blocks:
        blocks.append(Prose(_("It ran. A statement shows its value here when it assigns a name or is an expression.")))
    return LessonResult(blocks=tuple(blocks), source=code)


def _check_syntax(code: str) -> None:
    """Raise ``InputError`` for code that does not parse, naming the line (evaluate reports the rest)."""
    if len(code) > MAX_SOURCE_CHARS:
        return
    try:
        parse_python(code)
    except SyntaxError as error:
        where = _("Line {number}: ", number=error.lineno) if error.lineno else ""
        raise InputError(
            _("{where}{message}. The results below are from the last code that ran.", where=where, message=error.msg),
            "code",
        ) from None
    except (RecursionError, MemoryError, ValueError):
        return


def _value(output: Output) -> Value:
    label = output.name or output.source
    if len(label) > TITLE_WIDTH:
        label = label[: TITLE_WIDTH - 1] + "…"
    notes = []
    if output.requires_grad:
        notes.append("requires_grad")
    if output.grad_fn:
        notes.append(f"grad_fn={output.grad_fn}")
    return Value(
        title=_("line {number}: {label}", number=output.line, label=label),
        text=output.text,
        shape=output.shape,
        dtype=output.dtype,
        note="  ".join(notes),
    )


def _problem(code: str, problem: Problem) -> ProblemView:
    fixes = []
    for fix in problem.fixes:
        try:
            fixed = apply_fix(code, problem, fix)
        except ValueError:
            continue
        fixes.append(
            FixChoice(
                label=fix.label or fix.code, note=fix.note, shape=fix.shape, values={"code": fixed}, of=fix.target
            )
        )
    explanation = problem.explanation
    if problem.kind == "Refused" and not explanation:
        explanation = _(SAFE_SUBSET)
    return problem_block(problem, tuple(fixes), explanation=explanation)
