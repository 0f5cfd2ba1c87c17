"""Lesson 5 shows the tutorial's single layer failing, then every fix with the numbers PyTorch really gives."""

from __future__ import annotations

import re

import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine import InputError, lesson_by_id
from engine.blocks import Code, Fact, ProblemView, Prose, Table
from engine.evaluation import Fix, Problem
from engine.lessons.layer import FIXES, fix_choices, parse
from tests.plain_python import run_plain
from tests.printing import pane_text
from tests.results import result_values

LESSON = lesson_by_id("layer")
MEMORY = {"reshape": "no copy", "view": "no copy", "resize_": "w1 is now (10, 1)", "transpose": "no copy"}


def _tutorial(seed: int = 7) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """The tutorial's three tensors, made directly with torch."""
    torch.manual_seed(seed)
    inputs = torch.randn((1, 10))
    w1 = torch.randn_like(inputs)
    b1 = torch.randn((1, 1))
    return inputs, w1, b1


def _error(call) -> str:
    try:
        call()
    except RuntimeError as error:
        return str(error)
    raise AssertionError("expected torch to refuse")


def _one(result, kind):
    return next(b for b in result.blocks if isinstance(b, kind))


def _fix_rows(result) -> dict[str, tuple[str, str]]:
    table = next(b for b in result.blocks if isinstance(b, Table) and b.title == "Every fix, run")
    return {row[0]: (row[1], row[2]) for row in table.rows}


def test_the_defaults_fail_as_in_the_tutorial() -> None:
    result = LESSON.compute({})
    inputs, w1, _ = _tutorial()
    problem = _one(result, ProblemView)
    assert problem.message == _error(lambda: torch.matmul(inputs, w1))
    assert problem.message == "mat1 and mat2 shapes cannot be multiplied (1x10 and 1x10)"
    assert problem.source == "z = torch.matmul(inputs, w1) + b1" and problem.expected
    assert _error(lambda: torch.mm(inputs, w1)) == _error(lambda: inputs @ w1) == problem.message
    assert any("torch.mm(inputs, w1) and inputs @ w1 refuse with the same words" in b.text
               for b in result.blocks if isinstance(b, Fact))
    shown = result_values(result)
    assert shown["inputs"].text == pane_text(inputs) and shown["w1"].text == pane_text(w1)
    assert "y" not in shown


def test_every_fix_is_run_side_by_side_with_its_memory() -> None:
    inputs, w1, b1 = _tutorial()
    expected = torch.sigmoid(torch.matmul(inputs, w1.reshape(10, 1)) + b1)
    assert f"{expected.item():.4f}" == "0.3030"
    rows = _fix_rows(LESSON.compute({}))
    assert list(rows) == ["w1.reshape(10, 1)", "w1.view(10, 1)", "w1.resize_(10, 1)", "w1.T"]
    for (y, memory), fix in zip(rows.values(), FIXES[1:]):
        assert y == "0.3030"
        assert MEMORY[fix] in memory


@pytest.mark.parametrize("fix", FIXES[1:])
def test_picking_a_fix_shows_z_the_bias_and_y(fix: str) -> None:
    result = LESSON.compute({"fix": fix})
    inputs, w1, b1 = _tutorial()
    w = {"reshape": w1.reshape(10, 1), "view": w1.view(10, 1), "resize_": w1.clone().resize_(10, 1), "transpose": w1.T}[fix]
    z = torch.matmul(inputs, w) + b1
    shown = result_values(result)
    assert not any(isinstance(b, ProblemView) for b in result.blocks)
    assert shown["z"].text == pane_text(z) == "tensor([[-0.8331]])"
    assert shown["b1"].text == pane_text(b1) == "tensor([[1.7792]])"
    assert shown["y"].text == pane_text(torch.sigmoid(z)) == "tensor([[0.3030]])"
    if fix == "resize_":
        assert shown["w1.shape"].text == "torch.Size([10, 1])"


