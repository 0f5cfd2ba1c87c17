"""tensor-tutor's benchmarks: start-up, keystroke-to-result, chart redraw, memory and the worker process.

Every figure is printed beside the baseline that bounds it, measured in the
same run so the machine's noise falls on both. The table is printed and written
to benchmarks/RESULTS.md. Run with ``make bench``; ``--quick`` is for trying
the script out (fewer runs than the targets ask for). ``--only startup,keystrokes``
runs some parts alone and ``--lessons 4,5`` times only those lessons' steps: while
working on one figure, on a shared machine. A partial run prints its tables and
leaves RESULTS.md as it is unless ``--output`` names a file.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # run as a script: make the benchmarks package importable

import tempfile  # noqa: E402

from benchmarks import challenges, findings, latency, playground, serving, startup, worker  # noqa: E402
from benchmarks.report import Table, environment, fmt, median, p95, ratio, verdict  # noqa: E402

FIRST_PAINT_RATIO = 1.2
KEYSTROKE_P95_MS = 50.0
CHART_P95_MS = 30.0
RSS_RATIO = 1.5
ROUND_TRIP_P95_MS = 2.0
REPLACE_P95_MS = 100.0
SERVED_OUTPUT_S = 0.5
PER_LEARNER_MB = 120.0
SERVED_EDIT_P95_MS = 250.0
CHECK_P95_MS = 300.0

PARTS = ("startup", "memory", "keystrokes", "worker", "serving", "training", "challenges")
"""What ``--only`` can pick; start-up and memory share the start-up runs' baselines (import torch)."""


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="start-up rounds (app, bare app, import torch)")
    parser.add_argument("--edits", type=int, default=50, help="timed edits per lesson, and chart moves")
    parser.add_argument("--warmup", type=int, default=2, help="untimed edits before the timed ones")
    parser.add_argument("--memory-runs", type=int, default=1, help="app runs that visit every lesson")
    parser.add_argument("--calls", type=int, default=200, help="paired engine calls, in the worker and in process")
    parser.add_argument("--kills", type=int, default=20, help="workers killed and replaced")
    parser.add_argument("--learners", default="1,10,30", help="class sizes served at once, for memory per learner")
    parser.add_argument("--edit-learners", type=int, default=20, help="served learners editing once a second")
    parser.add_argument("--serve-seconds", type=float, default=60, help="how long they edit")
    parser.add_argument("--checks", type=int, default=20, help="timed checks of each challenge")
    parser.add_argument("--quick", action="store_true", help="2 rounds and 10 edits: to try the script out")
    parser.add_argument("--only", default=",".join(PARTS), help=f"parts to run, of: {', '.join(PARTS)}")
    parser.add_argument("--lessons", default="", help="lesson numbers whose steps the keystrokes time (all if empty)")
    parser.add_argument("--output", type=Path, default=None, help="where to write the tables (RESULTS.md: full runs)")
    args = parser.parse_args(argv)
    args.only = tuple(part.strip() for part in args.only.split(",") if part.strip())
    unknown = sorted(set(args.only) - set(PARTS))
    if unknown:
        parser.error(f"unknown part {unknown[0]!r}: pick from {', '.join(PARTS)}")
    args.lessons = tuple(int(n) for n in args.lessons.split(",") if n.strip())
    if args.output is None and set(args.only) == set(PARTS) and not args.lessons:
        args.output = ROOT / "benchmarks" / "RESULTS.md"
    if args.quick:
        args.rounds, args.edits, args.warmup, args.calls, args.kills, args.checks = 2, 10, 2, 30, 5, 5
        args.learners, args.edit_learners, args.serve_seconds = "1,3", 4, 5
    return args


def _pair(values: list[float], unit: str = "", digits: int = 1) -> str:
    """``median / p95`` in one cell."""
    return f"{fmt(median(values), '', digits)} / {fmt(p95(values), unit, digits)}"


