"""evaluate(): run a learner's snippet safely and describe every result and failure.

The snippet is parsed with ``ast`` and walked by ``engine.sandbox.interpreter`` (never
executed as Python). Each run starts from a seed and fresh names, and leaves the
process's random state as it found it. When a statement fails, the shape doctor
(``engine.sandbox.doctor``) explains it and offers fixes it has already tried.
"""

from __future__ import annotations

import ast
import gc
import time
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import MappingProxyType
from typing import cast

import numpy as np
import torch
from torch import nn

from engine.outcomes import Evaluation, Fix, Output, Problem
from engine.parsing import parse_python
from engine.positions import Positions
from engine.sandbox import limits
from engine.sandbox.builtins import render_text
from engine.sandbox.callables import RUN_LOCK
from engine.sandbox.doctor import Prescription, Trial, explain, explain_warning, prescribe
from engine.sandbox.interpreter import Interpreter, MisplacedStatement, WatchedStatementDone
from engine.sandbox.limits import (
    MAX_FIX_SECONDS,
    MAX_NESTING,
    MAX_SOURCE_CHARS,
    MAX_STATEMENTS,
    LimitExceeded,
    check,
)
from engine.sandbox.printing import display_width
from engine.sandbox.seeding import seed_torch
from engine.sandbox.whitelist.base import Refused

MAX_SEED = 2**32 - 1


MAX_MESSAGE_CHARS = 2_000
"""Longest error message kept; longer library messages are cut."""


def evaluate(
    source: str,
    *,
    seed: int = 0,
    seconds: float | None = None,
    outputs_from: int = 1,
    values_only: bool = False,
) -> Evaluation:
    """Run ``source`` in the safe subset, starting from ``seed`` and fresh names.

    ``seconds`` is the interpreter's time limit for this run (``limits.MAX_SECONDS``
    when None); it may only shorten that limit. A lesson that shows only some of a
    run's values says so, since printing a tensor costs more than computing it:
    statements before line ``outputs_from`` are run but not described, and with
    ``values_only`` none are and an error gets no fixes (the shape doctor's trials):
    the run gives the names it bound and whether it failed.
    """
    if not isinstance(source, str):
        return _refused(Problem("source must be text", "Refused", 0, "", "", ()))
    if not isinstance(seed, int) or isinstance(seed, bool) or not 0 <= seed <= MAX_SEED:
        return _refused(Problem(f"seed must be a whole number from 0 to {MAX_SEED}", "Refused", 0, "", "", ()))
    if seconds is not None and not (isinstance(seconds, (int, float)) and 0 < seconds <= limits.MAX_SECONDS):
        return _refused(Problem(f"seconds must be a number from 0 to {limits.MAX_SECONDS:g}", "Refused", 0, "", "", ()))
    tree_or_problem = _parse(source)
    if isinstance(tree_or_problem, Problem):
        return _refused(tree_or_problem)
    with (
        RUN_LOCK,
        _no_collection(),
        _seeded(seed),
        display_width(),
        torch.enable_grad(),
        _every_warning(),
        warnings.catch_warnings(record=True) as caught,
    ):
        warnings.simplefilter("always")
        seconds = limits.MAX_SECONDS if seconds is None else seconds
        evaluation = _run(source, tree_or_problem, seed, seconds, None if values_only else outputs_from)
        notes = tuple(dict.fromkeys(explain_warning(str(w.message)) for w in caught))
    if notes:
        evaluation = Evaluation(evaluation.outputs, evaluation.error, evaluation.namespace, notes)
    return evaluation


def apply_fix(source: str, problem: Problem, fix: Fix) -> str:
    """``source`` with the failing statement replaced by ``fix.code``.

    Raises ValueError when ``source`` no longer holds the failing statement where
    the problem says it was (the text was edited since).
    """
    if problem.span is not None:
        start, end = problem.span
        if source[start:end] == problem.source:
            return source[:start] + fix.code + source[end:]
    positions = Positions(source)
    line = positions.line(problem.line)
    if problem.source and problem.source in line:
        start = positions.starts[problem.line - 1] + line.index(problem.source)
        return source[:start] + fix.code + source[start + len(problem.source) :]
    raise ValueError(f"line {problem.line} no longer holds `{problem.source}`")


def _refused(problem: Problem) -> Evaluation:
    return Evaluation((), problem, MappingProxyType({}))


