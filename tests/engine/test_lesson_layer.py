"""Lesson 5 shows the tutorial's single layer failing, then every fix with the numbers PyTorch really gives."""

from __future__ import annotations

import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine import InputError, lesson_by_id
from engine.blocks import Code, Fact, ProblemView, Prose, Table
from engine.lessons.layer.spec import FIXES
from tests.results import lesson5_tensors, result_values

LESSON = lesson_by_id("layer")


def compute(step: str, **values: str):
    return LESSON.compute({**LESSON.defaults(), **values}, step=step)


def _problem(result) -> ProblemView:
    return next(b for b in result.blocks if isinstance(b, ProblemView))


def _rows(result) -> dict[str, tuple[str, ...]]:
    return {row[0].strip("> ").strip(): row[1:] for row in next(b for b in result.blocks if isinstance(b, Table)).rows}


def _facts(result) -> str:
    return " ".join(b.text for b in result.blocks if isinstance(b, Fact))


def test_the_defaults_fail_as_in_the_tutorial_for_matmul_mm_and_at() -> None:
    inputs, w1, b1 = lesson5_tensors()
    messages = []
    for call in (torch.matmul, torch.mm, lambda a, b: a @ b):
        with pytest.raises(RuntimeError) as caught:
            call(inputs, w1)
        messages.append(str(caught.value))
    assert set(messages) == {"mat1 and mat2 shapes cannot be multiplied (1x10 and 1x10)"}
    result = compute("error")
    problem = _problem(result)
    assert problem.message == messages[0] and problem.expected
    assert [fix.values["fix"] for fix in problem.fixes] == ["reshape", "view", "resize_", "transpose"]
    assert "y = " not in next(b for b in result.blocks if isinstance(b, Code)).source, "only the code that ran"
    assert "refuse with the same words" in _facts(compute("fixes"))


@pytest.mark.parametrize("fix", FIXES[1:])
def test_every_fix_gives_the_tutorials_y_z_and_b1(fix: str) -> None:
    inputs, w1, b1 = lesson5_tensors()
    z = inputs @ w1.reshape(10, 1) + b1
    y = torch.sigmoid(z)
    assert (f"{y.item():.4f}", f"{z.item():.4f}", f"{b1.item():.4f}") == ("0.3030", "-0.8331", "1.7792")
    shown = result_values(compute("error", fix=fix))
    assert shown["y"].text == str(y) and shown["z"].text == str(z) and shown["b1"].text == str(b1)
    rows = _rows(compute("fixes", fix=fix))
    assert all(row[0] == "0.3030" for row in rows.values())
    assert "z = inputs @ w + b1 = -0.8331 with b1 = 1.7792; y = sigmoid(z) = 0.3030" in _facts(
        compute("fixes", fix=fix)
    )


def test_memory_of_each_fix_on_a_contiguous_w1() -> None:
    rows = _rows(compute("fixes"))
    assert rows["w1.view(10, 1)"][1] == rows["w1.reshape(10, 1)"][1] == rows["w1.T"][1] == "no copy"
    assert rows["w1.resize_(10, 1)"][1] == "in place: w1 is now (10, 1)"


def test_non_contiguous_w1_makes_view_refuse_and_reshape_copy() -> None:
    torch.manual_seed(7)
    torch.randn((1, 10))
    w1 = torch.randn((5, 2)).T
    with pytest.raises(RuntimeError) as caught:
        w1.view(10, 1)
    assert "view size is not compatible with input tensor's size and stride" in str(caught.value)
    assert w1.T.view(10, 1).shape == (10, 1)
    result = compute("memory")
    rows = _rows(result)
    assert rows["w1.view(10, 1)"] == ("fails", "refused (see below)")
    assert rows["w1.reshape(10, 1)"][1] == "copied (w1 is not contiguous)"
    assert "Use .reshape(...) instead." in _facts(result) and "view size is not compatible" in _facts(result)
    assert "w1.T.view works" in _facts(result) and "uninitialised" in _facts(result)
    assert "resize_ ignores strides" in _facts(result)
    assert compute("memory", memory="contiguous").measures["view_ok"] is True


def test_sigmoid_by_hand_matches_torch_sigmoid() -> None:
    result = compute("sigmoid")
    written = next(b for b in result.blocks if isinstance(b, Prose)).text
    assert "= -0.8331" in written and "0.3030" in written
    assert "gives the same: 0.3030" in _facts(result)
    inputs, w1, b1 = lesson5_tensors()
    z = inputs @ w1.T + b1
    assert f"{torch.sigmoid(z).item():.4f}" == f"{(1 / (1 + torch.exp(-z))).item():.4f}" == "0.3030"


@pytest.mark.parametrize(
    ("step", "values", "field", "words"),
    [
        ("error", {"seed": "seven"}, "seed", "whole number"),
        ("error", {"inputs": "1,,10"}, "inputs", "empty part"),
        ("error", {"inputs": "100000x100000"}, "inputs", "limit"),
        ("error", {"weight": "abc"}, "weight", "like inputs"),
        ("error", {"bias": "-1"}, "bias", "negative"),
        ("error", {"weight": "1,8", "fix": "resize_"}, "fix", "uninitialised"),
        ("memory", {"inputs": "1,11"}, "memory", "11 has no factors"),
        ("fixes", {"fix": "squeeze"}, "fix", "not one of"),
    ],
)
def test_bad_input_names_its_field(step: str, values: dict[str, str], field: str, words: str) -> None:
    with pytest.raises(InputError) as caught:
        compute(step, **values)
    assert caught.value.field == field and words in caught.value.message


_SHAPE = st.text(alphabet="0123456789, x()-", max_size=10)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    inputs=_SHAPE,
    weight=st.one_of(_SHAPE, st.just("like inputs")),
    fix=st.sampled_from(FIXES),
    memory=st.sampled_from(["contiguous", "non-contiguous"]),
    step=st.sampled_from([s.id for s in LESSON.steps]),
)
def test_any_shapes_give_a_result_or_a_field_message(inputs, weight, fix, memory, step) -> None:
    try:
        result = compute(step, inputs=inputs, weight=weight, fix=fix, memory=memory)
    except InputError as error:
        assert error.field in {"inputs", "weight", "bias", "fix", "memory"} and error.message
    else:
        assert isinstance(result.blocks[0], Code)
