"""What one run may use: time (``Clock``), memory (``Memory``) and printed text (``Printed``).

The interpreter holds one of each for a run and checks them as it goes: the
clock between steps and inside long builtins, the memory as values arrive, the
printed text at each print().

The memory a run holds is what it holds now, not everything it ever made.
Every value the interpreter receives from a library is counted as it arrives,
which costs nothing. When the count says the run may have grown by
``MEASURE_EVERY`` bytes, or may be over its budget, the process's heap is
measured (glibc's ``mallinfo2``: bytes malloc has handed out and not had back,
which is where torch and NumPy keep tensor and array data). A training loop
that makes and drops small tensors for thousands of steps stays far under the
budget; a loop that keeps what it makes reaches it. Gradients, layer
parameters, autograd graphs and optimizer state are measured with the rest.

Where ``mallinfo2`` is not available (not glibc), the count itself is the
budget: the sum of everything made, as strict as before.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import time
from collections.abc import Callable

from engine.sandbox.limits import MAX_PRINTED_CHARS, MAX_PRINTED_LINES, LimitExceeded, check

MEASURE_EVERY = 16_000_000
"""Bytes counted since the last measurement that make the next one due."""


class _MallInfo2(ctypes.Structure):
    _fields_ = [
        (name, ctypes.c_size_t)
        for name in "arena ordblks smblks hblks hblkhd usmblks fsmblks uordblks fordblks keepcost".split()
    ]


def _mallinfo2() -> Callable[[], _MallInfo2] | None:
    try:
        function = ctypes.CDLL(ctypes.util.find_library("c") or None).mallinfo2
    except (OSError, AttributeError):
        return None
    function.restype = _MallInfo2
    function.argtypes = []
    return function


_MALLINFO2 = _mallinfo2()


def heap_in_use() -> int | None:
    """Bytes the C heap has handed out (small blocks and mmapped ones), or None where it cannot be read."""
    if _MALLINFO2 is None:
        return None
    info = _MALLINFO2()
    return int(info.uordblks + info.hblkhd)


class Clock:
    """A run's time: ``seconds`` from now."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.deadline = time.perf_counter() + seconds

    def tick(self) -> None:
        """Stop the run (LimitExceeded) when it has used its time."""
        now = time.perf_counter()
        if now > self.deadline:
            used = now - self.deadline + self.seconds
            raise LimitExceeded(f"the run time is {used:.2f} s; the limit is {self.seconds:g} s")


class Printed:
    """What a run has printed, against ``MAX_PRINTED_LINES`` and ``MAX_PRINTED_CHARS``."""

    def __init__(self) -> None:
        self.lines = 0
        self.chars = 0

    def count(self, text: str) -> None:
        """Count one printed line of ``text``; raise LimitExceeded past either limit."""
        self.lines += 1
        self.chars += len(text)
        check(self.lines, MAX_PRINTED_LINES, "the number of printed lines")
        check(self.chars, MAX_PRINTED_CHARS, "the number of printed characters")


class Memory:
    """What one run holds, against ``limit`` bytes."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.baseline = heap_in_use()
        self.held = 0
        """Bytes the run held at the last measurement (or made in all, without measurements)."""
        self.pending = 0
        """Bytes counted since then."""
        self.python = 0
        """Bytes of Python objects made (list slots, numbers from tolist): Python keeps them outside
        malloc's heap, so they stay counted, as made."""

    def add(self, size: int, python: bool = False) -> None:
        """Count ``size`` new bytes; measure when due; raise LimitExceeded when the run holds too much.

        ``python`` marks Python objects (lists, numbers), which the heap measurement does not see.
        """
        if python:
            self.python += size
        else:
            self.pending += size
        if self.pending < MEASURE_EVERY and self.held + self.pending + self.python <= self.limit:
            return
        self.measure()

    def measure(self) -> None:
        """Measure what the run holds now (after a backward pass, say, whose gradients were not counted)."""
        now = heap_in_use()
        if now is None or self.baseline is None:
            self.held += self.pending
        else:
            self.held = max(now - self.baseline, 0)
        self.pending = 0
        total = self.held + self.python
        if total > self.limit:
            raise LimitExceeded(f"the memory this run holds is {total:,} bytes; the limit is {self.limit:,} bytes")
