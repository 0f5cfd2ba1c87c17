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
from engine.i18n import _
from engine.number_text import format_number
from engine.sandbox.limits import MAX_DIMS, MAX_ELEMENTS

Nested = list["Nested"] | float | int | bool
"""Numbers in nested lists, as ``parse_values`` reads them from ``[[1, 2], [3, 4]]``."""

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
    where = (
        _("line {line}, column {column}", line=line, column=column)
        if "\n" in text
        else _("character {column}", column=column)
    )
    reason = _(
        "a broken character (U+{code}, half of a pair) at {where}: delete it and type it again",
        code=f"{ord(found.group()):04X}",
        where=where,
    )
    return line, reason


def repair_text(text: str) -> str:
    """``text`` with each broken character replaced by U+FFFD, so it can be written as UTF-8 (saved state)."""
    return _LONE_SURROGATE.sub("\ufffd", text)


def check_text(text: str, what: str, field: str | None = None) -> None:
    """Refuse text holding a broken character, which Python cannot encode, in words rather than a codec error."""
    broken = broken_character(text)
    if broken is not None:
        raise InputError(_("{what} holds {reason}.", what=what, reason=broken[1]), field)


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
        error = SyntaxError(_("the code holds {reason}", reason=broken[1]))
        error.lineno = broken[0]
        raise error
    with _PARSE_LOCK, warnings.catch_warnings():
        warnings.simplefilter("ignore", SyntaxWarning)
        return ast.parse(text, mode=mode)


def _check_length(text: str, what: str) -> None:
    check_text(text, what)
    if len(text) > MAX_FIELD_CHARS:
        raise InputError(
            _(
                "{what} is {count} characters long: keep it under {most}.",
                what=what,
                count=len(text),
                most=MAX_FIELD_CHARS,
            )
        )


def elements_in(shape: tuple[int, ...]) -> int:
    """How many elements a tensor of ``shape`` holds."""
    return math.prod(shape)


def check_elements(shape: tuple[int, ...], what: str | None = None) -> None:
    """Refuse shapes over the element limit, before anything is allocated (``what``: "That shape")."""
    count = elements_in(shape)
    if count > MAX_ELEMENTS:
        raise InputError(
            _(
                "{what} holds {count} elements: the limit is {most}, so try smaller numbers.",
                what=_("That shape") if what is None else what,
                count=f"{count:,}",
                most=f"{MAX_ELEMENTS:,}",
            )
        )


def parse_shape(text: str) -> tuple[int, ...]:
    """Read a shape such as ``2,3``, ``(2, 3)``, ``[2, 3]``, ``2x3`` or ``2 3``.

    Dimensions are whole numbers of zero or more; the whole shape must stay under
    the element limit so that no field can ask for a huge allocation.
    """
    _check_length(text, _("Shape"))
    stripped = text.strip()
    if stripped[:1] in "([" and stripped[-1:] in ")]":
        stripped = stripped[1:-1].strip()
    stripped = stripped.rstrip(",").strip()
    example = _("like 2,3")
    if not stripped:
        raise InputError(
            _('Shape "{text}" is empty: type whole numbers separated by commas, {example}.', text=text, example=example)
        )
    parts = _SHAPE_SEPARATORS.split(stripped)
    if any(part == "" for part in parts):
        raise InputError(
            _(
                'Shape "{text}": expected whole numbers separated by commas, {example} (found an empty part).',
                text=text,
                example=example,
            )
        )
    dims: list[int] = []
    for part in parts:
        if re.fullmatch(r"[+-]?\d+", part) is None:
            raise InputError(
                _(
                    'Shape "{text}": "{part}" is not a whole number; use whole numbers separated by commas, {example}.',
                    text=text,
                    part=part,
                    example=example,
                )
            )
        if len(part) > 12:
            raise InputError(
                _(
                    'Shape "{text}": "{part}" is far too large; the limit is {most} elements.',
                    text=text,
                    part=part,
                    most=f"{MAX_ELEMENTS:,}",
                )
            )
        value = int(part)
        if value < 0:
            raise InputError(
                _(
                    'Shape "{text}": sizes cannot be negative ({part}); use 0 or more, {example}.',
                    text=text,
                    part=part,
                    example=example,
                )
            )
        dims.append(value)
    if len(dims) > MAX_DIMS:
        raise InputError(
            _('Shape "{text}" has {count} dimensions: the limit is {most}.', text=text, count=len(dims), most=MAX_DIMS)
        )
    shape = tuple(dims)
    check_elements(shape, _('Shape "{text}"', text=text))
    return shape


def parse_values(text: str) -> Nested:
    """Read nested lists of numbers such as ``[[1, 2], [3, 4]]``; ragged lists are refused."""
    _check_length(text, _("Values"))
    stripped = text.strip()
    if not stripped:
        raise InputError(_("Values are empty: type numbers in brackets, like [[1, 2], [3, 4]]."))
    try:
        tree = parse_python(stripped, mode="eval")
    except SyntaxError:
        raise InputError(
            f'Values "{_clip(text)}" are not a list of numbers: use brackets and commas, like [[1, 2], [3, 4]].'
        ) from None
    assert isinstance(tree, ast.Expression)
    value = _literal(tree.body, depth=0)
    _shape_of(value, text)
    return value


