"""Figures into tables: one model, printed as plain text and written as Markdown."""

from __future__ import annotations

import math
import os
import platform
import statistics
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version


def median(values: Sequence[float]) -> float:
    """The median, NaN for no values (shown as a dash)."""
    return statistics.median(values) if values else math.nan


def p95(values: Sequence[float]) -> float:
    """95th percentile by nearest rank: a value that really occurred, never interpolated."""
    if not values:
        return math.nan
    ordered = sorted(values)
    return ordered[max(math.ceil(0.95 * len(ordered)) - 1, 0)]


def ratio(value: float, baseline: float) -> float:
    return value / baseline if baseline and not math.isnan(baseline) else math.nan


def fmt(value: float, unit: str = "", digits: int = 0) -> str:
    """A number for the table; NaN (nothing measured) is a dash."""
    if math.isnan(value):
        return "-"
    return f"{value:.{digits}f}{unit}"


def verdict(ok: bool | None) -> str:
    return "-" if ok is None else ("met" if ok else "MISSED")


@dataclass
class Table:
    """A titled table with an optional note under it."""

    title: str
    header: list[str]
    rows: list[list[str]]
    note: str = ""

    def text(self) -> str:
        widths = [max(len(row[i]) for row in [self.header, *self.rows]) for i in range(len(self.header))]
        lines = [self.title, "-" * len(self.title)]
        for row in [self.header, *self.rows]:
            lines.append("  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip())
        if self.note:
            lines.append(self.note)
        return "\n".join(lines)

    def markdown(self) -> str:
        lines = [f"### {self.title}", "", "| " + " | ".join(self.header) + " |"]
        lines.append("|" + "|".join("---" for _ in self.header) + "|")
        for row in self.rows:
            lines.append("| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |")
        if self.note:
            lines += ["", self.note]
        return "\n".join(lines)


def _package(name: str) -> str:
    try:
        return version(name)
    except PackageNotFoundError:
        return "not installed"


def _cpu() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            for line in info:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def _memory_gib() -> str:
    try:
        return f"{os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30:.1f} GiB RAM"
    except (ValueError, OSError, AttributeError):
        return "RAM unknown"


def environment(load_before: tuple[float, float, float], load_after: tuple[float, float, float]) -> list[str]:
    """Lines saying when and where the figures were taken."""
    return [
        f"Date: {datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC')}",
        f"Machine: {_cpu()}, {os.cpu_count()} cores, {_memory_gib()}, {platform.platform()}",
        f"Python {platform.python_version()} ({sys.implementation.name}), torch {_package('torch')}, "
        f"numpy {_package('numpy')}, textual {_package('textual')}, plotext {_package('plotext')}, "
        f"textual-plotext {_package('textual-plotext')}",
        f"Load average (1 min) at start / end: {load_before[0]:.2f} / {load_after[0]:.2f} on {os.cpu_count()} cores",
    ]
