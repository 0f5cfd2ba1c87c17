"""Running an operation on the ``meta`` device to learn its result's size, and remembering the answer.

A meta run needs arguments meta can read. ``plain`` is the one place sizes are
normalised: a 0-d tensor, a NumPy number or a bool used as a size becomes the
Python number torch would read from it, a range the tuple it stands for. An
operation that fails on meta with the arguments as given (a 0-d tensor as a
repeat count, say) is tried again with them normalised, so an unreadable size
never means an unchecked one.

Training loops call the same operations on the same shapes thousands of times;
the answer depends only on the arguments' shapes, dtypes, strides and plain
values, so it is kept (``_CACHE``) and a repeated call costs a dictionary look-up.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from typing import overload

import numpy as np
import torch

from engine.sandbox.limits import MAX_DIMS

_NUMPY_TO_TORCH = {
    np.dtype(name): getattr(torch, name)
    for name in "float16 float32 float64 int8 int16 int32 int64 uint8 bool complex64 complex128".split()
}

CACHE_SIZE = 4096
"""Most meta results remembered (each is a meta tensor: no memory for its elements)."""

_CACHE: OrderedDict[Hashable, object] = OrderedDict()
_NOT_KNOWN = object()


@overload
def mirror(value: torch.Tensor) -> torch.Tensor: ...
@overload
def mirror(value: object) -> object: ...
def mirror(value: object) -> object:
    """A meta tensor with the shape, strides and dtype of a tensor or array; others unchanged."""
    if isinstance(value, torch.Tensor):
        if value.is_meta:
            return value
        return torch.empty_strided(tuple(value.shape), value.stride(), dtype=value.dtype, device="meta")
    if isinstance(value, np.ndarray):
        dtype = _NUMPY_TO_TORCH.get(value.dtype, torch.float32)
        return torch.empty(value.shape, dtype=dtype, device="meta")
    if isinstance(value, (list, tuple)) and any(isinstance(item, (torch.Tensor, np.ndarray)) for item in value):
        return type(value)(mirror(item) for item in value)
    return value


def plain(value: object) -> object:
    """``value`` as a size: 0-d tensors, arrays and NumPy numbers as Python numbers, ranges as tuples.

    Lists and tuples are normalised item by item; other tensors become meta mirrors.
    """
    if isinstance(value, (torch.Tensor, np.ndarray)) and value.ndim == 0 and not getattr(value, "is_meta", False):
        return value.item()
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, range) and len(value) <= MAX_DIMS:
        return tuple(value)
    if isinstance(value, (list, tuple)) and not isinstance(value, torch.Size):
        return type(value)(plain(item) for item in value)
    return mirror(value)


def run(key: Hashable, fn: Callable[..., object], args: Sequence[object], kwargs: dict[str, object]) -> object:
    """``fn``'s result on meta copies of ``args``, or None when meta cannot tell (the real call will speak).

    ``key`` names the operation; with the arguments' signature it finds a
    remembered answer (None: do not remember, the operation has state of its own).
    """
    signature = None if key is None else _signature((key, tuple(args), tuple(sorted(kwargs.items()))))
    if signature is not None:
        known = _CACHE.get(signature, _NOT_KNOWN)
        if known is not _NOT_KNOWN:
            _CACHE.move_to_end(signature)
            return known
    result = _attempt(fn, lambda: ([mirror(a) for a in args], {k: mirror(v) for k, v in kwargs.items()}))
    if result is None:
        result = _attempt(fn, lambda: ([plain(a) for a in args], {k: plain(v) for k, v in kwargs.items()}))
    if signature is not None:
        _CACHE[signature] = result
        if len(_CACHE) > CACHE_SIZE:
            _CACHE.popitem(last=False)
    return result


def _attempt(fn: Callable[..., object], arguments: Callable[[], tuple[list[object], dict[str, object]]]) -> object:
    try:
        args, kwargs = arguments()
        return fn(*args, **kwargs)
    except Exception:  # meta's words differ from the CPU's: the real call reports the error
        return None


_PLAIN_TYPES = (
    int,
    float,
    complex,
    str,
    bool,
    type(None),
    type(Ellipsis),
    torch.dtype,
    torch.device,
    torch.memory_format,
    torch.layout,
)


def _signature(value: object, depth: int = 0) -> Hashable | None:
    """What a meta result depends on, as a hashable value; None when ``value`` is not simple enough to key."""
    if isinstance(value, torch.Tensor):
        return ("tensor", tuple(value.shape), value.stride(), value.dtype, value.is_meta)
    if isinstance(value, np.ndarray):
        return ("array", value.shape, value.dtype.str)
    if isinstance(value, np.generic):
        return ("number", type(value), value.item())
    if isinstance(value, _PLAIN_TYPES):
        return (type(value), value)
    if isinstance(value, slice):
        return ("slice", _signature((value.start, value.stop, value.step), depth + 1))
    if isinstance(value, (tuple, list)) and len(value) <= 16 and depth < 4:
        items = tuple(_signature(item, depth + 1) for item in value)
        return None if None in items else (type(value), items)
    return None
