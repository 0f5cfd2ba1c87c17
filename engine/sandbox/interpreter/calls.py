"""Calls: what a call in the code reaches, and the checks its kind needs on the way.

A library function is sized first (``sizing``), a layer is called with its
input's size checked, the code's own function (``Closure``) runs its body in a
new ``Frame``. Each goes into the library through ``Shared.invoke`` and has
what comes back counted by ``Shared.checked``.
"""

from __future__ import annotations

import ast

import numpy as np
from torch import nn

from engine.sandbox import sizing
from engine.sandbox.callables import Bound, Closure, InterpretedModule, Method
from engine.sandbox.interpreter.control import Break, Continue, MisplacedStatement, Return
from engine.sandbox.interpreter.shared import Frame, Shared
from engine.sandbox.limits import MAX_CALL_DEPTH, LimitExceeded
from engine.sandbox.members import check_name, type_word
from engine.sandbox.whitelist.base import Allowed, Builtin, refuse


class Calls(Shared):
    """Function calls, library calls and the code's own functions' bodies (a mixin of ``Interpreter``)."""

    def expr_Call(self, node: ast.Call) -> object:
        if _is_super_init(node.func):
            self.super_init(node)
            return None
        function = self.value_of(node.func)
        args: list[object] = []
        for arg in node.args:
            if isinstance(arg, ast.Starred):
                args.extend(self.builtins.materialize(self.iterate(self.value_of(arg.value))))
            else:
                args.append(self.value_of(arg))
        kwargs: dict[str, object] = {}
        for keyword in node.keywords:
            if keyword.arg is None:
                raise refuse("**keyword unpacking")
            check_name(keyword.arg)
            kwargs[keyword.arg] = self.value_of(keyword.value)
        return self.call_value(node, function, args, kwargs)

    def call_value(
        self, node: ast.AST | None, function: object, args: list[object], kwargs: dict[str, object]
    ) -> object:
        """Call anything the code can hold, with the checks its kind needs."""
        if isinstance(function, Allowed):
            return self.call_library(node, function, args, kwargs)
        if isinstance(function, Method):
            return self.members.call_method(node, function, args, kwargs)
        if isinstance(function, (Closure, Bound)):
            return function(*args, **kwargs)
        if isinstance(function, nn.Module):
            return self.call_module(node, function, args, kwargs)
        if isinstance(function, type) and issubclass(function, InterpretedModule):
            return function(*args, **kwargs)
        if isinstance(function, type) and issubclass(function, np.generic):
            sizing.before_numpy(Allowed(function.__name__, function, "data"), args, kwargs)
            return self.checked(self.invoke(node, f"np.{function.__name__}", function, args, kwargs))
        if isinstance(function, Builtin):
            return function(*args, **kwargs)
        plain = self.builtins.plain.get(id(function))
        if plain is not None:
            return plain(*args, **kwargs)
        raise refuse(f"calling {type_word(function)}")

    def call_library(
        self, node: ast.AST | None, function: Allowed, args: list[object], kwargs: dict[str, object]
    ) -> object:
        if function.rule == "module":
            sizing.check_module(function, args, kwargs)
            layer = self.invoke(node, function.name, function.fn, args, kwargs)
            if isinstance(layer, nn.Module):
                self.memory.add(sizing.module_bytes(layer))
            return layer
        if function.name.startswith("np."):
            sizing.before_numpy(function, args, kwargs)
        elif function.rule != "python":  # math works on single numbers
            sizing.before_torch(function, args, kwargs)
        return self.checked(self.invoke(node, function.name, function.fn, args, kwargs))

    def call_module(
        self, node: ast.AST | None, module: nn.Module, args: list[object], kwargs: dict[str, object]
    ) -> object:
        if isinstance(module, nn.Sequential) and not kwargs and len(args) == 1:
            value = args[0]
            for layer in module:
                self.clock.tick()
                value = self.call_module(node, layer, [value], {})
            return value
        if not isinstance(module, InterpretedModule):
            sizing.before_module_call(module, args)
        return self.checked(self.invoke(node, "layer", module, args, kwargs, target=module))

    def super_init(self, node: ast.Call) -> None:
        instance = self.frame.self_value
        if not isinstance(instance, InterpretedModule):
            raise refuse("super() outside a method of a class")
        if node.args or node.keywords:
            raise TypeError("Module.__init__() takes no arguments here")
        nn.Module.__init__(instance)
        return None

    def call_closure(self, closure: Closure, args: tuple[object, ...], kwargs: dict[str, object]) -> object:
        node = closure.node
        params = [a.arg for a in node.args.args]
        kwonly = [a.arg for a in node.args.kwonlyargs]
        if len(args) > len(params):
            raise TypeError(f"{closure.name}() takes {len(params)} positional arguments but {len(args)} were given")
        scope: dict[str, object] = dict(zip(params, args))
        for key, value in kwargs.items():
            if key not in params and key not in kwonly:
                raise TypeError(f"{closure.name}() got an unexpected keyword argument '{key}'")
            if key in scope:
                raise TypeError(f"{closure.name}() got multiple values for argument '{key}'")
            scope[key] = value
        first_default = len(params) - len(closure.defaults)
        for i, name in enumerate(params):
            if name not in scope:
                if i >= first_default:
                    scope[name] = closure.defaults[i - first_default]
                else:
                    raise TypeError(f"{closure.name}() missing required positional argument: '{name}'")
        for name in kwonly:
            if name not in scope:
                if name not in closure.kw_defaults:
                    raise TypeError(f"{closure.name}() missing required keyword argument: '{name}'")
                scope[name] = closure.kw_defaults[name]
        self.clock.tick()
        if self.depth >= MAX_CALL_DEPTH:
            raise LimitExceeded(
                f"the depth of nested function calls is over {MAX_CALL_DEPTH}; the limit is {MAX_CALL_DEPTH}"
            )
        self_value = args[0] if closure.is_method and args else None
        outer_frame = self.frame
        self.frame = Frame(closure.globals, scope, self_value, in_function=True)
        self.depth += 1
        try:
            if isinstance(node, ast.Lambda):
                return self.value_of(node.body)
            self.run_block(node.body)
            return None
        except Return as result:
            return result.value
        except (Break, Continue):
            raise MisplacedStatement("'break' outside loop") from None
        finally:
            self.depth -= 1
            self.frame = outer_frame


def _is_super_init(func: ast.expr) -> bool:
    return (
        isinstance(func, ast.Attribute)
        and func.attr == "__init__"
        and isinstance(func.value, ast.Call)
        and isinstance(func.value.func, ast.Name)
        and func.value.func.id == "super"
    )
