"""A lesson is data: its fields, its prose, and the engine module that computes it.

Lessons are declared without importing torch, so the app can list them and lay
out their fields before PyTorch has loaded. ``Lesson.compute`` imports the
lesson's module (and so torch) only when a result is first needed.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Mapping

from engine.blocks import LessonResult


@dataclass(frozen=True)
class Field:
    """One editable value of a lesson.

    ``choices`` makes a pick-list; ``step`` makes a number that left/right change
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


@dataclass(frozen=True)
class Action:
    """Something a key does in a lesson besides editing a field (e.g. take a step)."""

    name: str
    key: str
    description: str


@dataclass(frozen=True)
class Lesson:
    """A lesson: ``module`` names an engine module with ``run(values) -> LessonResult``."""

    id: str
    number: int
    title: str
    summary: str
    fields: tuple[Field, ...]
    module: str
    actions: tuple[Action, ...] = ()

    def defaults(self) -> dict[str, str]:
        """The field values a lesson starts with."""
        return {f.name: f.default for f in self.fields}

    def compute(self, values: Mapping[str, str]) -> LessonResult:
        """Run the lesson for ``values``; raises ``InputError`` for bad input."""
        module = importlib.import_module(self.module)
        merged = {**self.defaults(), **{k: v for k, v in values.items() if k in self.defaults()}}
        return module.run(merged)
