"""Statements: what each statement of the subset does, assignment included.

Each ``stmt_*`` method runs one kind of statement node (the table is
``STATEMENTS``, in the package's ``__init__``; ``class`` is in ``classes``).
A method returns the (name, value) pairs its statement shows at the top level:
after ``a = ...`` or ``a[0] += 1``, ``a`` itself. ``break``, ``continue`` and
``return`` raise the exceptions in ``control``, which the loop or the call catches.
Imports bind only what the whitelist has (``whitelist.MODULES``).
"""

from __future__ import annotations

import ast
import operator

import numpy as np

from engine.i18n import _
from engine.sandbox import operators, python_sizing, sizing, whitelist
from engine.sandbox.builtins import render_text
from engine.sandbox.interpreter.control import Break, Continue, MisplacedStatement, Return
from engine.sandbox.interpreter.expressions import check_key
from engine.sandbox.interpreter.shared import Shared
from engine.sandbox.members import check_name
from engine.sandbox.whitelist import LIBRARIES, values
from engine.sandbox.whitelist.base import Refused, refuse


class Statements(Shared):
    """The statements of the subset, but for ``class`` (a mixin of ``Interpreter``)."""

    def stmt_Expr(self, stmt: ast.Expr) -> list[tuple[str | None, object]]:
        value = self.value_of(stmt.value)
        return [] if value is None else [(None, value)]

    def stmt_Assign(self, stmt: ast.Assign) -> list[tuple[str | None, object]]:
        value = self.value_of(stmt.value)
        shown: list[tuple[str | None, object]] = []
        for target in stmt.targets:
            shown.extend(self.assign(target, value))
        return shown

    def stmt_AnnAssign(self, stmt: ast.AnnAssign) -> list[tuple[str | None, object]]:
        if stmt.value is None:
            return []
        return self.assign(stmt.target, self.value_of(stmt.value))

    def stmt_AugAssign(self, stmt: ast.AugAssign) -> list[tuple[str | None, object]]:
        op = operators.IN_PLACE_OPERATORS[type(stmt.op)]
        symbol = operators.OPERATOR_SYMBOLS[type(stmt.op)] + "="
        target = stmt.target
        if isinstance(target, ast.Name):
            current = self.lookup(target.id)
            value = self.binary(op, symbol, current, self.value_of(stmt.value), stmt)
            return self.assign(target, value)
        if isinstance(target, ast.Subscript):
            container = self.value_of(target.value)
            index = self.eval_index(target.slice)
            current = self.subscript(container, index, target)
            value = self.binary(op, symbol, current, self.value_of(stmt.value), stmt)
            self.set_item(container, index, value, target)
            return self.shown_root(target)
        if isinstance(target, ast.Attribute):
            owner = self.value_of(target.value)
            current = self.members.attribute(owner, target.attr)
            value = self.binary(op, symbol, current, self.value_of(stmt.value), stmt)
            self.members.set_attribute(owner, target.attr, value)
            return self.shown_root(target)
        raise refuse("this kind of augmented assignment")

    def stmt_Pass(self, stmt: ast.Pass) -> None:
        return None

    def stmt_Break(self, stmt: ast.Break) -> None:
        raise Break

    def stmt_Continue(self, stmt: ast.Continue) -> None:
        raise Continue

    def stmt_Return(self, stmt: ast.Return) -> None:
        if not self.frame.in_function:
            raise MisplacedStatement("'return' outside function")
        raise Return(None if stmt.value is None else self.value_of(stmt.value))

    def stmt_If(self, stmt: ast.If) -> None:
        self.run_block(stmt.body if self.truth(self.value_of(stmt.test)) else stmt.orelse)

    def stmt_For(self, stmt: ast.For) -> None:
        for item in self.iterate(self.value_of(stmt.iter)):
            self.clock.tick()
            self.assign(stmt.target, item)
            if not self.loop_body(stmt.body):
                return
        self.run_block(stmt.orelse)

    def stmt_While(self, stmt: ast.While) -> None:
        while self.truth(self.value_of(stmt.test)):
            self.clock.tick()
            if not self.loop_body(stmt.body):
                return
        self.run_block(stmt.orelse)

    def loop_body(self, body: list[ast.stmt]) -> bool:
        """Run a loop's body once; False when it breaks out of the loop (``continue`` just ends this pass)."""
        try:
            self.run_block(body)
        except Break:
            return False
        except Continue:
            pass
        return True

    def stmt_Assert(self, stmt: ast.Assert) -> None:
        if not self.truth(self.value_of(stmt.test)):
            raise AssertionError("" if stmt.msg is None else render_text(self.value_of(stmt.msg)))

    def stmt_Delete(self, stmt: ast.Delete) -> None:
        for target in stmt.targets:
            if not isinstance(target, ast.Name):
                raise refuse("del of anything but a name")
            scope = self.frame.locals
            if target.id not in scope:
                raise NameError(f"name '{target.id}' is not defined")
            del scope[target.id]

    def stmt_Import(self, stmt: ast.Import) -> None:
        for alias in stmt.names:
            module = whitelist.MODULES.get(alias.name)
            if module is None:
                raise whitelist.import_refusal(alias.name)
            if alias.asname is None:  # `import torch.nn` binds torch
                top = alias.name.split(".")[0]
                self.bind_import(top, whitelist.MODULES[top])
            else:
                self.bind_import(alias.asname, module)

    def stmt_ImportFrom(self, stmt: ast.ImportFrom) -> None:
        module = whitelist.MODULES.get(stmt.module or "")
        if module is None or stmt.level:
            raise whitelist.import_refusal(stmt.module or ".")
        for alias in stmt.names:
            if alias.name not in module.members:
                if alias.name == "*":
                    raise Refused(
                        _("from {module} import * is not available here: import the names you use", module=stmt.module)
                    )
                raise whitelist.import_refusal(f"{stmt.module}.{alias.name}")
            self.bind_import(alias.asname or alias.name, module.members[alias.name])

    def bind_import(self, name: str, value: object) -> None:
        """Bind an imported name; a library that is always bound under that name is left as it is."""
        check_name(name)
        if LIBRARIES.get(name) is value:
            self.frame.locals.pop(name, None)
        else:
            self.frame.locals[name] = value

    def stmt_With(self, stmt: ast.With) -> None:
        if len(stmt.items) != 1 or stmt.items[0].optional_vars is not None:
            raise refuse("this form of `with`")
        manager = self.value_of(stmt.items[0].context_expr)
        if not isinstance(manager, values.CONTEXT_MANAGERS):
            raise Refused("`with` is available here only as `with torch.no_grad():` or `with torch.enable_grad():`")
        with manager:
            self.run_block(stmt.body)

    def stmt_FunctionDef(self, stmt: ast.FunctionDef) -> None:
        self.frame.locals[stmt.name] = self.make_closure(stmt, stmt.name)

    # -- assignment

    def assign(self, target: ast.expr, value: object) -> list[tuple[str | None, object]]:
        if isinstance(target, ast.Name):
            check_name(target.id)
            self.frame.locals[target.id] = value
            return [(target.id, value)]
        if isinstance(target, (ast.Tuple, ast.List)):
            if any(isinstance(t, ast.Starred) for t in target.elts):
                raise refuse("starred assignment")
            items = (
                self.builtins.materialize(self.iterate(value)) if not isinstance(value, (list, tuple)) else list(value)
            )
            if len(items) != len(target.elts):
                raise ValueError(
                    f"too many values to unpack (expected {len(target.elts)})"
                    if len(items) > len(target.elts)
                    else f"not enough values to unpack (expected {len(target.elts)}, got {len(items)})"
                )
            shown: list[tuple[str | None, object]] = []
            for element, item in zip(target.elts, items):
                shown.extend(self.assign(element, item))
            return shown
        if isinstance(target, ast.Subscript):
            container = self.value_of(target.value)
            self.set_item(container, self.eval_index(target.slice), value, target)
            return self.shown_root(target)
        if isinstance(target, ast.Attribute):
            self.members.set_attribute(self.value_of(target.value), target.attr, value)
            return []
        raise refuse("this assignment target")

    def shown_root(self, target: ast.expr) -> list[tuple[str | None, object]]:
        """After ``a[0, 0] = 99.0`` show ``a`` itself."""
        root = target
        while isinstance(root, (ast.Subscript, ast.Attribute)):
            root = root.value
        if isinstance(root, ast.Name) and not isinstance(target, ast.Attribute):
            return [(root.id, self.lookup(root.id))]
        return []

    def set_item(self, container: object, index: object, value: object, node: ast.AST) -> None:
        if not isinstance(container, values.ITEM_ASSIGNABLE):
            raise TypeError(f"'{type(container).__name__}' object does not support item assignment")
        if isinstance(container, np.ndarray):
            sizing.check_numpy_arguments([value], {})
        if isinstance(container, dict):
            check_key(index)
        self.invoke(node, "[]=", operator.setitem, [container, index, value], {})
        if isinstance(container, (list, dict)):
            python_sizing.check_length(len(container))
