"""Strict parsers for what learners type into fields.

Each parser turns text into plain Python values or raises ``InputError`` with one
sentence saying what was wrong and what to type instead. Nothing here runs the
text as code: values are read from an ``ast`` parse that only admits literals.
"""

from __future__ import annotations

import ast
import math
import re
import threading
import warnings

from engine.errors import InputError
from engine.limits import MAX_DIMS, MAX_ELEMENTS
from engine.number_text import format_number

MAX_FIELD_CHARS = 2_000
"""Longest text a single-line field may hold; longer input is refused before parsing."""

MAX_INT_DIGITS = 18
"""Most digits a whole-number field reads (any int64 fits); longer ones are called too big."""

_SHAPE_SEPARATORS = re.compile(r"\s*[,x×*]\s*|\s+")
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def broken_character(text: str) -> tuple[int, str] | None:
    """Where and why ``text`` cannot be read or saved (a lone surrogate, e.g. from a bad paste), or None.

    The place is a line number and the reason a phrase such as "a broken character ... at line 2, column 5".
    """
    found = _LONE_SURROGATE.search(text)
    if found is None:
        return None
    line = text.count("\n", 0, found.start()) + 1
    column = found.start() - (text.rfind("\n", 0, found.start()) + 1) + 1
    where = f"line {line}, column {column}" if "\n" in text else f"character {column}"
    reason = f"a broken character (U+{ord(found.group()):04X}, half of a pair) at {where}: delete it and type it again"
    return line, reason


def repair_text(text: str) -> str:
    """``text`` with each broken character replaced by U+FFFD, so it can be written as UTF-8 (saved state)."""
    return _LONE_SURROGATE.sub("\ufffd", text)


def check_text(text: str, what: str, field: str | None = None) -> None:
    """Refuse text holding a broken character, which Python cannot encode, in words rather than a codec error."""
    broken = broken_character(text)
    if broken is not None:
        raise InputError(f"{what} holds {broken[1]}.", field)


_PARSE_LOCK = threading.Lock()


def parse_python(text: str, mode: str = "exec") -> ast.AST:
    """``ast.parse`` for text a learner typed, without Python's SyntaxWarnings.

    Warnings such as "invalid decimal literal" would land on the terminal the app
    draws on; a real mistake still raises SyntaxError, which callers explain.
    One parse at a time: CPython 3.11's parser is not safe to run in two threads
    at once ("AST constructor recursion depth mismatch"), and neither is
    ``catch_warnings``.
    """
    broken = broken_character(text)
    if broken is not None:  # ast.parse would raise a bare UnicodeEncodeError
        error = SyntaxError(f"the code holds {broken[1]}")
        error.lineno = broken[0]
        raise error
    with _PARSE_LOCK, warnings.catch_warnings():
        warnings.simplefilter("ignore", SyntaxWarning)
        return ast.parse(text, mode=mode)


def _check_length(text: str, what: str) -> None:
    check_text(text, what)
    if len(text) > MAX_FIELD_CHARS:
        raise InputError(f"{what} is {len(text)} characters long: keep it under {MAX_FIELD_CHARS}.")


def elements_in(shape: tuple[int, ...]) -> int:
    """How many elements a tensor of ``shape`` holds."""
    return math.prod(shape)


def check_elements(shape: tuple[int, ...], what: str = "That shape") -> None:
    """Refuse shapes over the element limit, before anything is allocated."""
    count = elements_in(shape)
    if count > MAX_ELEMENTS:
        raise InputError(
            f"{what} holds {count:,} elements: the limit is {MAX_ELEMENTS:,}, so try smaller numbers."
        )


def parse_shape(text: str) -> tuple[int, ...]:
    """Read a shape such as ``2,3``, ``(2, 3)``, ``[2, 3]``, ``2x3`` or ``2 3``.

    Dimensions are whole numbers of zero or more; the whole shape must stay under
    the element limit so that no field can ask for a huge allocation.
    """
    _check_length(text, "Shape")
    stripped = text.strip()
    if stripped[:1] in "([" and stripped[-1:] in ")]":
        stripped = stripped[1:-1].strip()
    stripped = stripped.rstrip(",").strip()
    example = "like 2,3"
    if not stripped:
        raise InputError(f'Shape "{text}" is empty: type whole numbers separated by commas, {example}.')
    parts = _SHAPE_SEPARATORS.split(stripped)
    if any(part == "" for part in parts):
        raise InputError(
            f'Shape "{text}": expected whole numbers separated by commas, {example} (found an empty part).'
        )
    dims: list[int] = []
    for part in parts:
        if re.fullmatch(r"[+-]?\d+", part) is None:
            raise InputError(
                f'Shape "{text}": "{part}" is not a whole number; use whole numbers separated by commas, {example}.'
            )
        if len(part) > 12:
            raise InputError(f'Shape "{text}": "{part}" is far too large; the limit is {MAX_ELEMENTS:,} elements.')
        value = int(part)
        if value < 0:
            raise InputError(f'Shape "{text}": sizes cannot be negative ({part}); use 0 or more, {example}.')
        dims.append(value)
    if len(dims) > MAX_DIMS:
        raise InputError(f'Shape "{text}" has {len(dims)} dimensions: the limit is {MAX_DIMS}.')
    shape = tuple(dims)
    check_elements(shape, f'Shape "{text}"')
    return shape


