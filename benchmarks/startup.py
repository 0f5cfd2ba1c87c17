"""Start-up and memory, timed in a real pseudo-terminal from process start.

The app, the bare Textual baseline and ``python -c "import torch"`` are run in
turn, round after round, so a burst of load on the machine falls on all three
alike rather than on whichever happened to run then.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.processes import children, memory
from benchmarks.terminal import PtySession, ScreenModel
from engine.catalog import LESSONS

QUIT = b"\x11"
"""ctrl+q quits the app wherever the focus is (q would be typed into lesson 1's first field)."""

SIZE = (80, 24)
BENCHMARKS = Path(__file__).resolve().parent
STARTUP_TIMEOUT = 60.0
SIDEBAR_COLUMNS = 20
_READY = re.compile(r"PyTorch \S+\s+ready")
LIBRARIES = "import torch, numpy, textual.app, textual_plotext, plotext"
"""The libraries the app has loaded once every lesson has been shown: the memory floor without the app."""
META = "import torch; torch.empty(1, device='meta') + 1"
"""torch and its first meta-device operation, which imports torch._dynamo and sympy: the floor of meta sizing."""
ENGINE = "import engine.sandbox.evaluation"
"""What the engine's zygote imports: torch, NumPy, and what the engine's meta-device sizing pulls in."""


@dataclass
class StartupTimes:
    """Seconds from process start, one entry per run."""

    app_sidebar: list[float] = field(default_factory=list)
    bare_sidebar: list[float] = field(default_factory=list)
    app_sidebar_cpu: list[float] = field(default_factory=list)
    """CPU seconds the app had used when its sidebar appeared (robust to load, 10 ms resolution)."""
    bare_sidebar_cpu: list[float] = field(default_factory=list)
    app_torch_ready: list[float] = field(default_factory=list)
    """The header says PyTorch is ready."""
    app_lesson_output: list[float] = field(default_factory=list)
    """Lesson 1's tensor is on screen."""
    import_torch: list[float] = field(default_factory=list)
    """``python -c "import torch"``, start to exit."""
    import_torch_cpu: list[float] = field(default_factory=list)
    app_lesson_output_cpu: list[float] = field(default_factory=list)
    engine_import: list[float] = field(default_factory=list)
    """``python -c "import engine.sandbox.evaluation"`` (torch plus what the engine loads), start to exit."""
    engine_import_cpu: list[float] = field(default_factory=list)
    engine_rss_mb: list[float] = field(default_factory=list)
    import_torch_rss_mb: list[float] = field(default_factory=list)
    libraries_rss_mb: list[float] = field(default_factory=list)
    """``python -c LIBRARIES``: measured once, in the first round."""
    meta_rss_mb: list[float] = field(default_factory=list)
    """``python -c META``: measured once, in the first round."""
    failures: list[str] = field(default_factory=list)


@dataclass
class MemoryFigures:
    """Memory (MiB) after every lesson was shown and computed, one entry per run.

    The app's peak RSS is its own (VmHWM): ``wait4``'s figure would include the
    zygote it waited for at exit.
    """

    app_rss_mb: list[float] = field(default_factory=list)
    app_pss_mb: list[float] = field(default_factory=list)
    zygote_rss_mb: list[float] = field(default_factory=list)
    zygote_pss_mb: list[float] = field(default_factory=list)
    worker_rss_mb: list[float] = field(default_factory=list)
    worker_pss_mb: list[float] = field(default_factory=list)
    worker_private_mb: list[float] = field(default_factory=list)
    visited: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)