@contextmanager
def _no_collection() -> Iterator[None]:
    """Hold Python's cycle collector during a run.

    The run's memory is measured as the heap's growth since it started
    (``engine.sandbox.budget``); an earlier run's garbage freed half-way through would
    hide that much of this run's. Memory freed by reference counting still
    returns at once.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@contextmanager
def _every_warning() -> Iterator[None]:
    """PyTorch's warnings on every run: some (``.T`` on more than two dimensions) come once per process.

    A worker answers many runs; without this, the second run that transposed a 3-D tensor lost
    the warning and the note that explains it.
    """
    was_always = torch.is_warn_always_enabled()
    torch.set_warn_always(True)
    try:
        yield
    finally:
        torch.set_warn_always(was_always)


@contextmanager
def _seeded(seed: int) -> Iterator[None]:
    """Seed torch and NumPy for this run and put the process's random state back afterwards."""
    numpy_state = np.random.get_state()
    with torch.random.fork_rng(devices=[]):
        seed_torch(seed)
        np.random.seed(seed)
        try:
            yield
        finally:
            np.random.set_state(numpy_state)


def _parse(source: str) -> ast.Module | Problem:
    """The syntax tree, or the Problem that stops the source before anything runs."""
    try:
        check(len(source), MAX_SOURCE_CHARS, "the length of the source in characters")
        tree = cast(ast.Module, parse_python(source))  # mode "exec" parses a module
    except LimitExceeded as exc:
        return Problem(str(exc), "LimitExceeded", 0, "", "", ())
    except SyntaxError as exc:
        line = exc.lineno or 0
        text = Positions(source).line(line).strip() if line else ""
        return Problem(exc.msg, "SyntaxError", line, text, "", ())
    except (RecursionError, MemoryError):
        return Problem(
            f"the source is nested too deeply to read; the limit is {MAX_NESTING} levels",
            "LimitExceeded",
            0,
            "",
            "",
            (),
        )
    except ValueError as exc:  # null bytes
        return Problem(str(exc), "SyntaxError", 0, "", "", ())
    problem = _check_shape_of_tree(tree)
    return problem if problem is not None else tree


def _check_shape_of_tree(tree: ast.Module) -> Problem | None:
    """Count statements and measure nesting without recursion (deep trees must not crash us)."""
    statements = 0
    stack: list[tuple[ast.AST, int]] = [(tree, 0)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, ast.stmt):
            statements += 1
            if statements > MAX_STATEMENTS:
                return Problem(
                    f"the number of statements is over {MAX_STATEMENTS:,}; the limit is {MAX_STATEMENTS:,}",
                    "LimitExceeded",
                    node.lineno,
                    "",
                    "",
                    (),
                )
        if depth > MAX_NESTING:
            line = getattr(node, "lineno", 0)
            return Problem(
                f"the nesting depth of the code is over {MAX_NESTING}; the limit is {MAX_NESTING}",
                "LimitExceeded",
                line,
                "",
                "",
                (),
            )
        stack.extend((child, depth + 1) for child in ast.iter_child_nodes(node))
    return None


def _run(source: str, tree: ast.Module, seed: int, seconds: float, outputs_from: int | None) -> Evaluation:
    """The run itself; ``outputs_from`` None: no outputs described and no fixes sought."""
    positions = Positions(source)
    outputs: list[Output] = []
    namespace: dict[str, object] = {}

    def on_print(text: str, statement: ast.stmt | None) -> None:
        line = statement.lineno if statement is not None else 0
        code = positions.text(statement) if statement is not None else ""
        outputs.append(Output(line, code, None, text, "text", None, None, None, None))

    interpreter = Interpreter(namespace, on_print)
    with interpreter.running(seconds):
        for statement in tree.body:
            try:
                shown = interpreter.run_top_level(statement)
                if outputs_from is not None and statement.lineno >= outputs_from:
                    code = positions.text(statement)
                    outputs.extend(describe(statement.lineno, code, name, value) for name, value in shown)
                    interpreter.clock.tick()  # showing values takes time too
            except Exception as exc:  # every failure of learner code becomes a Problem
                problem = _problem(exc, interpreter, statement, positions, seed, fixes=outputs_from is not None)
                return Evaluation(tuple(outputs), problem, MappingProxyType(dict(namespace)))
    return Evaluation(tuple(outputs), None, MappingProxyType(dict(namespace)))


