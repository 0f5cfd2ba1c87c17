"""The shape doctor: plain words for a failed statement, and rewrites of it that work.

``prescribe`` looks at what failed (the node, the operation and its operand
values, recorded by the interpreter) and proposes candidate rewrites of the
failing statement. Each candidate is run by the caller's ``trial`` function
(the whole program again, from the same seed, with the statement rewritten),
and only candidates whose statement then runs are returned, with the shape
the rewritten statement produced.
"""

from __future__ import annotations

import ast
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeGuard

import numpy as np
import torch
from torch import nn

from engine.i18n import N_, _
from engine.positions import Positions
from engine.sandbox.interpreter import Failure
from engine.sandbox.marks import Span, mark, plain, unmark
from engine.sandbox.whitelist.nn import NO_GPU

MAX_FIXES = 4
"""Most fixes shown for one problem: the first ones that work, in order of preference."""

MATMUL_OPS = frozenset(
    "@ @= torch.matmul torch.mm torch.bmm torch.mv torch.dot .matmul .mm .bmm .mv .dot "
    "np.dot np.matmul np.inner".split()
)
NOTE_RESHAPE = N_("same memory if it can, else a copy")
NOTE_VIEW = N_("same memory, never a copy; needs a contiguous tensor")
NOTE_TRANSPOSE = N_("a view with rows and columns swapped, no copy")
NOTE_NUMPY_RESHAPE = N_("a view of the same memory if it can, else a copy")
NOTE_NUMPY_TRANSPOSE = N_("a view with rows and columns swapped")


@dataclass(frozen=True)
class Candidate:
    """A proposed rewrite of the failing statement, not yet tried."""

    label: str
    code: str
    note: str
    context: str = ""
    """The failing expression rewritten, used as the label when two labels would read alike."""


@dataclass(frozen=True)
class Trial:
    """What happened when a rewritten program ran: did the statement run, and what did it make."""

    succeeded: bool
    value: object = None


@dataclass(frozen=True)
class Prescription:
    """The plain words for a failure, where its clashing sizes are in them, and the fixes that ran."""

    explanation: str
    fixes: tuple[tuple[Candidate, tuple[int, ...] | None], ...]
    highlights: tuple[Span, ...] = ()


class Rewriter:
    """Builds the failing statement's text with one part of it replaced."""

    def __init__(self, positions: Positions, statement: ast.stmt) -> None:
        self.positions = positions
        self.start, self.end = positions.span(statement)
        self.code = positions.source[self.start : self.end]

    def text(self, node: ast.AST) -> str:
        return self.positions.text(node)

    def replace(self, node: ast.AST, new_text: str) -> str:
        start, end = self.positions.span(node)
        return self.code[: start - self.start] + new_text + self.code[end - self.start :]

    def replace_within(self, outer: ast.AST, node: ast.AST, new_text: str) -> str:
        """``outer``'s text with ``node`` (inside it) replaced."""
        outer_start, outer_end = self.positions.span(outer)
        start, end = self.positions.span(node)
        text = self.positions.source[outer_start:outer_end]
        return text[: start - outer_start] + new_text + text[end - outer_start :]

    def operand(self, node: ast.AST) -> str:
        """The node's text, bracketed when a method call after it would bind wrongly."""
        text = self.text(node)
        if isinstance(node, (ast.Name, ast.Attribute, ast.Call, ast.Subscript)):
            return text
        return f"({text})"


def prescribe(
    exc: BaseException,
    failure: Failure | None,
    positions: Positions,
    trial: Callable[[str], Trial],
) -> Prescription:
    """Explain ``exc`` and return the candidate fixes that ``trial`` shows to work."""
    if failure is None or failure.statement is None or not isinstance(exc, Exception):
        return Prescription("", ())
    case = _Case(exc, failure, Rewriter(positions, failure.statement))
    marked, candidates = case.diagnose()
    explanation, highlights = unmark(marked)
    fixes: list[tuple[Candidate, tuple[int, ...] | None]] = []
    seen: set[str] = set()
    labels: set[str] = set()
    for candidate in candidates:
        if len(fixes) == MAX_FIXES or candidate.code in seen:
            continue
        seen.add(candidate.code)
        outcome = trial(candidate.code)
        if outcome.succeeded:
            if candidate.label in labels and candidate.context:
                candidate = Candidate(candidate.context, candidate.code, candidate.note)
            labels.add(candidate.label)
            fixes.append((candidate, _shape_of(outcome.value)))
    return Prescription(explanation, tuple(fixes), highlights)


