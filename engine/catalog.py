"""The lessons, in the tutorial's order: each declared in ``engine/lessons/<name>/spec.py``.

This module imports no torch: the app lists the lessons and lays out their
fields while PyTorch is still loading. Adding a lesson is a new package there
and one line here.
"""

from __future__ import annotations

from engine.lesson import Action, Field, Lesson
from engine.lessons.bridge.spec import LESSON as BRIDGE
from engine.lessons.derivatives.spec import LESSON as DERIVATIVES
from engine.lessons.layer.spec import LESSON as LAYER
from engine.lessons.matmul.spec import LESSON as MATMUL
from engine.lessons.network.spec import LESSON as NETWORK
from engine.lessons.playground.spec import LESSON as PLAYGROUND
from engine.lessons.tensors.spec import LESSON as TENSORS

LESSONS: tuple[Lesson, ...] = (TENSORS, MATMUL, BRIDGE, DERIVATIVES, LAYER, NETWORK, PLAYGROUND)

_BY_ID = {lesson.id: lesson for lesson in LESSONS}


def lesson_by_id(lesson_id: str) -> Lesson:
    """The lesson with ``lesson_id``; raises KeyError for an unknown id."""
    return _BY_ID[lesson_id]


__all__ = ["LESSONS", "Action", "Field", "Lesson", "lesson_by_id"]
