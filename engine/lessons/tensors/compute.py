"""Lesson 1: tensors, made by torch beside the same array made by NumPy, one step at a time.

Each step's code is built from the fields and run through ``evaluate``, so the
code on screen is exactly what produced the numbers.
"""

from __future__ import annotations

from collections.abc import Mapping

from engine.blocks import Block, Code, Columns, Fact, LessonResult
from engine.errors import InputError
from engine.i18n import _
from engine.lesson import read
from engine.lessons.common import error_blocks, outputs_by_name, problem_block, value_block
from engine.lessons.tensors.spec import DTYPES, FILLS, RANDOM
from engine.outcomes import Evaluation
from engine.parsing import parse_choice, parse_int, parse_shape
from engine.sandbox.evaluation import evaluate

_NUMPY_RANDOM = {"randn": "np.random.randn", "rand": "np.random.rand"}


def _dims(shape: tuple[int, ...]) -> str:
    return ", ".join(str(d) for d in shape)


def _as_tuple(shape: tuple[int, ...]) -> str:
    return f"({shape[0]},)" if len(shape) == 1 else f"({_dims(shape)})"


def _shown(evaluation: Evaluation) -> list[Block]:
    named = outputs_by_name(evaluation)
    shown = [value_block(named[name], title) for name, title in (("t", "t"), ("a", "a")) if name in named]
    return [Columns(tuple(shown))] if shown else []


def _dtype(text: str | None) -> str | None:
    return None if text is None else text.removeprefix("torch.")


def _measures(
    evaluation: Evaluation, **extra: float | int | str | bool | None
) -> dict[str, float | int | str | bool | None]:
    named = outputs_by_name(evaluation)
    return {
        "ok": evaluation.error is None,
        "torch_dtype": _dtype(named["t"].dtype) if "t" in named else None,
        "numpy_dtype": _dtype(named["a"].dtype) if "a" in named else None,
        **extra,
    }


def random_source(function: str, shape: tuple[int, ...], seed: int) -> str:
    """torch and NumPy drawing random numbers of ``shape``, each from its own seeded generator."""
    return (
        f"torch.manual_seed({seed})\n"
        f"t = torch.{function}({_dims(shape)})\n"
        f"np.random.seed({seed})\n"
        f"a = {_NUMPY_RANDOM[function]}({_dims(shape)})\n"
    )


def _random(values: Mapping[str, str]) -> LessonResult:
    function = read(values, "random", parse_choice, _("Function"), RANDOM)
    shape = read(values, "shape", parse_shape)
    seed = read(values, "seed", parse_int, _("Seed"), 0, 2**32 - 1)
    source = random_source(function, shape, seed)
    evaluation = evaluate(source, seed=seed)
    blocks: list[Block] = [Code(source), *_shown(evaluation), *error_blocks(evaluation)]
    blocks.append(Fact(_("Same seed, different numbers: torch and NumPy have separate random generators.")))
    return LessonResult(tuple(blocks), source, measures=_measures(evaluation))


def fill_source(function: str, shape: tuple[int, ...]) -> str:
    """torch's and NumPy's zeros (or ones) of ``shape``, then NumPy given the sizes loose, as torch takes them."""
    return (
        f"t = torch.{function}({_dims(shape)})\na = np.{function}({_as_tuple(shape)})\nnp.{function}({_dims(shape)})\n"
    )


def _fill(values: Mapping[str, str]) -> LessonResult:
    function = read(values, "fill", parse_choice, _("Function"), FILLS)
    shape = read(values, "shape", parse_shape)
    source = fill_source(function, shape)
    evaluation = evaluate(source)
    blocks: list[Block] = [Code(source), *_shown(evaluation)]
    problem = evaluation.error
    loose_failed = problem is not None and problem.line == 3
    if problem is not None:
        blocks.append(problem_block(problem, expected=loose_failed))
    if problem is None and len(shape) <= 1:
        blocks.append(Fact(_("With one size both spellings work; give two or more to see NumPy refuse.")))
    measures = _measures(evaluation, dims=len(shape))
    measures["ok"] = problem is None or loose_failed
    return LessonResult(tuple(blocks), source, measures=measures)


def eye_source(size: tuple[int, ...], dtype: str) -> str:
    """torch.eye beside NumPy's identity (square) or eye (rectangular)."""
    torch_dtype = "" if dtype == "default" else f", dtype=torch.{dtype}"
    numpy_dtype = "" if dtype == "default" else f", dtype=np.{dtype}"
    square = len(size) == 1 or size[0] == size[1]
    numpy = f"np.identity({size[0]}{numpy_dtype})" if square else f"np.eye({_dims(size)}{numpy_dtype})"
    return f"t = torch.eye({_dims(size)}{torch_dtype})\na = {numpy}\n"


def parse_size(text: str) -> tuple[int, ...]:
    """One or two sizes for an identity matrix: ``3`` or ``3,4``."""
    size = parse_shape(text)
    if not 1 <= len(size) <= 2:
        count = len(size)
        raise InputError(
            _(
                "eye makes a 2-D matrix: give one or two sizes, like 3 or 3,4 ({text} has {count} sizes).",
                text=text.strip(),
                count=count,
            )
        )
    return size


def _eye(values: Mapping[str, str]) -> LessonResult:
    size = read(values, "size", parse_size)
    dtype = read(values, "dtype", parse_choice, _("dtype"), DTYPES)
    source = eye_source(size, dtype)
    evaluation = evaluate(source)
    blocks: list[Block] = [Code(source), *_shown(evaluation), *error_blocks(evaluation)]
    measures = _measures(evaluation)
    if measures["torch_dtype"] and measures["numpy_dtype"]:
        same = measures["torch_dtype"] == measures["numpy_dtype"]
        text = (
            _("Same dtype now: {dtype} on both sides.", dtype=measures["torch_dtype"])
            if same
            else _(
                "Same numbers, different dtype: torch made {torch}, NumPy {numpy}.",
                torch=measures["torch_dtype"],
                numpy=measures["numpy_dtype"],
            )
        )
        blocks.append(Fact(text))
    return LessonResult(tuple(blocks), source, measures=measures)


_STEPS = {"random": _random, "fill": _fill, "eye": _eye}


def run(values: Mapping[str, str], step: str) -> LessonResult:
    """Step ``step`` of lesson 1 for the given field values."""
    return _STEPS[step](values)