def _shape_of(value: object) -> tuple[int, ...] | None:
    if isinstance(value, (torch.Tensor, np.ndarray)):
        return tuple(value.shape)
    return None


def _shape_text(shape: Sequence[int]) -> str:
    return "(" + ", ".join(str(s) for s in shape) + ("," if len(shape) == 1 else "") + ")"


_COUNTED = {
    "column": (N_("{n} column"), N_("{n} columns")),
    "row": (N_("{n} row"), N_("{n} rows")),
    "element": (N_("{n} element"), N_("{n} elements")),
    "entry": (N_("{n} entry"), N_("{n} entries")),
    "dimension": (N_("{n} dimension"), N_("{n} dimensions")),
}


def _count(n: int, word: str) -> str:
    """``n`` and ``word`` in the learner's language ("1 column", "3 columns", "3 列")."""
    one, many = _COUNTED[word]
    return _(one if n == 1 else many, n=n)


def _call_args(shape: Sequence[int]) -> str:
    return ", ".join(str(s) for s in shape)


Array = torch.Tensor | np.ndarray
"""What the doctor reads shapes from: a tensor or an array."""


def _is_array(value: object) -> TypeGuard[Array]:
    return isinstance(value, (torch.Tensor, np.ndarray))


class _Case:
    """One failure under examination: its operands, their names in the code, and the rewrites."""

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

    # -- dispatch

    def diagnose(self) -> tuple[str, list[Candidate]]:
        op, message = self.failure.op, self.message
        if op == "layer" and isinstance(self.failure.target, nn.Linear):
            return self.linear()
        if "Cannot interpret" in message and "as a data type" in message and op.startswith("np."):
            return self.numpy_shape_tuple()
        if "Can't call numpy() on Tensor that requires grad" in message:
            return self.numpy_requires_grad()
        if "view size is not compatible" in message:
            return self.view_not_contiguous()
        if ("is invalid for input of size" in message) or ("cannot reshape array of size" in message):
            return self.element_count()
        if "grad can be implicitly created only for scalar outputs" in message:
            return self.backward_not_scalar()
        if op in MATMUL_OPS and len(self.values) >= 2 and all(_is_array(v) for v in self.values[:2]):
            return self.matmul()
        if "must match the size of tensor" in message or "could not be broadcast together" in message:
            return self.broadcast()
        return self.beginner_errors()

    # -- the errors a first training loop meets

    def beginner_errors(self) -> tuple[str, list[Candidate]]:
        message = self.message
        if "not implemented for '" in message or "could not infer output dtype" in message:
            return self.integer_dtype()
        if "expected target dtype to be Long" in message:
            return self.class_index_dtype()
        if "0D or 1D target tensor expected" in message:
            return self.class_index_shape()
        if re.search(r"Target -?\d+ is out of bounds", message):
            return self.class_index_range()
        if (
            "Found dtype Long but expected Float" in message
            or "can't be cast to the desired output type Long" in message
        ):
            return self.float_target()
        if "all elements of input should be between 0 and 1" in message:
            return self.probabilities_expected()
        if "a leaf Variable that requires grad is being used in an in-place operation" in message:
            return self.in_place_on_leaf()
        if "backward through the graph a second time" in message:
            return (
                _(
                    "backward() frees the graph it went through, to save memory, so a second backward through the "
                    "same graph has nothing to use. Compute the loss again before each backward (in a training "
                    "loop: inside the loop), or pass retain_graph=True to the first backward if you need both."
                ),
                [],
            )
        match = re.search(
            r"Dimension out of range \(expected to be in range of \[(-?\d+), (-?\d+)\], but got (-?\d+)\)", message
        )
        if match:
            return self.dim_out_of_range(*(int(g) for g in match.groups()))
        return explain(message), []

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

    def integer_dtype(self) -> tuple[str, list[Candidate]]:
        x = self.values[0] if self.values else None
        dtype = _dtype_words(x.dtype) if isinstance(x, torch.Tensor) else ""
        name = self.failure.op.lstrip(".")
        explanation = _(
            "{name} works on floating-point numbers only, and {what}. {long_words} Make the numbers floating point: "
            ".float() on a tensor, or dtype=torch.float32 (for random whole numbers, torch.randint(low, high, size) "
            "is the function).",
            name=name,
            long_words=_(LONG_WORDS),
            what=_("its input is {dtype}", dtype=dtype) if dtype else _("the dtype asked for is whole numbers"),
        )
        candidates: list[Candidate] = []
        node = self.node
        if isinstance(node, ast.Call):
            for keyword in node.keywords:
                if keyword.arg == "dtype":
                    text = self.rewriter.replace_within(node, keyword.value, "torch.float32")
                    candidates.append(
                        Candidate(text, self.rewriter.replace(node, text), _("the same call, making float32 numbers"))
                    )
            if self.failure.op.startswith(".") and isinstance(node.func, ast.Attribute):
                owner = self.rewriter.operand(node.func.value)
                text = (
                    f"{owner}.float().{node.func.attr}" + self.rewriter.text(node)[len(self.rewriter.text(node.func)) :]
                )
                candidates.append(
                    Candidate(
                        text, self.rewriter.replace(node, text), _("converts to float32 first, then the same call")
                    )
                )
            elif node.args and isinstance(x, torch.Tensor):
                found = self.with_method(0, "float()", _("a float32 copy of the input"))
                candidates.extend([found] if found else [])
        return explanation, candidates

    def class_index_dtype(self) -> tuple[str, list[Candidate]]:
        logits = self.values[0] if self.values else None
        target, _node = self.target()
        shape = _shape_text(tuple(logits.shape)) if isinstance(logits, torch.Tensor) else ""
        dtype = _dtype_words(target.dtype) if isinstance(target, torch.Tensor) else _("not int64")
        explanation = _(
            "The target is {dtype}. CrossEntropyLoss and NLLLoss read a target of class indices, one whole "
            "number per sample, of dtype int64 (PyTorch calls it 'Long'). If the target holds class numbers, "
            "convert it with .long(); a floating-point target must instead hold a probability for each class, "
            "in the input's shape {shape}.",
            dtype=dtype,
            shape=shape,
        )
        found = self.with_method(1, "long()", _("the class numbers as int64 indices"))
        return explanation, [found] if found else []

    def class_index_shape(self) -> tuple[str, list[Candidate]]:
        target, _node = self.target()
        shape = _shape_text(tuple(target.shape)) if isinstance(target, torch.Tensor) else _("not 1-D")
        explanation = _(
            "The target is {shape}: class indices are one number per sample, a 1-D tensor of shape (N,). "
            "A column of indices, shape (N, 1), needs its second dimension removed.",
            shape=shape,
        )
        candidates = [
            c
            for c in (
                self.with_method(1, "squeeze(1)", _("drops the dimension of size 1")),
                self.with_method(1, "view(-1)", _("the same indices as one row")),
            )
            if c
        ]
        return explanation, candidates

    def class_index_range(self) -> tuple[str, list[Candidate]]:
        logits = self.values[0] if self.values else None
        classes = logits.shape[-1] if isinstance(logits, torch.Tensor) and logits.dim() else None
        explanation = _(
            "A class index must name one of the input's classes: the input has {classes} scores per sample, "
            "so indices run from 0 to {last}. Check the target's numbers, or give the last layer one output per class.",
            classes=classes if classes else _("as many"),
            last=classes - 1 if classes else _("(classes - 1)"),
        )
        return explanation, []

    def float_target(self) -> tuple[str, list[Candidate]]:
        target, _node = self.target()
        dtype = _dtype_words(target.dtype) if isinstance(target, torch.Tensor) else _("whole numbers")
        explanation = _(
            "The target is {dtype}: whole numbers ('Long' is PyTorch's name for int64). This loss compares the target with "
            "floating-point predictions, so the target must be floating point too: convert it with .float().",
            dtype=dtype,
        )
        found = self.with_method(1, "float()", _("the target as float32"))
        return explanation, [found] if found else []

    def probabilities_expected(self) -> tuple[str, list[Candidate]]:
        explanation = _(
            "BCELoss takes probabilities, numbers from 0 to 1, and these predictions go outside that range. "
            "Pass raw scores through torch.sigmoid first, or use nn.BCEWithLogitsLoss on the raw scores "
            "(it applies the sigmoid itself, more accurately)."
        )
        node = self.operand(0)
        if node is None:
            return explanation, []
        wrapped = self.candidate(0, f"torch.sigmoid({self.rewriter.text(node)})", _("probabilities from raw scores"))
        return explanation, [wrapped]

    def in_place_on_leaf(self) -> tuple[str, list[Candidate]]:
        explanation = _(
            "This changes, in place, a tensor you made with requires_grad=True (a leaf of the graph). Autograd "
            "would lose track of how it was used, so PyTorch refuses. Update parameters inside "
            "`with torch.no_grad():`, as a training step does, or make a new tensor (w = w - lr * w.grad)."
        )
        statement = self.failure.statement
        if statement is None:
            return explanation, []
        indent = " " * (statement.col_offset + 4)
        code = "with torch.no_grad():\n" + indent + self.rewriter.code.replace("\n", "\n    ")
        return explanation, [Candidate("with torch.no_grad():", code, _("the same update, not tracked by autograd"))]

    def dim_out_of_range(self, low: int, high: int, got: int) -> tuple[str, list[Candidate]]:
        x = self.values[0] if self.values else None
        name = self.failure.op.lstrip(".")
        dims = (
            _(
                "{tensor} has {count} ({shape}), so ",
                tensor=self.name(0, _("the tensor")),
                count=_count(x.dim(), "dimension"),
                shape=_shape_text(tuple(x.shape)),
            )
            if isinstance(x, torch.Tensor)
            else ""
        )
        explanation = _(
            "{dims}{name} takes a dim from {low} to {high} (negative numbers count from the end: -1 is the last); "
            "{got} is past the end. Dimensions are numbered from 0.",
            dims=dims,
            name=name,
            low=low,
            high=high,
            got=got,
        )
        candidates: list[Candidate] = []
        node = self.node
        if isinstance(node, ast.Call):
            dim_nodes = [k.value for k in node.keywords if k.arg == "dim"] + [
                a for a in node.args if isinstance(a, ast.Constant) and a.value == got
            ]
            for dim_node in dim_nodes[:1]:
                text = self.rewriter.replace_within(node, dim_node, str(high))
                candidates.append(
                    Candidate(
                        text, self.rewriter.replace(node, text), _("dim {high}, the last one it takes", high=high)
                    )
                )
        return explanation, candidates

    # -- matrix products

    def matmul(self) -> tuple[str, list[Candidate]]:
        a, b = self.values[0], self.values[1]
        if not (_is_array(a) and _is_array(b)):
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
            a_shape=_shape_text(a_shape),
            b=b_name,
            b_shape=_shape_text(b_shape),
        )
        if k == rows:
            return (
                _(
                    "{shapes}: their matrix dimensions fit, but the batch dimensions in front of them "
                    "({a_batch} and {b_batch}) cannot broadcast.",
                    shapes=shapes,
                    a_batch=_shape_text(a_shape[:-2]),
                    b_batch=_shape_text(b_shape[:-2]),
                ),
                [],
            )
        if len(a_shape) > 2:
            a_part = _("{a}'s last dimension has {count}", a=a_name, count=mark(_count(k, "entry")))
        else:
            a_part = _("{a} has {count}", a=a_name, count=mark(_count(k, "column" if len(a_shape) >= 2 else "element")))
        b_part = _("{b} has {count}", b=b_name, count=mark(_count(rows, "row" if len(b_shape) >= 2 else "element")))
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
                    shape=_shape_text(a_shape),
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
                    count=_count(numel, "element"),
                    rows=_count(k, "row"),
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
            args = _call_args(target)
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
            a_shape=_shape_text(a_shape),
            a_rank=rank_text(a_shape),
            b=b_name,
            b_shape=_shape_text(b_shape),
            b_rank=rank_text(b_shape),
        )
        candidates = [self.renamed_call("matmul", _("matmul: broadcasts over leading dimensions"))]
        if short == "mm" and len(a_shape) == 3 and len(b_shape) == 3:
            candidates.append(self.renamed_call("bmm", _("bmm: one matrix product per batch entry")))
        return explanation, [c for c in candidates if c is not None]

    def renamed_call(self, new_name: str, note: str) -> Candidate | None:
        node = self.node
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
            return None
        func_text = self.rewriter.text(node.func)
        new_func = func_text[: len(func_text) - len(node.func.attr)] + new_name
        new_call = new_func + self.rewriter.text(node)[len(func_text) :]
        return Candidate(new_call, self.rewriter.replace(node, new_call), note)

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

    def cast(self, index: int, dtype: torch.dtype) -> Candidate | None:
        method = _CAST_METHODS.get(dtype)
        node = self.operand(index)
        if method is None or node is None:
            return None
        text = f"{self.rewriter.operand(node)}.{method}()"
        return self.candidate(index, text, _("a copy converted to {dtype}", dtype=dtype))

    # -- layers

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
            shape=_shape_text(tuple(x.shape)),
            features=features,
        )
        if n_in and x.numel() % n_in:
            explanation += _(
                " {x} has {count}, not a multiple of {n_in}: no reshape can fix it.",
                x=x_name,
                count=_count(x.numel(), "element"),
                n_in=n_in,
            )
        return explanation, self.operand_reshapes(0, x, n_in, before=False)

    # -- element-wise

    def broadcast(self) -> tuple[str, list[Candidate]]:
        if len(self.values) < 2:
            return "", []
        a, b = self.values[0], self.values[1]
        if not (_is_array(a) and _is_array(b)):
            return "", []
        a_shape, b_shape = tuple(a.shape), tuple(b.shape)
        a_name, b_name = self.name(0, _("the left operand")), self.name(1, _("the right operand"))
        clash = _first_clash(a_shape, b_shape)
        shapes = dict(a=a_name, a_shape=_shape_text(a_shape), b=b_name, b_shape=_shape_text(b_shape))
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
                where=_from_right(offset),
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
            column = f"{text}.unsqueeze({len(shape)})" if is_tensor else f"{text}.reshape({_call_args((*shape, 1))})"
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
                    index, f"{text}.reshape({_call_args(other)})", _("the same elements in the other operand's shape")
                )
            )
        return candidates

    # -- shapes of one tensor

    def view_not_contiguous(self) -> tuple[str, list[Candidate]]:
        x_name = self.name(0, _("the tensor"))
        x = self.values[0] if self.values else None
        shape = f" {_shape_text(tuple(x.shape))}" if isinstance(x, torch.Tensor) else ""
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
        if not _is_array(x):
            return "", []
        x_name = self.name(0, _("the tensor"))
        size = int(np.prod(x.shape))
        asked = self._asked_shape()
        needs = ""
        if asked is not None and -1 not in asked:
            needs = _("; {shape} needs {count}", shape=_shape_text(asked), count=math.prod(asked))
        elif asked is not None:
            known = math.prod(s for s in asked if s != -1)
            needs = _("; {shape} needs a multiple of {known}", shape=_shape_text(asked), known=known)
        pairs = [f"({d}, {size // d})" for d in range(1, size + 1) if size % d == 0][:6] if size <= 10_000 else []
        facts = dict(x=x_name, count=_count(size, "element"), shape=_shape_text(tuple(x.shape)), needs=needs, size=size)
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

    def numpy_requires_grad(self) -> tuple[str, list[Candidate]]:
        x_name = self.name(0, _("the tensor"))
        explanation = _(
            "{x} requires grad, so autograd tracks it, and a NumPy array cannot. "
            "detach() gives a tensor with the same memory outside the graph; its numpy() shares that memory too.",
            x=x_name,
        )
        node = self.node
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "numpy"):
            return explanation, []
        owner = self.rewriter.operand(node.func.value)
        new_func = f"{owner}.detach().numpy"
        return explanation, [
            Candidate(
                f"{new_func}()",
                self.rewriter.replace(node.func, new_func),
                _("shares memory with the tensor; the array is not tracked by autograd"),
            )
        ]

    def numpy_shape_tuple(self) -> tuple[str, list[Candidate]]:
        node = self.node
        if not isinstance(node, ast.Call) or len(node.args) < 2 or node.keywords:
            return "", []
        function = self.rewriter.text(node.func)
        dims = ", ".join(self.rewriter.text(a) for a in node.args)
        explanation = _(
            "{function} takes the shape as one tuple; its second argument is the dtype, so "
            "{second} was read as a dtype. Write {call}. (torch.zeros accepts both forms.)",
            function=function,
            second=self.rewriter.text(node.args[1]),
            call=f"{function}(({dims}))",
        )
        new_call = f"{function}(({dims}))"
        return explanation, [
            Candidate(new_call, self.rewriter.replace(node, new_call), _("the shape as one tuple, as NumPy expects"))
        ]

    def backward_not_scalar(self) -> tuple[str, list[Candidate]]:
        node = self.node
        y = self.values[0] if self.values else None
        if not isinstance(y, torch.Tensor) or not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            return "", []
        y_name = self.name(0, _("the tensor"))
        owner = self.rewriter.operand(node.func.value)
        explanation = _(
            "{y} has shape {shape}: backward() with no argument needs one number, "
            "such as a loss. Reduce it to one number first, or pass a gradient of the same shape.",
            y=y_name,
            shape=_shape_text(tuple(y.shape)),
        )
        summed = f"{owner}.sum().backward()"
        seeded = f"{owner}.backward(torch.ones_like({owner}))"
        return explanation, [
            Candidate(summed, self.rewriter.replace(node, summed), _("gradients of the sum of the elements")),
            Candidate(seeded, self.rewriter.replace(node, seeded), _("the same gradients, given explicitly")),
        ]


