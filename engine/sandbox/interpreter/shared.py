"""What the interpreter's parts share: the records they keep, and what each may use of the others.

The ``Interpreter`` is put together from mixins, one module each (``calls``,
``classes``, ``expressions``, ``statements``); each mixin builds on ``Shared``,
which names the state the parts keep and, as abstract methods, what one part
calls in another. An abstract base rather than a ``Protocol``: the parts assign
the state (``self.frame = ...``), which mypy takes for a new attribute in a
class that subclasses a protocol. An ``Interpreter`` that lacked one of these
methods could not be made.
"""

from __future__ import annotations

import ast
from abc import ABC, abstractmethod
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from engine.sandbox.budget import Clock, Memory
from engine.sandbox.builtins import Builtins
from engine.sandbox.callables import Closure
from engine.sandbox.members import Members


@dataclass
class Failure:
    """Where the library refused: the node, what was called (its name) and with which values."""

    node: ast.AST
    op: str
    args: tuple[object, ...]
    statement: ast.stmt | None
    target: object = None


@dataclass
class Frame:
    """One scope: the module's names, or a function call's locals over them."""

    globals: dict[str, object]
    locals: dict[str, object]
    self_value: object = None
    in_function: bool = False


class Shared(ABC):
    """The interpreter as each of its parts sees it: its state, and the methods defined in other parts."""

    frame: Frame
    clock: Clock
    memory: Memory
    builtins: Builtins
    members: Members
    statement: ast.stmt | None
    failure: Failure | None
    depth: int

    @abstractmethod
    def make_closure(
        self, node: ast.FunctionDef | ast.Lambda, name: str, is_method: bool = False, static: bool = False
    ) -> Closure: ...

    @abstractmethod
    def value_of(self, node: ast.expr) -> Any: ...

    @abstractmethod
    def run_block(self, body: list[ast.stmt]) -> None: ...

    @abstractmethod
    def iterate(self, value: object) -> Iterator[object]: ...
