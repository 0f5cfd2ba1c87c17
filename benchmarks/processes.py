"""Running processes read from /proc: memory (RSS, PSS: shared pages split between sharers, private, peak), CPU time, the tree."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

MIB = 1024 * 1024


@dataclass(frozen=True)
class Memory:
    """MiB: resident, proportional (shared pages divided among the processes sharing them), private, peak resident."""

    rss: float
    pss: float
    private: float
    peak_rss: float


def memory(pid: int) -> Memory | None:
    """The memory of ``pid`` now; None if it has gone."""
    try:
        rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    kib = {}
    for line in rollup.splitlines()[1:] + status.splitlines():
        name, _, value = line.partition(":")
        parts = value.split()
        if len(parts) == 2 and parts[1] == "kB":
            kib[name] = int(parts[0])
    private = kib.get("Private_Clean", 0) + kib.get("Private_Dirty", 0)
    return Memory(kib.get("Rss", 0) / 1024, kib.get("Pss", 0) / 1024, private / 1024, kib.get("VmHWM", 0) / 1024)


def cpu_seconds(pid: int) -> float:
    """User and system CPU time of ``pid`` so far, all its threads (clock ticks: 10 ms steps); NaN if it has gone.

    On a busy machine wall-clock times stretch with the load while this stays
    close to what the same work costs on an idle one.
    """
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return float("nan")
    fields = stat.rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime


def parents() -> dict[int, int]:
    """Every running process and its parent."""
    found = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            found[int(entry)] = int(stat.rsplit(")", 1)[1].split()[1])
    return found


def children(pid: int) -> list[int]:
    """The processes whose parent is ``pid``."""
    return [child for child, parent in parents().items() if parent == pid]


def descendants(pid: int) -> list[int]:
    """The processes below ``pid``: its children, theirs, and so on."""
    tree = parents()
    found, todo = [], [pid]
    while todo:
        above = todo.pop()
        below = [child for child, parent in tree.items() if parent == above]
        found += below
        todo += below
    return found
