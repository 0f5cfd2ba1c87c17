"""A whitelist interpreter for a small subset of Python, run over an ``ast`` tree.

Learner code is data: each node type the subset allows has a method here, listed
in ``STATEMENTS`` and ``EXPRESSIONS``; every other node is refused. Names resolve
to the learner's variables, the curated libraries in ``whitelist`` or the
builtins (``builtins``); every call into torch or NumPy is sized first by
``sizing``. The interpreter owns its run (``running``): its clock, memory and
printing budgets (``budget``) are checked between steps.
"""

from __future__ import annotations

import ast
import operator
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np

from engine.i18n import _
from engine.sandbox import limits, operators, python_sizing, sizing, whitelist
from engine.sandbox.budget import Clock, Memory, Printed
from engine.sandbox.builtins import Builtins, render_text
from engine.sandbox.callables import RUN_LOCK, Closure
from engine.sandbox.interpreter.calls import Calls
from engine.sandbox.interpreter.classes import Classes
from engine.sandbox.interpreter.control import Break, Continue, MisplacedStatement, Return, WatchedStatementDone
from engine.sandbox.interpreter.expressions import Expressions, check_key
from engine.sandbox.interpreter.shared import Failure, Frame
from engine.sandbox.limits import MAX_RUN_BYTES
from engine.sandbox.members import Members, check_name
from engine.sandbox.whitelist import LIBRARIES, values
from engine.sandbox.whitelist.base import Refused, refuse

__all__ = ["Failure", "Interpreter", "MisplacedStatement", "WatchedStatementDone"]


class Interpreter(Classes, Expressions, Calls):
    """Runs statements of the subset against a namespace, within its run's budgets (``running``)."""

    def __init__(
        self,
        namespace: dict[str, object],
        on_print: Callable[[str, ast.stmt | None], None],
        *,
        watch: tuple[int, int] | None = None,
    ) -> None:
        self.namespace = namespace
        self.on_print = on_print
        self.watch = watch
        """A statement's (line, column): the run stops right after it (``WatchedStatementDone``), for a trial."""
        self.builtins = Builtins(self)
        self.members = Members(self)
        self.clock = Clock(limits.MAX_SECONDS)
        self.memory = Memory(MAX_RUN_BYTES)
        self.printing = Printed()
        self.depth = 0
        self.statement: ast.stmt | None = None
        self.failure: Failure | None = None
        self.frame = Frame(namespace, namespace)
        self.error_statement: ast.stmt | None = None
        self._running = False

    # -- a run

    @contextmanager
    def running(self, seconds: float) -> Iterator[None]:
        """Let the code run for ``seconds``; when the run ends, nothing it built outlives it (``release_graphs``)."""
        self.clock = Clock(seconds)
        self._running = True
        try:
            yield
        finally:
            self._running = False
            self.members.release_graphs()

    def call_function(self, closure: Closure, args: tuple[object, ...], kwargs: dict[str, object]) -> object:
        """Call a function the code defined: inside its run, or as a run of its own when called after it
        (``net(x)`` from lesson code), with a fresh clock."""
        if self._running:
            return self.call_closure(closure, args, kwargs)
        with RUN_LOCK, self.running(limits.MAX_SECONDS):
            return self.call_closure(closure, args, kwargs)

    def printed(self, text: str) -> None:
        """Show one printed line, counted against what a run may print."""
        self.printing.count(text)
        self.on_print(text, self.statement)

    # -- statements

    def run_top_level(self, stmt: ast.stmt) -> list[tuple[str | None, object]]:
        """Run one top-level statement; return the (name, value) pairs it shows."""
        self.failure = None
        self.error_statement = None
        self.frame = Frame(self.namespace, self.namespace)
        try:
            return self.execute(stmt)
        except Break:
            raise MisplacedStatement("'break' outside loop") from None
        except Continue:
            raise MisplacedStatement("'continue' not properly in loop") from None

    def run_block(self, body: list[ast.stmt]) -> None:
        for stmt in body:
            self.execute(stmt)

    def execute(self, stmt: ast.stmt) -> list[tuple[str | None, object]]:
        """Run one statement; return the (name, value) pairs a top-level statement would show."""
        self.clock.tick()
        outer = self.statement
        self.statement = stmt
        try:
            handler = STATEMENTS.get(type(stmt))
            if handler is None:
                raise refuse(f"the `{_statement_word(stmt)}` statement")
            try:
                shown = handler(self, stmt) or []
            except Return as returned:
                if self.watch == (stmt.lineno, stmt.col_offset):
                    raise WatchedStatementDone(returned.value) from None
                raise
            if self.watch == (stmt.lineno, stmt.col_offset):
                raise WatchedStatementDone(shown[-1][1] if shown else None)
            return shown
        except (Break, Continue, Return):
            raise
        except Exception:
            if self.error_statement is None:
                self.error_statement = stmt
            raise
        finally:
            self.statement = outer

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

    def make_closure(
        self, node: ast.FunctionDef | ast.Lambda, name: str, is_method: bool = False, static: bool = False
    ) -> Closure:
        if isinstance(node, ast.FunctionDef) and node.decorator_list and not static:
            raise refuse("decorators")
        arguments = node.args
        if arguments.vararg or arguments.kwarg or arguments.posonlyargs:
            raise refuse("*args, **kwargs and positional-only parameters")
        check_name(name, allow_init=is_method)
        for arg in arguments.args + arguments.kwonlyargs:
            check_name(arg.arg)
        defaults = tuple(self.value_of(d) for d in arguments.defaults)
        kw_defaults = {
            arg.arg: self.value_of(default)
            for arg, default in zip(arguments.kwonlyargs, arguments.kw_defaults)
            if default is not None
        }
        return Closure(name, node, defaults, kw_defaults, self.frame.globals, self, is_method)

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

    # -- expressions

    def value_of(self, node: ast.expr) -> Any:
        handler = EXPRESSIONS.get(type(node))
        if handler is None:
            raise refuse(_expression_word(node))
        return handler(self, node)


