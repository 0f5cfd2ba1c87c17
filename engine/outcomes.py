"""What an evaluation returns: plain frozen data, importable without torch.

``engine.sandbox.evaluation`` builds these in the worker process; the app and
``engine.evaluate`` receive them through ``engine.worker.codec``, so this module
must not import torch or NumPy.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import NamedTuple


@dataclass(frozen=True)
class Output:
    """One shown result: a bound name, or an expression's value, or printed text."""

    line: int
    source: str
    name: str | None
    text: str
    kind: str
    shape: tuple[int, ...] | None
    dtype: str | None
    requires_grad: bool | None
    grad_fn: str | None


@dataclass(frozen=True)
class Fix:
    """A rewrite of the failing statement that has been run and works."""

    code: str
    note: str
    shape: tuple[int, ...] | None
    label: str
    target: str = ""
    """The name the rewritten statement binds, whose shape ``shape`` is ("" for a bare expression)."""


@dataclass(frozen=True)
class Problem:
    """Why a statement failed: the library's words, plain words, and fixes that work.

    ``span`` holds the failing statement's character offsets in the source, so a
    fix can replace exactly that statement (``apply_fix``); ``highlights`` the
    character spans of the clashing sizes in ``explanation``, which the doctor
    marks as it writes the sentence (in any language).
    """

    message: str
    kind: str
    line: int
    source: str
    explanation: str
    fixes: tuple[Fix, ...]
    span: tuple[int, int] | None = None
    highlights: tuple[tuple[int, int], ...] = ()


@dataclass(frozen=True)
class Evaluation:
    """Everything one run produced: outputs up to the first error, the error, the final names.

    ``warnings`` holds the text of any warning torch or NumPy raised, which would
    otherwise be written to the terminal behind the app.
    """

    outputs: tuple[Output, ...]
    error: Problem | None
    namespace: Mapping[str, object]
    warnings: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return self.error is None


class Curve(NamedTuple):
    """A function sampled over a range: ``None`` marks where it (or its slope) is undefined."""

    xs: tuple[float, ...]
    ys: tuple[float | None, ...]
    slopes: tuple[float | None, ...]
