"""Operand expressions for lesson 2: reading them from fields and writing their NumPy twin.

A learner types an operand such as ``A.T`` or ``B.reshape(2, 3)``. It is read
with ``ast`` (never run here: ``evaluate`` runs the code built from it) and
checked to name only the lesson's tensors. The NumPy side of the lesson needs
the same expression over NumPy arrays; ``numpy_twin`` rewrites the common tensor
idioms (``.t()``, ``.view``, ``.unsqueeze`` ...) and says so when there is none.
"""

from __future__ import annotations

import ast

from engine.errors import InputError
from engine.i18n import _
from engine.parsing import check_text

MAX_OPERAND_CHARS = 80
"""Longest operand expression a field may hold; the lesson's are a few characters."""

TENSOR_NAMES = {"A": "a", "B": "b"}
"""The lesson's tensors and the names of their NumPy twins."""

_TORCH_TO_NUMPY_FUNCTIONS = {"stack": "stack", "cat": "concatenate", "concat": "concatenate"}
_SAME_METHODS = frozenset("reshape sum mean max min flatten squeeze".split())
_RENAMED_METHODS = {"view": "reshape", "clone": "copy"}
_CASTS = {"float": "float32", "double": "float64", "long": "int64", "int": "int32"}
_DROPPED_METHODS = frozenset(("contiguous", "detach"))
_SAME_ATTRIBUTES = frozenset(("T", "shape", "ndim"))


class NoTwin(Exception):
    """The expression has no direct NumPy spelling in this lesson; the message says which part."""


def parse_operand(text: str, field: str) -> ast.expr:
    """Read an operand such as ``A``, ``B.T``, ``2`` or ``A.reshape(3, 3)``; refuse anything else."""
    stripped = text.strip()
    check_text(stripped, field, field)
    if not stripped:
        raise InputError(
            _("{field} is empty: type A, B, a number like 2, or an expression like B.T.", field=field), field
        )
    if len(stripped) > MAX_OPERAND_CHARS:
        raise InputError(
            _(
                "{field} is {count} characters long: keep it under {most}.",
                field=field,
                count=len(stripped),
                most=MAX_OPERAND_CHARS,
            ),
            field,
        )
    try:
        tree = ast.parse(stripped, mode="eval").body
    except SyntaxError:
        raise InputError(
            _(
                '{field} "{text}" is not an expression: type A, B, a number like 2, or something like B.T.',
                field=field,
                text=stripped,
            ),
            field,
        ) from None
    unknown = sorted({node.id for node in ast.walk(tree) if isinstance(node, ast.Name)} - set(TENSOR_NAMES) - {"torch"})
    if unknown:
        raise InputError(
            _(
                "{field} uses {names}: only A and B exist here (and torch), like A.T or B.reshape(2, 3).",
                field=field,
                names=", ".join(unknown),
            ),
            field,
        )
    return tree


def numpy_twin(expression: ast.expr) -> ast.expr:
    """The same expression over the NumPy arrays ``a`` and ``b``; raises ``NoTwin`` if there is none."""
    twin = _Twin().visit(_copy(expression))
    assert isinstance(twin, ast.expr)  # every rewrite of an expression is one
    return twin


def _copy(expression: ast.expr) -> ast.expr:
    return ast.parse(ast.unparse(expression), mode="eval").body


def _np(attribute: str) -> ast.Attribute:
    return ast.Attribute(value=ast.Name("np", ast.Load()), attr=attribute, ctx=ast.Load())


class _Twin(ast.NodeTransformer):
    """Rewrites torch idioms into NumPy ones, refusing what has no plain equivalent."""

    def visit_Name(self, node: ast.Name) -> ast.AST:
        if node.id in TENSOR_NAMES:
            return ast.Name(TENSOR_NAMES[node.id], ast.Load())
        raise NoTwin(node.id)

    def visit_Attribute(self, node: ast.Attribute) -> ast.AST:
        if node.attr in _SAME_ATTRIBUTES:
            return ast.Attribute(value=self.visit(node.value), attr=node.attr, ctx=ast.Load())
        raise NoTwin(f".{node.attr}")

    def visit_Call(self, node: ast.Call) -> ast.AST:
        function = node.func
        if node.keywords or not isinstance(function, ast.Attribute):
            raise NoTwin(ast.unparse(node))
        args = [self.visit(arg) for arg in node.args]
        owner, name = function.value, function.attr
        if isinstance(owner, ast.Name) and owner.id == "torch":
            if name not in _TORCH_TO_NUMPY_FUNCTIONS:
                raise NoTwin(f"torch.{name}")
            return ast.Call(func=_np(_TORCH_TO_NUMPY_FUNCTIONS[name]), args=args, keywords=[])
        target: ast.expr = self.visit(owner)
        if name == "t" and not args:
            return ast.Attribute(value=target, attr="T", ctx=ast.Load())
        if name in _DROPPED_METHODS and not args:
            return target
        if name in _CASTS and not args:
            return _method(target, "astype", [_np(_CASTS[name])])
        if name == "unsqueeze" and len(args) == 1:
            return ast.Call(func=_np("expand_dims"), args=[target, args[0]], keywords=[])
        if name in _SAME_METHODS or name in _RENAMED_METHODS:
            return _method(target, _RENAMED_METHODS.get(name, name), args)
        raise NoTwin(f".{name}()")

    def visit_Constant(self, node: ast.Constant) -> ast.AST:
        return node

    def visit_BinOp(self, node: ast.BinOp) -> ast.AST:
        return ast.BinOp(left=self.visit(node.left), op=node.op, right=self.visit(node.right))

    def visit_UnaryOp(self, node: ast.UnaryOp) -> ast.AST:
        return ast.UnaryOp(op=node.op, operand=self.visit(node.operand))

    def visit_Subscript(self, node: ast.Subscript) -> ast.AST:
        return ast.Subscript(value=self.visit(node.value), slice=self.visit(node.slice), ctx=ast.Load())

    def visit_Slice(self, node: ast.Slice) -> ast.AST:
        def part(bound: ast.expr | None) -> ast.expr | None:
            return None if bound is None else self.visit(bound)

        return ast.Slice(lower=part(node.lower), upper=part(node.upper), step=part(node.step))

    def visit_Tuple(self, node: ast.Tuple) -> ast.AST:
        return ast.Tuple(elts=[self.visit(e) for e in node.elts], ctx=ast.Load())

    def visit_List(self, node: ast.List) -> ast.AST:
        return ast.List(elts=[self.visit(e) for e in node.elts], ctx=ast.Load())

    def generic_visit(self, node: ast.AST) -> ast.AST:
        raise NoTwin(ast.unparse(node) if isinstance(node, ast.expr) else type(node).__name__)


def _method(target: ast.expr, name: str, args: list[ast.expr]) -> ast.Call:
    return ast.Call(func=ast.Attribute(value=target, attr=name, ctx=ast.Load()), args=args, keywords=[])
