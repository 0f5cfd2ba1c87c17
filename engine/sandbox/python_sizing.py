"""How big Python values get, before the interpreter makes or shows them.

Whole numbers by their bits (``2 ** 10 ** 9``), sequences by their length,
format widths by their digits, nested lists and dicts by the values they hold,
and printing by what it costs to render. Python compares values itself inside
``==``, ``in`` and sorting, past any size check: ``check_hidden_comparison``
refuses the comparisons that would broadcast large tensors there.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Iterable, Sequence
from typing import TypeGuard

import numpy as np
import torch
from torch import nn

from engine.sandbox.limits import (
    MAX_ELEMENTS,
    MAX_EXPONENT_BITS,
    MAX_FORMAT_WIDTH,
    MAX_SEQUENCE,
    LimitExceeded,
    check,
)
from engine.sandbox.whitelist.base import Refused

# ---------------------------------------------------------------- operators and formats


def _is_int(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def before_python_operator(op: Callable[[object, object], object], left: object, right: object) -> None:
    if _is_int(left) and _is_int(right):
        if op is operator.pow and right > 0 and abs(left) > 1:
            bits = left.bit_length() * right
            check(bits, MAX_EXPONENT_BITS, f"the size in bits of {left} ** {right}")
        elif op is operator.mul:
            check(left.bit_length() + right.bit_length(), MAX_EXPONENT_BITS, "the size in bits of the product")
        elif op is operator.lshift and right > 0:
            check(left.bit_length() + right, MAX_EXPONENT_BITS, "the size in bits of the shift")
        return
    sequences = (str, list, tuple)
    if op is operator.mul:
        if isinstance(left, sequences) and _is_int(right):
            check(len(left) * max(right, 0), MAX_SEQUENCE, "the length of the repeated sequence")
        elif isinstance(right, sequences) and _is_int(left):
            check(len(right) * max(left, 0), MAX_SEQUENCE, "the length of the repeated sequence")
    elif op is operator.add and isinstance(left, sequences) and isinstance(right, sequences):
        check(len(left) + len(right), MAX_SEQUENCE, "the length of the joined sequence")
    elif op is operator.mod and isinstance(left, str):
        check_percent_format(left)
        count_data(right, "the number of values to format")
        check_render_cost(right)
    elif op in (operator.eq, operator.ne, operator.lt, operator.le, operator.gt, operator.ge):
        if isinstance(left, (list, tuple)) and isinstance(right, (list, tuple)):
            check_hidden_comparison(left, right)


def check_percent_format(text: str) -> None:
    """Refuse ``"%999999999d" % x`` and ``"%*d"``: the width would allocate without bound."""
    i = 0
    while i < len(text):
        if text[i] != "%":
            i += 1
            continue
        i += 1
        number = ""
        while i < len(text) and (text[i] in "-+ #0.*" or text[i].isdigit() or text[i] == "("):
            if text[i] == "*":
                raise Refused("a * width in % formatting is not available here: write the width as a number")
            if text[i] == "(":
                raise Refused("named % formatting is not available here: use an f-string")
            number = number + text[i] if text[i].isdigit() else ""
            check_width(number)
            i += 1
        i += 1


def check_width(digits: str) -> None:
    """Refuse a format width or precision above MAX_FORMAT_WIDTH."""
    if digits and len(digits) <= 6:
        check(int(digits), MAX_FORMAT_WIDTH, "the width in the format")
    elif digits:
        raise LimitExceeded(f"the width in the format has {len(digits)} digits; the limit is {MAX_FORMAT_WIDTH}")


def check_format_spec(spec: str) -> None:
    """Refuse f-string specs like ``{x:>999999999}`` before formatting."""
    digits = ""
    for char in spec + " ":
        if char.isdigit():
            digits += char
        else:
            check_width(digits)
            digits = ""


# ---------------------------------------------------------------- Python data


def count_data(
    value: object,
    what: str = "the number of values",
    text_allowed: bool = True,
    weigh: Callable[[object], int] | None = None,
    limit: int = MAX_ELEMENTS,
) -> int:
    """Count the values in nested lists, tuples and dicts, stopping at ``limit``.

    A shared sublist is counted each time it appears, since that is what
    printing, converting or comparing it costs, but it is walked only once
    (``[[0] * 1000] * 1000`` costs two short walks, not a million steps). Text
    counts one per character; a list that contains itself is refused.
    ``weigh`` gives each value that is not a container its cost (default: its elements).
    """

    def leaf(item: object) -> int:
        return weigh(item) if weigh is not None else leaf_count(item, text_allowed)

    if not isinstance(value, _CONTAINERS):
        count = leaf(value)
        check(count, limit, what)
        return count
    memo: dict[int, int] = {}
    open_lists: set[int] = set()
    stack: list[tuple[Container, bool]] = [(value, False)]
    while stack:
        node, children_done = stack.pop()
        key = id(node)
        if children_done:
            total = sum(memo[id(c)] if isinstance(c, _CONTAINERS) else leaf(c) for c in _children(node))
            memo[key] = max(total, 1)
            open_lists.discard(key)
            check(memo[key], limit, what)
            continue
        if key in memo:
            continue
        if key in open_lists:
            raise Refused("a list that contains itself is not available here")
        open_lists.add(key)
        stack.append((node, True))
        for child in _children(node):
            if isinstance(child, _CONTAINERS):
                if id(child) in open_lists:
                    raise Refused("a list that contains itself is not available here")
                if id(child) not in memo:
                    stack.append((child, False))
        check(len(memo) + len(stack), 2 * MAX_ELEMENTS, "the number of nested lists")
    return memo[id(value)]


_CONTAINERS = (list, tuple, dict)
Container = list[object] | tuple[object, ...] | dict[object, object]


def _children(node: Container) -> Iterable[object]:
    return [*node.keys(), *node.values()] if isinstance(node, dict) else node


MAX_RENDER_COST = 10_000_000
"""Most work showing one value may take (about half a second), in units of one Python number.

