"""The kinds of value the subset's syntax works on: what it loops over, indexes, assigns into, uses as keys.

The interpreter checks a value against these before the syntax touches it; a
value of any other kind is refused (or meets Python's own TypeError), so no
method of an unlisted type runs because a loop, an index or a ``with`` met it.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import torch
from torch import nn

ITERABLE: tuple[type[Iterable[object]], ...] = (
    list,
    tuple,
    str,
    range,
    torch.Size,
    torch.Tensor,
    np.ndarray,
    enumerate,
    zip,
    reversed,
    nn.Sequential,
    dict,
    type({}.keys()),
    type({}.values()),
    type({}.items()),
)
"""What ``for``, unpacking, starred arguments and comprehensions may loop over."""

ITERATORS = frozenset("generator list_iterator tuple_iterator range_iterator dict_keyiterator".split())
"""Iterators the allowed builtins and methods return, by type name (Python does not name their types)."""

SEQUENCES = (list, tuple, str, range, torch.Size)
"""Plain containers indexed as Python indexes them (tensors and arrays are sized first, dicts check the key)."""

PLAIN_MEMBERSHIP = (str, range, torch.Size)
"""Containers whose ``in`` compares only text or whole numbers: nothing to size first."""

ITEM_ASSIGNABLE = (torch.Tensor, np.ndarray, list, dict)
"""What ``x[i] = v`` may assign into."""

DICT_KEYS = (str, int, float, bool, type(None))
"""Dict keys are plain values (and tuples of them): hashing them runs no library code."""

CONTEXT_MANAGERS = (torch.no_grad, torch.enable_grad)
"""What ``with`` may enter."""