def startup_table(times: startup.StartupTimes) -> Table:
    paint, bare = median(times.app_sidebar), median(times.bare_sidebar)
    paint_ratio = ratio(paint, bare)
    torch_alone, engine = median(times.import_torch), median(times.engine_import)
    torch_cpu, engine_cpu = median(times.import_torch_cpu), median(times.engine_import_cpu)
    output, output_cpu = median(times.app_lesson_output), median(times.app_lesson_output_cpu)
    rows = [
        [
            "Sidebar visible (first paint)",
            fmt(paint, " s", 2),
            fmt(median(times.app_sidebar_cpu), " s", 2),
            "bare Textual app, same sidebar",
            fmt(bare, " s", 2),
            fmt(median(times.bare_sidebar_cpu), " s", 2),
            fmt(paint_ratio, "x", 2),
            f"<= {FIRST_PAINT_RATIO}x",
            verdict(None if paint != paint else paint_ratio <= FIRST_PAINT_RATIO),
        ],
        [
            "PyTorch loaded (header says ready)",
            fmt(median(times.app_torch_ready), " s", 2),
            "-",
            'python -c "import torch"',
            fmt(torch_alone, " s", 2),
            fmt(torch_cpu, " s", 2),
            fmt(ratio(median(times.app_torch_ready), torch_alone), "x", 2),
            "-",
            "-",
        ],
        [
            "Lesson 1's tensor on screen",
            fmt(output, " s", 2),
            fmt(output_cpu, " s", 2),
            'python -c "import torch"',
            fmt(torch_alone, " s", 2),
            fmt(torch_cpu, " s", 2),
            fmt(ratio(output, torch_alone), "x", 2),
            "-",
            "-",
        ],
        [
            "Lesson 1's tensor on screen",
            fmt(output, " s", 2),
            fmt(output_cpu, " s", 2),
            f'python -c "{startup.ENGINE}"',
            fmt(engine, " s", 2),
            fmt(engine_cpu, " s", 2),
            fmt(ratio(output, engine), "x", 2),
            "-",
            "-",
        ],
    ]
    note = (
        f"Medians of {len(times.app_sidebar)} runs in an 80x24 pseudo-terminal: seconds from process start until "
        "the screen shows it (wall), and the CPU seconds the process had used by then (all threads; 10 ms steps). "
        "Baselines run to exit. First paint, app: "
        + ", ".join(fmt(v, "", 2) for v in times.app_sidebar)
        + "; bare: "
        + ", ".join(fmt(v, "", 2) for v in times.bare_sidebar)
        + "."
    )
    if times.failures:
        note += " Failed runs: " + "; ".join(times.failures) + "."
    header = ["Measure", "tensor-tutor", "CPU", "Baseline", "Baseline", "CPU", "Ratio (wall)", "Target", "Result"]
    return Table("Start-up", header, rows, note)


def keystroke_table(results: list[latency.LessonTimes], engine: dict[str, list[float]], edits: int) -> Table:
    rows = []
    for times in results:
        lesson = times.lesson
        name = f"{lesson.number}.{lesson.steps.index(times.step) + 1} {lesson.title}: {times.step.heading}"
        if times.edit is None:
            rows.append([name, "no one-key edit found", *["-"] * 7])
            continue
        worst = p95(times.without_debounce)
        ok = None if worst != worst else worst < KEYSTROKE_P95_MS
        rows.append(
            [
                name,
                times.edit.describe(),
                _pair(times.with_debounce),
                _pair(times.without_debounce),
                _pair(times.to_widgets),
                _pair(times.cpu),
                _frames(times.frames),
                _pair(engine.get(f"{lesson.id}/{times.step.id}", [])),
                verdict(ok) + (f" ({times.missed} lost)" if times.missed else ""),
            ]
        )
    note = (
        f"Milliseconds, median / p95 over {edits} edits on every step of every lesson (one key each, 80x24, "
        "headless app; a step of pick-lists only: one change of choice). "
        "Screen: from the key reaching the app until the screen has settled on the new result (the end of the last "
        f"refresh of the burst after the pane put the result in its widgets; {latency.QUIET * 1000:.0f} ms without "
        f"a refresh ends a burst). Debounce: {latency.lesson_pane_module.DEBOUNCE_SECONDS * 1000:.0f} ms as shipped; "
        "'no debounce' sets it to 1 ms. Widgets: the same, up to the result being in the widgets (before layout and "
        "render). CPU: CPU time of the whole process (all threads) per edit, no debounce: close to the idle-machine "
        "cost when the machine is busy. Frames: screen refreshes per edit, no debounce, median / most, from the key "
        "until the screen settled: the key's echo, then the result. Engine: Lesson.compute for the same values, alone in the main thread, torch on one thread as in the worker. "
        f"Target: screen p95 without debounce < {KEYSTROKE_P95_MS:.0f} ms."
    )
    header = [
        "Step",
        "Edit",
        "Screen, debounce",
        "Screen, no debounce",
        "Widgets, no debounce",
        "CPU per edit",
        "Frames",
        "Engine alone",
        "Result",
    ]
    return Table("Keystroke to result", header, rows, note)


