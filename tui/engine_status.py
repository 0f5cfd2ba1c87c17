"""Whether PyTorch has loaded in the engine's process, and how a widget reaches that engine.

The app holds both: ``engine``, the client of the worker process that runs every computation,
and ``engine_status``, a reactive that the lesson panes watch (they compute once it is ready,
and say so if it failed). What the worker answers is checked for its type (``expect``).
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import Enum
from typing import TYPE_CHECKING, TypeVar, cast

if TYPE_CHECKING:  # Textual only in annotations: the served start (``tui.served_start``) runs before it imports
    from textual.dom import DOMNode

    from engine.blocks import LessonResult
    from engine.lesson import Lesson
    from engine.worker.client import Client
    from tui.app import TensorTutorApp


class EngineStatus(Enum):
    """Where the engine's start is: PyTorch's import takes a second or more after the first frame."""

    LOADING = "loading"
    READY = "ready"
    FAILED = "failed"


def tutor_app(node: DOMNode) -> TensorTutorApp:
    """``node.app`` as tensor-tutor's app (Textual types it as any ``App``)."""
    return cast("TensorTutorApp", node.app)


Answer = TypeVar("Answer")


def expect(answer: object, kind: type[Answer]) -> Answer:
    """``answer`` from the engine's worker, if it is a ``kind``: a worker that sent anything else has failed."""
    if not isinstance(answer, kind):
        raise TypeError(f"the engine answered with {type(answer).__name__} where {kind.__name__} was due")
    return answer


def compute_step(engine: Client, lesson: Lesson, step: str, values: Mapping[str, str]) -> LessonResult:
    """Step ``step`` of ``lesson`` for ``values``, computed in the engine's worker (raises what the call raised)."""
    from engine.blocks import LessonResult  # with the first result: the first frame shows none

    answer = engine.call("lesson", time_limit=lesson.time_limit, lesson=lesson.id, values=dict(values), step=step)
    return expect(answer, LessonResult)
