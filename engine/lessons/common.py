"""Helpers lessons share: turning an evaluation into blocks."""

from __future__ import annotations

import torch

from engine.blocks import Block, FixChoice, ProblemView, Value
from engine.i18n import _
from engine.outcomes import Evaluation, Output, Problem


def value_block(output: Output, title: str | None = None, note: str = "") -> Value:
    """A statement's output as a ``Value`` block titled with its name (or its code)."""
    return Value(
        title=title or output.name or output.source,
        text=output.text,
        shape=output.shape,
        dtype=output.dtype,
        note=note,
    )


def tensors_named(evaluation: Evaluation, *names: str) -> list[torch.Tensor] | None:
    """The tensors the run left under ``names``, in order; None if any of them is missing or not a tensor."""
    found = [evaluation.namespace.get(name) for name in names]
    tensors = [value for value in found if isinstance(value, torch.Tensor)]
    return tensors if len(tensors) == len(names) else None


def outputs_by_name(evaluation: Evaluation) -> dict[str, Output]:
    """The last output bound to each name."""
    return {o.name: o for o in evaluation.outputs if o.name}


def problem_block(
    problem: Problem,
    fixes: tuple[FixChoice, ...] = (),
    expected: bool = False,
    explanation: str | None = None,
) -> ProblemView:
    """An evaluation's problem as a block, the clashing sizes the doctor marked highlighted.

    ``fixes`` are the lesson's own choices (the doctor's fixes mapped onto its
    fields); ``explanation`` replaces the doctor's when given. ``expected`` marks the
    error the step sets out to show; any other one (the learner's values caused it)
    is never left without words of explanation.
    """
    text = problem.explanation if explanation is None else explanation
    highlights = problem.highlights if text == problem.explanation else ()
    if not expected and not text:
        text = _(
            "Your values caused this, not the lesson: the words above are the library's own. "
            "Change the value they are about, or go back to the step's default."
        )
    return ProblemView(
        kind=problem.kind,
        message=problem.message,
        source=problem.source,
        explanation=text,
        fixes=fixes,
        expected=expected,
        highlights=highlights,
    )


def error_blocks(evaluation: Evaluation) -> list[Block]:
    """A block for the evaluation's problem, or nothing when it ran."""
    return [] if evaluation.error is None else [problem_block(evaluation.error)]
