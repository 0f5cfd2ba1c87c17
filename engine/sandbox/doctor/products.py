"""Diagnoses of matrix products and of layers: the inner dimensions that differ, the rank a product takes."""

from __future__ import annotations

import ast
import math

import numpy as np
import torch
from torch import nn

from engine.i18n import _
from engine.sandbox.doctor.case import Array, Case, is_array
from engine.sandbox.doctor.rewrites import Candidate
from engine.sandbox.doctor.words import (
    NOTE_NUMPY_RESHAPE,
    NOTE_NUMPY_TRANSPOSE,
    NOTE_RESHAPE,
    NOTE_TRANSPOSE,
    NOTE_VIEW,
    call_args,
    count,
    shape_text,
)
from engine.sandbox.marks import mark

_RANKS = {"mm": 2, "bmm": 3, "dot": 1}
"""The rank each of these products takes: an operand of another rank is the clash to highlight."""


class Products(Case):
    """``@``, matmul, mm, bmm, dot and nn.Linear."""

    def matmul(self) -> tuple[str, list[Candidate]]:
        a, b = self.values[0], self.values[1]
        if not (is_array(a) and is_array(b)):
            return "", []
        message = self.message
        a_name, b_name = self.name(0, _("the left operand")), self.name(1, _("the right operand"))
        if "dtype" in message:
            return self.dtype_mismatch(a, b, a_name, b_name)
        if "must be a matrix" in message or "must be a 3D tensor" in message or "1D tensors expected" in message:
            return self.wrong_rank(a, b, a_name, b_name)
        return self.inner_dimension(a, b, a_name, b_name)

    def inner_dimension(self, a: Array, b: Array, a_name: str, b_name: str) -> tuple[str, list[Candidate]]:
        a_shape, b_shape = tuple(a.shape), tuple(b.shape)
        if not a_shape or not b_shape:
            return "", []
        k = a_shape[-1]
        rows = b_shape[-2] if len(b_shape) >= 2 else b_shape[0]
        shapes = _(
            "{a} is {a_shape} and {b} is {b_shape}",
            a=a_name,
            a_shape=shape_text(a_shape),
            b=b_name,
            b_shape=shape_text(b_shape),
        )
        if k == rows:
            return (
                _(
                    "{shapes}: their matrix dimensions fit, but the batch dimensions in front of them "
                    "({a_batch} and {b_batch}) cannot broadcast.",
                    shapes=shapes,
                    a_batch=shape_text(a_shape[:-2]),
                    b_batch=shape_text(b_shape[:-2]),
                ),
                [],
            )
        if len(a_shape) > 2:
            a_part = _("{a}'s last dimension has {count}", a=a_name, count=mark(count(k, "entry")))
        else:
            a_part = _("{a} has {count}", a=a_name, count=mark(count(k, "column" if len(a_shape) >= 2 else "element")))
        b_part = _("{b} has {count}", b=b_name, count=mark(count(rows, "row" if len(b_shape) >= 2 else "element")))
        sentences = [
            _(
                "{shapes}: {a_part} but {b_part}; a matrix product needs them equal.",
                shapes=shapes,
                a_part=a_part,
                b_part=b_part,
            )
        ]
        if len(a_shape) > 2 or len(b_shape) > 2:
            flat = math.prod(a_shape[:-1])
            sentences.append(
                _(
                    "(PyTorch reports {a} flattened to {flat}x{k}; its real shape is {shape}.)",
                    a=a_name,
                    flat=flat,
                    k=k,
                    shape=shape_text(a_shape),
                )
                if isinstance(a, torch.Tensor) and len(b_shape) == 2 and "mat1 and mat2" in self.message
                else ""
            )
        candidates = self.operand_reshapes(1, b, k, before=True)
        numel = int(np.prod(b_shape))
        transposable = len(b_shape) >= 2 and b_shape[-1] == k
        if k and numel % k and not transposable:
            sentences.append(
                _(
                    "{b} has {count}, which do not divide into {rows}: no reshape of {b} can fix it.",
                    b=b_name,
                    count=count(numel, "element"),
                    rows=count(k, "row"),
                )
            )
        swap = self.swapped()
        if swap is not None:
            candidates.append(swap)
        a_rows = b_shape[-2] if len(b_shape) >= 2 else b_shape[0]
        candidates.extend(self.operand_reshapes(0, a, a_rows, before=False))
        return " ".join(s for s in sentences if s), candidates

    def operand_reshapes(self, index: int, value: Array, size: int, before: bool) -> list[Candidate]:
        """Rewrites giving operand ``index`` ``size`` rows (right operand) or columns (left)."""
        node = self.operand(index)
        if node is None or size <= 0:
            return []
        text = self.rewriter.operand(node)
        shape = tuple(value.shape)
        numel = int(np.prod(shape))
        is_tensor = isinstance(value, torch.Tensor)
        candidates: list[Candidate] = []
        if not before:
            candidates.extend(self.transposes(index, text, shape, size, before, is_tensor))
        if numel % size == 0 and len(shape) <= 2:
            target = (size, numel // size) if before else (numel // size, size)
            args = call_args(target)
            candidates.append(
                self.candidate(index, f"{text}.reshape({args})", _(NOTE_RESHAPE if is_tensor else NOTE_NUMPY_RESHAPE))
            )
            if is_tensor and before:
                candidates.append(self.candidate(index, f"{text}.view({args})", _(NOTE_VIEW)))
                if isinstance(node, ast.Name):
                    candidates.append(
                        self.candidate(
                            index,
                            f"{text}.resize_({args})",
                            _(
                                "changes {name} itself, in place; ignores strides (new memory is uninitialised if it grows)",
                                name=text,
                            ),
                        )
                    )
        if before:
            candidates.extend(self.transposes(index, text, shape, size, before, is_tensor))
        return candidates

    def transposes(
        self, index: int, text: str, shape: tuple[int, ...], size: int, before: bool, is_tensor: bool
    ) -> list[Candidate]:
        """The operand with its last two dimensions swapped, when that gives it ``size`` rows/columns."""
        if len(shape) == 2 and shape[1 if before else 0] == size:
            note = _(NOTE_TRANSPOSE if is_tensor else NOTE_NUMPY_TRANSPOSE)
            return [self.candidate(index, f"{text}.T", note)]
        if len(shape) > 2 and shape[-1 if before else -2] == size:
            swap_text = f"{text}.transpose(-2, -1)" if is_tensor else f"{text}.swapaxes(-2, -1)"
            return [self.candidate(index, swap_text, _("swaps the last two dimensions of each matrix in the batch"))]
        return []

    def wrong_rank(self, a: Array, b: Array, a_name: str, b_name: str) -> tuple[str, list[Candidate]]:
        op = self.failure.op
        short = op.rsplit(".", 1)[-1]
        a_shape, b_shape = tuple(a.shape), tuple(b.shape)
        needs = {"mm": _("2-D matrices"), "bmm": _("3-D batches of matrices"), "dot": _("1-D vectors")}.get(short, "")
        rank = _RANKS.get(short)

        def rank_text(shape: tuple[int, ...]) -> str:
            text = _("({rank}-D)", rank=len(shape))
            return text if rank is None or len(shape) == rank else mark(text)

        explanation = _(
            "{op} takes {needs} only; {a} is {a_shape} {a_rank} and {b} is {b_shape} {b_rank}. "
            "matmul handles any of these and broadcasts leading (batch) dimensions.",
            op=op.lstrip("."),
            needs=needs,
            a=a_name,
            a_shape=shape_text(a_shape),
            a_rank=rank_text(a_shape),
            b=b_name,
            b_shape=shape_text(b_shape),
            b_rank=rank_text(b_shape),
        )
        candidates = [self.renamed_call("matmul", _("matmul: broadcasts over leading dimensions"))]
        if short == "mm" and len(a_shape) == 3 and len(b_shape) == 3:
            candidates.append(self.renamed_call("bmm", _("bmm: one matrix product per batch entry")))
        return explanation, [c for c in candidates if c is not None]

    def dtype_mismatch(self, a: Array, b: Array, a_name: str, b_name: str) -> tuple[str, list[Candidate]]:
        explanation = _(
            "{a} is {a_dtype} and {b} is {b_dtype}; a matrix product needs both in one dtype. Cast one of them.",
            a=a_name,
            a_dtype=mark(a.dtype),
            b=b_name,
            b_dtype=mark(b.dtype),
        )
        if not (isinstance(a, torch.Tensor) and isinstance(b, torch.Tensor)):
            return explanation, []  # NumPy promotes dtypes in a product: only torch stops here
        casts = [(1, a.dtype), (0, b.dtype)]
        if b.is_floating_point() and not a.is_floating_point():
            casts.reverse()
        return explanation, [c for index, dtype in casts if (c := self.cast(index, dtype)) is not None]

    def linear(self) -> tuple[str, list[Candidate]]:
        layer = self.failure.target
        if not isinstance(layer, nn.Linear):
            return "", []
        node = self.node
        layer_name = self.rewriter.text(node.func) if isinstance(node, ast.Call) else _("the layer")
        x = self.values[0] if self.values else None
        if not isinstance(x, torch.Tensor) or x.dim() == 0:
            return "", []
        x_name = self.name(0, _("the input"))
        n_in, n_out = layer.in_features, layer.out_features
        if "dtype" in self.message:
            return (
                _(
                    "{layer} has {weight_dtype} weights but {x} is {x_dtype}; cast the input.",
                    layer=layer_name,
                    weight_dtype=layer.weight.dtype,
                    x=x_name,
                    x_dtype=x.dtype,
                ),
                [c for c in [self.cast(0, layer.weight.dtype)] if c is not None],
            )
        features = x.shape[-1]
        explanation = _(
            "{layer} is nn.Linear({n_in}, {n_out}): it takes inputs whose last dimension is {n_in}, "
            "but {x} is {shape}, with {features} in its last dimension. "
            "Give {x} {n_in} features, or build the layer as nn.Linear({features}, {n_out}).",
            layer=layer_name,
            n_in=n_in,
            n_out=n_out,
            x=x_name,
            shape=shape_text(tuple(x.shape)),
            features=features,
        )
        if n_in and x.numel() % n_in:
            explanation += _(
                " {x} has {count}, not a multiple of {n_in}: no reshape can fix it.",
                x=x_name,
                count=count(x.numel(), "element"),
                n_in=n_in,
            )
        return explanation, self.operand_reshapes(0, x, n_in, before=False)