def _engine_memory(app_pid: int, figures: MemoryFigures) -> None:
    """The app's own memory and its zygote's and worker's, read from /proc while it runs."""
    app = memory(app_pid)
    zygotes = children(app_pid)
    zygote = memory(zygotes[0]) if zygotes else None
    workers = children(zygotes[0]) if zygotes else []
    worker = memory(workers[0]) if workers else None
    if app is None or zygote is None or worker is None:
        figures.failures.append("the app, its zygote or its worker was not found")
        return
    figures.app_rss_mb.append(app.peak_rss)
    figures.app_pss_mb.append(app.pss)
    figures.zygote_rss_mb.append(zygote.rss)
    figures.zygote_pss_mb.append(zygote.pss)
    figures.worker_rss_mb.append(worker.rss)
    figures.worker_pss_mb.append(worker.pss)
    figures.worker_private_mb.append(worker.private)


def sidebar_titles() -> list[str]:
    """The sidebar's lines, as both the app and the bare baseline show them."""
    return [f"{lesson.number} {lesson.title}" for lesson in LESSONS]


def _sidebar_visible(screen: ScreenModel) -> bool:
    """Every lesson is listed down the left of the screen."""
    left = [line[:SIDEBAR_COLUMNS] for line in screen.lines()]
    return all(any(title in line for line in left) for title in sidebar_titles())


def _torch_ready(screen: ScreenModel) -> bool:
    """The app says PyTorch is ready: under the lessons (the bare app, in its header)."""
    lines = screen.lines()
    left = " ".join(line[: SIDEBAR_COLUMNS - 2].strip() for line in lines)
    return bool(_READY.search(lines[0]) or _READY.search(left))


def _lesson_output(screen: ScreenModel) -> bool:
    """Lesson 1's tensor is drawn (its printed value starts with ``tensor(``)."""
    return _torch_ready(screen) and any("tensor(" in line for line in screen.lines())


