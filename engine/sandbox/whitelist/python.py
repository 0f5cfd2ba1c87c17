"""What learner code may use of Python's own library: ``math``, and string methods with bounded results.

``math`` works on single numbers, so its functions cannot allocate; the two
whose result grows with their argument (factorial, and pow on integers, which
math does as floats anyway) are bounded. String methods that can make a long
string (join, replace, format, the padding ones) are sized before they run.
"""

from __future__ import annotations

import math
import string
from collections.abc import Sequence

from engine.sandbox.limits import MAX_FORMAT_WIDTH, MAX_SEQUENCE, LimitExceeded, check
from engine.sandbox.whitelist.base import Allowed, Library, Refused, functions

MATH_FUNCTIONS = (
    "sqrt exp log log2 log10 log1p expm1 sin cos tan asin acos atan atan2 sinh cosh tanh "
    "floor ceil trunc fabs copysign isclose isnan isinf isfinite hypot degrees radians pow fmod erf"
)

MAX_FACTORIAL = 1_000
"""Largest n for math.factorial (its result has about 8,500 bits)."""


def _factorial(n: int) -> int:
    """math.factorial, bounded: its result grows faster than the exponent limit."""
    if isinstance(n, int) and n > MAX_FACTORIAL:
        raise LimitExceeded(f"math.factorial of {n:,} is over the limit of {MAX_FACTORIAL:,}")
    return math.factorial(n)


MATH = Library(
    "math",
    module=math,
    members={
        **functions("math", math, MATH_FUNCTIONS, "python"),
        "factorial": Allowed("math.factorial", _factorial, "python"),
        **{name: getattr(math, name) for name in "pi e tau inf nan".split()},
    },
)

STR_METHODS = frozenset(
    (
        "upper lower strip lstrip rstrip split rsplit startswith endswith title capitalize "
        "join replace format ljust rjust center zfill count find index isdigit isalpha "
        "isspace splitlines"
    ).split()
)


def before_str_method(text: str, name: str, args: Sequence[object], kwargs: dict[str, object]) -> None:
    """Refuse a string method whose result would be longer than MAX_SEQUENCE, before it runs."""
    if name == "join" and args and isinstance(args[0], (list, tuple)):
        items = args[0]
        check(len(items), MAX_SEQUENCE, "the number of pieces to join")
        length = sum(len(item) for item in items if isinstance(item, str)) + len(text) * len(items)
        check(length, MAX_SEQUENCE, "the length of the joined text")
    elif name == "replace" and len(args) >= 2 and isinstance(old := args[0], str) and isinstance(new := args[1], str):
        growth = max(len(new) - len(old), 0) * (text.count(old) if old else len(text) + 1)
        check(len(text) + growth, MAX_SEQUENCE, "the length of the replaced text")
    elif name in ("ljust", "rjust", "center", "zfill") and args and isinstance(args[0], int):
        check(args[0], MAX_SEQUENCE, "the width asked for")
    elif name == "format":
        check_format_fields(text)


def check_format_fields(text: str) -> None:
    """Allow only ``{}``, ``{0}`` and ``{name}`` fields with plain specs in str.format.

    A field such as ``{0.__class__}`` or ``{0[key]}`` would read attributes and
    items past the whitelist; a width like ``{:>999999999}`` would allocate.
    """
    try:
        fields = list(string.Formatter().parse(text))
    except ValueError as exc:
        raise ValueError(str(exc)) from None
    for _, field, spec, _ in fields:
        if field is None:
            continue
        if field and not (field.isdigit() or field.isidentifier()):
            raise Refused(
                f"the format field {{{field}}} is not available here: use {{}}, {{0}} or {{name}}, "
                "and compute the value first"
            )
        if spec and "{" in spec:
            raise Refused("nested fields in a format specification are not available here: write the width as a number")
        digits = ""
        for char in (spec or "") + " ":
            if char.isdigit():
                digits += char
                continue
            if digits and (len(digits) > 6 or int(digits) > MAX_FORMAT_WIDTH):
                raise LimitExceeded(f"the width in the format is {digits}; the limit is {MAX_FORMAT_WIDTH}")
            digits = ""