def test_the_formula_is_written_out_with_the_numbers() -> None:
    text = _one(LESSON.compute({"fix": "transpose"}), Prose).text
    inputs, w1, b1 = _tutorial()
    assert text.startswith("z = w₁x₁ + w₂x₂ + ") and "w₁₀x₁₀ + b" in text
    pairs = re.findall(r"\(?(-?\d+\.\d{4})\)?×\(?(-?\d+\.\d{4})\)?", text)
    assert [(float(w), float(x)) for w, x in pairs] == [
        (round(w, 4), round(x, 4)) for w, x in zip(w1.flatten().tolist(), inputs.flatten().tolist())
    ]
    assert f"+ {b1.item():.4f}\n  = -0.8331\n" in text
    assert text.endswith("= 0.3030")


def test_non_contiguous_w1_makes_view_refuse_and_reshape_copy() -> None:
    result = LESSON.compute({"memory": "non-contiguous"})
    torch.manual_seed(7)
    inputs = torch.randn((1, 10))
    w1 = torch.randn((5, 2)).T
    b1 = torch.randn((1, 1))
    assert not w1.is_contiguous()
    rows = _fix_rows(result)
    assert rows["w1.view(10, 1)"] == ("✗ fails", "RuntimeError: " + _error(lambda: w1.view(10, 1)))
    assert "view size is not compatible" in rows["w1.view(10, 1)"][1]
    copied = torch.sigmoid(torch.matmul(inputs, w1.reshape(10, 1)) + b1)
    assert rows["w1.reshape(10, 1)"] == (f"{copied.item():.4f}", "copied: new memory (w1 is not contiguous)")
    assert rows["w1.resize_(10, 1)"][0] == "0.3030"  # resize_ keeps memory order: the tutorial's w1 again
    assert rows["w1.T"][0] == "✗ fails" and "(1x10 and 5x2)" in rows["w1.T"][1]
    assert result_values(result)["w1.is_contiguous()"].text == "False"
    facts = " ".join(b.text for b in result.blocks if isinstance(b, Fact))
    assert "view never copies, so it refuses" in facts
    assert w1.T.is_contiguous() and "so view works on it: w1.T.view(10, 1)" in facts


def test_sigmoid_by_hand_matches_torch_sigmoid() -> None:
    by_hand = LESSON.compute({"fix": "reshape", "activation": "by hand"})
    library = LESSON.compute({"fix": "reshape"})
    assert "y = 1 / (1 + torch.exp(-z))" in by_hand.source
    assert result_values(by_hand)["y"].text == result_values(library)["y"].text
    assert any("torch.sigmoid(z) gives the same: 0.3030" in b.text for b in by_hand.blocks if isinstance(b, Fact))


def test_other_seeds_and_shapes_follow_torch() -> None:
    result = LESSON.compute({"seed": "3", "inputs": "2,6", "weight": "3,4", "bias": "1,2", "fix": "view"})
    torch.manual_seed(3)
    inputs, w1, b1 = torch.randn((2, 6)), torch.randn((3, 4)), torch.randn((1, 2))
    assert result_values(result)["y"].text == pane_text(torch.sigmoid(torch.matmul(inputs, w1.view(6, 2)) + b1))


def test_the_doctors_fixes_become_fix_field_choices() -> None:
    layer = parse(LESSON.defaults())
    fixes = (
        Fix("z = torch.matmul(inputs, w1.reshape(10, 1)) + b1", "may copy", (1, 1), "reshape"),
        Fix("z = torch.matmul(inputs,w1.T) + b1", "a view", (1, 1), "transpose"),
        Fix("z = torch.matmul(inputs, w1.T.view(10, 1)) + b1", "not one of the lesson's", (1, 1), "view"),
        Fix("z = torch.matmul(inputs.T, w1) + b1", "a different product", (10, 10), "transpose"),
    )
    problem = Problem("mat1 and mat2 ...", "RuntimeError", 5, "z = torch.matmul(inputs, w1) + b1", "", fixes)
    choices = fix_choices(layer, problem)
    assert [(c.label, dict(c.values), c.note) for c in choices] == [
        ("w1.reshape(10, 1)", {"fix": "reshape"}, "may copy"),
        ("w1.T", {"fix": "transpose"}, "a view"),
    ]