def parse_number(text: str, what: str, lo: float | None = None, hi: float | None = None) -> float:
    """Read one real number such as ``2``, ``-0.5`` or ``1e-3``, optionally within [lo, hi]."""
    _check_length(text, what)
    stripped = text.strip()
    examples = _(" or ").join(_examples(("2.0", "-0.5", "0.5", "0.1", "1"), lo, hi, 2))
    try:
        value = float(stripped)
    except ValueError:
        raise InputError(
            _(
                '{what} "{text}" is not a number: type one like {examples}.',
                what=what,
                text=_clip(text),
                examples=examples,
            )
        ) from None
    if not math.isfinite(value):
        raise InputError(_("{what} must be a finite number, like {examples}.", what=what, examples=examples))
    _check_range(value, what, lo, hi)
    return value


def parse_int(text: str, what: str, lo: int | None = None, hi: int | None = None) -> int:
    """Read one whole number such as ``7``, optionally within [lo, hi]."""
    _check_length(text, what)
    stripped = text.strip()
    if re.fullmatch(r"[+-]?\d+", stripped) is None:
        example = _examples(("7", "3", "1", "0"), lo, hi, 1)[0]
        raise InputError(
            _(
                '{what} "{text}" is not a whole number: type one like {example}.',
                what=what,
                text=_clip(text),
                example=example,
            )
        )
    if len(stripped.lstrip("+-")) > MAX_INT_DIGITS:  # read no further: int() of a huge text is slow
        largest = hi if hi is not None else 10**MAX_INT_DIGITS - 1
        smallest = lo if lo is not None else -largest
        bounds = dict(what=what, text=_clip(stripped), smallest=format_number(smallest), largest=format_number(largest))
        raise InputError(
            _("{what} {text} is too small: use a whole number from {smallest} to {largest}.", **bounds)
            if stripped.startswith("-")
            else _("{what} {text} is too big: use a whole number from {smallest} to {largest}.", **bounds)
        )
    value = int(stripped)
    _check_range(value, what, lo, hi)
    return value


def parse_choice(text: str, what: str, choices: tuple[str, ...]) -> str:
    """Check that ``text`` is one of ``choices``."""
    if text not in choices:
        raise InputError(
            _('{what} "{text}" is not one of: {choices}.', what=what, text=_clip(text), choices=", ".join(choices))
        )
    return text


def _examples(candidates: tuple[str, ...], lo: float | None, hi: float | None, count: int) -> list[str]:
    """Up to ``count`` of ``candidates`` inside [lo, hi] (the lower bound if none is): examples that work."""
    inside = [c for c in candidates if (lo is None or float(c) >= lo) and (hi is None or float(c) <= hi)]
    bound = lo if lo is not None else hi
    return inside[:count] or ([] if bound is None else [format_number(bound)])


def _check_range(value: float, what: str, lo: float | None, hi: float | None) -> None:
    if lo is not None and value < lo or hi is not None and value > hi:
        shown = dict(what=what, value=format_number(value))
        if lo is None:
            assert hi is not None  # value > hi, or it would be in range
            message = _("{what} must be up to {hi}; {value} is out of range.", hi=format_number(hi), **shown)
        elif hi is None:
            message = _("{what} must be from {lo}; {value} is out of range.", lo=format_number(lo), **shown)
        else:
            message = _(
                "{what} must be from {lo} up to {hi}; {value} is out of range.",
                lo=format_number(lo),
                hi=format_number(hi),
                **shown,
            )
        raise InputError(message)


def _clip(text: str, width: int = 30) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _literal(node: ast.AST, depth: int) -> Nested:
    if depth > MAX_DIMS:
        raise InputError(_("Values are nested more than {most} deep: use fewer brackets.", most=MAX_DIMS))
    if isinstance(node, (ast.List, ast.Tuple)):
        if len(node.elts) > MAX_ELEMENTS:
            raise InputError(_("Values hold more than {most} numbers.", most=f"{MAX_ELEMENTS:,}"))
        return [_literal(element, depth + 1) for element in node.elts]
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        inner = _literal(node.operand, depth)
        if isinstance(inner, list):
            raise InputError(_("Values: a minus sign goes before a number, not a list."))
        return -inner if isinstance(node.op, ast.USub) else inner
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)):  # bool is an int
        number = node.value
        if isinstance(number, float) and not math.isfinite(number):
            raise InputError(_("Values must be finite numbers."))
        if isinstance(number, int) and abs(number) > 2**63 - 1:
            raise InputError(_("Values: that whole number is too large for a tensor."))
        return number
    raise InputError(_("Values may hold only numbers in brackets, like [[1, 2], [3, 4]]."))


def _shape_of(value: object, text: str) -> tuple[int, ...]:
    """The shape of nested lists, refusing ragged ones (torch and NumPy both would)."""
    if not isinstance(value, list):
        return ()
    if not value:
        return (0,)
    inner = [_shape_of(item, text) for item in value]
    if any(shape != inner[0] for shape in inner):
        raise InputError(
            _('Values "{text}" are ragged: every row needs the same length, like [[1, 2], [3, 4]].', text=_clip(text))
        )
    shape = (len(value),) + inner[0]
    check_elements(shape, _("Those values"))
    return shape


def values_shape(values: Nested) -> tuple[int, ...]:
    """The shape of nested lists already read by ``parse_values``."""
    return _shape_of(values, "")