def _frames(counts: list[int]) -> str:
    """Median and most refreshes per edit: ``2 / 3``."""
    if not counts:
        return "-"
    return f"{sorted(counts)[len(counts) // 2]} / {max(counts)}"


def chart_table(chart: latency.ChartTimes | None, edits: int) -> Table:
    header = ["Measure", "Median", "p95", "CPU median / p95", "Target", "Result"]
    if chart is None:
        return Table("Chart redraw (lesson 4)", header, [["no derivatives chart found", "-", "-", "-", "-", "-"]])
    redraw, key = p95(chart.redraw), p95(chart.key_to_screen)
    rows = [
        [
            "Chart redraw: plotext fed and drawn",
            fmt(median(chart.redraw), " ms", 1),
            fmt(redraw, " ms", 1),
            "-",
            f"< {CHART_P95_MS:.0f} ms",
            verdict(None if redraw != redraw else redraw < CHART_P95_MS),
        ],
        [
            f"'{chart.field_name}' key to new charts on screen",
            fmt(median(chart.key_to_screen), " ms", 1),
            fmt(key, " ms", 1),
            _pair(chart.cpu, " ms"),
            f"< {KEYSTROKE_P95_MS:.0f} ms",
            verdict(None if key != key else key < KEYSTROKE_P95_MS),
        ],
    ]
    note = (
        f"{edits} moves of x by 0.1 with up/down, 1 ms debounce. Redraw: time inside ChartView._draw (series "
        "handed to plotext, which draws the canvas) plus ChartPlot.render_line (which hands its lines over, or draws them for a "
        "new size), summed per move over the lesson's charts, from the key until the screen settled. The key-to-screen time (measured like the keystrokes "
        "above) includes the lesson's engine work for the new x."
    )
    if chart.missed:
        note += f" {chart.missed} moves produced no result."
    return Table("Chart redraw (lesson 4)", header, rows, note)


def memory_table(times: startup.StartupTimes, memory: startup.MemoryFigures) -> Table:
    torch_rss = median(times.import_torch_rss_mb)
    app = median(memory.app_rss_mb)
    app_ratio = ratio(app, torch_rss)
    baselines = [
        ('python -c "import torch"', torch_rss),
        (f'python -c "{startup.LIBRARIES}"', median(times.libraries_rss_mb)),
        (f'python -c "{startup.META}"', median(times.meta_rss_mb)),
        (f'python -c "{startup.ENGINE}"', median(times.engine_rss_mb)),
    ]
    rows = [[name, fmt(rss, " MiB"), "-", fmt(ratio(rss, torch_rss), "x", 2), "-", "-"] for name, rss in baselines]
    lessons = ", ".join(memory.visited) or "-"
    tree = median([sum(parts) for parts in zip(memory.app_pss_mb, memory.zygote_pss_mb, memory.worker_pss_mb)])
    tree_ratio = ratio(tree, torch_rss)
    rows += [
        [
            f"tensor-tutor app process, after lessons {lessons}",
            fmt(app, " MiB"),
            fmt(median(memory.app_pss_mb), " MiB"),
            fmt(app_ratio, "x", 2),
            f"<= {RSS_RATIO}x",
            verdict(None if app != app else app_ratio <= RSS_RATIO),
        ],
        [
            "its engine zygote (torch imported and warm)",
            fmt(median(memory.zygote_rss_mb), " MiB"),
            fmt(median(memory.zygote_pss_mb), " MiB"),
            "-",
            "-",
            "-",
        ],
        [
            f"its worker, after lessons {lessons} (private: {fmt(median(memory.worker_private_mb), ' MiB')})",
            fmt(median(memory.worker_rss_mb), " MiB"),
            fmt(median(memory.worker_pss_mb), " MiB"),
            "-",
            "-",
            "-",
        ],
        [
            "app + zygote + worker (sum of PSS)",
            "-",
            fmt(tree, " MiB"),
            fmt(tree_ratio, "x", 2),
            f"<= {RSS_RATIO}x",
            verdict(None if tree != tree else tree_ratio <= RSS_RATIO),
        ],
    ]
    note = (
        "Baselines: peak resident set size (ru_maxrss from wait4). The app: its own peak RSS (VmHWM) and PSS, "
        "read from /proc after every lesson was shown, with its zygote's and worker's current RSS and PSS "
        "(PSS splits the pages the worker shares with the zygote, copy-on-write, between them); medians over the runs."
    )
    if memory.failures:
        note += " Failed runs: " + "; ".join(memory.failures) + "."
    return Table("Memory", ["Process", "Peak RSS / RSS", "PSS", "vs import torch", "Target", "Result"], rows, note)


