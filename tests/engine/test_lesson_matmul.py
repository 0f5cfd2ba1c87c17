"""Lesson 2 shows the tutorial's products, the errors that order and batches cause, and fixes that work."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine import InputError, lesson_by_id
from engine.blocks import Code, Fact, ProblemView, Table
from engine.lessons.matmul.compute import fix_values
from engine.outcomes import Fix
from tests.results import result_values

LESSON = lesson_by_id("matmul")
A = torch.tensor([[1, 2, 3], [4, 5, 6], [7, 8, 9]])
B = torch.tensor([[2, 3], [2, 3], [2, 3]])


def _run(step: str, **values: str):
    return LESSON.compute({**LESSON.defaults(), **values}, step=step)


def _problems(result) -> list[ProblemView]:
    return [b for b in result.blocks if isinstance(b, ProblemView)]


def _facts(result) -> str:
    return " ".join(b.text for b in result.blocks if isinstance(b, Fact))


def test_five_spellings_give_the_tutorials_product() -> None:
    result = _run("ways")
    rows = dict(next(b for b in result.blocks if isinstance(b, Table)).rows)
    assert (A @ B).tolist() == [[12, 18], [30, 45], [48, 72]]
    assert rows["torch.matmul(A, B)"] == rows["torch.mm(A, B)"] == rows["A @ B"] == "[[12, 18], [30, 45], [48, 72]]"
    expected_numpy = " ".join(str(np.dot(A.numpy(), B.numpy())).split("\n"))
    assert rows["np.dot(a, b)"] == rows["np.matmul(a, b)"] == " ".join(part.strip() for part in expected_numpy.split())
    assert result.measures["agree"] is True


def test_element_wise_by_a_number_and_by_a_matrix() -> None:
    shown = result_values(_run("times"))
    assert shown["torch: C"].text == str(A * 2)
    by_a = result_values(_run("times", times="A"))
    assert by_a["torch: C"].text == str(A * A)


def test_mismatched_element_wise_shows_torchs_words_as_the_lesson() -> None:
    result = _run("times", times="B")
    with pytest.raises(RuntimeError) as caught:
        A * B
    problem = _problems(result)[0]
    assert problem.message == str(caught.value)
    assert "must match the size of tensor b (2) at non-singleton dimension 1" in problem.message
    assert problem.expected


def test_b_at_a_fails_in_both_libraries_and_the_fixes_run() -> None:
    result = _run("order")
    problem = _problems(result)[0]
    assert problem.message == "mat1 and mat2 shapes cannot be multiplied (3x2 and 3x3)"
    assert problem.expected and problem.fixes
    with pytest.raises(ValueError) as numpy_error:
        np.dot(B.numpy(), A.numpy())
    assert str(numpy_error.value) in _facts(result)
    assert "shapes (3,2) and (3,3) not aligned: 2 (dim 1) != 3 (dim 0)" in _facts(result)
    for fix in problem.fixes:
        assert _run("order", **fix.values).measures["ok"] is True


def test_swap_action_swaps_the_operands() -> None:
    assert _run("order", left="A.T", right="2").actions["swap"] == {"left": "2", "right": "A.T"}


def test_mm_refuses_a_batch_and_matmul_broadcasts() -> None:
    mm = _run("batch")
    problem = _problems(mm)[0]
    assert problem.message == "self must be a matrix" and problem.expected
    assert "mat2 must be a matrix" in _facts(mm)
    result = _run("batch", batched="matmul")
    assert not _problems(result)
    assert torch.matmul(torch.stack([A, A]), B).shape == (2, 3, 2) and "gives (2, 3, 2)" in _facts(result)


@pytest.mark.parametrize("batch", ["1", "2", "3"])
def test_the_bmm_hint_works_as_written(batch: str) -> None:
    result = _run("batch", batch=batch, batched="bmm")
    assert _problems(result)[0].message == "batch2 must be a 3D tensor"
    stacked = _facts(result).split("torch.bmm(A, ", 1)[1].split(") works", 1)[0]
    copies = stacked.count("B")
    assert copies == int(batch)
    torch.bmm(torch.stack([A] * int(batch)), torch.stack([B] * copies))  # runs: the hint is true


@pytest.mark.parametrize("text", ["two", "7", "-1"])
def test_a_batch_hint_suggests_a_value_the_field_takes(text: str) -> None:
    with pytest.raises(InputError) as caught:
        _run("batch", batch=text)
    assert caught.value.field == "batch" and "like 2" in caught.value.message and "like 7" not in caught.value.message
    assert _run("batch", batch="2").measures["ok"] is False  # 2 is taken: mm refuses the batch, as the step shows


def test_no_bmm_hint_without_a_batch() -> None:
    assert "torch.bmm" not in _facts(_run("batch", batch="0", batched="bmm"))


@pytest.mark.parametrize(
    ("code", "values"),
    [
        ("C = A @ B", {"op": "@", "left": "A", "right": "B"}),
        ("C = torch.matmul(A, B.T)", {"op": "matmul", "left": "A", "right": "B.T"}),
    ],
)
def test_fixes_of_the_product_line_become_field_values(code: str, values: dict[str, str]) -> None:
    assert fix_values(Fix(code=code, label="", note="", shape=None)) == values


@pytest.mark.parametrize(
    ("step", "values", "field"),
    [
        ("ways", {"a": "[[1, 2], [3]]"}, "a"),
        ("ways", {"b": "100000x100000"}, "b"),
        ("batch", {"batch": "5"}, "batch"),
        ("order", {"left": ""}, "left"),
        ("order", {"right": "__import__('os')"}, "right"),
        ("times", {"times": "x @ y"}, "times"),
    ],
)
def test_bad_input_names_its_field(step: str, values: dict[str, str], field: str) -> None:
    with pytest.raises(InputError) as caught:
        _run(step, **values)
    assert caught.value.field == field


_FIELD_TEXT = st.text(alphabet="AB.T[]()0123456789,x@*-_ tor", max_size=24)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(a=_FIELD_TEXT, left=_FIELD_TEXT, right=_FIELD_TEXT, step=st.sampled_from([s.id for s in LESSON.steps]))
def test_any_text_gives_a_result_or_a_field_message(a: str, left: str, right: str, step: str) -> None:
    try:
        result = _run(step, a=a, left=left, right=right, times=right)
    except InputError as error:
        assert error.field in {"a", "left", "right", "times"} and error.message
    else:
        assert any(isinstance(b, Code) for b in result.blocks)
