"""The doctor's words: counted nouns, shapes and dtypes as a learner reads them, and library messages explained."""

from __future__ import annotations

import re
from collections.abc import Sequence

import torch

from engine.i18n import N_, _
from engine.sandbox.whitelist.nn import NO_GPU

NOTE_RESHAPE = N_("same memory if it can, else a copy")

NOTE_VIEW = N_("same memory, never a copy; needs a contiguous tensor")

NOTE_TRANSPOSE = N_("a view with rows and columns swapped, no copy")

NOTE_NUMPY_RESHAPE = N_("a view of the same memory if it can, else a copy")

NOTE_NUMPY_TRANSPOSE = N_("a view with rows and columns swapped")


def shape_text(shape: Sequence[int]) -> str:
    return "(" + ", ".join(str(s) for s in shape) + ("," if len(shape) == 1 else "") + ")"


_COUNTED = {
    "column": (N_("{n} column"), N_("{n} columns")),
    "row": (N_("{n} row"), N_("{n} rows")),
    "element": (N_("{n} element"), N_("{n} elements")),
    "entry": (N_("{n} entry"), N_("{n} entries")),
    "dimension": (N_("{n} dimension"), N_("{n} dimensions")),
}


def count(n: int, word: str) -> str:
    """``n`` and ``word`` in the learner's language ("1 column", "3 columns", "3 列")."""
    one, many = _COUNTED[word]
    return _(one if n == 1 else many, n=n)


def call_args(shape: Sequence[int]) -> str:
    return ", ".join(str(s) for s in shape)


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


def dtype_words(dtype: torch.dtype) -> str:
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


def first_clash(a: tuple[int, ...], b: tuple[int, ...]) -> tuple[int, int, int] | None:
    """(position from the right, 1-based; size in a; size in b) of the first sizes that cannot broadcast."""
    for offset, (x, y) in enumerate(zip(reversed(a), reversed(b)), start=1):
        if x != y and x != 1 and y != 1:
            return offset, x, y
    return None


def from_right(n: int) -> str:
    if n == 1:
        return _("the last dimension")
    if n == 2:
        return _("the second-to-last dimension")
    return _("dimension {n} from the right", n=n)