A number printed by torch or NumPy costs 200 (they print about 100,000 a second here),
each tensor or array 1,000 more. A list of 4,000 losses shows; a list of 30,000 tensors,
or an 8-D tensor whose text holds 390,625 numbers, is refused before its text is made."""

_TENSOR_RENDER_COST = 1_000
_PRINTED_NUMBER_COST = 200


def printed_numbers(value: torch.Tensor | np.ndarray) -> int:
    """How many numbers torch or NumPy prints for ``value``: all of them up to 1,000, else 3 at each end per dimension."""
    size = value.numel() if isinstance(value, torch.Tensor) else value.size
    if size <= 1000:
        return size
    return math.prod(min(s, 6) for s in value.shape)


def shown_count(item: object) -> int:
    """How many values showing ``item`` writes: a tensor's or array's printed numbers, text's characters."""
    if isinstance(item, (torch.Tensor, np.ndarray)):
        return printed_numbers(item)
    return leaf_count(item, text_allowed=True)


def _render_cost(item: object) -> int:
    if isinstance(item, (torch.Tensor, np.ndarray)):
        return _TENSOR_RENDER_COST + _PRINTED_NUMBER_COST * printed_numbers(item)
    if isinstance(item, str):
        return max(len(item) // 8, 1)
    if isinstance(item, range):
        return len(item)
    return 1


def check_render_cost(value: object) -> None:
    """Refuse to make the text of a value that would take too long to print (checked before str() runs)."""
    count_data(value, "the cost of showing this value", weigh=_render_cost, limit=MAX_RENDER_COST)
    if isinstance(value, nn.Module):
        check(sum(1 for _ in value.modules()), 1_000, "the number of layers to show")


def leaf_count(item: object, text_allowed: bool) -> int:
    if isinstance(item, torch.Tensor):
        return item.numel()
    if isinstance(item, np.ndarray):
        return item.size
    if isinstance(item, range):
        return len(item)
    if isinstance(item, (str, bytes)):
        if not text_allowed:
            raise Refused("text inside a tensor or array is not available here: use numbers")
        return max(len(item), 1)
    return 1


def _has_large_array(value: object) -> bool:
    """True when ``value`` is, or holds at any depth, a tensor or array of more than one element."""
    count_data(value)
    seen: set[int] = set()
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, (torch.Tensor, np.ndarray)):
            if (item.numel() if isinstance(item, torch.Tensor) else item.size) > 1:
                return True
        elif isinstance(item, (list, tuple)) and id(item) not in seen:
            seen.add(id(item))
            stack.extend(item)
    return False


_HIDDEN_COMPARISON = (
    "comparing tensors or arrays with more than one element inside lists is not available here: "
    "compare them directly, for example with torch.equal(a, b) or (a < b).all()"
)


def check_hidden_comparison(left: object, right: object) -> None:
    """Refuse when Python itself would compare a large tensor on each side (==, in, index):
    that comparison broadcasts without passing any size check."""
    if _has_large_array(left) and _has_large_array(right):
        raise Refused(_HIDDEN_COMPARISON)


def check_hidden_comparisons(values: Sequence[object]) -> None:
    """Refuse sorting or taking min/max of several large tensors (Python compares them pairwise)."""
    if len(values) > 1 and sum(1 for value in values if _has_large_array(value)) > 1:
        raise Refused(_HIDDEN_COMPARISON)


def check_length(length: int, what: str = "the length of the sequence") -> None:
    """Refuse a list, tuple or string longer than MAX_SEQUENCE."""
    check(length, MAX_SEQUENCE, what)
