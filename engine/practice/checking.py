"""Checking a challenge by running it: the learner's code and the reference on the same inputs.

This runs in the worker process (it imports torch). For each of the
challenge's trials the trial's setup runs first, then the learner's code, in
the safe evaluator with its limits; the named results are compared with the
reference solution's run on the same inputs. The first difference becomes the
verdict, in the learner's names and numbers. Nothing here reads the learner's
text for meaning: code that types the expected numbers matches the first
trial at best, never the others.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import replace

import numpy as np
import torch
from torch import nn

from engine.blocks import shape_text
from engine.catalog import LESSONS
from engine.i18n import _
from engine.number_text import format_number
from engine.outcomes import Evaluation, Problem
from engine.practice import challenge as find_challenge
from engine.practice import challenges
from engine.practice.model import RUN_SECONDS, Challenge, Trial, Verdict
from engine.sandbox import limits
from engine.sandbox.evaluation import evaluate

_MISSING = object()

_REFERENCES: dict[tuple[str, str, int], Evaluation] = {}
"""The reference solution's run on each trial, made once per worker."""


def check(lesson: str, challenge: str, source: str) -> Verdict:
    """The verdict on ``source`` for challenge ``challenge`` of ``lesson``; never raises."""
    try:
        found = find_challenge(lesson, challenge)
    except (KeyError, TypeError):
        return Verdict(
            False,
            _("There is no challenge {challenge} in lesson {lesson}.", challenge=str(challenge), lesson=str(lesson)),
        )
    if not isinstance(source, str):
        return Verdict(False, _("The code to check must be text."))
    try:
        return check_challenge(found, source)
    except Exception as error:  # noqa: BLE001 - a verdict in words, whatever went wrong
        return Verdict(False, _("The check could not finish ({error}); try simpler code.", error=type(error).__name__))


def check_challenge(challenge: Challenge, source: str) -> Verdict:
    """Run ``source`` on every trial of ``challenge`` and compare its results with the reference's."""
    count = len(challenge.trials)
    for index, trial in enumerate(challenge.trials):
        learner = _run(trial, source, RUN_SECONDS)
        if learner.error is not None:
            problem = _own_lines(learner.error, trial.setup)
            where = _("Line {line}: ", line=problem.line) if problem.line > 0 else ""
            return Verdict(False, _on_trial(trial, index, where + problem.message), problem, index + 1)
        reference = _reference(challenge, index)
        for name in challenge.results + challenge.shapes:
            got = learner.namespace.get(name, _MISSING)
            want = reference.namespace[name]
            difference = (
                _shape_difference(name, got, want) if name in challenge.shapes else _difference(name, got, want)
            )
            if difference:
                return Verdict(False, _on_trial(trial, index, difference), None, index + 1)
    return Verdict(True, _("Solved: your code gives the reference's results on all {count} inputs.", count=count))


def _run(trial: Trial, source: str, seconds: float) -> Evaluation:
    return evaluate(trial.setup + "\n" + source, seed=trial.seed, seconds=seconds)


def _reference(challenge: Challenge, index: int) -> Evaluation:
    key = (challenge.lesson, challenge.id, index)
    if key not in _REFERENCES:
        run = _run(challenge.trials[index], challenge.solution, limits.MAX_SECONDS)
        if run.error is not None:
            raise RuntimeError(f"the reference solution of {challenge.id} fails: {run.error.message}")
        _REFERENCES[key] = run
    return _REFERENCES[key]


def _own_lines(problem: Problem, setup: str) -> Problem:
    """``problem`` with its line and span counted in the learner's code, not the setup before it."""
    lines = setup.count("\n") + 1
    offset = len(setup) + 1
    line = problem.line - lines if problem.line > lines else 0
    span = None
    if problem.span is not None and problem.span[0] >= offset:
        span = (problem.span[0] - offset, problem.span[1] - offset)
    return replace(problem, line=line, span=span)


def _on_trial(trial: Trial, index: int, detail: str) -> str:
    if index == 0:
        return detail
    return _(
        "Right for the inputs given, but not with {inputs}: {detail} Compute from the names, not typed numbers.",
        inputs=trial.named,
        detail=detail,
    )


def _difference(name: str, got: object, want: object) -> str:
    """What is wrong with ``got`` as ``name``, whose reference value is ``want`` ("" when nothing)."""
    if got is _MISSING:
        return _("Your code does not set {name} yet.", name=name)
    if isinstance(want, nn.Module):
        return _module_difference(name, got, want)
    if isinstance(want, (torch.Tensor, np.ndarray)):
        return _array_difference(name, got, want)
    if isinstance(want, (bool, int, float)):
        return _number_difference(name, got, want)
    if got != want:
        return _("{name} is {got}; it should be {want}.", name=name, got=_short(got), want=_short(want))
    return ""


