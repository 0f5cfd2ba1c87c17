"""Lesson 1 shows exactly what torch and NumPy produce for the same request, step by step."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from engine import InputError, lesson_by_id
from engine.blocks import Code, Fact, ProblemView
from tests.printing import pane_text
from tests.results import result_values

LESSON = lesson_by_id("tensors")


def _run(step: str, **values: str):
    return LESSON.compute({**LESSON.defaults(), **values}, step=step)


@pytest.mark.parametrize(
    ("function", "shape", "seed"), [("randn", (2, 3), 0), ("rand", (4,), 1), ("randn", (2, 2, 3), 42)]
)
def test_random_tensors_match_the_libraries(function: str, shape: tuple[int, ...], seed: int) -> None:
    result = _run("random", random=function, shape=",".join(map(str, shape)), seed=str(seed))
    shown = result_values(result)
    torch.manual_seed(seed)
    expected_t = getattr(torch, function)(*shape)
    np.random.seed(seed)
    expected_a = getattr(np.random, function)(*shape)
    assert shown["t"].text == pane_text(expected_t) and shown["t"].dtype == "torch.float32"
    assert shown["a"].text == pane_text(expected_a) and shown["a"].dtype == "float64"
    assert shown["t"].shape == shape


@pytest.mark.parametrize("function", ["zeros", "ones"])
def test_numpy_wants_the_shape_as_one_tuple(function: str) -> None:
    result = _run("fill", fill=function)
    shown = result_values(result)
    assert shown["t"].text == pane_text(getattr(torch, function)(2, 3))
    assert shown["a"].text == pane_text(getattr(np, function)((2, 3)))
    with pytest.raises(TypeError) as numpy_error:
        getattr(np, function)(2, 3)
    problem = next(b for b in result.blocks if isinstance(b, ProblemView))
    assert problem.message == str(numpy_error.value) == "Cannot interpret '3' as a data type"
    assert problem.expected and problem.source == f"np.{function}(2, 3)"


def test_eye_is_float32_and_identity_float64() -> None:
    result = _run("eye")
    shown = result_values(result)
    assert shown["t"].text == pane_text(torch.eye(3)) and shown["t"].dtype == "torch.float32"
    assert shown["a"].text == pane_text(np.identity(3)) and shown["a"].dtype == "float64"
    code = next(b for b in result.blocks if isinstance(b, Code)).source
    assert "np.identity(3)" in code and "torch.eye(3)" in code
    facts = " ".join(b.text for b in result.blocks if isinstance(b, Fact))
    assert "float32" in facts and "float64" in facts
    assert "no identity()" in LESSON.step("eye").prose and "eye" in LESSON.step("eye").prose


def test_non_square_eye_uses_numpys_eye() -> None:
    shown = result_values(_run("eye", size="2,4", dtype="float64"))
    assert shown["t"].text == pane_text(torch.eye(2, 4, dtype=torch.float64))
    assert shown["a"].text == pane_text(np.eye(2, 4))


def test_eye_with_three_sizes_says_three() -> None:
    with pytest.raises(InputError) as caught:
        _run("eye", size="2,3,3")
    assert caught.value.field == "size"
    assert "2,3,3 has 3 sizes" in caught.value.message and "one or two sizes" in caught.value.message


@pytest.mark.parametrize(
    ("step", "values", "field"),
    [
        ("random", {"shape": "2,,3"}, "shape"),
        ("random", {"shape": "100000x100000"}, "shape"),
        ("random", {"seed": "minus one"}, "seed"),
        ("fill", {"shape": "-1"}, "shape"),
        ("eye", {"size": ""}, "size"),
    ],
)
def test_bad_input_names_its_field(step: str, values: dict[str, str], field: str) -> None:
    with pytest.raises(InputError) as caught:
        _run(step, **values)
    assert caught.value.field == field
