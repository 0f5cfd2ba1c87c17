"""Lesson 3 shows memory shared between torch and NumPy, kept dtypes, and .numpy() refusing a tracked tensor."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine import InputError, lesson_by_id
from engine.blocks import Code, ProblemView, Table
from tests.results import result_values

LESSON = lesson_by_id("numpy")


def _run(step: str, **values: str):
    return LESSON.compute({**LESSON.defaults(), **values}, step=step)


def _rows(result) -> dict[str, tuple[str, ...]]:
    return {row[0]: row[1:] for row in next(b for b in result.blocks if isinstance(b, Table)).rows}


def test_a_write_shows_in_the_shared_tensor_but_not_in_the_copy() -> None:
    a = np.array([1.0, 2.0, 3.0])
    t, c = torch.from_numpy(a), torch.tensor(a)
    a[0] = 99
    rows = _rows(_run("share", write="99"))
    assert rows["a"][0] == str(a) and rows["t"][0] == str(t) and rows["c"][0] == str(c)
    assert "99" in rows["t"][0] and "99" not in rows["c"][0]


def test_the_action_bumps_the_written_number() -> None:
    assert _run("share").actions["change"] == {"write": "99"}
    assert _run("share", write="99").actions["change"] == {"write": "100"}


@pytest.mark.parametrize("dtype", ["float64", "float32", "int64", "uint8"])
def test_each_dtype_survives_both_ways(dtype: str) -> None:
    rows = _rows(_run("dtype", dtype=dtype))
    a = np.array([1.0, 2.0, 3.0], dtype=dtype)
    assert rows["a"][1] == str(a.dtype) == rows["n"][1] and rows["t"][1] == str(torch.from_numpy(a).dtype)
    assert result_values(_run("dtype", dtype=dtype))["np.shares_memory(n, a)"].text == "True"


def test_numpy_on_a_tensor_that_requires_grad_and_its_fix() -> None:
    with pytest.raises(RuntimeError) as caught:
        torch.tensor(np.array([1.0, 2.0, 3.0]), requires_grad=True).numpy()
    problem = next(b for b in _run("grad").blocks if isinstance(b, ProblemView))
    assert problem.message == str(caught.value)
    assert "Use tensor.detach().numpy() instead." in problem.message and problem.expected
    fixed = _run("grad", back="w.detach().numpy()")
    assert not any(isinstance(b, ProblemView) for b in fixed.blocks)
    assert result_values(fixed)["n"].text == str(np.array([1.0, 2.0, 3.0]))


def test_the_learners_own_error_is_explained_and_not_called_the_lessons() -> None:
    problem = next(b for b in _run("grad", dtype="int64").blocks if isinstance(b, ProblemView))
    assert "floating point" in problem.message
    assert not problem.expected and "float dtype" in problem.explanation


@pytest.mark.parametrize(
    ("step", "values", "field"),
    [
        ("share", {"values": "[1, [2]]"}, "values"),
        ("share", {"values": "[]"}, "values"),
        ("share", {"write": "lots"}, "write"),
    ],
)
def test_bad_input_names_its_field(step: str, values: dict[str, str], field: str) -> None:
    with pytest.raises(InputError) as caught:
        _run(step, **values)
    assert caught.value.field == field


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    values=st.text(alphabet="[]0123456789.,-e ", max_size=20),
    write=st.text(alphabet="0123456789.-e", max_size=8),
    dtype=st.sampled_from(["default", "float64", "float32", "int64", "int32", "uint8"]),
    step=st.sampled_from([s.id for s in LESSON.steps]),
)
def test_any_text_gives_a_result_or_a_field_message(values: str, write: str, dtype: str, step: str) -> None:
    try:
        result = _run(step, values=values, write=write, dtype=dtype)
    except InputError as error:
        assert error.field in {"values", "write"} and error.message
    else:
        assert any(isinstance(b, Code) for b in result.blocks)
