"""The Python builtins learner code may call, reimplemented so each one checks its limits."""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, SupportsIndex, TypeVar

import torch

from engine.sandbox import python_sizing
from engine.sandbox.callables import InterpretedModule
from engine.sandbox.limits import MAX_SEQUENCE, SLOT_BYTES, LimitExceeded
from engine.sandbox.whitelist.base import Builtin

if TYPE_CHECKING:
    from engine.sandbox.interpreter import Interpreter

_NO_DEFAULT = object()
T = TypeVar("T")


class Builtins:
    """The Python builtins the subset offers, reimplemented so each one checks its limits.

    ``table`` names them; a method named for a type the annotations use (``list_``) ends in ``_``.
    """

    def __init__(self, interpreter: Interpreter) -> None:
        self.interpreter = interpreter
        ours: dict[str, tuple[Callable[..., object], type | None]] = {
            "print": (self.print, None),
            "range": (self.range_, range),
            "sum": (self.sum, None),
            "min": (self.min, None),
            "max": (self.max, None),
            "round": (self.round, None),
            "str": (self.str_, str),
            "repr": (self.repr, None),
            "list": (self.list_, list),
            "tuple": (self.tuple_, tuple),
            "sorted": (self.sorted, None),
            "isinstance": (self.isinstance, None),
            "type": (self.type_, None),
            "abs": (self.abs, None),
            "reversed": (self.reversed, None),
            "pow": (self.pow, None),
            "divmod": (self.divmod, None),
            "any": (self.any, None),
            "all": (self.all, None),
            "next": (self.next, None),
            "dict": (self.dict_, dict),
        }
        self.table: dict[str, Callable[..., object]] = {
            name: Builtin(name, function, as_type) for name, (function, as_type) in ours.items()
        }
        plain = (len, float, int, bool, complex, enumerate, zip)
        self.table.update({function.__name__: function for function in plain})
        self.plain: dict[int, Callable[..., object]] = {id(function): function for function in plain}
        """Python's own builtins the subset calls as they are, by identity."""

    def print(self, *values: object, sep: object = " ", end: object = "\n", flush: bool = False) -> None:
        sep = " " if sep is None else sep
        end = "\n" if end is None else end
        if not isinstance(sep, str) or not isinstance(end, str):
            raise TypeError("sep and end must be strings")
        pieces: list[str] = []
        length = len(end)
        for value in values:
            pieces.append(render_text(value))
            length += len(pieces[-1]) + len(sep)
            python_sizing.check_length(length, "the length of the printed text")
        text = sep.join(pieces) + end
        self.interpreter.printed(text[:-1] if text.endswith("\n") else text)

    def range_(self, *args: SupportsIndex) -> range:
        result = range(*args)
        python_sizing.check_length(len(result), "the length of the range")
        return result

    def materialize(self, iterable: Iterable[T]) -> list[T]:
        """Walk an iterable step by step so time and length limits apply."""
        if isinstance(iterable, (list, tuple, range, str)):
            python_sizing.check_length(len(iterable))
            self.interpreter.memory.add(len(iterable) * SLOT_BYTES, python=True)
            return list(iterable)
        items: list[T] = []
        for item in iterable:
            self.interpreter.clock.tick()
            items.append(item)
            if len(items) > MAX_SEQUENCE:
                python_sizing.check_length(len(items))
        self.interpreter.memory.add(len(items) * SLOT_BYTES, python=True)
        return items

    def list_(self, iterable: Iterable[object] = ()) -> list[object]:
        return self.materialize(iterable)

    def tuple_(self, iterable: Iterable[object] = ()) -> tuple[object, ...]:
        return tuple(self.materialize(iterable))

    def sum(self, iterable: Iterable[object], start: object = 0) -> object:
        total = start
        for item in self.materialize(iterable):
            self.interpreter.clock.tick()
            total = self.interpreter.binary(operator.add, "+", total, item, None)
        return total

    def sort_keys(self, items: list[object], key: object) -> list[_Timed]:
        """The values Python will compare: keys computed through the checked call path.

        Python compares them itself, past the size checks, so at most one may be a
        tensor or array with more than one element (two could broadcast without bound).
        """
        keys = items
        if key is not None:
            keys = []
            for item in items:
                self.interpreter.clock.tick()
                keys.append(self.interpreter.call_value(None, key, [item], {}))
        python_sizing.check_hidden_comparisons(keys)
        tick = self.interpreter.clock.tick
        return [_Timed(key, tick) for key in keys]

    def _extreme(
        self, name: str, pick: Callable[..., int], args: tuple[object, ...], key: object, default: object
    ) -> object:
        items = self.materialize(self.interpreter.iterate(args[0])) if len(args) == 1 else list(args)
        if not items:
            if default is not _NO_DEFAULT:
                return default
            raise ValueError(f"{name}() iterable argument is empty")
        keys = self.sort_keys(items, key)
        return items[pick(range(len(items)), key=keys.__getitem__)]

    def min(self, *args: object, key: object = None, default: object = _NO_DEFAULT) -> object:
        return self._extreme("min", min, args, key, default)

    def max(self, *args: object, key: object = None, default: object = _NO_DEFAULT) -> object:
        return self._extreme("max", max, args, key, default)

    def sorted(self, iterable: Iterable[object], key: object = None, reverse: object = False) -> list[object]:
        items = self.materialize(iterable)
        keys = self.sort_keys(items, key)
        order = sorted(range(len(items)), key=lambda i: keys[i], reverse=bool(reverse))
        return [items[i] for i in order]

    def abs(self, value: object) -> object:
        """abs(x) through the checked path: on a tensor or array it makes a new one."""
        return self.interpreter.unary(None, "abs", operator.abs, value)

    def reversed(self, sequence: object) -> object:
        """reversed(x): a tensor's reversal is a flipped copy, made through the checked path."""
        if isinstance(sequence, torch.Tensor):
            return self.interpreter.call_value(None, self.interpreter.members.attribute(sequence, "flip"), [0], {})
        if not isinstance(sequence, (list, tuple, range, str)):
            sequence = self.materialize(self.interpreter.iterate(sequence))
        return reversed(sequence)

    def pow(self, base: object, exponent: object, mod: object = None) -> object:
        if mod is not None:
            return pow(base, exponent, mod)  # type: ignore[call-overload]  # the code's values: Python checks them; the result is below mod
        return self.interpreter.binary(operator.pow, "**", base, exponent, None)

    def divmod(self, a: object, b: object) -> object:
        return (
            self.interpreter.binary(operator.floordiv, "//", a, b, None),
            self.interpreter.binary(operator.mod, "%", a, b, None),
        )

    def any(self, iterable: Iterable[object]) -> bool:
        for item in self.interpreter.iterate(iterable):
            self.interpreter.clock.tick()
            if self.interpreter.truth(item):
                return True
        return False

    def all(self, iterable: Iterable[object]) -> bool:
        for item in self.interpreter.iterate(iterable):
            self.interpreter.clock.tick()
            if not self.interpreter.truth(item):
                return False
        return True

    def next(self, iterator: object, *default: object) -> object:
        """next() on the iterators the code can hold (module.parameters(), iter of a list)."""
        if not hasattr(type(iterator), "__next__") or len(default) > 1:
            raise TypeError(f"'{type(iterator).__name__}' object is not an iterator")
        return next(iterator, *default)  # type: ignore[call-overload]  # an iterator by the check above

    def dict_(self, *args: Iterable[tuple[object, object]], **kwargs: object) -> dict[object, object]:
        result: dict[object, object] = dict(self.materialize(args[0])) if args else {}
        result.update(kwargs)
        return result

    def round(self, value: object, ndigits: object = None) -> object:
        if isinstance(ndigits, int) and abs(ndigits) > 400:
            raise LimitExceeded(f"round to {ndigits} digits is over the limit of 400")
        return round(value, ndigits)  # type: ignore[call-overload]  # the code's values: Python checks them

    def str_(self, value: object = "") -> str:
        return render_text(value)

    def repr(self, value: object) -> str:
        if isinstance(value, str):
            python_sizing.check_length(len(value) * 4, "the length of the text")  # escapes grow it up to 4 times
            return repr(value)
        return render_text(value)

    def type_(self, value: object) -> type:
        """type(x) with one argument only: the three-argument form would build classes."""
        return type(value)

    def isinstance(self, value: object, kinds: object) -> bool:
        kinds_tuple = kinds if isinstance(kinds, tuple) else (kinds,)
        resolved = []
        for kind in kinds_tuple:
            if isinstance(kind, Builtin) and kind.as_type is not None:
                kind = kind.as_type
            if not isinstance(kind, type):
                raise TypeError("isinstance() arg 2 must be a type or tuple of types")
            resolved.append(kind)
        return isinstance(value, tuple(resolved))


