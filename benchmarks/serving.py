"""``tensor-tutor serve`` for a class: start-up when served, memory per learner, and many learners editing at once.

One engine server runs for the whole measurement. Every learner is a real app
with ``--engine`` in an 80x24 pseudo-terminal of its own, and every time is
read off its screen, as a learner would see it: from the app's start until
lesson 1's tensor is drawn, from a key until the tensor for the new value is
drawn. Baselines are measured in the same run: the app with an engine of its
own, the bare Textual app (the floor of any Textual app's start), and one
learner editing alone.
"""

from __future__ import annotations

import os
import select
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from benchmarks.processes import children, cpu_seconds, descendants, memory
from benchmarks.startup import (
    QUIT,
    SIZE,
    STARTUP_TIMEOUT,
    PtySession,
    _environment,
    _lesson_output,
    app_command,
    bare_first_paint,
)

TO_SEED = b"\r\t\t\x7f1"
"""From the lesson list: into lesson 1's fields (enter), on to the seed (two tabs), and make it 1."""
EDIT_TIMEOUT = 5.0
"""An edit whose tensor has not appeared by then counts as an error."""


@dataclass
class ServingFigures:
    joining: dict[int, list[float]] = field(default_factory=dict)
    """Learners already served -> seconds from a new app's start until lesson 1's tensor is on its screen."""
    own_output: list[float] = field(default_factory=list)
    """The same for an app with an engine of its own."""
    bare_sidebar: list[float] = field(default_factory=list)
    """The bare Textual app's first paint: what any Textual app takes to start here."""
    start_cpu: dict[str, list[float]] = field(default_factory=dict)
    """"served", "own", "bare" -> CPU seconds the app had used by then (10 ms steps; robust to the machine's load)."""
    own_tree_pss_mb: list[float] = field(default_factory=list)
    """PSS of an app with an engine of its own (app, zygote, worker) showing lesson 1."""
    tree_pss_mb: dict[int, float] = field(default_factory=dict)
    """Learners served -> PSS of the server, its workers and the apps, each showing lesson 1."""
    learner_pss_mb: dict[int, float] = field(default_factory=dict)
    """Learners served -> PSS of an app plus its worker, on average."""
    alone_ms: list[float] = field(default_factory=list)
    """One learner editing alone: key to the new tensor on screen."""
    edit_ms: list[float] = field(default_factory=list)
    """The same, with ``edit_learners`` editing at once."""
    idle_cores: dict[int, float] = field(default_factory=dict)
    """Learners served -> CPU (in cores) each idle app and its worker use while others join."""
    edit_cpu_ms: dict[str, float] = field(default_factory=dict)
    """"apps", "workers" -> CPU milliseconds per edit: what a class needs in cores."""
    edit_learners: int = 0
    edit_seconds: float = 0.0
    edit_errors: int = 0
    workers_left: int = -1
    """The server's workers still running once every learner has quit."""
    failures: list[str] = field(default_factory=list)

    def per_learner_mb(self) -> float:
        """PSS each learner adds, from the smallest class measured to the largest."""
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

    def workers(self) -> list[int]:
        return children(self.process.pid)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=20)


def _app(engine: Path | None, state_dir: str) -> PtySession:
    argv = app_command() + (["--engine", str(engine)] if engine else [])
    environment = _environment(state_dir)
    environment["TENSOR_TUTOR_ENGINE"] = ""  # without --engine: an engine of its own
    return PtySession(argv, SIZE, environment)


def _pss(pids: list[int]) -> float:
    return sum(m.pss for pid in pids if (m := memory(pid)) is not None)


@cache
def _first_row(seed: int) -> str:
    """The first line of lesson 1's tensor for ``seed``, as PyTorch prints it (randn(2, 3), the default)."""
    import torch  # here, not at the top: the keystroke timing's app runs in this process, which must not hold torch

    torch.manual_seed(seed)
    return str(torch.randn(2, 3)).splitlines()[0]


