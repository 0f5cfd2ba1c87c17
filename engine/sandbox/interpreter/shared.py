"""What the interpreter's parts share: their records, their way into a library, and what each uses of the others.

The ``Interpreter`` is put together from mixins, one module each (``calls``,
``classes``, ``expressions``, ``statements``), and each builds on ``Shared``.
``Shared`` names the state the parts keep; holds the two methods every part
calls a library through: ``invoke``, which records what failed as a
``Failure`` for the shape doctor, and ``checked``, which counts what comes back
against the run's memory; and declares, as abstract methods, what one part
calls in another, so that mypy checks each part on its own and an
``Interpreter`` lacking one of them cannot be made.

An abstract base rather than a ``Protocol``: the parts assign the state
(``self.frame = ...``), and mypy takes such an assignment, in a class that
subclasses a protocol, for a new attribute.
"""

from __future__ import annotations

import ast
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch

from engine.sandbox import sizing
from engine.sandbox.budget import Clock, Memory
from engine.sandbox.builtins import Builtins
from engine.sandbox.callables import Closure
from engine.sandbox.interpreter.control import Break, Continue, Return
from engine.sandbox.limits import SLOT_BYTES, LimitExceeded
from engine.sandbox.members import Members
from engine.sandbox.whitelist.base import Refused


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
    """The interpreter as each part sees it: its state, its way into a library, and what the other parts define."""

    frame: Frame
    clock: Clock
    memory: Memory
    builtins: Builtins
    members: Members
    statement: ast.stmt | None
    failure: Failure | None
    depth: int

    # -- the way into a library

    def invoke(
        self,
        node: ast.AST | None,
        op: str,
        function: Callable[..., object],
        args: list[object],
        kwargs: dict[str, object],
        target: object = None,
    ) -> object:
        """Call into a library, remembering what failed (for the shape doctor) if it raises."""
        try:
            return function(*args, **kwargs)
        except (Refused, LimitExceeded, Break, Continue, Return, RecursionError):
            raise
        except Exception:
            where = node if node is not None else self.statement
            if self.failure is None and where is not None:  # outside any statement there is nothing to fix
                self.failure = Failure(
                    node=where,
                    op=op,
                    args=tuple(args),
                    statement=self.statement,
                    target=target,
                )
            raise

    def checked(self, value: object) -> object:
        sizing.check_result(value)
        if isinstance(value, torch.Tensor):
            self.memory.add(value.numel() * value.element_size())
        elif isinstance(value, np.ndarray):
            self.memory.add(value.nbytes)
        elif isinstance(value, str):
            self.memory.add(len(value), python=True)
        elif isinstance(value, (list, tuple)):
            self.memory.add(len(value) * SLOT_BYTES, python=True)
        return value

    # -- defined in other parts

    # in the Interpreter itself (the package's __init__)

    @abstractmethod
    def value_of(self, node: ast.expr) -> Any: ...

    @abstractmethod
    def run_block(self, body: list[ast.stmt]) -> None: ...

    @abstractmethod
    def make_closure(
        self, node: ast.FunctionDef | ast.Lambda, name: str, is_method: bool = False, static: bool = False
    ) -> Closure: ...

    # in expressions

    @abstractmethod
    def lookup(self, name: str) -> object: ...

    @abstractmethod
    def binary(
        self, op: Callable[[Any, Any], Any], symbol: str, left: object, right: object, node: ast.AST | None
    ) -> object: ...

    @abstractmethod
    def truth(self, value: object) -> bool: ...

    @abstractmethod
    def eval_index(self, node: ast.expr) -> object: ...

    @abstractmethod
    def subscript(self, container: object, index: object, node: ast.AST) -> object: ...

    @abstractmethod
    def iterate(self, value: object) -> Iterator[object]: ...

    # in statements

    @abstractmethod
    def assign(self, target: ast.expr, value: object) -> list[tuple[str | None, object]]: ...
