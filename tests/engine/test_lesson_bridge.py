"""Lesson 3 shows torch and NumPy sharing memory (or not) exactly as the libraries do."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine import InputError, lesson_by_id
from engine.blocks import Code, Fact, ProblemView
from tests.plain_python import run_plain
from tests.printing import pane_text
from tests.results import result_values

LESSON = lesson_by_id("numpy")


def _facts(result) -> str:
    return " ".join(b.text for b in result.blocks if isinstance(b, Fact))


def _problem(result) -> ProblemView:
    return next(b for b in result.blocks if isinstance(b, ProblemView))


def test_from_numpy_and_tensor_keep_the_dtype() -> None:
    result = LESSON.compute({})
    shown = result_values(result)
    a = np.array([1.0, 2.0, 3.0])
    assert shown["a"].text == str(a) and shown["a"].dtype == "float64"
    assert shown["t"].text == pane_text(torch.from_numpy(a))
    assert shown["t"].dtype == str(torch.from_numpy(a).dtype) == "torch.float64"
    assert shown["c"].text == pane_text(torch.tensor(a)) and shown["c"].dtype == "torch.float64"
    assert shown["n"].text == pane_text(torch.from_numpy(a).numpy())
    assert shown["np.shares_memory(n, a)"].text == "True"
    assert "float64" in _facts(result)
    assert "ctrl+n" in result.blocks[-1].text


@pytest.mark.parametrize("dtype", ["float32", "int64", "int32", "uint8"])
def test_each_dtype_survives_both_ways(dtype: str) -> None:
    shown = result_values(LESSON.compute({"values": "[[1, 2], [3, 4]]", "dtype": dtype}))
    a = np.array([[1, 2], [3, 4]], dtype=dtype)
    assert shown["t"].dtype == str(torch.from_numpy(a).dtype)
    assert shown["n"].dtype == str(torch.from_numpy(a).numpy().dtype) == dtype


def test_a_write_into_the_array_shows_in_the_shared_tensor_but_not_in_the_copy() -> None:
    result = LESSON.compute({"write": "99"})
    a = np.array([1.0, 2.0, 3.0])
    t, c = torch.from_numpy(a), torch.tensor(a)
    a[0] = 99
    shown = result_values(result)
    assert shown["a"].text == pane_text(a)
    assert shown["t"].text == pane_text(t) and t[0].item() == 99
    assert shown["c"].text == pane_text(c) and c[0].item() == 1
    assert "a[0] = 99" in result.source
    assert "t changed with a" in _facts(result)


def test_the_action_bumps_the_written_number() -> None:
    assert LESSON.compute({}).actions["change"] == {"write": "99"}
    assert LESSON.compute({"write": "99"}).actions["change"] == {"write": "100"}
    assert LESSON.compute({"write": "2.5"}).actions["change"] == {"write": "3.5"}


def test_a_2d_array_is_written_at_its_first_element() -> None:
    result = LESSON.compute({"values": "[[1, 2], [3, 4]]", "write": "7"})
    a = np.array([[1, 2], [3, 4]])
    t = torch.from_numpy(a)
    a[0, 0] = 7
    assert "a[0, 0] = 7" in result.source
    assert result_values(result)["t"].text == pane_text(t)


def test_numpy_on_a_tensor_that_requires_grad_and_its_fix() -> None:
    result = LESSON.compute({"back": "w.numpy()"})
    problem = _problem(result)
    w = torch.tensor(np.array([1.0, 2.0, 3.0]), requires_grad=True)
    with pytest.raises(RuntimeError) as caught:
        w.numpy()
    assert problem.message == str(caught.value)
    assert problem.message == "Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() instead."
    assert problem.source == "n = w.numpy()"
    for fix in problem.fixes:
        assert fix.values == {"back": "w.detach().numpy()"}
    fixed = LESSON.compute({"back": "w.detach().numpy()"})
    assert not [b for b in fixed.blocks if isinstance(b, ProblemView)]
    assert result_values(fixed)["n"].text == pane_text(w.detach().numpy())


def test_an_impossible_write_shows_numpys_error() -> None:
    result = LESSON.compute({"values": "[1, 2]", "dtype": "uint8", "write": "300"})
    a = np.array([1, 2], dtype=np.uint8)
    with pytest.raises(OverflowError) as caught:
        a[0] = 300
    assert _problem(result).message == str(caught.value)
    assert result_values(result)["a"].note == ""


def test_the_shown_code_prints_what_the_pane_shows() -> None:
    cases = [
        {},
        {"write": "99"},
        {"values": "[[1, 2], [3, 4]]", "dtype": "float32", "write": "-5"},
        {"back": "w.numpy()"},
        {"back": "w.detach().numpy()", "write": "4"},
        {"dtype": "int64", "back": "w.numpy()"},
    ]
    results = [LESSON.compute(values) for values in cases]
    plain = run_plain([r.source for r in results])
    for result, printed in zip(results, plain):
        assert "".join(b.source for b in result.blocks if isinstance(b, Code)) == result.source
        shown = result_values(result)
        for name in "atcn":
            if name in shown:
                assert shown[name].text == printed.shown[name], name
        if "np.shares_memory(n, a)" in shown:
            assert printed.shown["np.shares_memory(n, a)"] == shown["np.shares_memory(n, a)"].text
        problems = [b for b in result.blocks if isinstance(b, ProblemView)]
        assert printed.error == (f"{problems[0].kind}: {problems[0].message}" if problems else None)


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"values": "[1, 2"}, "values"),
        ({"values": "[]"}, "values"),
        ({"values": "5"}, "values"),
        ({"values": "[[1, 2], [3]]"}, "values"),
        ({"write": "lots"}, "write"),
        ({"write": "inf"}, "write"),
    ],
)
def test_bad_input_names_its_field(values: dict[str, str], field: str) -> None:
    with pytest.raises(InputError) as caught:
        LESSON.compute(values)
    assert caught.value.field == field


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    values=st.text(alphabet="[]0123456789.,-e ", max_size=20),
    write=st.text(alphabet="0123456789.-e", max_size=8),
    dtype=st.sampled_from(["default", "float64", "float32", "int64", "int32", "uint8"]),
    back=st.sampled_from(["t.numpy()", "w.numpy()", "w.detach().numpy()"]),
)
def test_any_text_gives_a_result_or_a_field_message(values: str, write: str, dtype: str, back: str) -> None:
    try:
        result = LESSON.compute({"values": values, "write": write, "dtype": dtype, "back": back})
    except InputError as error:
        assert error.field in {"values", "write"} and error.message
    else:
        assert any(isinstance(b, Code) for b in result.blocks)
