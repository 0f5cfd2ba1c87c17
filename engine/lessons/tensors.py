"""Lesson 1: tensors, made by torch beside the same array made by NumPy.

The code shown is built from the fields and run through ``evaluate``, so the
code on screen is exactly what produced the numbers.
"""

from __future__ import annotations

from typing import Mapping

from engine.blocks import Block, Code, Columns, Fact, LessonResult
from engine.errors import InputError
from engine.evaluation import evaluate
from engine.lessons.common import error_blocks, outputs_by_name, value_block
from engine.parsing import parse_choice, parse_int, parse_shape

FUNCTIONS = ("randn", "rand", "zeros", "ones", "eye")
DTYPES = ("default", "float32", "float64", "int64")

_NUMPY_RANDOM = {"randn": "np.random.randn", "rand": "np.random.rand"}


def _dims(shape: tuple[int, ...]) -> str:
    return ", ".join(str(d) for d in shape)


def _as_tuple(shape: tuple[int, ...]) -> str:
    return f"({shape[0]},)" if len(shape) == 1 else f"({_dims(shape)})"


def _torch_line(function: str, shape: tuple[int, ...], dtype: str) -> str:
    dtype_arg = "" if dtype == "default" else f", dtype=torch.{dtype}"
    return f"t = torch.{function}({_dims(shape)}{dtype_arg})"


def _numpy_line(function: str, shape: tuple[int, ...], dtype: str) -> str:
    if function in _NUMPY_RANDOM:
        cast = "" if dtype == "default" else f".astype(np.{dtype})"
        return f"a = {_NUMPY_RANDOM[function]}({_dims(shape)}){cast}"
    dtype_arg = "" if dtype == "default" else f", dtype=np.{dtype}"
    if function == "eye":
        if len(shape) == 1 or shape[0] == shape[1]:
            return f"a = np.identity({shape[0]}{dtype_arg})"
        return f"a = np.eye({_dims(shape)}{dtype_arg})"
    return f"a = np.{function}({_as_tuple(shape)}{dtype_arg})"


def build_source(function: str, shape: tuple[int, ...], dtype: str, seed: int) -> str:
    """The code the lesson runs: torch first, then NumPy, each seeded when random."""
    random = function in _NUMPY_RANDOM
    lines = []
    if random:
        lines.append(f"torch.manual_seed({seed})")
    lines.append(_torch_line(function, shape, dtype))
    if random:
        lines.append(f"np.random.seed({seed})")
    lines.append(_numpy_line(function, shape, dtype))
    return "\n".join(lines) + "\n"


def _facts(function: str, shape: tuple[int, ...], dtype: str) -> list[Block]:
    facts: list[Block] = []
    if function == "eye":
        facts.append(Fact("torch has no identity(): it uses eye(). NumPy has both identity (square only) and eye."))
        if dtype == "default":
            facts.append(Fact("Same matrix, different defaults: torch.eye gives float32, np.identity float64."))
    elif function in ("zeros", "ones") and len(shape) > 1:
        wrong = f"np.{function}({_dims(shape)})"
        attempt = evaluate(wrong)
        if attempt.error is not None:
            facts.append(
                Fact(
                    f"NumPy wants the shape as one tuple, np.{function}({_as_tuple(shape)}); torch takes either. "
                    f"{wrong} fails: {attempt.error.kind}: {attempt.error.message}",
                    tone="warning",
                )
            )
    elif function in _NUMPY_RANDOM:
        kind = "normal (mean 0, variance 1)" if function == "randn" else "uniform on [0, 1)"
        facts.append(
            Fact(
                f"{function} draws from a {kind} distribution. The tutorial's text says randn, its notebook used "
                "rand. Same seed, different numbers: torch and NumPy have separate random generators."
            )
        )
    if dtype == "default" and function != "eye":
        facts.append(Fact("By default torch makes float32 and NumPy float64."))
    return facts


def run(values: Mapping[str, str]) -> LessonResult:
    """Lesson 1 for the given field values."""
    try:
        shape = parse_shape(values["shape"])
    except InputError as error:
        raise error.for_field("shape") from None
    function = parse_choice(values["function"], "Function", FUNCTIONS)
    dtype = parse_choice(values["dtype"], "dtype", DTYPES)
    try:
        seed = parse_int(values["seed"], "Seed", 0, 2**32 - 1)
    except InputError as error:
        raise error.for_field("seed") from None
    if function == "eye" and len(shape) > 2:
        raise InputError(
            f"eye makes a 2-D matrix: give one or two sizes, like 3 or 3,4 (not {len(shape)}).", "shape"
        )
    source = build_source(function, shape, dtype, seed)
    evaluation = evaluate(source, seed=seed)
    named = outputs_by_name(evaluation)
    blocks: list[Block] = [Code(source)]
    values_shown = [value_block(named[name], title) for name, title in (("t", "torch: t"), ("a", "NumPy: a")) if name in named]
    if values_shown:
        blocks.append(Columns(tuple(values_shown)))
    blocks += error_blocks(evaluation)
    blocks += _facts(function, shape, dtype)
    return LessonResult(blocks=tuple(blocks), source=source)
