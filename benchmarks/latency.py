"""Keystroke-to-result and chart-redraw times, measured inside the app with Textual's Pilot.

What one sample is: the clock starts when the key is handed to the app (as its
terminal driver hands over a key it has read) and stops when the screen has
settled on the new result: at the end of the last screen refresh of the burst
that follows the pane putting the result in its widgets (the moment its
``LessonPane.Computed`` message is created), a burst ending once no refresh
has begun for ``QUIET`` seconds. The first refresh alone is not enough: when
the result's blocks change kind, widgets are mounted afresh and a chart, say,
is drawn only a refresh or two later. The cursor's blink is turned off while
timing so that it does not count as a refresh. A refresh lays out and renders
the changed widgets into the screen's buffer; headless, the very last step,
turning the buffer into escape codes and writing them, is skipped: it costs
the same for any app and is part of the first-paint figures.

Every step of every lesson is edited generically, so lessons and steps added
later are covered: in the step's first free-text field (a line input or the
code editor) the last digit is selected and a neighbouring digit typed over it,
one key per edit, toggling between two values that both compute (checked through
the app's worker first). Each key comes on an idle screen, at a random moment
of Textual's frame clock, as a learner's does. A step whose fields are all pick-lists is timed
from the moment its first list takes another choice (the key that picks it
costs the same as any other).
"""

from __future__ import annotations

import asyncio
import inspect
import random
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from dataclasses import field as _field
from pathlib import Path

from textual import constants, events
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Input, TextArea
from textual.widgets.input import Selection as InputSelection
from textual.widgets.text_area import Selection as AreaSelection

import tui.widgets.lesson_pane as lesson_pane_module
from engine.catalog import LESSONS
from engine.errors import InputError
from engine.lesson import Lesson, Step
from tui.app import TensorTutorApp
from tui.engine_status import EngineStatus, compute_step
from tui.state import StateStore
from tui.widgets.lesson_pane import LessonPane

SIZE = (80, 24)
RESULT_TIMEOUT = 10.0
QUIET = 0.05
"""No refresh for this long after the result: the screen has settled."""
MAX_MISSED = 3
"""Edits without a result after which a lesson's timing stops (each waits RESULT_TIMEOUT)."""
FRAME = 1 / constants.MAX_FPS
"""Textual's frame interval, at the frame rate the app sets (``tui.FRAME_RATE``)."""
NO_DEBOUNCE = 0.001
"""The debounce while measuring without it: Textual's timers cannot be set to 0 (1 ms is left in the figures)."""


@dataclass(frozen=True)
class Edit:
    """One key that turns field ``field`` from one valid value into another and back."""

    field: str
    position: int
    """Index of the character the key replaces (-1 for a pick-list's choice)."""
    values: tuple[str, str]
    keys: tuple[str, str]
    """The key that makes values[1] from values[0], and the one back."""

    @property
    def choice(self) -> bool:
        """A pick-list edit: the list's value changes instead of a key being typed."""
        return self.position < 0

    def describe(self) -> str:
        """The field and the digit toggled, in a little context: ``shape: 3,[3|4]``."""
        before, after = self.values
        if self.choice:
            return f"{self.field}: [{before}|{after}]"
        head = before[max(0, self.position - 8) : self.position].replace("\n", "\\n")
        tail = before[self.position + 1 : self.position + 5].replace("\n", "\\n")
        ellipsis = "…" if self.position > 8 else ""
        return f"{self.field}: {ellipsis}{head}[{before[self.position]}|{after[self.position]}]{tail}"


@dataclass
class LessonTimes:
    """Samples for one lesson, in milliseconds."""

    lesson: Lesson
    step: Step
    edit: Edit | None
    with_debounce: list[float] = _field(default_factory=list)
    without_debounce: list[float] = _field(default_factory=list)
    to_widgets: list[float] = _field(default_factory=list)
    """The part of ``without_debounce`` until the result was in the pane's widgets, before the screen refresh."""
    cpu: list[float] = _field(default_factory=list)
    """CPU ms the whole process (all threads) used per edit without debounce: what the edit costs on an idle machine."""
    frames: list[int] = _field(default_factory=list)
    """Screen refreshes per edit without debounce, from the key until the screen settled (the key's echo included)."""
    missed: int = 0
    """Edits whose result never came (should be 0: both values are checked first)."""