def _join(engine: Path | None, figures: ServingFigures, into: list[float], cpu: list[float] | None = None) -> None:
    """One app started with a fresh state: the seconds (and CPU seconds, into ``cpu``) until lesson 1 is drawn."""
    with tempfile.TemporaryDirectory() as state_dir:
        session = _app(engine, state_dir)
        shown = session.wait_for(_lesson_output, STARTUP_TIMEOUT)
        if shown is not None and cpu is not None:
            cpu.append(session.cpu_seconds())
        if shown is not None and engine is None:
            session.wait_quiet(0.3, 5)
            figures.own_tree_pss_mb.append(_pss([session.process.pid, *descendants(session.process.pid)]))
        session.finish(QUIT)
    if shown is None:
        figures.failures.append("lesson 1 never appeared" + (" (served)" if engine else ""))
    else:
        into.append(shown)


def _bare(figures: ServingFigures) -> None:
    shown, cpu = bare_first_paint()
    if shown is None:
        figures.failures.append("the bare app's sidebar never appeared")
    else:
        figures.bare_sidebar.append(shown)
        figures.start_cpu.setdefault("bare", []).append(cpu)


def measure(
    learner_counts: tuple[int, ...],
    rounds: int,
    edit_learners: int,
    seconds: float,
    progress: Callable[[str], None] = print,
) -> ServingFigures:
    """Start-up (served, beside an engine of its own and the bare app), classes of ``learner_counts``, then editing."""
    figures = ServingFigures(edit_learners=edit_learners, edit_seconds=seconds)
    with tempfile.TemporaryDirectory() as directory:
        server = _Server(Path(directory), max(max(learner_counts) + 1, edit_learners) + 1)
        try:
            _join(server.path, figures, [])  # warm the file cache; not counted
            for _ in range(rounds):
                _join(
                    server.path, figures, figures.joining.setdefault(0, []), figures.start_cpu.setdefault("served", [])
                )
                _join(None, figures, figures.own_output, figures.start_cpu.setdefault("own", []))
                _bare(figures)
            progress(f"  {rounds} rounds of start-up: served, an engine of its own, the bare app")
            for count in learner_counts:
                _class(server, count, rounds, figures)
                progress(f"  {count} learners: {figures.tree_pss_mb.get(count, float('nan')):.0f} MiB PSS in all")
            _editing(server, 1, min(seconds, 20), figures.alone_ms, figures)
            progress(f"  one learner edited alone for {min(seconds, 20):.0f} s")
            figures.edit_cpu_ms = _editing(server, edit_learners, seconds, figures.edit_ms, figures)
            progress(f"  {edit_learners} learners edited for {seconds:.0f} s")
            deadline = time.monotonic() + 10
            while server.workers() and time.monotonic() < deadline:
                time.sleep(0.1)
            figures.workers_left = len(server.workers())
        finally:
            server.stop()
    return figures


def _start_apps(server: _Server, count: int, state_root: str) -> list[PtySession]:
    apps = []
    for number in range(count):
        state_dir = os.path.join(state_root, str(number))
        os.mkdir(state_dir)
        apps.append(_app(server.path, state_dir))
    return apps


def _class(server: _Server, count: int, rounds: int, figures: ServingFigures) -> None:
    """``count`` apps served at once, each showing lesson 1: the PSS of everything serving them; then one more joins."""
    with tempfile.TemporaryDirectory() as state_root:
        apps = _start_apps(server, count, state_root)
        try:
            for app in apps:
                if app.wait_for(_lesson_output, STARTUP_TIMEOUT) is None:
                    figures.failures.append(f"a learner of {count} never saw lesson 1")
            for app in apps:
                app.wait_quiet(0.3, 5)
            workers, app_pids = server.workers(), [app.process.pid for app in apps]
            figures.tree_pss_mb[count] = _pss([server.process.pid, *workers, *app_pids])
            figures.learner_pss_mb[count] = (_pss(app_pids) + _pss(workers)) / count
            with _Drained(apps):  # the class's terminals stay read, as real ones are
                cpu, began = sum(map(cpu_seconds, app_pids + workers)), time.perf_counter()
                for _ in range(rounds):
                    _join(server.path, figures, figures.joining.setdefault(count, []))
                spent = sum(map(cpu_seconds, app_pids + workers)) - cpu
                figures.idle_cores[count] = spent / (time.perf_counter() - began) / count
        finally:
            for app in apps:
                app.finish(QUIT)


