"""Practice: the lessons' challenges and predictions, by lesson (no torch here: the data is in each lesson's package).

Checking a challenge runs code, so it happens in the worker
(``engine.practice.checking``); the public ``engine.check`` sends it there.
"""

from __future__ import annotations

from functools import cache

from engine.i18n import _
from engine.lesson import Goal, Lesson, Step
from engine.practice.model import (
    FAILS,
    Challenge,
    Judgement,
    Misconception,
    Prediction,
    Trial,
    Verdict,
    choice_text,
    judge,
)

CHALLENGE_PREFIX = "challenge-"
"""A challenge's step id is this and the challenge's id (no clash with a lesson's own step ids)."""


@cache
def _tables() -> tuple[dict[str, tuple[Challenge, ...]], dict[str, tuple[Prediction, ...]]]:
    """Every lesson's challenges and predictions, read from the lessons' packages on first use."""
    from engine.lessons.bridge import challenges as bridge
    from engine.lessons.derivatives import challenges as derivatives
    from engine.lessons.layer import challenges as layer
    from engine.lessons.matmul import challenges as matmul
    from engine.lessons.network import challenges as network
    from engine.lessons.tensors import challenges as tensors

    found: dict[str, tuple[Challenge, ...]] = {}
    asked: dict[str, tuple[Prediction, ...]] = {}
    for module in (tensors, matmul, bridge, derivatives, layer, network):
        for item in module.CHALLENGES:
            found[item.lesson] = found.get(item.lesson, ()) + (item,)
        for question in module.PREDICTIONS:
            asked[question.lesson] = asked.get(question.lesson, ()) + (question,)
    return found, asked


def challenges(lesson_id: str) -> tuple[Challenge, ...]:
    """Lesson ``lesson_id``'s challenges in order (none for a lesson without any)."""
    return _tables()[0].get(lesson_id, ())


def predictions(lesson_id: str) -> tuple[Prediction, ...]:
    """Lesson ``lesson_id``'s prediction steps in order."""
    return _tables()[1].get(lesson_id, ())


def challenge(lesson_id: str, challenge_id: str) -> Challenge:
    """One challenge by lesson and id; raises KeyError for an unknown one."""
    for candidate in challenges(lesson_id):
        if candidate.id == challenge_id:
            return candidate
    raise KeyError(challenge_id)


def prediction(lesson_id: str, prediction_id: str) -> Prediction:
    """One prediction by lesson and id; raises KeyError for an unknown one."""
    for candidate in predictions(lesson_id):
        if candidate.id == prediction_id:
            return candidate
    raise KeyError(prediction_id)


def _solved(values: object, measures: object) -> bool:
    return False  # the app marks a challenge's goal met when a check passes


def _predicted(values: object, measures: object) -> bool:
    return False  # the app marks a prediction's goal met once the answer is shown


def steps(lesson: Lesson) -> tuple[Step, ...]:
    """All the steps of ``lesson`` on screen: its own, then its predictions, then its challenges."""
    asked = tuple(
        Step(
            question.id,
            question.title,
            question.question,
            (),
            Goal(_("Pick what you expect, then see what PyTorch does."), _("Predicted, then seen."), _predicted),
            kind="predict",
        )
        for question in predictions(lesson.id)
    )
    written = tuple(
        Step(
            CHALLENGE_PREFIX + item.id,
            item.title,
            item.prompt,
            (),
            Goal(_("Write the code; ctrl+s checks it."), _("Solved."), _solved),
            kind="challenge",
        )
        for item in challenges(lesson.id)
    )
    return lesson.steps + asked + written


def for_step(lesson_id: str, step: Step) -> Challenge | Prediction | None:
    """The challenge or prediction a step of ``steps`` shows (None for a lesson's own step)."""
    if step.kind == "challenge":
        return challenge(lesson_id, step.id.removeprefix(CHALLENGE_PREFIX))
    if step.kind == "predict":
        return prediction(lesson_id, step.id)
    return None


__all__ = [
    "CHALLENGE_PREFIX",
    "FAILS",
    "Challenge",
    "Judgement",
    "Misconception",
    "Prediction",
    "Trial",
    "Verdict",
    "challenge",
    "challenges",
    "choice_text",
    "for_step",
    "judge",
    "prediction",
    "predictions",
    "steps",
]
