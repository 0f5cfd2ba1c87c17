"""The shape doctor: plain words for a failed statement, and rewrites of it that work.

``prescribe`` looks at what failed (the node, the operation and its operand
values, recorded by the interpreter) and proposes candidate rewrites of the
failing statement. Each candidate is run by the caller's ``trial`` function
(the whole program again, from the same seed, with the statement rewritten),
and only candidates whose statement then runs are returned, with the shape
the rewritten statement produced.

The diagnoses live in families: ``products`` (matrix products, layers), ``shapes``
(broadcasting, view and reshape) and ``training`` (dtypes, loss targets, autograd);
``words`` holds the sentences they share and ``rewrites`` the candidate fixes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from engine.positions import Positions
from engine.sandbox.doctor.case import is_array
from engine.sandbox.doctor.products import Products
from engine.sandbox.doctor.rewrites import Candidate, Rewriter
from engine.sandbox.doctor.shapes import Shapes
from engine.sandbox.doctor.training import TrainingLoop
from engine.sandbox.doctor.words import explain, explain_warning
from engine.sandbox.interpreter import Failure
from engine.sandbox.marks import Span, unmark

__all__ = ["Candidate", "Prescription", "Trial", "explain", "explain_warning", "prescribe"]

MAX_FIXES = 4
"""Most fixes shown for one problem: the first ones that work, in order of preference."""


MATMUL_OPS = frozenset(
    "@ @= torch.matmul torch.mm torch.bmm torch.mv torch.dot .matmul .mm .bmm .mv .dot "
    "np.dot np.matmul np.inner".split()
)


@dataclass(frozen=True)
class Trial:
    """What happened when a rewritten program ran: did the statement run, and what did it make."""

    succeeded: bool
    value: object = None


@dataclass(frozen=True)
class Prescription:
    """The plain words for a failure, where its clashing sizes are in them, and the fixes that ran."""

    explanation: str
    fixes: tuple[tuple[Candidate, tuple[int, ...] | None], ...]
    highlights: tuple[Span, ...] = ()


class Diagnosis(Products, Shapes, TrainingLoop):
    """Picks the family, and the diagnosis in it, that a failure's operation and message call for."""

    def diagnose(self) -> tuple[str, list[Candidate]]:
        op, message = self.failure.op, self.message
        if op == "layer" and isinstance(self.failure.target, nn.Linear):
            return self.linear()
        if "Cannot interpret" in message and "as a data type" in message and op.startswith("np."):
            return self.numpy_shape_tuple()
        if "Can't call numpy() on Tensor that requires grad" in message:
            return self.numpy_requires_grad()
        if "view size is not compatible" in message:
            return self.view_not_contiguous()
        if ("is invalid for input of size" in message) or ("cannot reshape array of size" in message):
            return self.element_count()
        if "grad can be implicitly created only for scalar outputs" in message:
            return self.backward_not_scalar()
        if op in MATMUL_OPS and len(self.values) >= 2 and all(is_array(v) for v in self.values[:2]):
            return self.matmul()
        if "must match the size of tensor" in message or "could not be broadcast together" in message:
            return self.broadcast()
        return self.beginner_errors()


def prescribe(
    exc: BaseException,
    failure: Failure | None,
    positions: Positions,
    trial: Callable[[str], Trial],
) -> Prescription:
    """Explain ``exc`` and return the candidate fixes that ``trial`` shows to work."""
    if failure is None or failure.statement is None or not isinstance(exc, Exception):
        return Prescription("", ())
    case = Diagnosis(exc, failure, Rewriter(positions, failure.statement))
    marked, candidates = case.diagnose()
    explanation, highlights = unmark(marked)
    fixes: list[tuple[Candidate, tuple[int, ...] | None]] = []
    seen: set[str] = set()
    labels: set[str] = set()
    for candidate in candidates:
        if len(fixes) == MAX_FIXES or candidate.code in seen:
            continue
        seen.add(candidate.code)
        outcome = trial(candidate.code)
        if outcome.succeeded:
            if candidate.label in labels and candidate.context:
                candidate = Candidate(candidate.context, candidate.code, candidate.note)
            labels.add(candidate.label)
            fixes.append((candidate, _shape_of(outcome.value)))
    return Prescription(explanation, tuple(fixes), highlights)


def _shape_of(value: object) -> tuple[int, ...] | None:
    if isinstance(value, (torch.Tensor, np.ndarray)):
        return tuple(value.shape)
    return None