def worker_table(times: worker.WorkerTimes) -> Table:
    def overhead_row(name: str, remote: list[float], local: list[float], overhead: list[float]) -> list[str]:
        worst = p95(overhead)
        return [
            name,
            _pair(remote, " ms", 2),
            "the same call in process",
            _pair(local, " ms", 2),
            _pair(overhead, " ms", 2),
            f"p95 < {ROUND_TRIP_P95_MS:g} ms",
            verdict(None if worst != worst else worst < ROUND_TRIP_P95_MS),
        ]

    replaced = [a - b for a, b in zip(times.replaced_call, times.ordinary_call)]
    worst_replace = p95(replaced)
    rows = [
        overhead_row(
            f"evaluate({worker.SOURCE!r})", times.evaluate_worker, times.evaluate_local, times.evaluate_overhead
        ),
        overhead_row(
            f"lesson {worker.LESSON!r} compute, defaults",
            times.lesson_worker,
            times.lesson_local,
            times.lesson_overhead,
        ),
        [
            "CPU per evaluate call (worker + app)",
            fmt(times.cpu_worker_side, " ms", 2),
            "CPU in process",
            fmt(times.cpu_local, " ms", 2),
            fmt(times.cpu_worker_side - times.cpu_local, " ms", 2),
            "-",
            "-",
        ],
        [
            "The call after a worker was killed",
            _pair(times.replaced_call, " ms", 1),
            "an ordinary call",
            _pair(times.ordinary_call, " ms", 1),
            _pair(replaced, " ms", 1),
            f"p95 < {REPLACE_P95_MS:g} ms",
            verdict(None if worst_replace != worst_replace else worst_replace < REPLACE_P95_MS),
        ],
        ["Fork a worker (fork, lock down, hello)", _pair(times.fork, " ms", 1), "-", "-", "-", "-", "-"],
        ["Start the zygote (import and warm torch)", fmt(times.zygote_start_s, " s", 2), "-", "-", "-", "-", "-"],
    ]
    layers = ", ".join(f"{name} {state.split(':')[0]}" for name, state in times.layers.items())
    note = (
        f"Milliseconds, median / p95 over {len(times.evaluate_worker)} calls of each kind, the worker's call and the "
        f"in-process one alternating (one thread on both sides); Difference: call by call. Replacement: "
        f"{len(times.replaced_call)} workers killed (SIGKILL), each followed by a call that has to get a fresh one; "
        f"its difference is to an ordinary call just before. CPU: averaged over {len(times.evaluate_worker)} calls "
        f"made one after another (the worker's from /proc, the app's own), beside the same calls in process. "
        f"Worker limits in force: {layers}."
    )
    header = ["Measure", "Worker", "Baseline", "Baseline", "Difference", "Target", "Result"]
    return Table("Worker process", header, rows, note)


