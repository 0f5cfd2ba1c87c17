"""One failure under examination, and the rewrites every kind of diagnosis builds from."""

from __future__ import annotations

import ast
from typing import TypeGuard

import numpy as np
import torch

from engine.i18n import _
from engine.sandbox.doctor.rewrites import Candidate, Rewriter
from engine.sandbox.interpreter import Failure
from engine.sandbox.marks import plain

Array = torch.Tensor | np.ndarray
"""What the doctor reads shapes from: a tensor or an array."""


def is_array(value: object) -> TypeGuard[Array]:
    return isinstance(value, (torch.Tensor, np.ndarray))


_CAST_METHODS = {
    torch.float32: "float",
    torch.float64: "double",
    torch.float16: "half",
    torch.int64: "long",
    torch.int32: "int",
    torch.bool: "bool",
}


class Case:
    """One failure under examination: its operands, their names in the code, and the rewrites.

    Each family of diagnoses (``products``, ``shapes``, ``training``) is a subclass; ``Diagnosis``
    in the package's ``__init__`` combines them and picks one by the library's message.
    """

    def __init__(self, exc: Exception, failure: Failure, rewriter: Rewriter) -> None:
        self.exc = exc
        self.message = str(exc)
        self.failure = failure
        self.rewriter = rewriter
        self.node = failure.node
        self.values, self.nodes = self._operands()

    def _operands(self) -> tuple[list[object], list[ast.AST | None]]:
        node, failure = self.node, self.failure
        if isinstance(node, ast.BinOp):
            return list(failure.args), [node.left, node.right]
        if isinstance(node, ast.AugAssign):
            return list(failure.args), [node.target, node.value]
        if isinstance(node, ast.Call):
            if failure.op.startswith(".") and isinstance(node.func, ast.Attribute):
                return [failure.target, *failure.args], [node.func.value, *node.args]
            return list(failure.args), list(node.args)
        return list(failure.args), []

    def operand(self, index: int) -> ast.AST | None:
        """The code of operand ``index``, when the failing call spelled it out."""
        return self.nodes[index] if index < len(self.nodes) else None

    def name(self, index: int, fallback: str) -> str:
        """How the explanation calls an operand: its code if short, else a description."""
        node = self.operand(index)
        if node is not None:
            text = self.rewriter.text(node)
            if len(text) <= 24 and "\n" not in text:
                return plain(text)
        return fallback

    def target(self) -> tuple[object, ast.AST | None]:
        """A loss's target (its second operand) and its node."""
        if len(self.values) < 2:
            return None, None
        return self.values[1], self.nodes[1] if len(self.nodes) > 1 else None

    def with_method(self, index: int, method: str, note: str) -> Candidate | None:
        node = self.operand(index)
        if node is None:
            return None
        return self.candidate(index, f"{self.rewriter.operand(node)}.{method}", note)

    def candidate(self, index: int, new_text: str, note: str) -> Candidate:
        """The statement with operand ``index`` rewritten as ``new_text`` (callers have checked it is in the code)."""
        operand = self.operand(index)
        if operand is None:
            raise LookupError(f"operand {index} is not in the code")  # evaluate then shows the library's words alone
        context = self.rewriter.replace_within(self.node, operand, new_text)
        return Candidate(new_text, self.rewriter.replace(operand, new_text), note, context)

    def swapped(self) -> Candidate | None:
        """B @ A when A @ B was meant (products are not commutative: a different product)."""
        node = self.node
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.MatMult):
            text = f"{self.rewriter.operand(node.right)} @ {self.rewriter.operand(node.left)}"
        elif (
            isinstance(node, ast.Call)
            and len(node.args) == 2
            and not self.failure.op.startswith(".")
            and self.failure.op != "torch.dot"
        ):
            func = self.rewriter.text(node.func)
            text = f"{func}({self.rewriter.text(node.args[1])}, {self.rewriter.text(node.args[0])})"
        else:
            return None
        return Candidate(
            text, self.rewriter.replace(node, text), _("the operands swapped: a different product, since order matters")
        )

    def renamed_call(self, new_name: str, note: str) -> Candidate | None:
        node = self.node
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
            return None
        func_text = self.rewriter.text(node.func)
        new_func = func_text[: len(func_text) - len(node.func.attr)] + new_name
        new_call = new_func + self.rewriter.text(node)[len(func_text) :]
        return Candidate(new_call, self.rewriter.replace(node, new_call), note)

    def cast(self, index: int, dtype: torch.dtype) -> Candidate | None:
        method = _CAST_METHODS.get(dtype)
        node = self.operand(index)
        if method is None or node is None:
            return None
        text = f"{self.rewriter.operand(node)}.{method}()"
        return self.candidate(index, text, _("a copy converted to {dtype}", dtype=dtype))