class _Timed:
    """A sort key that checks the run's time at each comparison: sorting 30,000 tensors compares them 400,000 times."""

    __slots__ = ("value", "tick")

    def __init__(self, value: Any, tick: Callable[[], None]) -> None:
        self.value = value
        """Any value the code made: comparing it is Python's (or the library's) own check."""
        self.tick = tick

    def __lt__(self, other: _Timed) -> bool:
        self.tick()
        return bool(self.value < other.value)

    def __gt__(self, other: _Timed) -> bool:
        self.tick()
        return bool(self.value > other.value)


def render_text(value: object) -> str:
    """The value as print would show it, bounded, and free of memory addresses."""
    if isinstance(value, str):
        return value
    if isinstance(value, (list, tuple, dict)):
        python_sizing.count_data(value, "the number of values to show", weigh=python_sizing.shown_count)
    python_sizing.check_render_cost(value)
    if isinstance(value, type):
        module = "__main__" if issubclass(value, InterpretedModule) else value.__module__
        return f"<class '{value.__qualname__ if module == 'builtins' else f'{module}.{value.__qualname__}'}'>"
    if isinstance(value, torch.autograd.graph.Node):
        return f"<{type(value).__name__} object>"  # Python adds its address, which differs on every run
    text = str(value)
    cut = text.find(" at 0x")
    if cut != -1 and text.startswith("<"):
        return text[:cut] + ">"
    return text