Shown = list[tuple[str | None, object]]
"""The (name, value) pairs a top-level statement shows."""

STATEMENTS: dict[type[ast.stmt], Callable[[Interpreter, Any], Shown | None]] = {
    ast.Expr: Interpreter.stmt_Expr,
    ast.Assign: Interpreter.stmt_Assign,
    ast.AnnAssign: Interpreter.stmt_AnnAssign,
    ast.AugAssign: Interpreter.stmt_AugAssign,
    ast.Pass: Interpreter.stmt_Pass,
    ast.Break: Interpreter.stmt_Break,
    ast.Continue: Interpreter.stmt_Continue,
    ast.Return: Interpreter.stmt_Return,
    ast.If: Interpreter.stmt_If,
    ast.For: Interpreter.stmt_For,
    ast.While: Interpreter.stmt_While,
    ast.Assert: Interpreter.stmt_Assert,
    ast.Delete: Interpreter.stmt_Delete,
    ast.Import: Interpreter.stmt_Import,
    ast.ImportFrom: Interpreter.stmt_ImportFrom,
    ast.With: Interpreter.stmt_With,
    ast.FunctionDef: Interpreter.stmt_FunctionDef,
    ast.ClassDef: Interpreter.stmt_ClassDef,
}
"""The statements the subset runs, each with the method that runs it; any other statement is refused."""

EXPRESSIONS: dict[type[ast.expr], Callable[[Interpreter, Any], Any]] = {
    ast.Constant: Interpreter.expr_Constant,
    ast.Name: Interpreter.expr_Name,
    ast.Attribute: Interpreter.expr_Attribute,
    ast.Call: Interpreter.expr_Call,
    ast.Lambda: Interpreter.expr_Lambda,
    ast.BinOp: Interpreter.expr_BinOp,
    ast.UnaryOp: Interpreter.expr_UnaryOp,
    ast.BoolOp: Interpreter.expr_BoolOp,
    ast.Compare: Interpreter.expr_Compare,
    ast.IfExp: Interpreter.expr_IfExp,
    ast.Dict: Interpreter.expr_Dict,
    ast.List: Interpreter.expr_List,
    ast.Tuple: Interpreter.expr_Tuple,
    ast.Subscript: Interpreter.expr_Subscript,
    ast.Slice: Interpreter.expr_Slice,
    ast.ListComp: Interpreter.expr_ListComp,
    ast.DictComp: Interpreter.expr_DictComp,
    ast.GeneratorExp: Interpreter.expr_GeneratorExp,
    ast.JoinedStr: Interpreter.expr_JoinedStr,
    ast.FormattedValue: Interpreter.expr_FormattedValue,
}
"""The expressions the subset evaluates, each with the method that evaluates it; any other is refused."""


def _statement_word(stmt: ast.stmt) -> str:
    return {
        "Try": "try",
        "TryStar": "try",
        "Raise": "raise",
        "Global": "global",
        "Nonlocal": "nonlocal",
        "AsyncFunctionDef": "async def",
        "AsyncFor": "async for",
        "AsyncWith": "async with",
        "Match": "match",
    }.get(type(stmt).__name__, type(stmt).__name__.lower())


def _expression_word(node: ast.expr) -> str:
    return {
        "Dict": "a dict",
        "Set": "a set",
        "DictComp": "a dict comprehension",
        "SetComp": "a set comprehension",
        "NamedExpr": "the := operator",
        "Await": "await",
        "Yield": "yield",
        "YieldFrom": "yield from",
        "Starred": "a starred expression here",
    }.get(type(node).__name__, type(node).__name__)