def serving_table(figures: serving.ServingFigures) -> Table:
    own, bare = median(figures.own_output), median(figures.bare_sidebar)
    rows = []
    for already, times in sorted(figures.joining.items()):
        served = median(times)
        baseline = (
            ("the app with an engine of its own", own) if already == 0 else ("bare Textual app, first paint", bare)
        )
        rows.append(
            [
                f"Lesson 1's tensor on screen, served, {already} learners already connected",
                fmt(served, " s", 2),
                baseline[0],
                fmt(baseline[1], " s", 2),
                f"< {SERVED_OUTPUT_S:g} s",
                verdict(None if served != served else served < SERVED_OUTPUT_S),
            ]
        )
    cpu = {name: median(values) for name, values in figures.start_cpu.items()}
    rows.append(
        [
            "CPU seconds the app used until lesson 1's tensor, served",
            fmt(cpu.get("served", float("nan")), " s", 2),
            "bare Textual app, until first paint",
            fmt(cpu.get("bare", float("nan")), " s", 2),
            "-",
            f"engine of its own: {fmt(cpu.get('own', float('nan')), ' s', 2)}",
        ]
    )
    per_learner = figures.per_learner_mb()
    rows.append(
        [
            "Memory per additional learner (PSS of the whole tree)",
            fmt(per_learner, " MiB"),
            "one app with an engine of its own (app + zygote + worker)",
            fmt(median(figures.own_tree_pss_mb), " MiB"),
            f"<= {PER_LEARNER_MB:g} MiB",
            verdict(None if per_learner != per_learner else per_learner <= PER_LEARNER_MB),
        ]
    )
    for count in sorted(figures.tree_pss_mb):
        rows.append(
            [
                f"{count} learners served: PSS of an app + its worker, on average",
                fmt(figures.learner_pss_mb[count], " MiB"),
                "the whole tree (server, workers, apps)",
                fmt(figures.tree_pss_mb[count], " MiB"),
                "-",
                "-",
            ]
        )
    worst = p95(figures.edit_ms)
    clean = figures.edit_errors == 0 and figures.workers_left == 0
    rows.append(
        [
            f"{figures.edit_learners} learners, an edit a second each for {figures.edit_seconds:g} s: key to new tensor "
            f"on screen (errors {figures.edit_errors}, workers left after {figures.workers_left})",
            _pair(figures.edit_ms, " ms", 0),
            "one learner editing alone",
            _pair(figures.alone_ms, " ms", 0),
            f"p95 < {SERVED_EDIT_P95_MS:g} ms, no errors, no worker left",
            verdict(None if worst != worst else worst < SERVED_EDIT_P95_MS and clean),
        ]
    )
    apps, workers = figures.edit_cpu_ms.get("apps", float("nan")), figures.edit_cpu_ms.get("workers", float("nan"))
    rows.append(
        [
            f"CPU per edit: the app {fmt(apps, ' ms', 0)}, its worker {fmt(workers, ' ms', 0)}",
            fmt(apps + workers, " ms", 0),
            f"cores {figures.edit_learners} learners need at an edit a second",
            fmt((apps + workers) * figures.edit_learners / 1000, "", 2),
            "-",
            "-",
        ]
    )
    for count, cores in sorted(figures.idle_cores.items()):
        rows.append([f"CPU of an idle learner (app + worker), {count} served", fmt(cores, " cores", 3), *["-"] * 4])
    note = (
        "One `tensor-tutor serve` for every row; every learner is a real app with --engine in an 80x24 "
        "pseudo-terminal, timed off its screen. Start-up: medians of runs with a fresh state, from process start "
        "until lesson 1's tensor is drawn; with no one else connected they alternate with an app with an engine of "
        "its own and the bare Textual app (its first paint is the floor of any Textual app's start); the other rows "
        "join a class of that many apps showing lesson 1. Memory: that many apps served at once, each showing "
        "lesson 1; per additional learner is the growth of the whole tree's PSS from the smallest class to the "
        "largest (PSS splits the server's pages among the workers sharing them copy-on-write). Editing: each app "
        "types into lesson 1's seed field once a second (a digit, then a backspace), spread over the second; the "
        f"time runs from the key until the tensor PyTorch prints for the new seed is on screen, the "
        f"{latency.lesson_pane_module.DEBOUNCE_SECONDS * 1000:.0f} ms debounce included; an edit not shown within "
        f"{serving.EDIT_TIMEOUT:g} s is an error. Workers left: the server's workers still running 10 s after "
        "every learner quit. CPU: user and system time from /proc (10 ms steps), which a loaded machine stretches "
        "far less than wall-clock time; the edits' is summed over the editing and divided by the edits shown."
    )
    if figures.failures:
        note += " Failures: " + "; ".join(figures.failures) + "."
    header = ["Measure", "Served", "Baseline", "Baseline", "Target", "Result"]
    return Table("Serving a class (tensor-tutor serve)", header, rows, note)


def check_table(times: challenges.CheckTimes) -> Table:
    rows = []
    for name, passing in times.passing.items():
        worst = max(p95(passing), p95(times.failing[name]))
        rows.append(
            [
                name,
                _pair(passing, " ms", 1),
                _pair(times.failing[name], " ms", 1),
                _pair(times.baseline[name], " ms", 1),
                fmt(ratio(median(passing), median(times.baseline[name])), "x", 1),
                f"p95 < {CHECK_P95_MS:g} ms",
                verdict(None if worst != worst else worst < CHECK_P95_MS),
            ]
        )
    runs = len(next(iter(times.passing.values()), []))
    note = (
        f"Milliseconds, median / p95 over {runs} checks of each challenge through the worker, as the app makes them "
        "(ctrl+s): the reference solution, which runs on all three trials, and the starter code, which stops at the "
        "first difference. Baseline: the solution evaluated once, in this process, on the first trial's inputs. "
        "The references' own runs are made once, in the zygote, before any worker is forked."
    )
    header = ["Challenge", "Check, solution", "Check, starter", "One evaluate (baseline)", "Ratio", "Target", "Result"]
    return Table("Checking a challenge", header, rows, note)