@dataclass
class ChartTimes:
    """Samples for moving x in the derivatives lesson, in milliseconds."""

    field_name: str = ""
    key_to_screen: list[float] = _field(default_factory=list)
    cpu: list[float] = _field(default_factory=list)
    """CPU ms of the whole process per move."""
    redraw: list[float] = _field(default_factory=list)
    """Time inside the chart per move: data into plotext (ChartView._draw) plus plotext drawing (render)."""
    missed: int = 0


Computes = Callable[[Lesson, Step, dict[str, str]], bool]
"""Whether a step computes for the given values."""


def choose_edit(lesson: Lesson, step: Step, computes: Computes) -> Edit | None:
    """A one-key edit of the step's first free-text field that keeps the input valid, else a pick-list's choice."""
    defaults = lesson.defaults()
    shown = [spec for spec in lesson.fields if spec.name in step.fields]
    for spec in shown:
        if spec.choices:
            continue
        value = defaults[spec.name]
        digits = [i for i, ch in enumerate(value) if ch.isdigit()]
        for position in reversed(digits):
            digit = int(value[position])
            for other in (digit + 1, digit - 1):
                if not 0 <= other <= 9:
                    continue
                changed = value[:position] + str(other) + value[position + 1 :]
                if computes(lesson, step, {**defaults, spec.name: changed}):
                    return Edit(spec.name, position, (value, changed), (str(other), str(digit)))
    for spec in shown:
        for other in spec.choices:
            if other != spec.default and computes(lesson, step, {**defaults, spec.name: other}):
                return Edit(spec.name, -1, (spec.default, other), ("", ""))
    return None


def _in_worker(app: BenchApp) -> Computes:
    """Computing through the app's own worker: the app's process must not import torch, as the real app never does.

    With torch's objects in the process, every full collection of Python's cycle collector took
    100-200 ms, in the middle of some timed keystroke.
    """

    def computes(lesson: Lesson, step: Step, values: dict[str, str]) -> bool:
        try:
            compute_step(app.engine, lesson, step.id, values)
        except InputError:
            return False
        return True

    return computes


class BenchApp(TensorTutorApp):
    """The app, reporting each new result and each screen refresh (times from ``time.monotonic``)."""

    CSS_PATH = [str(Path(inspect.getfile(TensorTutorApp)).parent / path) for path in TensorTutorApp.CSS_PATH]
    """Textual resolves a relative CSS_PATH beside the subclass; keep the app's own stylesheets."""

    def __init__(self, store: StateStore) -> None:
        super().__init__(store)
        self.results: asyncio.Queue[tuple[str, float]] = asyncio.Queue()
        self.refreshes: list[tuple[float, float, float]] = []
        """(start, end, process CPU time at the end) of screen refreshes, while ``watch_refreshes`` is on."""

    def on_lesson_pane_computed(self, event: LessonPane.Computed) -> None:
        # Textual stamps a message with time.monotonic when it is created: here, right
        # after the pane has put the result in its widgets.
        self.results.put_nowait((event.lesson_id, event.time))

    def settled_after(self, moment: float, quiet: float) -> tuple[float, float] | None:
        """(end, process CPU time then) of the last refresh of the burst after ``moment``, once it is over.

        None while the burst may go on: no refresh has begun since ``moment`` yet, or one
        began less than ``quiet`` seconds ago.
        """
        burst = [(start, end, cpu) for start, end, cpu in self.refreshes if start >= moment]
        if not burst or time.monotonic() - burst[-1][0] < quiet:
            return None
        return burst[-1][1], burst[-1][2]


@contextmanager
def watch_refreshes(app: BenchApp) -> Iterator[None]:
    """Record every screen refresh (layout and render of dirty widgets) in ``app.refreshes``."""
    original = Screen._compositor_refresh  # noqa: SLF001 - where every refresh of a screen happens

    def timed(screen: Screen) -> None:
        begin = time.monotonic()
        try:
            original(screen)
        finally:
            app.refreshes.append((begin, time.monotonic(), time.process_time()))
            del app.refreshes[:-200]

    Screen._compositor_refresh = timed  # type: ignore[method-assign]
    try:
        yield
    finally:
        Screen._compositor_refresh = original  # type: ignore[method-assign]


