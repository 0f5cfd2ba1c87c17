"""Class definitions: the two class forms the subset allows, checked before either is built.

A class here is an ``nn.Module`` whose body defines ``__init__`` and
``forward``, or a ``torch.autograd.Function`` with ``@staticmethod`` ``forward``
and ``backward``; its methods are the code's own functions (``Closure``), and
``callables`` builds the class from them. Any other base, decorator or body is
refused with the form that is available.
"""

from __future__ import annotations

import ast

import torch
from torch import nn

from engine.i18n import _
from engine.sandbox.callables import Closure, build_function_class, build_module_class
from engine.sandbox.interpreter.shared import Shared
from engine.sandbox.members import check_name
from engine.sandbox.whitelist.base import Refused


class Classes(Shared):
    """The ``class`` statement (a mixin of ``Interpreter``)."""

    def stmt_ClassDef(self, stmt: ast.ClassDef) -> None:
        check_name(stmt.name)
        form = (
            "class Name(nn.Module) whose body defines __init__ and forward, or "
            "class Name(torch.autograd.Function) with @staticmethod forward and backward"
        )
        if len(stmt.bases) != 1 or stmt.keywords or stmt.decorator_list:
            raise Refused(_("this class form is not available here: only {form}", form=form))
        base = self.value_of(stmt.bases[0])
        if base is not nn.Module and base is not torch.autograd.Function:
            raise Refused(_("this base class is not available here: only {form}", form=form))
        is_function = base is torch.autograd.Function
        methods: dict[str, Closure] = {}
        for item in stmt.body:
            if isinstance(item, ast.FunctionDef):
                static = _is_static(item)
                if static and not is_function:
                    raise Refused(_("@staticmethod is available here only in a class based on torch.autograd.Function"))
                if is_function and not static:
                    raise Refused(
                        _(
                            "methods of an autograd Function are @staticmethod here, like PyTorch's: {name}",
                            name=item.name,
                        )
                    )
                methods[item.name] = self.make_closure(item, item.name, is_method=not is_function, static=static)
            elif isinstance(item, ast.Pass) or (
                isinstance(item, ast.Expr)
                and isinstance(item.value, ast.Constant)
                and isinstance(item.value.value, str)
            ):
                continue
            else:
                raise Refused(_("only method definitions are available inside a class here: {form}", form=form))
        if is_function:
            missing = [name for name in ("forward", "backward") if name not in methods]
            if missing:
                raise Refused(
                    _(
                        "an autograd Function here defines forward and backward; this one has no {missing}",
                        missing=missing[0],
                    )
                )
            self.frame.locals[stmt.name] = build_function_class(stmt.name, methods)
        else:
            self.frame.locals[stmt.name] = build_module_class(stmt.name, methods)


def _is_static(node: ast.FunctionDef) -> bool:
    """True for a def decorated with exactly @staticmethod."""
    decorators = node.decorator_list
    return len(decorators) == 1 and isinstance(decorators[0], ast.Name) and decorators[0].id == "staticmethod"
