"""A whitelist interpreter for a small subset of Python, run over an ``ast`` tree.

Learner code is data: each node type the subset allows has a method, listed
in ``STATEMENTS`` and ``EXPRESSIONS``; every other node is refused. Names resolve
to the learner's variables, the curated libraries in ``whitelist`` or the
builtins (``builtins``); every call into torch or NumPy is sized first by
``sizing``. The interpreter owns its run (``running``): its clock, memory and
printing budgets (``budget``) are checked between steps.

The ``Interpreter`` here holds a run's state, runs it and dispatches each node
through the two tables; the nodes' methods come from its parts, one module each:

- ``statements``: what each statement does, assignment included;
- ``classes``: the ``class`` statement, in the two forms the subset allows;
- ``expressions``: names, operators, comparisons, containers, indexing,
  comprehensions and f-strings;
- ``calls``: function, library and layer calls, and the bodies of the code's
  own functions;
- ``shared``: the records the parts keep (``Frame``, ``Failure``), the one way
  into a library (``invoke``, ``checked``) and what each part uses of the others;
- ``control``: the exceptions that carry ``break``, ``continue`` and ``return``.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from engine.sandbox import limits
from engine.sandbox.budget import Clock, Memory, Printed
from engine.sandbox.builtins import Builtins
from engine.sandbox.callables import RUN_LOCK, Closure
from engine.sandbox.interpreter.calls import Calls
from engine.sandbox.interpreter.classes import Classes
from engine.sandbox.interpreter.control import Break, Continue, MisplacedStatement, Return, WatchedStatementDone
from engine.sandbox.interpreter.expressions import Expressions
from engine.sandbox.interpreter.shared import Failure, Frame
from engine.sandbox.interpreter.statements import Statements
from engine.sandbox.limits import MAX_RUN_BYTES
from engine.sandbox.members import Members, check_name
from engine.sandbox.whitelist.base import refuse

__all__ = ["Failure", "Interpreter", "MisplacedStatement", "WatchedStatementDone"]


class Interpreter(Statements, Classes, Expressions, Calls):
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

    # -- dispatch

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

    def value_of(self, node: ast.expr) -> Any:
        handler = EXPRESSIONS.get(type(node))
        if handler is None:
            raise refuse(_expression_word(node))
        return handler(self, node)

    # -- the code's own functions: each holds the interpreter that runs it

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