class _Drained:
    """While in use, a thread reads what ``sessions`` draw, so their apps never block on a full terminal."""

    def __init__(self, sessions: list[PtySession]) -> None:
        self.sessions = sessions
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._read, daemon=True)

    def _read(self) -> None:
        while not self.stop.is_set():
            ready, _, _ = select.select(self.sessions, [], [], 0.1)
            for session in ready:
                session.read(0)

    def __enter__(self) -> _Drained:
        self.thread.start()
        return self

    def __exit__(self, *exception: object) -> None:
        self.stop.set()
        self.thread.join()


@dataclass
class _Learner:
    """One editing learner: the seed field holds "1", then "1" and a digit, and so on, one key at a time."""

    session: PtySession
    due: float
    keys: int = 0
    sent: float | None = None
    expected: str = ""

    def type_next(self) -> None:
        """A digit after the 1 (seed 10-19), or a backspace back to seed 1: every key changes the tensor."""
        self.keys += 1
        digit = self.keys // 2 % 10
        key, seed = (str(digit).encode(), 10 + digit) if self.keys % 2 else (b"\x7f", 1)
        self.expected = _first_row(seed)
        self.sent = time.perf_counter()
        self.session.send(key)

    def shown(self) -> bool:
        return any(self.expected in line for line in self.session.screen.lines())


def _editing(
    server: _Server, count: int, seconds: float, into: list[float], figures: ServingFigures
) -> dict[str, float]:
    """``count`` served apps, each making an edit a second for ``seconds``, spread over the second; then they quit.

    Returns the CPU milliseconds per edit of the apps and of their workers.
    """
    with tempfile.TemporaryDirectory() as state_root:
        apps = _start_apps(server, count, state_root)
        learners: list[_Learner] = []
        try:
            for app in apps:
                if app.wait_for(_lesson_output, STARTUP_TIMEOUT) is None:
                    figures.failures.append("an editing learner never saw lesson 1")
                    continue
                for key in TO_SEED:
                    app.send(bytes([key]))
                    app.wait_quiet(0.05, 1)
                if app.wait_for(lambda screen: any(_first_row(1) in line for line in screen.lines()), 10) is None:
                    figures.failures.append("an editing learner could not set the seed")
                    continue
                learners.append(_Learner(app, 0.0))
            pids = {"apps": [learner.session.process.pid for learner in learners], "workers": server.workers()}
            before, edits_before = {name: sum(map(cpu_seconds, group)) for name, group in pids.items()}, len(into)
            began = time.perf_counter()
            for number, learner in enumerate(learners):
                learner.due = began + number / max(len(learners), 1)
            _edit_loop(learners, began + seconds, into, figures)
            edits = max(len(into) - edits_before, 1)
            return {name: (sum(map(cpu_seconds, group)) - before[name]) / edits * 1000 for name, group in pids.items()}
        finally:
            for app in apps:
                app.finish(QUIT)


def _edit_loop(learners: list[_Learner], end: float, into: list[float], figures: ServingFigures) -> None:
    """Type each learner's keys when due, and time each until its tensor is on that learner's screen."""
    active = list(learners)
    while active:
        now = time.perf_counter()
        for learner in list(active):
            if learner.sent is None and learner.due <= now < end:
                learner.type_next()
                learner.due += 1.0
            elif learner.sent is not None and now - learner.sent > EDIT_TIMEOUT:
                figures.edit_errors += 1
                figures.failures.append(f"an edit's tensor did not appear within {EDIT_TIMEOUT:g} s")
                active.remove(learner)
            elif learner.sent is None and now >= end:
                active.remove(learner)
        if not active:
            break
        wait = min([learner.due for learner in active if learner.sent is None] + [now + 0.05]) - now
        ready, _, _ = select.select([learner.session for learner in active], [], [], max(wait, 0))
        for learner in list(active):
            if learner.session in ready and not learner.session.read(0):
                figures.edit_errors += 1
                figures.failures.append("an editing learner's app ended")
                active.remove(learner)
            elif learner.sent is not None and learner.shown():
                into.append((learner.session.last_output - learner.sent) * 1000)
                learner.sent = None
