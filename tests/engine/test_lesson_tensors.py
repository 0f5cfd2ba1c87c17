"""Lesson 1 shows exactly what torch and NumPy produce for the same request."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
import torch

from engine import InputError, lesson_by_id
from engine.blocks import Code, Columns, Fact, Value
from tests.printing import pane_text

LESSON = lesson_by_id("tensors")


def _values(result) -> dict[str, Value]:
    columns = next(b for b in result.blocks if isinstance(b, Columns))
    return {v.title.split(":")[0]: v for v in columns.blocks}


@pytest.mark.parametrize(
    ("function", "shape", "seed"),
    [("randn", (3, 3), 0), ("randn", (2, 5), 7), ("rand", (4,), 1), ("rand", (2, 2, 3), 42)],
)
def test_random_tensors_match_the_libraries(function: str, shape: tuple[int, ...], seed: int) -> None:
    result = LESSON.compute({"shape": ",".join(map(str, shape)), "function": function, "seed": str(seed)})
    shown = _values(result)
    torch.manual_seed(seed)
    expected_t = getattr(torch, function)(*shape)
    np.random.seed(seed)
    expected_a = getattr(np.random, function)(*shape)
    assert shown["torch"].text == pane_text(expected_t)
    assert shown["torch"].shape == shape and shown["torch"].dtype == "torch.float32"
    assert shown["NumPy"].text == pane_text(expected_a)
    assert shown["NumPy"].dtype == "float64"


@pytest.mark.parametrize("function", ["zeros", "ones"])
def test_filled_tensors_and_numpys_tuple_rule(function: str) -> None:
    result = LESSON.compute({"shape": "2,3", "function": function})
    shown = _values(result)
    assert shown["torch"].text == pane_text(getattr(torch, function)(2, 3))
    assert shown["NumPy"].text == pane_text(getattr(np, function)((2, 3)))
    with pytest.raises(TypeError) as numpy_error:
        getattr(np, function)(2, 3)
    warning = " ".join(b.text for b in result.blocks if isinstance(b, Fact))
    assert str(numpy_error.value) in warning
    assert f"np.{function}((2, 3))" in warning


def test_eye_is_float32_and_identity_float64() -> None:
    result = LESSON.compute({"shape": "3", "function": "eye"})
    shown = _values(result)
    assert shown["torch"].text == pane_text(torch.eye(3)) and shown["torch"].dtype == "torch.float32"
    assert shown["NumPy"].text == pane_text(np.identity(3)) and shown["NumPy"].dtype == "float64"
    code = next(b for b in result.blocks if isinstance(b, Code)).source
    assert "np.identity(3)" in code and "torch.eye(3)" in code
    facts = " ".join(b.text for b in result.blocks if isinstance(b, Fact))
    assert "no identity" in facts and "float64" in facts


def test_non_square_eye_uses_numpys_eye() -> None:
    result = LESSON.compute({"shape": "2,4", "function": "eye", "dtype": "float64"})
    shown = _values(result)
    assert shown["torch"].text == pane_text(torch.eye(2, 4, dtype=torch.float64))
    assert shown["NumPy"].text == pane_text(np.eye(2, 4))


def test_dtype_is_applied_to_both() -> None:
    shown = _values(LESSON.compute({"shape": "2,2", "function": "ones", "dtype": "int64"}))
    assert shown["torch"].dtype == "torch.int64" and shown["NumPy"].dtype == "int64"


def test_randn_of_integers_shows_torchs_own_error() -> None:
    result = LESSON.compute({"shape": "2,2", "function": "randn", "dtype": "int64"})
    with pytest.raises(RuntimeError) as caught:
        torch.randn(2, 2, dtype=torch.int64)
    messages = [getattr(b, "message", "") for b in result.blocks]
    assert str(caught.value) in messages


def test_code_shown_is_the_code_that_ran() -> None:
    result = LESSON.compute({"shape": "2,3", "function": "randn", "seed": "3"})
    code = next(b for b in result.blocks if isinstance(b, Code)).source
    assert code == result.source
    script = "import torch\nimport numpy as np\n" + code + "print(t)\nprint('---')\nprint(a)\n"
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    shown = _values(result)
    assert done.stdout == shown["torch"].text + "\n---\n" + shown["NumPy"].text + "\n"


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"shape": "2,,3"}, "shape"),
        ({"shape": "100000x100000"}, "shape"),
        ({"shape": "2,3,4", "function": "eye"}, "shape"),
        ({"seed": "minus one"}, "seed"),
    ],
)
def test_bad_input_names_its_field(values: dict[str, str], field: str) -> None:
    with pytest.raises(InputError) as caught:
        LESSON.compute(values)
    assert caught.value.field == field