def _kind(value: object) -> str:
    if isinstance(value, torch.Tensor):
        return _("a tensor")
    if isinstance(value, np.ndarray):
        return _("a NumPy array")
    if isinstance(value, nn.Module):
        return _("a module")
    if isinstance(value, (bool, int, float)):
        return _("a number")
    return _("a {kind}", kind=type(value).__name__)


def _module_difference(name: str, got: object, want: nn.Module) -> str:
    if not isinstance(got, nn.Module):
        return _("{name} is {kind}; it should be a module (an nn.Module).", name=name, kind=_kind(got))
    have, need = _parameters(got), _parameters(want)
    if have > need:
        return _(
            "{name} has {count} parameters, {difference} too many.",
            name=name,
            count=format_number(have),
            difference=format_number(have - need),
        )
    if have < need:
        return _(
            "{name} has {count} parameters, {difference} too few.",
            name=name,
            count=format_number(have),
            difference=format_number(need - have),
        )
    return ""


def _parameters(module: nn.Module) -> int:
    return sum(parameter.numel() for parameter in module.parameters())


def _array_difference(name: str, got: object, want: torch.Tensor | np.ndarray) -> str:
    if type(got) is not type(want) and not (isinstance(got, torch.Tensor) and isinstance(want, torch.Tensor)):
        return _("{name} is {kind}; it should be {wanted}.", name=name, kind=_kind(got), wanted=_kind(want))
    assert isinstance(got, (torch.Tensor, np.ndarray))
    if tuple(got.shape) != tuple(want.shape):
        return _(
            "{name} has shape {got}; it should be {want}.",
            name=name,
            got=shape_text(tuple(got.shape)),
            want=shape_text(tuple(want.shape)),
        )
    got_dtype, want_dtype = _dtype_text(got), _dtype_text(want)
    if got_dtype != want_dtype:
        return _("{name} is {got}; it should be {want}.", name=name, got=got_dtype, want=want_dtype)
    mine = torch.as_tensor(got.detach() if isinstance(got, torch.Tensor) else got).to(torch.float64)
    theirs = torch.as_tensor(want.detach() if isinstance(want, torch.Tensor) else want).to(torch.float64)
    close = torch.isclose(mine, theirs, rtol=1e-5, atol=1e-6, equal_nan=True)
    if bool(close.all()):
        return ""
    where = tuple(int(i) for i in torch.nonzero(~close)[0].tolist())
    index = "[" + ", ".join(str(i) for i in where) + "]" if where else ""
    return _(
        "{name}{index} is {got}; it should be {want}.",
        name=name,
        index=index,
        got=format_number(float(mine[where])),
        want=format_number(float(theirs[where])),
    )


def _dtype_text(value: torch.Tensor | np.ndarray) -> str:
    return str(value.dtype) if isinstance(value, torch.Tensor) else f"{value.dtype} (NumPy)"


def _number_difference(name: str, got: object, want: float) -> str:
    if isinstance(got, torch.Tensor) and got.numel() == 1:
        got = got.detach().item()  # a one-number tensor is the number it holds
    if isinstance(got, np.generic):
        got = got.item()
    if not isinstance(got, (bool, int, float)):
        return _("{name} is {kind}; it should be a number.", name=name, kind=_kind(got))
    if math.isclose(float(got), float(want), rel_tol=1e-5, abs_tol=1e-6) or (math.isnan(got) and math.isnan(want)):
        return ""
    return _("{name} is {got}; it should be {want}.", name=name, got=format_number(got), want=format_number(want))


def _shape_difference(name: str, got: object, want: object) -> str:
    if got is _MISSING:
        return _("Your code does not set {name} yet.", name=name)
    have, need = getattr(got, "shape", None), getattr(want, "shape", None)
    if have is None or need is None:
        return _("{name} is {kind}; it should be {wanted}.", name=name, kind=_kind(got), wanted=_kind(want))
    if tuple(have) != tuple(need):
        return _(
            "{name} has shape {got}; it should be {want}.",
            name=name,
            got=shape_text(tuple(have)),
            want=shape_text(tuple(need)),
        )
    return ""


def _short(value: object) -> str:
    text = repr(value) if isinstance(value, (str, tuple, list)) else _kind(value)
    return text if len(text) <= 40 else text[:39] + "…"


def warm() -> None:
    """Run every challenge's reference on every trial (the zygote does, before it forks workers)."""
    for lesson in LESSONS:
        for challenge in challenges(lesson.id):
            for index in range(len(challenge.trials)):
                _reference(challenge, index)


def reference_values(challenge: Challenge, index: int = 0) -> Mapping[str, object]:
    """The reference solution's names on trial ``index`` (live values, for tests and benchmarks in this process)."""
    return _reference(challenge, index).namespace
