"""Expressions: names, operators, comparisons, containers, indexing, comprehensions and f-strings.

Each ``expr_*`` method evaluates one kind of expression node (the table is
``EXPRESSIONS``, in the package's ``__init__``). Every operator is sized before
it runs (``sizing.before_operator``), and what Python compares or hashes by
itself (``in``, dict keys) is checked first (``python_sizing``, ``check_key``).
"""

from __future__ import annotations

import ast
import operator
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import torch
from torch import nn

from engine.sandbox import operators, python_sizing, sizing, whitelist
from engine.sandbox.builtins import render_text
from engine.sandbox.callables import Closure
from engine.sandbox.interpreter.shared import Frame, Shared
from engine.sandbox.limits import MAX_SEQUENCE, NUMBER_BYTES, SLOT_BYTES
from engine.sandbox.members import check_name, has_attribute, type_word
from engine.sandbox.whitelist import LIBRARIES, values
from engine.sandbox.whitelist.base import Refused, refuse


class Expressions(Shared):
    """The expressions of the subset, but for calls (a mixin of ``Interpreter``)."""

    def expr_Constant(self, node: ast.Constant) -> object:
        if isinstance(node.value, bytes):
            raise refuse("bytes")
        return node.value

    def expr_Name(self, node: ast.Name) -> object:
        return self.lookup(node.id)

    def lookup(self, name: str) -> object:
        check_name(name)
        frame = self.frame
        if name in frame.locals:
            return frame.locals[name]
        if name in frame.globals:
            return frame.globals[name]
        if name in LIBRARIES:
            return LIBRARIES[name]
        if name in self.builtins.table:
            return self.builtins.table[name]
        if name in whitelist.REFUSED_BUILTINS:
            raise whitelist.refuse_builtin(name)
        raise NameError(f"name '{name}' is not defined")

    def expr_Attribute(self, node: ast.Attribute) -> object:
        return self.members.attribute(self.value_of(node.value), node.attr)

    def expr_Lambda(self, node: ast.Lambda) -> Closure:
        return self.make_closure(node, "<lambda>")

    def expr_BinOp(self, node: ast.BinOp) -> object:
        left = self.value_of(node.left)
        right = self.value_of(node.right)
        kind = type(node.op)
        return self.binary(operators.BINARY_OPERATORS[kind], operators.OPERATOR_SYMBOLS[kind], left, right, node)

    def binary(
        self, op: Callable[[Any, Any], Any], symbol: str, left: object, right: object, node: ast.AST | None
    ) -> object:
        plain = operators.PLAIN.get(op, op)
        sizing.before_operator(plain, left, right)
        return self.checked(self.invoke(node, symbol, op, [left, right], {}))

    def expr_UnaryOp(self, node: ast.UnaryOp) -> object:
        value = self.value_of(node.operand)
        if isinstance(node.op, ast.Not):
            return not self.truth(value)
        return self.unary(node, type(node.op).__name__, operators.UNARY_OPERATORS[type(node.op)], value)

    def unary(self, node: ast.AST | None, name: str, op: Callable[[Any], Any], value: object) -> object:
        """-x, ~x and abs(x): the result has the operand's size, and is counted like any new value."""
        return self.checked(self.invoke(node, name, op, [value], {}))

    def truth(self, value: object) -> bool:
        return bool(self.invoke(None, "bool", bool, [value], {}))

    def expr_BoolOp(self, node: ast.BoolOp) -> object:
        is_and = isinstance(node.op, ast.And)
        value: object = None
        for operand in node.values:
            value = self.value_of(operand)
            if self.truth(value) != is_and:
                return value
        return value

    def expr_Compare(self, node: ast.Compare) -> object:
        left = self.value_of(node.left)
        result: object = True
        for op_node, right_node in zip(node.ops, node.comparators):
            right = self.value_of(right_node)
            kind = type(op_node)
            if kind in operators.COMPARISONS:
                op = operators.COMPARISONS[kind]
                sizing.before_operator(op, left, right)
                result = self.checked(self.invoke(node, kind.__name__, op, [left, right], {}))
            elif kind in (ast.Is, ast.IsNot):
                result = (left is right) == (kind is ast.Is)
            else:
                result = self.contains(node, right, left) == (kind is ast.In)
            if len(node.ops) > 1 and not self.truth(result):
                return result
            left = right
        return result

    def contains(self, node: ast.AST, container: object, item: object) -> bool:
        """``item in container``, whose comparisons Python makes itself: sized first."""
        if isinstance(container, (torch.Tensor, np.ndarray)):
            sizing.before_operator(operator.eq, container, item)  # tensor.__contains__ broadcasts
        elif isinstance(container, dict):
            check_key(item)
        elif not isinstance(container, values.PLAIN_MEMBERSHIP):
            if not isinstance(container, (list, tuple)):
                container = self.builtins.materialize(self.iterate(container))
            python_sizing.check_hidden_comparison(item, [c for c in container if c is not item])  # `is` skips ==
        return bool(self.invoke(node, "in", operator.contains, [container, item], {}))

    def expr_IfExp(self, node: ast.IfExp) -> object:
        return self.value_of(node.body if self.truth(self.value_of(node.test)) else node.orelse)

    def expr_Dict(self, node: ast.Dict) -> dict[object, object]:
        result: dict[object, object] = {}
        for key_node, value_node in zip(node.keys, node.values):
            if key_node is None:
                result.update(self.dict_value(self.value_of(value_node)))
                continue
            key = self.value_of(key_node)
            check_key(key)
            result[key] = self.value_of(value_node)
        python_sizing.check_length(len(result))
        self.memory.add(len(result) * 2 * SLOT_BYTES, python=True)
        return result

    def dict_value(self, value: object) -> dict[object, object]:
        if not isinstance(value, dict):
            raise TypeError(f"'{type(value).__name__}' object is not a mapping")
        return value

    def expr_List(self, node: ast.List) -> list[object]:
        return self.sequence(node.elts)

    def expr_Tuple(self, node: ast.Tuple) -> tuple[object, ...]:
        return tuple(self.sequence(node.elts))

    def sequence(self, elements: list[ast.expr]) -> list[object]:
        items: list[object] = []
        for element in elements:
            if isinstance(element, ast.Starred):
                items.extend(self.builtins.materialize(self.iterate(self.value_of(element.value))))
            else:
                items.append(self.value_of(element))
            python_sizing.check_length(len(items))
        return items

    def expr_Subscript(self, node: ast.Subscript) -> object:
        return self.subscript(self.value_of(node.value), self.eval_index(node.slice), node)

    def eval_index(self, node: ast.expr) -> object:
        if isinstance(node, ast.Slice):
            return self.expr_Slice(node)
        if isinstance(node, ast.Tuple):
            return tuple(self.eval_index(e) for e in node.elts)
        return self.value_of(node)

    def expr_Slice(self, node: ast.Slice) -> slice:
        parts = [None if part is None else self.value_of(part) for part in (node.lower, node.upper, node.step)]
        return slice(*parts)

    def subscript(self, container: object, index: object, node: ast.AST) -> object:
        if isinstance(container, (torch.Tensor, np.ndarray)):
            sizing.before_index(container, index)
        elif isinstance(container, nn.Sequential):
            pass
        elif isinstance(container, dict):
            check_key(index)
        elif not isinstance(container, values.SEQUENCES):
            if not has_attribute(container, "__getitem__"):
                raise TypeError(f"'{type(container).__name__}' object is not subscriptable")
            raise refuse(f"indexing {type_word(container)}")
        return self.checked(self.invoke(node, "[]", operator.getitem, [container, index], {}, target=container))

    def iterate(self, value: object) -> Iterator[object]:
        if isinstance(value, values.ITERABLE):
            return iter(value)
        if type(value).__name__ in values.ITERATORS and isinstance(value, Iterator):
            return value
        raise TypeError(f"'{type(value).__name__}' object is not iterable")

    def comprehension(self, generators: list[ast.comprehension], produce: Callable[[], None]) -> None:
        def loop(level: int) -> None:
            if level == len(generators):
                produce()
                return
            generator = generators[level]
            if generator.is_async:
                raise refuse("async comprehensions")
            for item in self.iterate(self.value_of(generator.iter)):
                self.clock.tick()
                self.assign(generator.target, item)
                if all(self.truth(self.value_of(condition)) for condition in generator.ifs):
                    loop(level + 1)

        outer = self.frame
        scope = {} if outer.locals is outer.globals else dict(outer.locals)
        self.frame = Frame(outer.globals, scope, outer.self_value, outer.in_function)
        try:
            loop(0)
        finally:
            self.frame = outer

    def expr_ListComp(self, node: ast.ListComp | ast.GeneratorExp) -> list[object]:
        items: list[object] = []

        def produce() -> None:
            items.append(self.value_of(node.elt))
            if len(items) > MAX_SEQUENCE:
                python_sizing.check_length(len(items))

        self.comprehension(node.generators, produce)
        self.memory.add(len(items) * NUMBER_BYTES, python=True)
        return items

    def expr_DictComp(self, node: ast.DictComp) -> dict[object, object]:
        result: dict[object, object] = {}

        def produce() -> None:
            key = self.value_of(node.key)
            check_key(key)
            result[key] = self.value_of(node.value)
            if len(result) > MAX_SEQUENCE:
                python_sizing.check_length(len(result))

        self.comprehension(node.generators, produce)
        self.memory.add(len(result) * 2 * NUMBER_BYTES, python=True)
        return result

    def expr_GeneratorExp(self, node: ast.GeneratorExp) -> Iterator[object]:
        return iter(self.expr_ListComp(node))

    def expr_JoinedStr(self, node: ast.JoinedStr) -> str:
        parts: list[str] = []
        for value in node.values:
            parts.append(self.value_of(value) if isinstance(value, ast.FormattedValue) else str(self.value_of(value)))
        text = "".join(parts)
        python_sizing.check_length(len(text), "the length of the formatted text")
        return text

    def expr_FormattedValue(self, node: ast.FormattedValue) -> str:
        value = self.value_of(node.value)
        spec = self.expr_JoinedStr(node.format_spec) if isinstance(node.format_spec, ast.JoinedStr) else ""
        python_sizing.check_format_spec(spec)
        if node.conversion == ord("r") and isinstance(value, str):
            value = repr(value)
        elif node.conversion in (ord("r"), ord("s"), ord("a")):
            value = render_text(value)
        elif not spec:
            return render_text(value)
        return str(self.invoke(node, "format", format, [value, spec], {}))


def check_key(key: object) -> None:
    """Dict keys are plain values here (text, numbers, tuples of them): hashing them runs no library code."""
    if isinstance(key, tuple):
        for part in key:
            check_key(part)
    elif not isinstance(key, values.DICT_KEYS):
        raise Refused(f"{type_word(key)} as a dict key is not available here: use text or numbers as keys")
