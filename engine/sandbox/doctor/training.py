"""Diagnoses of the errors a first training loop meets: dtypes, loss targets, autograd, the way to NumPy."""

from __future__ import annotations

import ast
import re

import torch

from engine.i18n import _
from engine.sandbox.doctor.case import Case
from engine.sandbox.doctor.rewrites import Candidate
from engine.sandbox.doctor.words import LONG_WORDS, count, dtype_words, explain, shape_text


class TrainingLoop(Case):
    """Whole numbers where floats are needed, class-index targets, in-place updates of leaves, backward, numpy()."""

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

    def integer_dtype(self) -> tuple[str, list[Candidate]]:
        x = self.values[0] if self.values else None
        dtype = dtype_words(x.dtype) if isinstance(x, torch.Tensor) else ""
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
        shape = shape_text(tuple(logits.shape)) if isinstance(logits, torch.Tensor) else ""
        dtype = dtype_words(target.dtype) if isinstance(target, torch.Tensor) else _("not int64")
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
        shape = shape_text(tuple(target.shape)) if isinstance(target, torch.Tensor) else _("not 1-D")
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
        dtype = dtype_words(target.dtype) if isinstance(target, torch.Tensor) else _("whole numbers")
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
                count=count(x.dim(), "dimension"),
                shape=shape_text(tuple(x.shape)),
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
            shape=shape_text(tuple(y.shape)),
        )
        summed = f"{owner}.sum().backward()"
        seeded = f"{owner}.backward(torch.ones_like({owner}))"
        return explanation, [
            Candidate(summed, self.rewriter.replace(node, summed), _("gradients of the sum of the elements")),
            Candidate(seeded, self.rewriter.replace(node, seeded), _("the same gradients, given explicitly")),
        ]

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
