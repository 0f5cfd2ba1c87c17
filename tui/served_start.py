"""A served engine reached, and the first lesson computed, while the app's modules still import.

Reaching ``tensor-tutor serve`` is a connection and one call (the server forks the
worker, which computes in some 10 ms), mostly spent waiting on the socket; importing
Textual and the app takes 200 ms or more of the app's own CPU. Started before those
imports (``tui.__main__``), the two overlap, and the app is built with its first
result in hand: its first frame shows lesson 1's tensor. Nothing here imports
Textual, so that it can start first.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from engine.catalog import LESSONS
from engine.lesson import Lesson
from engine.practice import steps
from engine.worker.client import Client
from tui.engine_status import compute_step
from tui.state import State

if TYPE_CHECKING:
    from engine.blocks import LessonResult

Request = tuple[Lesson, str, dict[str, str]]
"""What a pane asks the engine to compute: the lesson, the step's id and the field values."""

EarlyResult = tuple[tuple[str, str, dict[str, str]], "LessonResult"]
"""A result computed before its pane asked, with what it is for: (lesson id, step id, values)."""


def first_lesson(state: State) -> Lesson:
    """The lesson the learner was on last time (the first one on a fresh start, or if it is gone)."""
    return next((lesson for lesson in LESSONS if lesson.id == state.lesson), LESSONS[0])


def first_request(state: State) -> Request | None:
    """What the first lesson's pane computes first: its saved step, with its saved values.

    None for a step that computes nothing. The pane builds the same step and values from the same state,
    and is given the early result only if its inputs are these.
    """
    lesson = first_lesson(state)
    every = steps(lesson)
    step = every[min(max(state.step_of(lesson.id), 0), len(every) - 1)]
    if step.kind != "explore":
        return None
    return lesson, step.id, {**lesson.defaults(), **(state.values.get(lesson.id) or {})}


class ServedStart:
    """Connects ``engine`` to its server and computes ``request``, in a thread of its own."""

    def __init__(self, engine: Client, request: Request | None) -> None:
        self.engine = engine
        self.versions: dict[str, str] = {}
        self.error: Exception | None = None
        """Why the server could not be used (refused, gone, a broken install), if it could not."""
        self.result: EarlyResult | None = None
        """The first result, if it was computed (a failure leaves it to the pane, which reports it); the app takes it."""
        self._thread = threading.Thread(target=self._run, args=(request,), name="served-start", daemon=True)
        self._thread.start()

    def _run(self, request: Request | None) -> None:
        try:
            self.versions = self.engine.start()
        except Exception as error:  # noqa: BLE001 - handed to the app, which falls back or reports it
            self.error = error
            return
        if request is None:
            return
        lesson, step, values = request
        try:
            self.result = (lesson.id, step, values), compute_step(self.engine, lesson, step, values)
        except Exception:  # noqa: BLE001 - the pane computes it again and reports what failed
            pass

    def ready(self) -> bool:
        """Whether the server has answered (and the first result, if there is one to compute, is in)."""
        return not self._thread.is_alive() and self.error is None

    def wait(self) -> dict[str, str]:
        """The versions the server's worker reported; raises what stopped the connection."""
        self._thread.join()
        if self.error is not None:
            raise self.error
        return self.versions
