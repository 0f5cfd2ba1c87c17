"""Bounds on what a learner's input may ask for, checked before anything is allocated."""

from __future__ import annotations

from engine.number_text import format_number

MAX_ELEMENTS = 1_000_000
"""Most elements any one tensor or array may hold (about 4 MB of float32)."""

MAX_DIMS = 8
"""Most dimensions a shape may have."""

MAX_SOURCE_CHARS = 10_000
"""Longest source text evaluate accepts; lesson code is a few hundred characters."""

MAX_STATEMENTS = 200
"""Most statements a source may contain, counting those inside loops and classes once."""

MAX_NESTING = 60
"""Deepest nesting of the syntax tree (brackets, operators, blocks) the interpreter walks."""

MAX_EXPONENT_BITS = 10_000
"""Largest size, in bits, of a Python integer that arithmetic may produce."""

MAX_SEQUENCE = 100_000
"""Most items a list, tuple, range or string built by the code may hold."""

MAX_WORK = 50_000_000
"""Most multiply-adds one matrix product may need (368x368 by 368x368); float16 NumPy runs ~0.2 s."""

MAX_RUN_BYTES = 200_000_000
"""Most memory one run may hold at a time: tensors, arrays, gradients, parameters and the lists it keeps.

What the run has made and dropped does not count (``engine.sandbox.budget``)."""

SLOT_BYTES = 8
"""What one list or tuple slot costs, for the budget above (its item was counted when made)."""

NUMBER_BYTES = 32
"""What a Python number costs, for lists built item by item (comprehensions, tolist())."""

MAX_PRINTED_LINES = 1_000
"""Most print() calls one run may make."""

MAX_PRINTED_CHARS = 1_000_000
"""Most characters one run may print in all."""

MAX_SECONDS = 10.0
"""The interpreter's own limit on one evaluation's run time, checked between steps and inside long builtins.

Long enough for a small training loop of a few thousand steps (a 2000-step
polynomial fit takes about half a second here). It is the first line only: the
worker process that runs evaluations holds the hard wall-clock limit from
outside, which also stops a single library call that runs long. The
interpreter reads it when a run starts, so a test may shorten it."""

OVERRUN_SECONDS = 2.0
"""How long past the interpreter's own limit the worker process may go before it is killed from outside."""

CODE_SECONDS = MAX_SECONDS + OVERRUN_SECONDS
"""The worker's hard limit on a run of learner-written code (the Playground, ``engine.evaluate``)."""

MAX_FIX_SECONDS = 0.3
"""Time the shape doctor may spend, after a failed run, trying candidate fixes."""

MAX_FORMAT_WIDTH = 200
"""Widest field or precision a format specification may ask for."""

MAX_CALL_DEPTH = 20
"""Deepest chain of calls between functions the code defines."""


class LimitExceeded(Exception):
    """The code asked for more than a limit allows; the message names the limit and the value."""


def check(value: int, limit: int, what: str) -> None:
    """Raise LimitExceeded when ``value`` is over ``limit``."""
    if value > limit:
        raise LimitExceeded(f"{what} is {format_number(value)}; the limit is {format_number(limit)}")