LONG_WORDS = N_(
    "PyTorch calls int64 'Long' (torch.long), int32 'Int', float32 'Float' and float64 'Double'. "
    "Whole-number tensors, such as torch.tensor([1, 2]), are Long."
)

_DTYPE_WORDS = {
    torch.int64: "int64 ('Long')",
    torch.int32: "int32 ('Int')",
    torch.float32: "float32 ('Float')",
    torch.float64: "float64 ('Double')",
    torch.uint8: "uint8 ('Byte')",
    torch.bool: "bool",
}


def _dtype_words(dtype: torch.dtype) -> str:
    return _DTYPE_WORDS.get(dtype, str(dtype).replace("torch.", ""))


def explain(message: str) -> str:
    """Plain words for a library message that needs no operands to explain (the GPU, dtype jargon)."""
    if NO_GPU in message or "not linked with support for" in message:
        return _(
            "There is no GPU here: tensor-tutor runs everything on the CPU, as PyTorch does on a machine "
            "without one. torch.cuda.is_available() is False, so the usual line "
            "device = 'cuda' if torch.cuda.is_available() else 'cpu' picks the CPU; use .to(device) or 'cpu'."
        )
    if "not implemented for 'Long'" in message or "Got: Long" in message:
        return _(
            "{long_words} This operation needs floating-point numbers: convert with .float() first.",
            long_words=_(LONG_WORDS),
        )
    return ""


