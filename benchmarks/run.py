"""tensor-tutor's benchmarks: start-up, keystroke-to-result, chart redraw and memory.

Every figure is printed beside the baseline that bounds it, measured in the
same run so the machine's noise falls on both. The table is printed and written
to benchmarks/RESULTS.md. Run with ``make bench``; ``--quick`` is for trying
the script out (fewer runs than the targets ask for).
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

from benchmarks import latency, startup  # noqa: E402
from benchmarks.report import Table, environment, fmt, median, p95, ratio, verdict  # noqa: E402

FIRST_PAINT_RATIO = 1.5
KEYSTROKE_P95_MS = 50.0
CHART_P95_MS = 30.0
RSS_RATIO = 1.5


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="start-up rounds (app, bare app, import torch)")
    parser.add_argument("--edits", type=int, default=50, help="timed edits per lesson, and chart moves")
    parser.add_argument("--warmup", type=int, default=3, help="untimed edits before the timed ones")
    parser.add_argument("--memory-runs", type=int, default=1, help="app runs that visit every lesson")
    parser.add_argument("--quick", action="store_true", help="2 rounds and 10 edits: to try the script out")
    parser.add_argument("--output", type=Path, default=ROOT / "benchmarks" / "RESULTS.md")
    args = parser.parse_args(argv)
    if args.quick:
        args.rounds, args.edits, args.warmup = 2, 10, 2
    return args


def startup_table(times: startup.StartupTimes) -> Table:
    paint, bare = median(times.app_sidebar), median(times.bare_sidebar)
    torch_alone = median(times.import_torch)
    paint_ratio = ratio(paint, bare)
    rows = [
        ["Sidebar visible (first paint)", fmt(paint, " s", 2), "bare Textual app, same sidebar", fmt(bare, " s", 2),
         fmt(paint_ratio, "x", 2), f"<= {FIRST_PAINT_RATIO}x", verdict(None if paint != paint else paint_ratio <= FIRST_PAINT_RATIO)],
        ["PyTorch loaded (header says ready)", fmt(median(times.app_torch_ready), " s", 2), 'python -c "import torch"',
         fmt(torch_alone, " s", 2), fmt(ratio(median(times.app_torch_ready), torch_alone), "x", 2), "-", "-"],
        ["Lesson 1's tensor on screen", fmt(median(times.app_lesson_output), " s", 2), 'python -c "import torch"',
         fmt(torch_alone, " s", 2), fmt(ratio(median(times.app_lesson_output), torch_alone), "x", 2), "-", "-"],
    ]
    runs = ", ".join(fmt(s, "", 2) for s in times.app_sidebar)
    bare_runs = ", ".join(fmt(s, "", 2) for s in times.bare_sidebar)
    note = (
        f"Medians of {len(times.app_sidebar)} runs in an 80x24 pseudo-terminal, seconds from process start to the "
        f"screen showing it. First paint, app: {runs}; bare: {bare_runs}."
    )
    if times.failures:
        note += " Failed runs: " + "; ".join(times.failures) + "."
    return Table("Start-up", ["Measure", "tensor-tutor", "Baseline", "Baseline time", "Ratio", "Target", "Result"], rows, note)


def keystroke_table(results: list[latency.LessonTimes], engine: dict[str, list[float]], edits: int) -> Table:
    rows = []
    for times in results:
        lesson = times.lesson
        name = f"{lesson.number} {lesson.title}"
        if times.edit is None:
            rows.append([name, "no one-key edit found", *["-"] * 8])
            continue
        worst = p95(times.without_debounce)
        ok = None if worst != worst else worst < KEYSTROKE_P95_MS
        rows.append([
            name,
            times.edit.describe(),
            fmt(median(times.with_debounce), "", 1), fmt(p95(times.with_debounce), "", 1),
            fmt(median(times.without_debounce), "", 1), fmt(worst, "", 1),
            fmt(p95(times.compute_only), "", 1),
            fmt(median(engine.get(lesson.id, [])), "", 1), fmt(p95(engine.get(lesson.id, [])), "", 1),
            verdict(ok) + (f" ({times.missed} lost)" if times.missed else ""),
        ])
    note = (
        f"Milliseconds over {edits} edits per lesson (one key each, 80x24, headless Pilot app): from the key reaching "
        "the app to the screen refresh after the lesson's Computed message. 'Without' runs with a 1 ms debounce "
        f"instead of {latency.lesson_pane_module.DEBOUNCE_SECONDS * 1000:.0f} ms. 'To Computed': the same without "
        "the final refresh. 'Engine alone': Lesson.compute for the same values, no app. Target: p95 without debounce "
        f"< {KEYSTROKE_P95_MS:.0f} ms."
    )
    header = ["Lesson", "Edit", "With median", "With p95", "Without median", "Without p95",
              "To Computed p95", "Engine alone median", "Engine alone p95", "Result"]
    return Table("Keystroke to result", header, rows, note)


def chart_table(chart: latency.ChartTimes | None, edits: int) -> Table:
    header = ["Measure", "Median", "p95", "Target", "Result"]
    if chart is None:
        return Table("Chart redraw (lesson 4)", header, [["no derivatives chart found", "-", "-", "-", "-"]])
    redraw, key = p95(chart.redraw), p95(chart.key_to_screen)
    rows = [
        ["Chart redraw: plotext fed and drawn", fmt(median(chart.redraw), " ms", 1), fmt(redraw, " ms", 1),
         f"< {CHART_P95_MS:.0f} ms", verdict(None if redraw != redraw else redraw < CHART_P95_MS)],
        [f"'{chart.field_name}' key to new chart on screen", fmt(median(chart.key_to_screen), " ms", 1), fmt(key, " ms", 1),
         f"< {KEYSTROKE_P95_MS:.0f} ms", verdict(None if key != key else key < KEYSTROKE_P95_MS)],
    ]
    note = (
        f"{edits} moves of x by 0.1 with right/left, 1 ms debounce. Redraw: time inside ChartView._draw (series "
        "handed to plotext) plus PlotextPlot.render (plotext draws the canvas), summed per move over both charts."
    )
    if chart.missed:
        note += f" {chart.missed} moves produced no result."
    return Table("Chart redraw (lesson 4)", header, rows, note)


def memory_table(times: startup.StartupTimes, memory: startup.MemoryFigures) -> Table:
    torch_rss = median(times.import_torch_rss_mb)
    floor = median(times.libraries_rss_mb)
    app = median(memory.app_rss_mb)
    app_ratio = ratio(app, torch_rss)
    rows = [
        ['python -c "import torch"', fmt(torch_rss, " MiB"), "1.00x", "-", "-"],
        [f"python -c \"{startup.LIBRARIES}\"", fmt(floor, " MiB"), fmt(ratio(floor, torch_rss), "x", 2), "-", "-"],
        [f"tensor-tutor after lessons {', '.join(memory.visited) or '-'}", fmt(app, " MiB"), fmt(app_ratio, "x", 2),
         f"<= {RSS_RATIO}x", verdict(None if app != app else app_ratio <= RSS_RATIO)],
    ]
    note = "Peak resident set size (ru_maxrss of the process itself, from wait4); medians over the runs."
    if memory.failures:
        note += " Failed runs: " + "; ".join(memory.failures) + "."
    return Table("Memory", ["Process", "Peak RSS", "vs import torch", "Target", "Result"], rows, note)


def write_results(path: Path, header: list[str], tables: list[Table], seconds: float, argv: list[str]) -> None:
    lines = ["# Benchmark results", "", "Written by `make bench` (`benchmarks/run.py`); the latest run replaces this file.", ""]
    lines += [f"- {line}" for line in header]
    command = " ".join(["python benchmarks/run.py", *argv])
    lines += [f"- Command: `{command}`", f"- Whole run: {seconds:.0f} s", ""]
    for table in tables:
        lines += [table.markdown(), ""]
    lines += ["What bounds the figures that miss a target, and what was changed: see `docs/performance.md`.", ""]
    path.write_text("\n".join(lines), encoding="utf-8")


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    args = parse_args(argv)
    began = time.perf_counter()
    load_before = os.getloadavg()
    print(f"Start-up: {args.rounds} rounds of tensor-tutor, bare Textual app, import torch")
    times = startup.measure_startup(args.rounds)
    print(f"Memory: {args.memory_runs} run(s) visiting every lesson")
    memory = startup.measure_memory(args.memory_runs)
    print(f"Keystroke to result: {args.edits} edits per lesson (+{args.warmup} untimed), with and without debounce")
    with tempfile.TemporaryDirectory() as state_dir:
        results, chart = latency.measure(args.edits, args.warmup, state_dir)
    engine = latency.engine_only(args.edits)
    seconds = time.perf_counter() - began
    header = environment(load_before, os.getloadavg())
    tables = [startup_table(times), keystroke_table(results, engine, args.edits), chart_table(chart, args.edits),
              memory_table(times, memory)]
    print()
    print("\n".join(header))
    for table in tables:
        print()
        print(table.text())
    write_results(args.output, header, tables, seconds, argv)
    print(f"\nWritten to {args.output} ({seconds:.0f} s in all)")


if __name__ == "__main__":
    main()