def test_the_doctor_offers_all_four_fixes_and_each_gives_the_tutorials_answer() -> None:
    problem = _one(LESSON.compute({}), ProblemView)
    assert "inputs has 10 columns but w1 has 1 row" in problem.explanation
    assert sorted(c.values["fix"] for c in problem.fixes) == sorted(FIXES[1:])
    for choice in problem.fixes:
        assert result_values(LESSON.compute(dict(choice.values)))["y"].text == "tensor([[0.3030]])", choice


def test_on_a_non_contiguous_w1_view_is_not_offered() -> None:
    problem = _one(LESSON.compute({"memory": "non-contiguous"}), ProblemView)
    assert sorted(c.values["fix"] for c in problem.fixes) == ["reshape", "resize_"]
    refused = _one(LESSON.compute({"memory": "non-contiguous", "fix": "view"}), ProblemView)
    assert "view size is not compatible" in refused.message
    assert [dict(c.values) for c in refused.fixes] == [{"fix": "reshape"}]


def test_the_code_shown_gives_the_same_numbers_in_plain_python() -> None:
    cases = [{"fix": fix} for fix in FIXES] + [{"fix": "resize_", "memory": "non-contiguous"}]
    results = [LESSON.compute(values) for values in cases]
    codes = ["".join(b.source for b in r.blocks if isinstance(b, Code)) for r in results]
    assert all(code == r.source for code, r in zip(codes, results))
    for result, plain in zip(results, run_plain(codes)):
        shown = result_values(result)
        for name in ("inputs", "w1", "b1", "z", "y", "w1.shape"):
            if name in shown and name != "w1":  # w1 is shown as made; resize_ changes it later
                assert plain.shown[name] == shown[name].text, name
        problem = next((b for b in result.blocks if isinstance(b, ProblemView)), None)
        assert plain.error == (None if problem is None else f"{problem.kind}: {problem.message}")


@pytest.mark.parametrize(
    ("values", "field", "words"),
    [
        ({"seed": "seven"}, "seed", "whole number"),
        ({"inputs": "1,,10"}, "inputs", "empty part"),
        ({"inputs": "100000x100000"}, "inputs", "limit"),
        ({"weight": "abc"}, "weight", "like inputs"),
        ({"bias": "-1"}, "bias", "negative"),
        ({"weight": "1,8", "fix": "resize_"}, "fix", "uninitialised"),
        ({"inputs": "1,11", "memory": "non-contiguous"}, "memory", "11 has no factors"),
        ({"fix": "squeeze"}, "fix", "not one of"),
    ],
)
def test_bad_input_names_its_field(values: dict[str, str], field: str, words: str) -> None:
    with pytest.raises(InputError) as caught:
        LESSON.compute(values)
    assert caught.value.field == field and words in caught.value.message


def test_a_growing_resize_is_listed_but_never_run() -> None:
    rows = _fix_rows(LESSON.compute({"weight": "1,8"}))
    assert rows["w1.resize_(10, 1)"] == ("-", "not run: it would grow w1 by 2 uninitialised numbers")
    assert "invalid for input of size 8" in rows["w1.reshape(10, 1)"][1]


_SHAPE = st.text(alphabet="0123456789, x()-", max_size=10)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    inputs=_SHAPE,
    weight=st.one_of(_SHAPE, st.just("like inputs")),
    bias=_SHAPE,
    fix=st.sampled_from(FIXES),
    memory=st.sampled_from(["contiguous", "non-contiguous"]),
)
def test_any_shapes_give_a_result_or_a_field_message(inputs, weight, bias, fix, memory) -> None:
    try:
        result = LESSON.compute({"inputs": inputs, "weight": weight, "bias": bias, "fix": fix, "memory": memory})
    except InputError as error:
        assert error.field in {"inputs", "weight", "bias", "fix", "memory"} and error.message
    else:
        assert isinstance(result.blocks[0], Code) and result.source == result.blocks[0].source