def training_table(times: playground.TrainingTimes) -> Table:
    header = ["Program", "Playground (evaluator)", "Plain Python", "Ratio", "Interpreter limit", "Result"]
    note = (
        f"Medians of {len(next(iter(times.evaluator.values())))} runs each, the same programs as the corpus test. "
        "The interpreter's own limit (engine.sandbox.limits.MAX_SECONDS) must let them finish; the worker holds the hard line."
    )
    return Table("Training loop in the Playground", header, playground.rows(times), note)


def write_results(
    path: Path, header: list[str], tables: list[Table], notes: list[str], seconds: float, argv: list[str]
) -> None:
    lines = [
        "# Benchmark results",
        "",
        "Written by `make bench` (`benchmarks/run.py`); the latest run replaces this file.",
        "",
    ]
    lines += [f"- {line}" for line in header]
    command = " ".join(["python benchmarks/run.py", *argv])
    lines += [f"- Command: `{command}`", f"- Whole run: {seconds:.0f} s", ""]
    for table in tables:
        lines += [table.markdown(), ""]
    if notes:
        lines += ["## What bounds the misses", ""]
        lines += [f"- {note}" for note in notes]
        lines.append("")
    lines += [
        "How each figure is taken, the profiles behind these reasons and what was changed: `docs/performance.md`.",
        "",
    ]
    path.write_text("\n".join(lines), encoding="utf-8")


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    args = parse_args(argv)
    began = time.perf_counter()
    load_before = os.getloadavg()
    tables: list[Table] = []
    notes: list[str] = []
    times = None
    if "startup" in args.only or "memory" in args.only:
        print(f"Start-up: {args.rounds} rounds of tensor-tutor, bare Textual app, import torch")
        times = startup.measure_startup(args.rounds)
        if "startup" in args.only:
            tables.append(startup_table(times))
            notes += findings.first_paint(times, FIRST_PAINT_RATIO)
    if "keystrokes" in args.only:
        print(f"Keystroke to result: {args.edits} edits per step (+{args.warmup} untimed), with and without debounce")
        with tempfile.TemporaryDirectory() as state_dir:
            results, chart = latency.measure(args.edits, args.warmup, state_dir, lessons=args.lessons)
        engine = latency.engine_only(results, args.edits)
        tables += [keystroke_table(results, engine, args.edits), chart_table(chart, args.edits)]
        notes += findings.keystrokes(results, engine, KEYSTROKE_P95_MS)
        notes += findings.chart(chart, CHART_P95_MS, KEYSTROKE_P95_MS)
    if "memory" in args.only and times is not None:
        print(f"Memory: {args.memory_runs} run(s) visiting every lesson")
        memory = startup.measure_memory(args.memory_runs)
        tables.append(memory_table(times, memory))
        notes += findings.memory(times, memory, RSS_RATIO)
    if "worker" in args.only:
        print(f"Worker: {args.calls} paired calls, {args.kills} killed workers")
        worker_times = worker.measure(args.calls, args.kills)
        tables.append(worker_table(worker_times))
        notes += findings.round_trip(worker_times, ROUND_TRIP_P95_MS, load_before, os.getloadavg())
    if "serving" in args.only:
        counts = tuple(int(n) for n in args.learners.split(","))
        print(
            f"Serving: classes of {args.learners}; {args.edit_learners} learners editing for {args.serve_seconds:g} s"
        )
        tables.append(
            serving_table(serving.measure(counts, min(args.rounds, 3), args.edit_learners, args.serve_seconds))
        )
    if "training" in args.only:
        print(f"Training loop: {args.rounds} runs of each polynomial fit, in the Playground and in plain Python")
        tables.append(training_table(playground.measure(args.rounds)))
    if "challenges" in args.only:
        print(f"Challenges: {args.checks} checks of each")
        tables.append(check_table(challenges.measure(args.checks)))
    seconds = time.perf_counter() - began
    header = environment(load_before, os.getloadavg())
    print()
    print("\n".join(header))
    for table in tables:
        print()
        print(table.text())
    for note in notes:
        print("\n- " + note.replace("**", ""))
    if args.output is not None:
        write_results(args.output, header, tables, notes, seconds, argv)
        print(f"\nWritten to {args.output} ({seconds:.0f} s in all)")
    else:
        print(f"\n{seconds:.0f} s in all (a partial run: nothing written; --output names a file)")


if __name__ == "__main__":
    main()
