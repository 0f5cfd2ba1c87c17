"""tensor-tutor's engine: every tensor, number and error the app shows comes from here.

The engine never imports textual, and this package never imports torch: the
calls that run learner-influenced input (``compute``, ``evaluate``,
``apply_fix``, ``derivative``, ``curve``) run in a locked-down worker process
(``engine.worker``) and return the same plain data. The in-process versions,
which the worker runs, stay in ``engine.evaluation``, ``engine.calculus`` and
``Lesson.compute``.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from typing import TYPE_CHECKING, cast

if TYPE_CHECKING:
    from engine.blocks import LessonResult
    from engine.catalog import LESSONS, lesson_by_id
    from engine.errors import InputError
    from engine.lesson import Action, Field, Lesson
    from engine.outcomes import Curve, Evaluation, Fix, Output, Problem
    from engine.parsing import parse_shape, parse_values
    from engine.practice import Challenge, Judgement, Prediction, Verdict, challenges, judge, predictions
    from engine.worker.client import Client, RunFailed

_HOMES = {
    "limits": "engine.sandbox.limits",
    "LessonResult": "engine.blocks",
    "LESSONS": "engine.catalog",
    "lesson_by_id": "engine.catalog",
    "InputError": "engine.errors",
    "Action": "engine.lesson",
    "Field": "engine.lesson",
    "Lesson": "engine.lesson",
    "Curve": "engine.outcomes",
    "Evaluation": "engine.outcomes",
    "Fix": "engine.outcomes",
    "Output": "engine.outcomes",
    "Problem": "engine.outcomes",
    "parse_shape": "engine.parsing",
    "parse_values": "engine.parsing",
    "Challenge": "engine.practice",
    "Judgement": "engine.practice",
    "Prediction": "engine.practice",
    "Verdict": "engine.practice",
    "challenges": "engine.practice",
    "judge": "engine.practice",
    "predictions": "engine.practice",
    "RunFailed": "engine.worker.client",
    "EngineUnavailable": "engine.worker.client",
}
"""Where each public name lives. Importing a submodule (``engine.i18n`` before the app's first paint)
imports this package first, so it loads nothing until a name is asked for; and the lessons translate
their texts when imported, so ``LESSONS`` must not load before the app has chosen the language."""


def __getattr__(name: str) -> object:
    """A public name from its module, imported on first use."""
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'engine' has no attribute {name!r}")
    module = importlib.import_module(home)
    value = module if home.rpartition(".")[2] == name else getattr(module, name)
    globals()[name] = value
    return value


def _client() -> Client:
    from engine.worker.client import shared

    return shared()


def compute(lesson_id: str, values: Mapping[str, str], **arguments: object) -> LessonResult:
    """Lesson ``lesson_id``'s result for ``values``; raises ``InputError`` for bad input."""
    from engine.catalog import lesson_by_id

    limit = lesson_by_id(lesson_id).time_limit
    return cast(
        "LessonResult", _client().call("lesson", time_limit=limit, lesson=lesson_id, values=dict(values), **arguments)
    )


def evaluate(source: str, *, seed: int = 0) -> Evaluation:
    """Run ``source`` in the safe subset from ``seed`` (``namespace`` stays in the worker: it is empty).

    The interpreter's limit is read here, so a caller that shortens ``limits.MAX_SECONDS`` shortens
    the worker's too.
    """
    from engine.sandbox import limits

    sent = source if isinstance(source, str) else None  # only text crosses; the worker refuses None in words
    seconds = limits.MAX_SECONDS
    return cast(
        "Evaluation",
        _client().call(
            "evaluate", time_limit=seconds + limits.OVERRUN_SECONDS, source=sent, seed=seed, seconds=seconds
        ),
    )


def check(challenge: Challenge, source: str) -> Verdict:
    """Whether ``source`` solves ``challenge``, found by running it on the challenge's inputs; never raises.

    The worker looks the challenge up by lesson and id in its own table: the
    reference it compares with never crosses from this process.
    """
    from engine.practice import Verdict
    from engine.practice.model import CHECK_SECONDS
    from engine.worker.client import EngineUnavailable, RunFailed

    try:
        return cast(
            "Verdict",
            _client().call(
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
    return cast(str, _client().call("apply_fix", source=source, problem=problem, fix=fix))


def derivative(expression: str, x: float, *, label: str = "f(x)") -> float:
    """d/dx of ``expression`` at ``x``, by autograd."""
    return cast(float, _client().call("derivative", expression=expression, x=x, label=label))


def curve(expression: str, lo: float, hi: float, points: int = 201, *, label: str = "f(x)") -> Curve:
    """``expression`` and its slope sampled at ``points`` points from ``lo`` to ``hi``."""
    return cast("Curve", _client().call("curve", expression=expression, lo=lo, hi=hi, points=points, label=label))


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
