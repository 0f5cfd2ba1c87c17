"""What learner code may read, set and call on a value: the members of tensors, arrays, layers and the rest.

``Members`` is the part of the interpreter that turns ``owner.name`` into a
value or a bound ``Method``, and runs a method call with the checks its owner's
kind needs (sizes on meta for tensors, device checks for ``.to``, timed sorting
for lists, the memory measured after ``backward`` and ``step``). Only listed
members resolve; everything else is refused or is Python's own AttributeError.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

import numpy as np
import torch
from torch import nn
from torch.autograd.function import FunctionCtx

from engine.i18n import _
from engine.sandbox import python_sizing, sizing, whitelist
from engine.sandbox.callables import Bound, InterpretedFunction, InterpretedModule, Method
from engine.sandbox.limits import NUMBER_BYTES
from engine.sandbox.whitelist import (
    ARRAY_ATTRIBUTES,
    ARRAY_METHODS,
    DICT_METHODS,
    LIST_METHODS,
    MODULE_ATTRIBUTES,
    MODULE_METHODS,
    SIZE_METHODS,
    STR_METHODS,
    TENSOR_ATTRIBUTES,
    TENSOR_METHODS,
)
from engine.sandbox.whitelist import nn as whitelist_nn
from engine.sandbox.whitelist import python as whitelist_python
from engine.sandbox.whitelist.base import ALLOWED_SUMMARY, Library, Refused, refuse

if TYPE_CHECKING:
    from engine.sandbox.interpreter import Interpreter


class Members:
    """Attribute reads, attribute writes and method calls, as the interpreter runs them (its ``members``)."""

    def __init__(self, interpreter: Interpreter) -> None:
        self.interpreter = interpreter
        self.graph_leaves: list[torch.Tensor] = []
        """Tensors whose gradient may keep a graph (``after_backward``), detached when the run ends."""

    def set_attribute(self, owner: object, name: str, value: object) -> None:
        check_name(name)
        if isinstance(owner, InterpretedModule):
            setattr(owner, name, value)
        elif isinstance(owner, FunctionCtx) and not has_attribute(owner, name):
            setattr(owner, name, value)  # ctx.constant = c in an autograd Function's forward
        elif isinstance(owner, torch.Tensor) and name in whitelist.TENSOR_SETTABLE:
            self.interpreter.invoke(None, f".{name}=", setattr, [owner, name, value], {})
        else:
            raise refuse(f"assigning to .{name} of {type_word(owner)}")

    def attribute(self, owner: object, name: str) -> object:
        if name == "__version__" and isinstance(owner, Library) and owner.module in (torch, np):
            return str(owner.module.__version__)  # print(torch.__version__) opens many tutorials
        check_name(name)
        if isinstance(owner, Library):
            if name in owner.members:
                return owner.members[name]
            if owner.module is not None and name not in vars(owner.module):
                raise AttributeError(f"module '{owner.name}' has no attribute '{name}'")
            if owner.name == "torch" and name in whitelist.TORCH_ELSEWHERE:
                raise Refused(_(whitelist.TORCH_ELSEWHERE[name]))
            raise refuse(f"{owner.name}.{name}")
        if isinstance(owner, torch.Tensor):
            if name in TENSOR_ATTRIBUTES:
                return getattr(owner, name)
            if name in TENSOR_METHODS:
                return Method(owner, name)
        elif isinstance(owner, np.ndarray):
            if name in ARRAY_ATTRIBUTES:
                return getattr(owner, name)
            if name in ARRAY_METHODS:
                return Method(owner, name)
        elif isinstance(owner, np.generic):
            if name in whitelist.SCALAR_ATTRIBUTES:
                return getattr(owner, name)
            if name in whitelist.SCALAR_METHODS:
                return Method(owner, name)
        elif isinstance(owner, nn.Module):
            return self.module_attribute(owner, name)
        elif isinstance(owner, list) and name in LIST_METHODS:
            return Method(owner, name)
        elif isinstance(owner, str) and name in STR_METHODS:
            return Method(owner, name)
        elif isinstance(owner, torch.Size) and name in SIZE_METHODS:
            return Method(owner, name)
        elif isinstance(owner, dict) and name in DICT_METHODS:
            return Method(owner, name)
        elif isinstance(owner, torch.optim.Optimizer):
            if name in whitelist_nn.OPTIMIZER_ATTRIBUTES:
                return getattr(owner, name)
            if name in whitelist_nn.OPTIMIZER_METHODS:
                return Method(owner, name)
        elif isinstance(owner, torch.optim.lr_scheduler.LRScheduler) and name in whitelist_nn.SCHEDULER_METHODS:
            return Method(owner, name)
        elif isinstance(owner, FunctionCtx):
            if name in whitelist.CONTEXT_METHODS:
                return Method(owner, name)
            if name in whitelist.CONTEXT_ATTRIBUTES or name in vars(owner):
                return getattr(owner, name)
        elif isinstance(owner, type) and issubclass(owner, InterpretedFunction) and name == "apply":
            return Method(owner, name)
        elif isinstance(owner, torch.device) and name in whitelist.DEVICE_ATTRIBUTES:
            return getattr(owner, name)
        elif isinstance(owner, tuple) and name in whitelist.TUPLE_METHODS:
            return Method(owner, name)
        elif isinstance(owner, complex) and name in whitelist.COMPLEX_ATTRIBUTES:
            return getattr(owner, name)
        if has_attribute(owner, name):
            raise refuse(f".{name} on {type_word(owner)}")
        raise AttributeError(f"'{type(owner).__name__}' object has no attribute '{name}'")

    def module_attribute(self, module: nn.Module, name: str) -> object:
        if isinstance(module, InterpretedModule):
            methods = type(module)._user_methods
            if name in methods:
                return Bound(methods[name], module)
            if name in module.__dict__:
                return module.__dict__[name]
            for table in (module._modules, module._parameters, module._buffers):
                if name in table:
                    return table[name]
        if name in MODULE_METHODS:
            return Method(module, name)
        if name in MODULE_ATTRIBUTES and hasattr(module, name):
            return getattr(module, name)
        if isinstance(module, InterpretedModule) or not has_attribute(module, name):
            raise AttributeError(f"'{type(module).__name__}' object has no attribute '{name}'")
        raise refuse(f".{name} on an nn layer")

    def call_method(
        self, node: ast.AST | None, method: Method, args: list[object], kwargs: dict[str, object]
    ) -> object:
        owner, name = method.owner, method.name
        if isinstance(owner, torch.Tensor):
            sizing.before_tensor_method(owner, name, args, kwargs)
        elif isinstance(owner, (np.ndarray, np.generic)):
            sizing.before_array_method(owner, name, args, kwargs)
        elif isinstance(owner, nn.Module):
            if name == "forward":
                return self.interpreter.call_module(node, owner, args, kwargs)
            if name in ("to", "cuda"):
                sizing.check_move(name, args, kwargs)
            if name in ("to", "float", "double", "half"):  # may make new parameters, of another dtype
                result = self.interpreter.invoke(node, f".{name}", getattr(owner, name), args, kwargs, target=owner)
                self.interpreter.memory.add(sizing.module_bytes(owner))
                return result
        elif isinstance(owner, str):
            whitelist_python.before_str_method(owner, name, args, kwargs)
            if name == "format":  # each value becomes text, as print would make it
                for value in [*args, *kwargs.values()]:
                    python_sizing.check_render_cost(value)
        elif isinstance(owner, (list, tuple)):
            if name in ("append", "insert"):
                python_sizing.check_length(len(owner) + 1)
            elif name in ("index", "count", "remove"):
                for arg in args:
                    python_sizing.check_hidden_comparison(arg, owner)  # index puts repr(arg) in its message
            elif name == "sort" and isinstance(owner, list):  # sorted's comparisons are timed and sized
                owner[:] = self.interpreter.builtins.sorted(owner, *args, **kwargs)
                return None
            elif name == "extend" and isinstance(owner, list) and len(args) == 1 and not kwargs:
                items = self.interpreter.builtins.materialize(
                    self.interpreter.iterate(args[0])
                )  # walked once: a generator is used up
                python_sizing.check_length(len(owner) + len(items))
                owner.extend(items)
                return None
        if name == "tolist":  # one Python number per element, counted before they are made
            self.interpreter.memory.add(int(np.prod(getattr(owner, "shape", ()))) * NUMBER_BYTES, python=True)
        bound = getattr(owner, whitelist.METHOD_ALIASES.get(name, name) if isinstance(owner, torch.Tensor) else name)
        result = self.interpreter.checked(self.interpreter.invoke(node, f".{name}", bound, args, kwargs, target=owner))
        if name == "backward" and isinstance(owner, torch.Tensor):
            self.after_backward(owner, kwargs)
        elif name == "step" and isinstance(owner, torch.optim.Optimizer):
            self.interpreter.memory.measure()  # the first step makes the optimizer's state (Adam: two tensors per parameter)
        return result

    def after_backward(self, output: torch.Tensor, kwargs: dict[str, object]) -> None:
        """Count the gradients backward made, and remember leaves whose gradient keeps a graph.

        ``backward(create_graph=True)`` gives each leaf a gradient whose graph refers back
        to the leaf: a cycle through C++ that Python's collector cannot free. Those
        gradients are detached when the run ends (``release_graphs``).
        """
        self.interpreter.memory.measure()
        if not kwargs.get("create_graph") or output.grad_fn is None:
            return
        seen: set[int] = set()
        stack: list[torch.autograd.graph.Node | None] = [output.grad_fn]
        while stack:
            function = stack.pop()
            if function is None or id(function) in seen:
                continue
            seen.add(id(function))
            variable = getattr(function, "variable", None)
            if isinstance(variable, torch.Tensor):
                self.graph_leaves.append(variable)
            stack.extend(next_function for next_function, _ in function.next_functions)

    def release_graphs(self) -> None:
        """Detach gradients that keep a graph (see ``after_backward``), so nothing outlives the run."""
        for leaf in self.graph_leaves:
            if leaf.grad is not None and leaf.grad.grad_fn is not None:
                leaf.grad = leaf.grad.detach()
        self.graph_leaves.clear()


def check_name(name: str, allow_init: bool = False) -> None:
    """Refuse names with a leading underscore (dunders reach Python's internals); ``_`` alone is a plain name."""
    if name.startswith("_") and name != "_" and not (allow_init and name == "__init__"):
        raise Refused(
            _(
                "names starting with an underscore ({name}) are not available here: {allowed}",
                name=name,
                allowed=_(ALLOWED_SUMMARY),
            )
        )


def has_attribute(owner: object, name: str) -> bool:
    """Whether ``owner``'s type has ``name``, asked without running any of the owner's own code."""
    try:
        return hasattr(type(owner), name)
    except Exception:
        return False


def type_word(value: object) -> str:
    """``a Tensor``, ``an ndarray``, ``the class Linear``: how a refusal names a value."""
    if isinstance(value, type):
        return f"the class {value.__name__}"
    name = type(value).__name__
    return f"{'an' if name[:1].lower() in 'aeiou' else 'a'} {name}"
