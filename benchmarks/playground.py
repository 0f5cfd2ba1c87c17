"""The Playground on real learning code: a 2000-step polynomial fit, in the evaluator and in plain Python.

The programs are the corpus test's (tests/engine/corpus), the way PyTorch's own
polynomial examples write them. Plain Python runs each in a subprocess, timed on
its second run; the evaluator runs in this process, also after one untimed
warm-up run, as the Playground's worker would.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROGRAMS = {
    "2000-step polynomial fit, tensors": ROOT / "tests" / "engine" / "corpus" / "poly_tensor.py",
    "2000-step polynomial fit, nn + optim": ROOT / "tests" / "engine" / "corpus" / "poly_optim.py",
}

_PLAIN = """
import contextlib, io, runpy, sys, time
import numpy, torch
with contextlib.redirect_stdout(io.StringIO()):
    runpy.run_path(sys.argv[1], run_name="__main__")  # warm-up, as the evaluator's
    started = time.perf_counter()
    runpy.run_path(sys.argv[1], run_name="__main__")
print(time.perf_counter() - started)
"""


@dataclass
class TrainingTimes:
    """Seconds per run of each program: in the evaluator and in plain Python."""

    evaluator: dict[str, list[float]]
    plain: dict[str, list[float]]
    limit: float


def measure(rounds: int) -> TrainingTimes:
    from engine.sandbox import limits
    from engine.sandbox.evaluation import evaluate

    evaluator: dict[str, list[float]] = {}
    plain: dict[str, list[float]] = {}
    for name, path in PROGRAMS.items():
        source = path.read_text(encoding="utf-8")
        evaluation = evaluate(source)  # warm-up: first meta runs, first kernels
        if evaluation.error is not None:
            raise RuntimeError(f"{path.name} failed in the evaluator: {evaluation.error.message}")
        evaluator[name] = []
        plain[name] = []
        for _ in range(rounds):
            started = time.perf_counter()
            evaluate(source)
            evaluator[name].append(time.perf_counter() - started)
            done = subprocess.run([sys.executable, "-c", _PLAIN, str(path)], capture_output=True, text=True, check=True)
            plain[name].append(float(done.stdout.strip().splitlines()[-1]))
    return TrainingTimes(evaluator, plain, limits.MAX_SECONDS)


def rows(times: TrainingTimes) -> list[list[str]]:
    """Table rows: program, evaluator median, plain Python median, ratio, the interpreter's limit, verdict."""
    result = []
    for name in times.evaluator:
        ours, theirs = statistics.median(times.evaluator[name]), statistics.median(times.plain[name])
        result.append(
            [
                name,
                f"{ours:.2f} s",
                f"{theirs:.2f} s",
                f"{ours / theirs:.1f}x" if theirs else "-",
                f"{times.limit:g} s",
                "met" if ours <= times.limit else "MISSED",
            ]
        )
    return result
