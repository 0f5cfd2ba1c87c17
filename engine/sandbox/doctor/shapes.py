"""Diagnoses of one tensor's shape and of element-wise operations: broadcasting, view, reshape."""

from __future__ import annotations

import ast
import math

import numpy as np
import torch

from engine.i18n import _
from engine.sandbox.doctor.case import Array, Case, is_array
from engine.sandbox.doctor.rewrites import Candidate
from engine.sandbox.doctor.words import (
    NOTE_NUMPY_TRANSPOSE,
    NOTE_TRANSPOSE,
    call_args,
    count,
    first_clash,
    from_right,
    shape_text,
)
from engine.sandbox.marks import mark


class Shapes(Case):
    """Element-wise operations that cannot broadcast, a view of a non-contiguous tensor, a reshape that cannot keep every element."""

    def broadcast(self) -> tuple[str, list[Candidate]]:
        if len(self.values) < 2:
            return "", []
        a, b = self.values[0], self.values[1]
        if not (is_array(a) and is_array(b)):
            return "", []
        a_shape, b_shape = tuple(a.shape), tuple(b.shape)
        a_name, b_name = self.name(0, _("the left operand")), self.name(1, _("the right operand"))
        clash = first_clash(a_shape, b_shape)
        shapes = dict(a=a_name, a_shape=shape_text(a_shape), b=b_name, b_shape=shape_text(b_shape))
        if clash is None:
            explanation = _(
                "{a} is {a_shape} and {b} is {b_shape}. "
                "Element-wise operations line shapes up from the right, and sizes must match or be 1.",
                **shapes,
            )
        else:
            offset, x, y = clash
            explanation = _(
                "{a} is {a_shape} and {b} is {b_shape}. "
                "Element-wise operations line shapes up from the right, and sizes must match or be 1; "
                "{where} has {x_in_a} and {y_in_b}, so they cannot broadcast.",
                where=from_right(offset),
                x_in_a=mark(_("{size} in {name}", size=x, name=a_name)),
                y_in_b=mark(_("{size} in {name}", size=y, name=b_name)),
                **shapes,
            )
        candidates: list[Candidate] = []
        for index, value, other in ((1, b, a_shape), (0, a, b_shape)):
            candidates.extend(self.broadcast_candidates(index, value, other))
        node = self.node
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult) and len(a_shape) == 2 and len(b_shape) == 2:
            text = f"{self.rewriter.operand(node.left)} @ {self.rewriter.operand(node.right)}"
            explanation += _(" If you meant the matrix product, that is @, not *.")
            candidates.append(
                Candidate(text, self.rewriter.replace(node, text), _("the matrix product, not element-wise"))
            )
        return explanation, candidates

    def broadcast_candidates(self, index: int, value: Array, other: tuple[int, ...]) -> list[Candidate]:
        node = self.operand(index)
        if node is None:
            return []
        text = self.rewriter.operand(node)
        shape = tuple(value.shape)
        is_tensor = isinstance(value, torch.Tensor)
        candidates = []
        if len(shape) < len(other) and shape:
            column = f"{text}.unsqueeze({len(shape)})" if is_tensor else f"{text}.reshape({call_args((*shape, 1))})"
            candidates.append(
                self.candidate(index, column, _("adds a dimension of size 1 at the end, so it broadcasts along it"))
            )
        if len(shape) == 2:
            candidates.append(
                self.candidate(index, f"{text}.T", _(NOTE_TRANSPOSE if is_tensor else NOTE_NUMPY_TRANSPOSE))
            )
        if int(np.prod(shape)) == int(np.prod(other)) and shape != other:
            candidates.append(
                self.candidate(
                    index, f"{text}.reshape({call_args(other)})", _("the same elements in the other operand's shape")
                )
            )
        return candidates

    def view_not_contiguous(self) -> tuple[str, list[Candidate]]:
        x_name = self.name(0, _("the tensor"))
        x = self.values[0] if self.values else None
        shape = f" {shape_text(tuple(x.shape))}" if isinstance(x, torch.Tensor) else ""
        explanation = _(
            "{x}{shape} is not contiguous (it came from a transpose, permute or slice): its elements "
            "are not stored row by row, so view, which never copies, cannot regroup them. "
            "reshape copies when it has to; contiguous() makes a row-by-row copy first.",
            x=x_name,
            shape=shape,
        )
        candidates = [
            c
            for c in [self.renamed_call("reshape", _("copies here, because the tensor is not contiguous"))]
            if c is not None
        ]
        node = self.node
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "view":
            owner = self.rewriter.operand(node.func.value)
            new_call = f"{owner}.contiguous().view" + self.rewriter.text(node)[len(self.rewriter.text(node.func)) :]
            candidates.append(
                Candidate(
                    new_call,
                    self.rewriter.replace(node, new_call),
                    _("contiguous() copies, then view shares that copy"),
                )
            )
        return explanation, candidates

    def element_count(self) -> tuple[str, list[Candidate]]:
        x = self.values[0] if self.values else None
        if not is_array(x):
            return "", []
        x_name = self.name(0, _("the tensor"))
        size = int(np.prod(x.shape))
        asked = self._asked_shape()
        needs = ""
        if asked is not None and -1 not in asked:
            needs = _("; {shape} needs {count}", shape=shape_text(asked), count=math.prod(asked))
        elif asked is not None:
            known = math.prod(s for s in asked if s != -1)
            needs = _("; {shape} needs a multiple of {known}", shape=shape_text(asked), known=known)
        pairs = [f"({d}, {size // d})" for d in range(1, size + 1) if size % d == 0][:6] if size <= 10_000 else []
        facts = dict(x=x_name, count=count(size, "element"), shape=shape_text(tuple(x.shape)), needs=needs, size=size)
        if pairs:
            explanation = _(
                "{x} has {count} (shape {shape}){needs}. reshape and view keep every element, so no reshape can "
                "fix it: ask for a shape whose sizes multiply to {size}, such as {pairs}.",
                pairs=", ".join(pairs),
                **facts,
            )
        else:
            explanation = _(
                "{x} has {count} (shape {shape}){needs}. reshape and view keep every element, so no reshape can "
                "fix it: ask for a shape whose sizes multiply to {size}.",
                **facts,
            )
        return explanation, []

    def _asked_shape(self) -> tuple[int, ...] | None:
        args = self.values[1:]
        if len(args) == 1 and isinstance(args[0], (tuple, list, torch.Size)):
            args = list(args[0])
        sizes = tuple(a for a in args if isinstance(a, int))
        return sizes if sizes and len(sizes) == len(args) else None