def parse_values(text: str) -> list:
    """Read nested lists of numbers such as ``[[1, 2], [3, 4]]``; ragged lists are refused."""
    _check_length(text, "Values")
    stripped = text.strip()
    if not stripped:
        raise InputError("Values are empty: type numbers in brackets, like [[1, 2], [3, 4]].")
    try:
        tree = parse_python(stripped, mode="eval").body
    except SyntaxError:
        raise InputError(
            f'Values "{_clip(text)}" are not a list of numbers: use brackets and commas, like [[1, 2], [3, 4]].'
        ) from None
    value = _literal(tree, depth=0)
    _shape_of(value, text)
    return value


def parse_number(text: str, what: str, lo: float | None = None, hi: float | None = None) -> float:
    """Read one real number such as ``2``, ``-0.5`` or ``1e-3``, optionally within [lo, hi]."""
    _check_length(text, what)
    stripped = text.strip()
    examples = " or ".join(_examples(("2.0", "-0.5", "0.5", "0.1", "1"), lo, hi, 2))
    try:
        value = float(stripped)
    except ValueError:
        raise InputError(f'{what} "{_clip(text)}" is not a number: type one like {examples}.') from None
    if not math.isfinite(value):
        raise InputError(f"{what} must be a finite number, like {examples}.")
    _check_range(value, what, lo, hi)
    return value


def parse_int(text: str, what: str, lo: int | None = None, hi: int | None = None) -> int:
    """Read one whole number such as ``7``, optionally within [lo, hi]."""
    _check_length(text, what)
    stripped = text.strip()
    if re.fullmatch(r"[+-]?\d+", stripped) is None:
        example = _examples(("7", "3", "1", "0"), lo, hi, 1)[0]
        raise InputError(f'{what} "{_clip(text)}" is not a whole number: type one like {example}.')
    if len(stripped.lstrip("+-")) > MAX_INT_DIGITS:  # read no further: int() of a huge text is slow
        largest = hi if hi is not None else 10**MAX_INT_DIGITS - 1
        smallest = lo if lo is not None else -largest
        raise InputError(
            f"{what} {_clip(stripped)} is too {'small' if stripped.startswith('-') else 'big'}: use a whole number "
            f"from {format_number(smallest)} to {format_number(largest)}."
        )
    value = int(stripped)
    _check_range(value, what, lo, hi)
    return value


def parse_choice(text: str, what: str, choices: tuple[str, ...]) -> str:
    """Check that ``text`` is one of ``choices``."""
    if text not in choices:
        raise InputError(f'{what} "{_clip(text)}" is not one of: {", ".join(choices)}.')
    return text


def _examples(candidates: tuple[str, ...], lo: float | None, hi: float | None, count: int) -> list[str]:
    """Up to ``count`` of ``candidates`` inside [lo, hi] (the lower bound if none is): examples that work."""
    inside = [c for c in candidates if (lo is None or float(c) >= lo) and (hi is None or float(c) <= hi)]
    return inside[:count] or [format_number(lo if lo is not None else hi)]  # type: ignore[arg-type]


def _check_range(value: float, what: str, lo: float | None, hi: float | None) -> None:
    if lo is not None and value < lo or hi is not None and value > hi:
        low = "" if lo is None else f"from {format_number(lo)} "
        high = "" if hi is None else f"up to {format_number(hi)}"
        raise InputError(f"{what} must be {low}{high}".rstrip() + f"; {format_number(value)} is out of range.")


def _clip(text: str, width: int = 30) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _literal(node: ast.AST, depth: int) -> list | float | int | bool:
    if depth > MAX_DIMS:
        raise InputError(f"Values are nested more than {MAX_DIMS} deep: use fewer brackets.")
    if isinstance(node, (ast.List, ast.Tuple)):
        if len(node.elts) > MAX_ELEMENTS:
            raise InputError(f"Values hold more than {MAX_ELEMENTS:,} numbers.")
        return [_literal(element, depth + 1) for element in node.elts]
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        inner = _literal(node.operand, depth)
        if isinstance(inner, list):
            raise InputError("Values: a minus sign goes before a number, not a list.")
        return -inner if isinstance(node.op, ast.USub) else inner
    if isinstance(node, ast.Constant) and type(node.value) in (int, float, bool):
        if isinstance(node.value, float) and not math.isfinite(node.value):
            raise InputError("Values must be finite numbers.")
        if isinstance(node.value, int) and abs(node.value) > 2**63 - 1:
            raise InputError("Values: that whole number is too large for a tensor.")
        return node.value
    raise InputError("Values may hold only numbers in brackets, like [[1, 2], [3, 4]].")


def _shape_of(value: object, text: str) -> tuple[int, ...]:
    """The shape of nested lists, refusing ragged ones (torch and NumPy both would)."""
    if not isinstance(value, list):
        return ()
    if not value:
        return (0,)
    inner = [_shape_of(item, text) for item in value]
    if any(shape != inner[0] for shape in inner):
        raise InputError(
            f'Values "{_clip(text)}" are ragged: every row needs the same length, like [[1, 2], [3, 4]].'
        )
    shape = (len(value),) + inner[0]
    check_elements(shape, "Those values")
    return shape


def values_shape(values: list) -> tuple[int, ...]:
    """The shape of nested lists already read by ``parse_values``."""
    return _shape_of(values, "")
