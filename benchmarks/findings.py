"""What bounds each figure that misses its target, said with this run's own numbers.

The reasons were found by profiling (pyinstrument, py-spy; see docs/performance.md);
here they are only restated beside the figures that back them, so RESULTS.md
explains itself without going stale: a target that is met gets no paragraph.
"""

from __future__ import annotations

import os

from benchmarks import latency, startup, worker
from benchmarks.report import fmt, median, p95, ratio

FRAME_MS = 1000 / 60
"""Textual draws at most 60 frames a second: a result waits up to this long for its frame."""


def first_paint(times: startup.StartupTimes, limit: float) -> list[str]:
    app, bare = median(times.app_sidebar), median(times.bare_sidebar)
    if not ratio(app, bare) > limit:
        return []
    app_cpu, bare_cpu = median(times.app_sidebar_cpu), median(times.bare_sidebar_cpu)
    return [
        f"**First paint** ({fmt(ratio(app, bare), 'x', 2)} the bare app): by its first frame the app has used "
        f"{fmt(app_cpu, ' s', 2)} of CPU against the bare app's {fmt(bare_cpu, ' s', 2)}. Part of the difference is "
        "imports the bare app does not have (the lesson catalog and specs, the engine's result types, the worker "
        "client) and the sidebar's own progress counts; the lesson pane itself is composed on the frame after the "
        "sidebar's. See docs/performance.md."
    ]


def keystrokes(results: list[latency.LessonTimes], engine: dict[str, list[float]], limit_ms: float) -> list[str]:
    missed = [t for t in results if p95(t.without_debounce) >= limit_ms]
    if not missed:
        return []
    parts = []
    for times in missed:
        lesson = times.lesson
        parts.append(
            f"{lesson.number}.{lesson.steps.index(times.step) + 1} {lesson.title}: p95 "
            f"{fmt(p95(times.without_debounce), ' ms', 0)}, of which the engine "
            f"alone is {fmt(p95(engine.get(f'{lesson.id}/{times.step.id}', [])), ' ms', 0)} and the process's CPU "
            f"{fmt(p95(times.cpu), ' ms', 0)}"
        )
    return [
        f"**Keystroke to result** misses {limit_ms:.0f} ms for " + "; ".join(parts) + ". "
        "What every edit pays besides the engine: two frames, the key's echo and then the result (the Frames "
        f"column). Textual draws at most 60 frames a second, and after an idle moment its second frame comes "
        f"{FRAME_MS:.0f} to {2 * FRAME_MS:.0f} ms after the first, depending on when the key came (keys are sent "
        "at random moments of that clock): a result in its widgets sooner (the Widgets column: the debounce timer, "
        "the thread, JSON both ways to the worker process, the event loop) waits for that frame, one that comes "
        "later is drawn at once. Drawing the result takes the rest. Lessons 4 to 6 add their "
        "engine work (the 'Engine alone' column): every curve, fix and layer is run for real through the safe "
        "interpreter."
    ]


def chart(chart_times: latency.ChartTimes | None, limit_ms: float, keystroke_ms: float) -> list[str]:
    if chart_times is None:
        return []
    notes = []
    if p95(chart_times.redraw) >= limit_ms:
        notes.append(
            f"**Chart redraw** p95 {fmt(p95(chart_times.redraw), ' ms', 1)}: plotext builds its canvas in Python, "
            "cell by cell, for each of the lesson's two plots."
        )
    if p95(chart_times.key_to_screen) >= keystroke_ms:
        notes.append(
            f"**Moving x** reaches the screen in {fmt(median(chart_times.key_to_screen), ' ms', 0)} (median) although "
            f"the charts themselves take {fmt(median(chart_times.redraw), ' ms', 0)}: the rest is the lesson's engine "
            "work for the new x (slopes, two curves of 201 points, tangents) and the wait for Textual's frame, "
            f"at most 60 a second: the second frame after an idle moment comes {FRAME_MS:.0f} to "
            f"{2 * FRAME_MS:.0f} ms after the key's echo."
        )
    return notes


def memory(times: startup.StartupTimes, figures: startup.MemoryFigures, limit: float) -> list[str]:
    torch_rss, app = median(times.import_torch_rss_mb), median(figures.app_rss_mb)
    if not ratio(app, torch_rss) > limit:
        return []
    meta = median(times.meta_rss_mb)
    return [
        f"**Memory** ({fmt(ratio(app, torch_rss), 'x', 2)} import torch): the first operation on torch's `meta` "
        f"device, which the engine uses to size every result before it is made, imports torch._dynamo and sympy: "
        f"{fmt(meta, ' MiB')}, already {fmt(ratio(meta, torch_rss), 'x', 2)} import torch. The app after every "
        f"lesson is {fmt(ratio(app, meta), 'x', 2)} that floor (Textual, plotext, seven lessons' widgets and results)."
    ]


def round_trip(
    times: worker.WorkerTimes, limit_ms: float, load_before: tuple[float, ...], load_after: tuple[float, ...]
) -> list[str]:
    worst = p95(times.evaluate_overhead)
    if not worst > limit_ms:
        return []
    cores = os.cpu_count() or 1
    return [
        f"**Round trip** (p95 {fmt(worst, ' ms', 1)} over the same call in process, median "
        f"{fmt(median(times.evaluate_overhead), ' ms', 2)}): the extra CPU a call costs, worker and app together, is "
        f"{fmt(times.cpu_worker_side - times.cpu_local, ' ms', 2)} (JSON both ways, the socket, the memory report); "
        f"the rest is waiting to be scheduled. A call wakes another process and then this one again; with a load "
        f"average of {load_before[0]:.1f} to {load_after[0]:.1f} on {cores} cores, each wake-up can wait for a core "
        "to come free, which the in-process call never does."
    ]
