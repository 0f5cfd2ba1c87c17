"""tensor-tutor's engine: every tensor, number and error the app shows comes from here.

The engine never imports textual, and this package never imports torch: the
calls that run learner-influenced input (``compute``, ``evaluate``,
``apply_fix``, ``derivative``, ``curve``) run in a locked-down worker process
(``engine.worker``) and return the same plain data. The in-process versions,
which the worker runs, stay in ``engine.sandbox.evaluation``, ``engine.calculus`` and
``Lesson.compute``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, cast

from engine.blocks import LessonResult
from engine.errors import InputError
from engine.lesson import Action, Field, Lesson
from engine.outcomes import Curve, Evaluation, Fix, Output, Problem
from engine.parsing import parse_shape, parse_values
from engine.practice import Challenge, Judgement, Prediction, Verdict, challenges, judge, predictions
from engine.practice.model import CHECK_SECONDS
from engine.sandbox import limits
from engine.worker.client import EngineUnavailable, RunFailed, shared

if TYPE_CHECKING:
    from engine.catalog import LESSONS, lesson_by_id


def __getattr__(name: str) -> object:
    """``LESSONS`` and ``lesson_by_id`` on first use: lessons translate their texts when imported,
    so importing the engine must not import them before the app has chosen the language."""
    if name in ("LESSONS", "lesson_by_id"):
        from engine import catalog

        return getattr(catalog, name)
    raise AttributeError(f"module 'engine' has no attribute {name!r}")


def compute(lesson_id: str, values: Mapping[str, str], **arguments: object) -> LessonResult:
    """Lesson ``lesson_id``'s result for ``values``; raises ``InputError`` for bad input."""
    from engine.catalog import lesson_by_id

    limit = lesson_by_id(lesson_id).time_limit
    return cast(
        LessonResult, shared().call("lesson", time_limit=limit, lesson=lesson_id, values=dict(values), **arguments)
    )


def evaluate(source: str, *, seed: int = 0) -> Evaluation:
    """Run ``source`` in the safe subset from ``seed`` (``namespace`` stays in the worker: it is empty).

    The interpreter's limit is read here, so a caller that shortens ``limits.MAX_SECONDS`` shortens
    the worker's too.
    """
    if not isinstance(source, str):
        source = None  # type: ignore[assignment] - only text crosses; the worker refuses it in words
    seconds = limits.MAX_SECONDS
    return cast(
        Evaluation,
        shared().call(
            "evaluate", time_limit=seconds + limits.OVERRUN_SECONDS, source=source, seed=seed, seconds=seconds
        ),
    )


def check(challenge: Challenge, source: str) -> Verdict:
    """Whether ``source`` solves ``challenge``, found by running it on the challenge's inputs; never raises.

    The worker looks the challenge up by lesson and id in its own table: the
    reference it compares with never crosses from this process.
    """
    try:
        return cast(
            Verdict,
            shared().call(
                "check",
                time_limit=CHECK_SECONDS,
                lesson=challenge.lesson,
                challenge=challenge.id,
                source=source if isinstance(source, str) else None,
            ),
        )
    except (RunFailed, EngineUnavailable, OSError) as error:
        return Verdict(False, str(error))


def apply_fix(source: str, problem: Problem, fix: Fix) -> str:
    """``source`` with the failing statement replaced by ``fix.code``."""
    return cast(str, shared().call("apply_fix", source=source, problem=problem, fix=fix))


def derivative(expression: str, x: float, *, label: str = "f(x)") -> float:
    """d/dx of ``expression`` at ``x``, by autograd."""
    return cast(float, shared().call("derivative", expression=expression, x=x, label=label))


def curve(expression: str, lo: float, hi: float, points: int = 201, *, label: str = "f(x)") -> Curve:
    """``expression`` and its slope sampled at ``points`` points from ``lo`` to ``hi``."""
    return cast(Curve, shared().call("curve", expression=expression, lo=lo, hi=hi, points=points, label=label))


__all__ = [
    "LESSONS",
    "Action",
    "Challenge",
    "Judgement",
    "Prediction",
    "Verdict",
    "Curve",
    "Evaluation",
    "Field",
    "Fix",
    "InputError",
    "Lesson",
    "LessonResult",
    "Output",
    "Problem",
    "RunFailed",
    "apply_fix",
    "challenges",
    "check",
    "judge",
    "predictions",
    "compute",
    "curve",
    "derivative",
    "evaluate",
    "lesson_by_id",
    "parse_shape",
    "parse_values",
]
