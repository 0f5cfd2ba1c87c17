"""What a lesson's result is made of: plain, frozen blocks the app renders in order.

Blocks hold text and numbers only (no tensors), so the app can render them
without importing torch. A new kind of content is a new block class here plus
one widget in ``tui/widgets/blocks.py``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

Measures = Mapping[str, float | int | str | bool | None]
"""Plain numbers and words a step's result reports for its goal to check (``{"y": 0.303}``)."""


def shape_text(shape: tuple[int, ...]) -> str:
    """A shape as Python writes a tuple: ``(2, 3)``, ``(10,)``, ``()``; the one shape formatter."""
    return "(" + ", ".join(str(d) for d in shape) + ("," if len(shape) == 1 else "") + ")"


@dataclass(frozen=True)
class Prose:
    """A short paragraph of explanation."""

    text: str


@dataclass(frozen=True)
class Fact:
    """A takeaway worth remembering, shown highlighted; ``tone`` is "info" or "warning"."""

    text: str
    tone: str = "info"


@dataclass(frozen=True)
class Code:
    """Python code that ran, shown highlighted."""

    source: str
    title: str = ""


@dataclass(frozen=True)
class Value:
    """One printed value (a tensor, an array, a number) with what describes it."""

    title: str
    text: str
    shape: tuple[int, ...] | None = None
    dtype: str | None = None
    note: str = ""

    @property
    def caption(self) -> str:
        """A one-line description: shape and dtype, then any note."""
        parts = []
        if self.shape is not None:
            parts.append(shape_text(self.shape))
        if self.dtype:
            parts.append(self.dtype)
        if self.note:
            parts.append(self.note)
        return "  ".join(parts)


@dataclass(frozen=True)
class Columns:
    """Blocks side by side when the pane is wide enough, stacked when it is not."""

    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class FixChoice:
    """A fix the learner can apply: ``values`` are the field values that apply it."""

    label: str
    note: str
    shape: tuple[int, ...] | None
    values: Mapping[str, str]
    of: str = ""
    """Whose shape ``shape`` is: the name the fixed statement assigns (``z``), "" for its bare result."""


@dataclass(frozen=True)
class ProblemView:
    """An error PyTorch or NumPy raised, explained, with the fixes that were verified to work."""

    kind: str
    message: str
    source: str
    explanation: str
    fixes: tuple[FixChoice, ...] = ()
    expected: bool = True
    """True when the lesson meant to show this error (it is the point being taught)."""
    highlights: tuple[tuple[int, int], ...] = ()
    """Character spans of ``explanation`` to emphasise: the sizes or dtypes that clash."""


@dataclass(frozen=True)
class Table:
    """Rows of text under headers."""

    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Series:
    """One line on a chart; ``None`` in ``ys`` leaves a gap (a singularity, a log of a negative)."""

    label: str
    xs: tuple[float, ...]
    ys: tuple[float | None, ...]
    marker: str = "braille"


@dataclass(frozen=True)
class Chart:
    """A line chart: series over an x range, with optional highlighted points."""

    title: str
    series: tuple[Series, ...]
    x_range: tuple[float, float]
    y_range: tuple[float, float]
    points: tuple[tuple[float, float], ...] = ()
    x_label: str = "x"
    y_label: str = ""
    height: int = 12
    """Rows for the plot itself (title and legend come on top), so a step can size its one chart to fit."""


Block = Prose | Fact | Code | Value | Columns | ProblemView | Table | Chart


@dataclass(frozen=True)
class LessonResult:
    """Everything a lesson shows for one set of field values.

    ``source`` is the code that produced the numbers (one source of truth for the
    code block, the export and the Playground). ``actions`` maps an action name to
    the field values it leads to, computed with the result so the app needs no
    engine call to apply it. ``measures`` are what the step's goal checks;
    ``goal_met`` is its verdict (None for a step without a goal), set by
    ``Lesson.compute`` together with ``step``, the id of the step computed.
    """

    blocks: tuple[Block, ...]
    source: str = ""
    actions: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    measures: Measures = field(default_factory=dict)
    step: str = ""
    goal_met: bool | None = None