_TRIGGERED = re.compile(r"\s*\(Triggered internally at [^)]*\)\.?")


def explain_warning(text: str) -> str:
    """A warning's text without PyTorch's build paths, with a plain sentence where beginners need one."""
    text = _TRIGGERED.sub("", text).strip()
    if "is not a leaf Tensor is being accessed" in text:
        text += _(
            " In plain words: only tensors you made with requires_grad=True (leaves) keep .grad; "
            "this one was computed from them, so its .grad stays None. Read the leaf's .grad, "
            "or call .retain_grad() on this tensor before backward()."
        )
    elif "Using a target size" in text and "different to the input size" in text:
        text += _(
            " In plain words: the loss broadcast the two shapes against each other and averaged over "
            "every pair, which is rarely meant. Make the shapes equal, for example with target.view(-1, 1) "
            "or output.squeeze(1)."
        )
    return text


_RANKS = {"mm": 2, "bmm": 3, "dot": 1}
"""The rank each of these products takes: an operand of another rank is the clash to highlight."""

_CAST_METHODS = {
    torch.float32: "float",
    torch.float64: "double",
    torch.float16: "half",
    torch.int64: "long",
    torch.int32: "int",
    torch.bool: "bool",
}


def _first_clash(a: tuple[int, ...], b: tuple[int, ...]) -> tuple[int, int, int] | None:
    """(position from the right, 1-based; size in a; size in b) of the first sizes that cannot broadcast."""
    for offset, (x, y) in enumerate(zip(reversed(a), reversed(b)), start=1):
        if x != y and x != 1 and y != 1:
            return offset, x, y
    return None


def _from_right(n: int) -> str:
    if n == 1:
        return _("the last dimension")
    if n == 2:
        return _("the second-to-last dimension")
    return _("dimension {n} from the right", n=n)
