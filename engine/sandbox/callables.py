"""Things learner code can call that run learner code: its functions, methods and nn.Module classes.

Calling any of them interprets the learner's ``def`` bodies with the interpreter
that defined them; nothing here runs learner text as Python.
"""

from __future__ import annotations

import ast
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import torch
from torch import nn

if TYPE_CHECKING:
    from engine.sandbox.interpreter import Interpreter

RUN_LOCK = threading.RLock()
"""Held while learner code runs: runs touch global state (random generators, warnings)."""


@dataclass(eq=False)
class Closure:
    """A function the code defined; calling it interprets its body."""

    name: str
    node: ast.FunctionDef | ast.Lambda
    defaults: tuple[object, ...]
    kw_defaults: dict[str, object]
    globals: dict[str, object]
    interpreter: Interpreter
    is_method: bool = False

    def __call__(self, *args: object, **kwargs: object) -> object:
        return self.interpreter.call_function(self, args, kwargs)

    def __repr__(self) -> str:
        return f"<function {self.name}>"


@dataclass(frozen=True, eq=False)
class Bound:
    """A method of a learner-defined class, bound to its instance."""

    closure: Closure
    instance: object

    def __call__(self, *args: object, **kwargs: object) -> object:
        return self.closure(self.instance, *args, **kwargs)

    def __repr__(self) -> str:
        return f"<bound method {self.closure.name}>"


@dataclass(frozen=True, eq=False)
class Method:
    """A whitelisted method of a tensor, array, layer or Python value, bound to its owner."""

    owner: object
    name: str

    def __repr__(self) -> str:
        return f"<method {self.name}>"


class InterpretedModule(nn.Module):
    """Base of every ``class Name(nn.Module)`` the code defines; marks instances as the learner's."""

    _user_methods: dict[str, Closure] = {}


def build_module_class(name: str, methods: dict[str, Closure]) -> type:
    """A real nn.Module subclass whose methods interpret the learner's defs."""

    def as_method(closure: Closure) -> Callable[..., object]:
        def method(self: nn.Module, *args: object, **kwargs: object) -> object:
            return closure(self, *args, **kwargs)

        method.__name__ = closure.name
        return method

    namespace: dict[str, object] = {"_user_methods": dict(methods)}
    for method_name, closure in methods.items():
        namespace[method_name] = as_method(closure)
    return type(name, (InterpretedModule,), namespace)


class InterpretedFunction(torch.autograd.Function):
    """Base of every ``class Name(torch.autograd.Function)`` the code defines."""


def build_function_class(name: str, methods: dict[str, Closure]) -> type:
    """A real autograd Function whose static forward and backward interpret the learner's defs.

    torch calls backward itself, during ``loss.backward()``, on the thread that
    called it; the closure then runs under the interpreter's checks like any call.
    """

    def as_static(closure: Closure) -> staticmethod[..., object]:
        def method(*args: object, **kwargs: object) -> object:
            return closure(*args, **kwargs)

        method.__name__ = closure.name
        return staticmethod(method)

    namespace: dict[str, object] = {method_name: as_static(closure) for method_name, closure in methods.items()}
    return type(name, (InterpretedFunction,), namespace)


# Python's own messages ("'Closure' object is not iterable") should name what the learner wrote.
Closure.__name__ = Closure.__qualname__ = "function"
Closure.__module__ = "builtins"
Bound.__name__ = Bound.__qualname__ = "method"
Bound.__module__ = "builtins"
Method.__name__ = Method.__qualname__ = "method"
Method.__module__ = "builtins"
