"""What a worker can be asked to do: a fixed table from request names to engine functions.

A request is a name and an object of keyword arguments; a new kind of call
(checking a challenge, say) is one more entry here. Arguments and results
cross as plain data (``engine.worker.codec``). This module runs in the worker,
where torch is imported.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from engine import calculus, export
from engine.blocks import LessonResult
from engine.catalog import lesson_by_id
from engine.practice import checking
from engine.sandbox import evaluation


def compute_lesson(lesson: str, values: Mapping[str, str], step: str | int | None = None) -> LessonResult:
    """Step ``step`` of lesson ``lesson`` for ``values`` (``Lesson.compute``)."""
    return lesson_by_id(lesson).compute(values, step=step)


CALLS: Mapping[str, Callable[..., object]] = {
    "lesson": compute_lesson,
    "evaluate": evaluation.evaluate,
    "apply_fix": evaluation.apply_fix,
    "derivative": calculus.derivative,
    "curve": calculus.curve,
    "export_result": export.export_result,
    "playground_code": export.playground_code,
    "check": checking.check,
}
