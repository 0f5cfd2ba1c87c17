"""A lesson is data: its fields, its steps with their goals, and the engine module that computes it.

Lessons are declared without importing torch (each in ``engine/lessons/<name>/spec.py``),
so the app can list them and lay out their fields before PyTorch has loaded.
``Lesson.compute`` imports the lesson's compute module (and so torch) only when a
result is first needed. Every text here is already translated (``engine.i18n._``).

A lesson is a short sequence of ``Step``: one screen each, with the fields it
needs and a ``Goal`` the engine checks as a pure function of the field values
and the step's result (its ``measures``). Goals guide; they never block.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, TypeVar

from engine.errors import InputError

if TYPE_CHECKING:  # the result types load with the first result, not with the lesson list
    from engine.blocks import LessonResult, Measures

T = TypeVar("T")


@dataclass(frozen=True)
class Field:
    """One editable value of a lesson.

    ``choices`` makes a pick-list; ``step`` makes a number that up/down change
    (shift for ten steps); ``multiline`` makes a code editor. Otherwise it is a
    one-line text input.
    """

    name: str
    label: str
    default: str
    help: str = ""
    choices: tuple[str, ...] = ()
    step: float | None = None
    multiline: bool = False
    width: int = 10
    words: tuple[str, ...] = ()
    """The choices that are words, not code ("none", "by hand"): the pick-list shows them translated (``N_``)."""


@dataclass(frozen=True)
class Action:
    """Something a key does in a lesson besides editing a field (e.g. take a step)."""

    name: str
    key: str
    description: str
    button: str = ""
    """A short label for the action's button ("step"), which shows its key beside it."""


GoalCheck = Callable[[Mapping[str, str], "Measures"], bool]
"""Whether a goal is met, from the field values and the step result's measures."""


@dataclass(frozen=True)
class Goal:
    """What the learner is asked to do on a step, and what they learn when it is done."""

    text: str
    done: str
    check: GoalCheck


@dataclass(frozen=True)
class Step:
    """One screen of a lesson.

    ``kind`` says how the pane lays it out: "explore" (fields, code, result);
    later kinds (a challenge in the editor, a prediction) reuse the same frame.
    """

    id: str
    heading: str
    prose: str
    fields: tuple[str, ...]
    goal: Goal | None = None
    actions: tuple[str, ...] = ()
    kind: str = "explore"


@dataclass(frozen=True)
class Lesson:
    """A lesson: ``module`` names an engine module with ``run(values, step) -> LessonResult``."""

    id: str
    number: int
    title: str
    summary: str
    fields: tuple[Field, ...]
    module: str
    actions: tuple[Action, ...] = ()
    steps: tuple[Step, ...] = ()
    time_limit: float | None = None
    """Seconds a computation may take in the worker before it is killed; None: the engine's default (2 s).
    The Playground's code may run longer, with a note on screen and a key that stops it."""

    def defaults(self) -> dict[str, str]:
        """The field values a lesson starts with."""
        return {f.name: f.default for f in self.fields}

    def step(self, step: str | int | None = None) -> Step:
        """A step by id or 0-based index (the first when None); raises KeyError for an unknown one."""
        if step is None:
            return self.steps[0]
        if isinstance(step, int):
            if not 0 <= step < len(self.steps):
                raise KeyError(step)
            return self.steps[step]
        for candidate in self.steps:
            if candidate.id == step:
                return candidate
        raise KeyError(step)

    def step_index(self, step_id: str) -> int:
        """The 0-based position of step ``step_id``."""
        return self.steps.index(self.step(step_id))

    def action(self, name: str) -> Action:
        """The action called ``name``."""
        return next(action for action in self.actions if action.name == name)

    def compute(self, values: Mapping[str, str], step: str | int | None = None) -> LessonResult:
        """Run step ``step`` (id or index; the first when None) for ``values``; raises ``InputError``.

        The result says whether the step's goal is met, so the caller (the app, a
        worker process) needs nothing but the result to show it.
        """
        chosen = self.step(step)
        module = importlib.import_module(self.module)
        defaults = self.defaults()
        merged = {**defaults, **{k: v for k, v in values.items() if k in defaults}}
        result: LessonResult = module.run(merged, chosen.id)
        met = None if chosen.goal is None else bool(chosen.goal.check(merged, result.measures))
        return replace(result, step=chosen.id, goal_met=met)


def read(values: Mapping[str, str], name: str, parse: Callable[..., T], *args: object) -> T:
    """``parse(values[name], *args)``, with any ``InputError`` shown under field ``name``.

    The one way lessons read a field, so every message lands under the field it is about.
    """
    try:
        return parse(values[name], *args)
    except InputError as error:
        raise error.for_field(name) from None
