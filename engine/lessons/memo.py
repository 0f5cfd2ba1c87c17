"""The last result of a lesson's costly part, reused while the inputs it depends on stay the same.

An edit changes one field, and a step's result is often made of parts that do
not depend on it: the four fixes of lesson 5 when only the fix picked changes,
a curve when only x moves inside the chart's range. Each ``Remembered`` keeps
one result, the last, so memory stays bounded and a result is reused only for
exactly equal inputs (it was real PyTorch output for them). The language is part
of every key: results hold translated text.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

from engine.i18n import language

T = TypeVar("T")


class Remembered(Generic[T]):
    """One slot: ``get(key, make)`` returns the last result if ``key`` is the last key, else ``make()``.

    A ``make`` that raises (an ``InputError`` for bad input) leaves the slot as it was.
    """

    def __init__(self) -> None:
        self._last: tuple[Hashable, T] | None = None

    def get(self, key: Hashable, make: Callable[[], T]) -> T:
        full = (language(), key)
        last = self._last  # one read and one write of a tuple: safe from several threads
        if last is not None and last[0] == full:
            return last[1]
        value = make()
        self._last = (full, value)
        return value

    def clear(self) -> None:
        """Forget the last result (for tests and benchmarks that time the work itself)."""
        self._last = None