@contextmanager
def debounce(seconds: float) -> Iterator[None]:
    """Run with the panes' debounce set to ``seconds``."""
    saved = lesson_pane_module.DEBOUNCE_SECONDS
    lesson_pane_module.DEBOUNCE_SECONDS = seconds
    try:
        yield
    finally:
        lesson_pane_module.DEBOUNCE_SECONDS = saved


async def _drain(app: BenchApp, pause: float = 0.01) -> None:
    """Let everything pending finish, then forget the results it produced."""
    await app.workers.wait_for_complete()
    await asyncio.sleep(pause)
    while not app.results.empty():
        app.results.get_nowait()


async def _wait_ready(app: BenchApp, pilot) -> None:
    for _ in range(1200):
        if app.engine_status is EngineStatus.READY and app.current_pane.result is not None:
            break
        await pilot.pause(0.05)
    else:
        raise RuntimeError("PyTorch did not load within a minute")
    await _drain(app, lesson_pane_module.DEBOUNCE_SECONDS + 0.05)


async def _focus_still(editor: Widget, pilot) -> None:
    """Focus ``editor`` with its cursor not blinking (a blink is a refresh, and would blur "settled")."""
    editor.focus()
    if isinstance(editor, (Input, TextArea)):
        editor.cursor_blink = False
    await pilot.pause()


async def _idle_at_any_moment(phase: random.Random) -> None:
    """Wait until the screen is idle (a selection made for the key painted), then a random part of a frame.

    A learner's key comes at any moment of Textual's frame clock, and that moment decides when the
    frame after the key's echo comes: one to two frames after it. Keys sent in the benchmark's own steady
    rhythm would all meet the clock at the same moment, always the best case or always the worst.
    """
    await asyncio.sleep(QUIET + phase.uniform(0, FRAME))


def _select(editor: Input | TextArea, edit: Edit) -> None:
    """Select the character the next key replaces (not timed: a learner's cursor is already there).

    The caller waits for the selection to be painted before the key (``_idle_at_any_moment``):
    pressed at once, the key waited for that frame, and the key's echo for the frame after it.
    """
    if isinstance(editor, TextArea):
        row, column = _row_column(editor.text, edit.position)
        editor.selection = AreaSelection((row, column), (row, column + 1))
    else:
        editor.selection = InputSelection(edit.position, edit.position + 1)


def _row_column(text: str, index: int) -> tuple[int, int]:
    before = text[:index]
    return before.count("\n"), index - (before.rfind("\n") + 1)


def _send_key(app: BenchApp, key: str) -> None:
    """Hand ``key`` to the app as its terminal driver does when a key arrives.

    Pilot's ``press`` would also wait for the app to go idle and force a
    screen refresh, which would blur what is being timed.
    """
    event = events.Key(key, key if len(key) == 1 else None)
    event.set_sender(app)
    driver = app._driver  # noqa: SLF001 - the only way in that a real key takes
    assert driver is not None
    driver.send_message(event)


async def _one_key(
    app: BenchApp, lesson_id: str, key: str | Callable[[], None]
) -> tuple[float, float, float, int] | None:
    """Press ``key`` (or make the change it stands for): ms until the result is in the widgets, ms until it
    is on screen, the process's CPU ms (all threads) in between, and the screen refreshes it took; None if
    no result came."""
    cpu = time.process_time()
    start = time.monotonic()
    if callable(key):
        key()
    else:
        _send_key(app, key)
    deadline = start + RESULT_TIMEOUT
    while True:
        try:
            shown_in, shown = await asyncio.wait_for(app.results.get(), max(deadline - time.monotonic(), 0.01))
        except TimeoutError:
            return None
        if shown_in == lesson_id and shown >= start:
            break
    while (painted := app.settled_after(shown, QUIET)) is None:
        if time.monotonic() > deadline:
            return None
        await asyncio.sleep(0.002)
    frames = sum(1 for begin, _end, _cpu in app.refreshes if start <= begin <= painted[0])
    return (shown - start) * 1000, (painted[0] - start) * 1000, (painted[1] - cpu) * 1000, frames


