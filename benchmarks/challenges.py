"""What checking a challenge costs: ``check`` in the worker for each challenge, beside one run of its solution.

A check runs the learner's code on every trial (three) and compares the named
results with the reference's (run once per worker, in the zygote). The baseline
is the same solution evaluated once in this process on the first trial's
inputs: a check that costs about three of those has no overhead to speak of.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from engine.worker.client import Client


@dataclass
class CheckTimes:
    """Milliseconds per call, by challenge ("lesson/id")."""

    passing: dict[str, list[float]] = field(default_factory=dict)
    """``check`` of the reference solution: every trial runs, the slowest case."""
    failing: dict[str, list[float]] = field(default_factory=dict)
    """``check`` of the starter code: stops at the first difference."""
    baseline: dict[str, list[float]] = field(default_factory=dict)
    """``evaluate`` of the solution after the first trial's setup, in this process."""


def _ms(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return (time.perf_counter() - started) * 1000


def measure(checks: int, progress: Callable[[str], None] = print) -> CheckTimes:
    """``checks`` timed checks of each challenge's solution and starter, alternating with the baseline."""
    import torch

    from engine.catalog import LESSONS
    from engine.practice import challenges
    from engine.practice.model import CHECK_SECONDS
    from engine.sandbox.evaluation import evaluate

    torch.set_num_threads(1)  # as in the worker
    times = CheckTimes()
    client = Client()
    client.start()
    try:
        for lesson in LESSONS:
            for item in challenges(lesson.id):
                name = f"{item.lesson}/{item.id}"
                given = item.trials[0]

                def call(source: str, item=item) -> object:
                    return client.call(
                        "check", time_limit=CHECK_SECONDS, lesson=item.lesson, challenge=item.id, source=source
                    )

                def alone(item=item, given=given) -> object:
                    return evaluate(given.setup + "\n" + item.solution, seed=given.seed)

                call(item.solution), alone()  # warm both sides
                for _ in range(checks):
                    times.passing.setdefault(name, []).append(_ms(lambda: call(item.solution)))  # noqa: B023 - called at once
                    times.failing.setdefault(name, []).append(_ms(lambda: call(item.starter)))  # noqa: B023 - called at once
                    times.baseline.setdefault(name, []).append(_ms(alone))
        progress(f"  {checks} checks of each challenge done")
    finally:
        client.close()
    return times