def _problem(
    exc: Exception, interpreter: Interpreter, statement: ast.stmt, positions: Positions, seed: int, *, fixes: bool
) -> Problem:
    failure = interpreter.failure
    if not fixes or isinstance(exc, (Refused, LimitExceeded, RecursionError, MisplacedStatement)) or failure is None:
        failing = interpreter.error_statement or statement
        prescription = Prescription("", ())
    else:
        failing = failure.statement or statement
        deadline = time.perf_counter() + MAX_FIX_SECONDS
        try:
            prescription = prescribe(exc, failure, positions, _trial_runner(positions, failing, seed, deadline))
        except Exception:  # the library's own message stands on its own if the doctor stumbles
            prescription = Prescription("", ())
    return Problem(
        message=_message(exc),
        kind=_kind(exc),
        line=failing.lineno,
        source=positions.text(failing),
        explanation=prescription.explanation or explain(str(exc)),
        fixes=tuple(
            Fix(code=c.code, note=c.note, shape=shape, label=c.label, target=_bound_name(failing))
            for c, shape in prescription.fixes
        ),
        span=positions.span(failing),
        highlights=prescription.highlights if prescription.explanation else (),
    )


def _bound_name(statement: ast.stmt) -> str:
    """The one name ``statement`` assigns (``z = ...``, ``z += ...``), or "" when it binds none or several."""
    if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
        target: ast.expr | None = statement.targets[0]
    elif isinstance(statement, (ast.AugAssign, ast.AnnAssign)):
        target = statement.target
    else:
        target = None
    return target.id if isinstance(target, ast.Name) else ""


def _trial_runner(positions: Positions, failing: ast.stmt, seed: int, deadline: float) -> Callable[[str], Trial]:
    """A function that runs the program again, from ``seed``, with the failing statement rewritten.

    It stops right after the rewritten statement and reports whether it ran and
    what it produced. Nothing it does reaches the learner's namespace or outputs.
    """
    start, end = positions.span(failing)
    watch = (failing.lineno, failing.col_offset)

    def trial(code: str) -> Trial:
        remaining = deadline - time.perf_counter()
        source = positions.source[:start] + code + positions.source[end:]
        tree = _parse(source)
        if remaining <= 0 or isinstance(tree, Problem):
            return Trial(False)
        seed_torch(seed)
        np.random.seed(seed)
        interpreter = Interpreter({}, lambda text, statement: None, watch=watch)
        with warnings.catch_warnings(), interpreter.running(remaining):
            warnings.simplefilter("ignore")  # a trial's warnings are not the learner's
            try:
                for statement in tree.body:
                    interpreter.run_top_level(statement)
            except WatchedStatementDone as done:
                return Trial(True, done.value)
            except Exception:
                return Trial(False)
        return Trial(False)

    return trial


def _message(exc: Exception) -> str:
    if isinstance(exc, SyntaxError):
        return exc.msg
    if isinstance(exc, RecursionError):
        return "the code nests calls too deeply to run"
    text = str(exc)
    return text if len(text) <= MAX_MESSAGE_CHARS else text[:MAX_MESSAGE_CHARS] + " ..."


def _kind(exc: BaseException) -> str:
    if isinstance(exc, Refused):
        return "Refused"
    if isinstance(exc, (LimitExceeded, RecursionError, MemoryError)):
        return "LimitExceeded"
    if isinstance(exc, MisplacedStatement):
        return "SyntaxError"
    return type(exc).__name__


def describe(line: int, source: str, name: str | None, value: object) -> Output:
    """An Output for a value: its text as torch/NumPy print it, and its shape, dtype and grad.

    ``evaluate`` calls it under ``display_width()``, so tensors print for the pane's width.
    """
    text = render_text(value)
    if isinstance(value, torch.Tensor):
        grad_fn = value.grad_fn
        return Output(
            line,
            source,
            name,
            text,
            "tensor",
            tuple(value.shape),
            str(value.dtype),
            value.requires_grad,
            None if grad_fn is None else type(grad_fn).__name__,
        )
    if isinstance(value, np.ndarray):
        return Output(line, source, name, text, "ndarray", tuple(value.shape), str(value.dtype), None, None)
    if isinstance(value, np.generic):
        return Output(line, source, name, text, "number", (), str(value.dtype), None, None)
    if isinstance(value, (int, float, complex)):
        return Output(line, source, name, text, "number", None, None, None, None)
    if isinstance(value, nn.Module):
        return Output(line, source, name, text, "module", None, None, None, None)
    if isinstance(value, str):
        return Output(line, source, name, text, "text", None, None, None, None)
    return Output(line, source, name, text, "other", None, None, None, None)
