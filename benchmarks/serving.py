"""``tensor-tutor serve`` for a class: start-up when served, memory per learner, and many learners editing at once.

One engine server is started for the whole measurement. Apps run in real
pseudo-terminals with ``--engine``; the editing learners are engine clients
without a screen (one worker each, as an app has), so what is timed is the
engine's answer, not Textual's drawing.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.processes import children, memory
from benchmarks.startup import SIZE, STARTUP_TIMEOUT, PtySession, _environment, _lesson_output, app_command
from engine.worker.client import Client, RunFailed


@dataclass
class ServingFigures:
    served_output: list[float] = field(default_factory=list)
    """Seconds from the app's start until lesson 1's tensor is on screen, served."""
    own_output: list[float] = field(default_factory=list)
    """The same with an engine of the app's own."""
    tree_pss_mb: dict[int, float] = field(default_factory=dict)
    """Learners connected -> PSS of the server, its workers and the apps."""
    edit_latency_ms: list[float] = field(default_factory=list)
    edit_learners: int = 0
    edit_errors: int = 0
    workers_left: int = -1
    failures: list[str] = field(default_factory=list)

    def per_learner_mb(self) -> float:
        """PSS each learner adds beyond the first, from the largest class measured."""
        if len(self.tree_pss_mb) < 2:
            return float("nan")
        low, high = min(self.tree_pss_mb), max(self.tree_pss_mb)
        return (self.tree_pss_mb[high] - self.tree_pss_mb[low]) / (high - low)


class _Server:
    def __init__(self, directory: Path, max_learners: int) -> None:
        self.path = directory / "engine.sock"
        self.log = directory / "serve.log"
        with open(self.log, "w") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "tui", "serve", "--socket", str(self.path), "--max-learners", str(max_learners)],
                stdout=subprocess.DEVNULL,
                stderr=log,
            )
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while "serving PyTorch" not in self.log.read_text():
            if time.monotonic() > deadline or self.process.poll() is not None:
                raise RuntimeError("the engine server did not start: " + self.log.read_text())
            time.sleep(0.1)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=20)


def _app(engine: Path | None, state_dir: str) -> PtySession:
    argv = app_command() + (["--engine", str(engine)] if engine else [])
    environment = _environment(state_dir)
    environment["TENSOR_TUTOR_ENGINE"] = ""  # without --engine: an engine of its own
    return PtySession(argv, SIZE, environment)


def _tree_pss(server: _Server, apps: list[PtySession]) -> float:
    pids = [server.process.pid, *children(server.process.pid), *(app.process.pid for app in apps)]
    return sum(m.pss for pid in pids if (m := memory(pid)) is not None)


def measure(
    learner_counts: tuple[int, ...],
    rounds: int,
    edit_learners: int,
    seconds: float,
    progress: Callable[[str], None] = print,
) -> ServingFigures:
    figures = ServingFigures(edit_learners=edit_learners)
    with tempfile.TemporaryDirectory() as directory:
        server = _Server(Path(directory), max(*learner_counts, edit_learners) + 1)
        try:
            for _ in range(rounds):
                for engine, into in ((server.path, figures.served_output), (None, figures.own_output)):
                    with tempfile.TemporaryDirectory() as state_dir:
                        session = _app(engine, state_dir)
                        shown = session.wait_for(_lesson_output, STARTUP_TIMEOUT)
                        session.finish(b"q")
                    if shown is None:
                        figures.failures.append("lesson 1 never appeared" + (" (served)" if engine else ""))
                    else:
                        into.append(shown)
            progress(f"  {rounds} rounds of start-up, served and not")
            for count in learner_counts:
                _class_memory(server, count, figures)
                progress(f"  {count} learners: {figures.tree_pss_mb.get(count, float('nan')):.0f} MiB PSS in all")
            _editing(server, edit_learners, seconds, figures)
            progress(f"  {edit_learners} learners edited for {seconds:.0f} s")
            deadline = time.monotonic() + 5
            while children(server.process.pid) and time.monotonic() < deadline:
                time.sleep(0.1)
            figures.workers_left = len(children(server.process.pid))
        finally:
            server.stop()
    return figures


def _class_memory(server: _Server, count: int, figures: ServingFigures) -> None:
    """``count`` apps served at once, each showing lesson 1: the PSS of everything serving them."""
    with tempfile.TemporaryDirectory() as state_root:
        apps = []
        try:
            for number in range(count):
                state_dir = os.path.join(state_root, str(number))
                os.mkdir(state_dir)
                apps.append(_app(server.path, state_dir))
            for app in apps:
                if app.wait_for(_lesson_output, STARTUP_TIMEOUT) is None:
                    figures.failures.append(f"a learner of {count} never saw lesson 1")
            for app in apps:
                app.wait_quiet(0.3, 5)
            figures.tree_pss_mb[count] = _tree_pss(server, apps)
        finally:
            for app in apps:
                app.finish(b"q")


def _editing(server: _Server, learners: int, seconds: float, figures: ServingFigures) -> None:
    """``learners`` clients, each computing lesson 1 with a new seed once a second."""
    lock = threading.Lock()

    def learner(number: int) -> None:
        client = Client(server=str(server.path))
        try:
            client.start()
            began = time.monotonic()
            edit = 0
            while time.monotonic() - began < seconds:
                edit += 1
                started = time.perf_counter()
                try:
                    client.call("lesson", lesson="tensors", values={"seed": str(number * 1000 + edit)})
                except RunFailed:
                    with lock:
                        figures.edit_errors += 1
                else:
                    with lock:
                        figures.edit_latency_ms.append((time.perf_counter() - started) * 1000)
                time.sleep(max(0.0, began + edit - time.monotonic()))
        finally:
            client.close()

    threads = [threading.Thread(target=learner, args=(number,)) for number in range(learners)]
    for thread in threads:
        thread.start()
        time.sleep(1 / learners)  # spread their edits over the second
    for thread in threads:
        thread.join()