async def _time_edits(
    app: BenchApp, pilot, lesson: Lesson, edit: Edit, count: int, warmup: int
) -> tuple[list[float], list[float], list[float], list[int], int]:
    """``count`` timed edits: ms to the widgets, ms to the screen, CPU ms, refreshes, and how many gave no result."""
    editor = app.current_pane.form.row(edit.field).editor
    await _focus_still(editor, pilot)
    phase = random.Random(0)
    computed: list[float] = []
    painted: list[float] = []
    cpu: list[float] = []
    frames: list[int] = []
    missed = 0
    for index in range(warmup + count):
        if edit.choice:
            value = edit.values[(index + 1) % 2]
            key: str | Callable[[], None] = lambda value=value: setattr(editor, "value", value)  # noqa: E731
        else:
            _select(editor, edit)  # type: ignore[arg-type]
            key = edit.keys[index % 2]
        await _idle_at_any_moment(phase)
        sample = await _one_key(app, lesson.id, key)
        await _drain(app)
        if index < warmup:
            continue
        if sample is None:
            missed += 1
            if missed >= MAX_MISSED:
                break  # something keeps this lesson from settling: report it rather than wait on
        else:
            computed.append(sample[0])
            painted.append(sample[1])
            cpu.append(sample[2])
            frames.append(sample[3])
    if (warmup + count) % 2:  # leave the field as it was
        if edit.choice:
            editor.value = edit.values[0]
        else:
            _select(editor, edit)  # type: ignore[arg-type]
            _send_key(app, edit.keys[1])
        await _drain(app, lesson_pane_module.DEBOUNCE_SECONDS + 0.05)
    return computed, painted, cpu, frames, missed


async def _show(app: BenchApp, pilot, lesson: Lesson, step: Step | None = None) -> None:
    """Show ``lesson`` at ``step`` (its first by default) and wait for that step's result."""
    app.show_lesson(lesson.id)
    wanted = step or lesson.steps[0]
    for _ in range(400):
        await pilot.pause(0.025)
        pane = app.current_pane
        if pane.lesson.id != lesson.id:
            continue
        pane.go_to_step(lesson.steps.index(wanted))
        if pane.result is not None and pane.result.step == wanted.id:
            break
    await _drain(app, lesson_pane_module.DEBOUNCE_SECONDS + 0.05)


@contextmanager
def _timed_methods(targets: list[tuple[type, str]], sink: list[tuple[float, float]]) -> Iterator[None]:
    """Record (start, seconds) of every call to each ``cls.name`` while inside the block."""
    saved = [(cls, name, cls.__dict__[name]) for cls, name in targets]

    def wrap(original: Callable) -> Callable:
        def timed(*args, **kwargs):
            begin = time.monotonic()
            try:
                return original(*args, **kwargs)
            finally:
                sink.append((begin, time.monotonic() - begin))

        return timed

    for cls, name, original in saved:
        setattr(cls, name, wrap(original))
    try:
        yield
    finally:
        for cls, name, original in saved:
            setattr(cls, name, original)


async def _time_chart(app: BenchApp, pilot, count: int, warmup: int) -> ChartTimes | None:
    """Move x with up/down (a number field's nudge) in the derivatives lesson; None if there is no such lesson or chart."""
    lesson = next((each for each in LESSONS if each.id == "derivatives"), None)
    spec = next((f for f in lesson.fields if f.name == "x" and f.step), None) if lesson else None
    if lesson is None or spec is None:
        return None
    from engine.blocks import Chart

    charted = [
        step
        for step in lesson.steps
        if spec.name in step.fields
        and any(isinstance(b, Chart) for b in compute_step(app.engine, lesson, step.id, lesson.defaults()).blocks)
    ]
    if not charted:
        return None
    chart_step = charted[0]
    await _show(app, pilot, lesson, chart_step)
    from tui.widgets.chart import ChartView
    from tui.widgets.plot import ChartPlot

    if not app.current_pane.query(ChartView):
        return None
    times = ChartTimes(field_name=spec.name)
    editor = app.current_pane.form.row(spec.name).editor
    await _focus_still(editor, pilot)
    calls: list[tuple[float, float]] = []
    phase = random.Random(0)
    with debounce(NO_DEBOUNCE), _timed_methods([(ChartView, "_draw"), (ChartPlot, "render_line")], calls):
        for index in range(warmup + count):
            await _idle_at_any_moment(phase)
            calls.clear()
            start = time.monotonic()
            sample = await _one_key(app, lesson.id, ("up", "down")[index % 2])
            end = start + (sample[1] / 1000 if sample else 0)
            inside = sum(seconds for begin, seconds in calls if start <= begin <= end)
            await _drain(app)
            if index < warmup:
                continue
            if sample is None:
                times.missed += 1
                if times.missed >= MAX_MISSED:
                    break
            else:
                times.key_to_screen.append(sample[1])
                times.cpu.append(sample[2])
                times.redraw.append(inside * 1000)
    return times


