"""Numbers in messages, written as people write them: 4,294,967,295 and 0.5, not 4.29497e+09.

Every message that quotes a limit or a value the learner typed goes through
``format_number``, so all of them read the same way.
"""

from __future__ import annotations

import math

_PLAIN_LIMIT = 1e15
"""Beyond this (and below ``_SMALL``) scientific notation is the honest way to write a number."""

_SMALL = 1e-4


def format_number(value: float) -> str:
    """``value`` with thousands separators and no exponent, unless it is tiny or astronomically large."""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return f"{value:,}"
    if not math.isfinite(value):
        return str(value)
    magnitude = abs(value)
    if magnitude >= _PLAIN_LIMIT or 0 < magnitude < _SMALL:
        return f"{value:.6g}"
    if value == int(value):
        return f"{int(value):,}"
    return f"{value:,.6f}".rstrip("0").rstrip(".")