def _environment(state_dir: str) -> dict[str, str]:
    """A fresh state directory (so the app starts on lesson 1) and a colour terminal."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TEXTUAL")}
    env.update(TERM="xterm-256color", COLORTERM="truecolor", XDG_STATE_HOME=state_dir)
    env.pop("NO_COLOR", None)
    return env


def app_command() -> list[str]:
    """The installed ``tensor-tutor`` script beside this Python, else ``python -m tui``."""
    script = Path(sys.executable).with_name("tensor-tutor")
    return [str(script)] if script.exists() else [sys.executable, "-m", "tui"]


def _time_app(times: StartupTimes) -> None:
    with tempfile.TemporaryDirectory() as state_dir:
        session = PtySession(app_command(), SIZE, _environment(state_dir))
        sidebar = session.wait_for(_sidebar_visible, STARTUP_TIMEOUT)
        sidebar_cpu = session.cpu_seconds()
        ready = session.wait_for(_torch_ready, STARTUP_TIMEOUT) if sidebar is not None else None
        output = session.wait_for(_lesson_output, STARTUP_TIMEOUT) if ready is not None else None
        output_cpu = session.cpu_seconds()
        session.finish(QUIT)
    if sidebar is None or ready is None or output is None:
        times.failures.append("app: " + ("sidebar" if sidebar is None else "PyTorch/lesson 1") + " never appeared")
        return
    times.app_sidebar.append(sidebar)
    times.app_sidebar_cpu.append(sidebar_cpu)
    times.app_torch_ready.append(ready)
    times.app_lesson_output.append(output)
    times.app_lesson_output_cpu.append(output_cpu)


def _time_first_paint_only() -> None:
    """Start the app and quit at its first paint (warms the file cache for the project's modules)."""
    with tempfile.TemporaryDirectory() as state_dir:
        session = PtySession(app_command(), SIZE, _environment(state_dir))
        session.wait_for(_sidebar_visible, STARTUP_TIMEOUT)
        session.finish(QUIT)


def bare_first_paint() -> tuple[float | None, float]:
    """Seconds until the bare Textual app (same sidebar) shows its sidebar (None: never), and its CPU by then."""
    session = PtySession(
        [sys.executable, str(BENCHMARKS / "bare_app.py"), *sidebar_titles()], SIZE, _environment(tempfile.gettempdir())
    )
    sidebar = session.wait_for(_sidebar_visible, STARTUP_TIMEOUT)
    sidebar_cpu = session.cpu_seconds()
    session.finish(b"q")  # the bare app's sidebar has focus: q quits
    return sidebar, sidebar_cpu


def _time_bare(times: StartupTimes) -> None:
    sidebar, sidebar_cpu = bare_first_paint()
    if sidebar is None:
        times.failures.append("bare app: sidebar never appeared")
    else:
        times.bare_sidebar.append(sidebar)
        times.bare_sidebar_cpu.append(sidebar_cpu)


def _run_python(code: str) -> tuple[float, float, float] | None:
    """(seconds from start to exit, CPU seconds, peak RSS in MiB) of ``python -c code``; None if it failed."""
    start = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-c", code])
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    return None if process.returncode else (seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024)


def _time_import_torch(times: StartupTimes) -> None:
    figures = _run_python("import torch")
    if figures is None:
        times.failures.append("import torch failed")
        return
    times.import_torch.append(figures[0])
    times.import_torch_cpu.append(figures[1])
    times.import_torch_rss_mb.append(figures[2])


def _peak_rss_once(code: str, into: list[float], failures: list[str]) -> None:
    figures = _run_python(code)
    if figures is None:
        failures.append(f"{code} failed")
    else:
        into.append(figures[2])


def _time_engine_import(times: StartupTimes) -> None:
    figures = _run_python(ENGINE)
    if figures is None:
        times.failures.append(f"{ENGINE} failed")
        return
    times.engine_import.append(figures[0])
    times.engine_import_cpu.append(figures[1])
    times.engine_rss_mb.append(figures[2])


def measure_startup(rounds: int, progress: Callable[[str], None] = print) -> StartupTimes:
    """``rounds`` rounds of: the app, the bare app, ``import torch``, the engine's import."""
    times = StartupTimes()
    _time_bare(StartupTimes())  # warm the file cache for both; not counted
    _time_first_paint_only()
    for number in range(1, rounds + 1):
        _time_app(times)
        _time_bare(times)
        _time_import_torch(times)
        _time_engine_import(times)
        if number == 1:
            _peak_rss_once(LIBRARIES, times.libraries_rss_mb, times.failures)
            _peak_rss_once(META, times.meta_rss_mb, times.failures)
        progress(f"  round {number}/{rounds} done")
    return times


def _visit_key(lesson_number: int) -> bytes:
    """The sidebar key that shows a lesson: its number (the app binds 1-9)."""
    return str(lesson_number).encode()


def _pane_shows(lesson_number: int, title: str) -> Callable[[ScreenModel], bool]:
    heading = f"{lesson_number} {title}"
    return lambda screen: sum(line.count(heading) for line in screen.lines()) >= 2  # sidebar and pane


def measure_memory(runs: int, progress: Callable[[str], None] = print) -> MemoryFigures:
    """Start the app, show every lesson in turn and let it compute, quit: the peak RSS of each run."""
    figures = MemoryFigures()
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as state_dir:
            session = PtySession(app_command(), SIZE, _environment(state_dir))
            if session.wait_for(_lesson_output, STARTUP_TIMEOUT) is None:
                session.finish(QUIT)
                figures.failures.append("lesson 1 never appeared")
                continue
            visited = ["1"]
            for lesson in LESSONS[1:]:
                if lesson.number > 9:
                    break
                session.send(_visit_key(lesson.number))
                if session.wait_for(_pane_shows(lesson.number, lesson.title), 20) is not None:
                    visited.append(str(lesson.number))
                session.wait_quiet(0.5, 20)  # computed and drawn (charts included)
            _engine_memory(session.process.pid, figures)
            session.finish(QUIT)
        figures.visited = visited
        progress(f"  memory run: lessons {', '.join(visited)} visited")
    return figures