def _chosen(lessons: Sequence[int]) -> list[Lesson]:
    """The lessons numbered ``lessons`` (every lesson when it is empty)."""
    return [lesson for lesson in LESSONS if not lessons or lesson.number in lessons]


async def _measure_lessons(
    app: BenchApp, pilot, count: int, warmup: int, lessons: Sequence[int], progress: Callable[[str], None]
) -> list[LessonTimes]:
    results: list[LessonTimes] = []
    for lesson, step in ((each, step) for each in _chosen(lessons) for step in each.steps):
        edit = choose_edit(lesson, step, _in_worker(app))
        times = LessonTimes(lesson, step, edit)
        results.append(times)
        await _show(app, pilot, lesson, step)
        name = f"{lesson.number}.{lesson.steps.index(step) + 1} {lesson.title}"
        if edit is None:
            progress(f"  {name}: no edit found, skipped")
            continue
        progress(f"  {name}: {edit.describe()}")
        _, times.with_debounce, _, _, missed = await _time_edits(app, pilot, lesson, edit, count, warmup)
        with debounce(NO_DEBOUNCE):
            times.to_widgets, times.without_debounce, times.cpu, times.frames, missed_now = await _time_edits(
                app, pilot, lesson, edit, count, warmup
            )
        times.missed = missed + missed_now
    return results


async def _measure(
    count: int, warmup: int, state_dir: str, lessons: Sequence[int], progress: Callable[[str], None]
) -> tuple[list[LessonTimes], ChartTimes | None]:
    if "torch" in sys.modules:
        raise RuntimeError("torch is imported in the process the app is timed in; the real app never imports it")
    app = BenchApp(StateStore(Path(state_dir) / "state.json"))
    async with app.run_test(size=SIZE) as pilot:
        await _wait_ready(app, pilot)
        with watch_refreshes(app):
            results = await _measure_lessons(app, pilot, count, warmup, lessons, progress)
            chart = None
            if any(lesson.id == "derivatives" for lesson in _chosen(lessons)):
                progress("  chart: moving x in the derivatives lesson")
                chart = await _time_chart(app, pilot, count, warmup)
        await app.workers.wait_for_complete()
    return results, chart


def measure(
    count: int,
    warmup: int,
    state_dir: str,
    progress: Callable[[str], None] = print,
    lessons: Sequence[int] = (),
) -> tuple[list[LessonTimes], ChartTimes | None]:
    """Time ``count`` edits per step (after ``warmup`` untimed ones) and ``count`` chart moves.

    ``lessons``: the numbers of the lessons to time (every lesson when empty).
    """
    return asyncio.run(_measure(count, warmup, state_dir, lessons, progress))


def engine_only(
    timed: Sequence[LessonTimes], count: int, progress: Callable[[str], None] = print
) -> dict[str, list[float]]:
    """Milliseconds of ``Lesson.compute`` alone (no app, main thread), for the edits ``timed``: the engine's share.

    torch runs on one thread, as in the worker (``engine.worker.zygote``): with a thread pool, a
    small matrix product on a loaded machine waits for its threads and would overstate the engine.
    """
    import torch

    torch.set_num_threads(1)
    times: dict[str, list[float]] = {}
    for lesson, step, edit in ((each.lesson, each.step, each.edit) for each in timed):
        if edit is None:
            continue
        values = lesson.defaults()
        samples = times.setdefault(f"{lesson.id}/{step.id}", [])
        for index in range(count + 1):
            values[edit.field] = edit.values[(index + 1) % 2]
            start = time.perf_counter()
            lesson.compute(values, step=step.id)
            if index:  # the first call may import the lesson's module
                samples.append((time.perf_counter() - start) * 1000)
    progress(f"  engine alone: {count} computes per step")
    return times
