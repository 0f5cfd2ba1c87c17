"""Lesson 6 shows the tutorial's network by hand and as nn.Module with the numbers PyTorch really gives."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from torch import nn

from engine import InputError, lesson_by_id
from engine.blocks import Code, Fact, ProblemView, Table
from engine.printing import DISPLAY_WIDTH
from tests.printing import pane_text
from tests.results import result_values

LESSON = lesson_by_id("network")
COUNT = "sum(p.numel() for p in net.parameters())"


def _by_hand(sizes=(10, 20, 20, 10), features=10, seed=7, activation=None) -> list[torch.Tensor]:
    """The hidden values h1, h2, ... of the tutorial's network, made directly with torch."""
    torch.manual_seed(seed)
    h = torch.randn(features)
    weights = [(torch.randn(a, b), torch.randn(b)) for a, b in zip(sizes, sizes[1:])]
    out = []
    for i, (w, b) in enumerate(weights):
        h = torch.matmul(w.T, h) + b
        if activation is not None and i < len(weights) - 1:
            h = activation(h)
        out.append(h)
    return out


def _module(sizes=(10, 20, 20, 10), features=10, seed=7) -> tuple[list[nn.Linear], torch.Tensor]:
    torch.manual_seed(seed)
    inputs = torch.randn(features)
    return [nn.Linear(a, b) for a, b in zip(sizes, sizes[1:])], inputs


def _table(result) -> list[tuple[str, ...]]:
    return list(next(b for b in result.blocks if isinstance(b, Table)).rows)


def _problems(result) -> list[ProblemView]:
    return [b for b in result.blocks if isinstance(b, ProblemView)]


def _facts(result) -> str:
    return " ".join(b.text for b in result.blocks if isinstance(b, Fact))


def test_by_hand_each_layer_is_matmul_of_the_transpose() -> None:
    shown = result_values(LESSON.compute({}))
    for i, h in enumerate(_by_hand(), 1):
        assert shown[f"h{i}"].text == pane_text(h) and shown[f"h{i}"].shape == tuple(h.shape)


def test_the_module_has_850_parameters_and_transposed_weights() -> None:
    result = LESSON.compute({})
    layers, inputs = _module()
    shown = result_values(result)
    assert shown[COUNT].text == str(sum(p.numel() for layer in layers for p in layer.parameters())) == "850"
    assert shown["net.fc1.weight.shape"].text == "torch.Size([20, 10])"
    y = inputs
    for layer in layers:
        y = layer(y)
    assert shown["net(inputs)"].text == pane_text(y)
    assert "Net(\n  (fc1): Linear(in_features=10, out_features=20, bias=True)" in shown["print(net)"].text
    assert _table(result) == [
        ("fc1", "(20, 10)", "(20,)", "220"),
        ("fc2", "(20, 20)", "(20,)", "420"),
        ("fc3", "(10, 20)", "(10,)", "210"),
        ("total", "", "", "850"),
    ]
    assert "fc1.weight is (20, 10), the transpose of the hand-built w1 (10, 20)" in _facts(result)


def test_without_an_activation_the_stack_is_one_matrix() -> None:
    result = LESSON.compute({})
    assert result_values(result)["torch.allclose(one, h3, rtol=1e-4, atol=1e-4)"].text == "True"
    torch.manual_seed(7)
    inputs = torch.randn(10)
    (w1, b1), (w2, b2), (w3, b3) = [(torch.randn(a, b), torch.randn(b)) for a, b in ((10, 20), (20, 20), (20, 10))]
    one = torch.matmul((w1 @ w2 @ w3).T, inputs) + torch.matmul(w3.T, torch.matmul(w2.T, b1) + b2) + b3
    assert torch.allclose(one, _by_hand()[-1], rtol=1e-4, atol=1e-4)
    assert "one (10, 10) matrix W and one bias c give the same output" in _facts(result)


@pytest.mark.parametrize("activation", ["sigmoid", "relu"])
def test_an_activation_breaks_the_single_matrix(activation: str) -> None:
    result = LESSON.compute({"activation": activation})
    h = _by_hand(activation=getattr(torch, activation))
    shown = result_values(result)
    assert shown["h3"].text == pane_text(h[-1])
    assert shown["torch.allclose(one, h3, rtol=1e-4, atol=1e-4)"].text == "False"
    assert f"With {activation} between the layers the stack is no longer one linear map" in _facts(result)
    assert f"x = torch.{activation}(self.fc1(x))" in result.source and "x = self.fc3(x)\n" in result.source


def test_a_single_layer_has_no_place_for_an_activation() -> None:
    result = LESSON.compute({"sizes": "10, 3", "activation": "relu"})
    assert "relu" not in result.source
    assert result_values(result)["torch.allclose(one, h1, rtol=1e-4, atol=1e-4)"].text == "True"
    assert "One layer is one linear map already" in _facts(result)


def test_eleven_features_fail_with_the_layers_before_still_listed() -> None:
    result = LESSON.compute({"input": "11"})
    layers, inputs = _module(features=11)
    hand, module = _problems(result)
    torch.manual_seed(7)
    x = torch.randn(11)
    with pytest.raises(RuntimeError) as by_hand:
        torch.matmul(torch.randn(10, 20).T, x)
    assert hand.message == str(by_hand.value)
    with pytest.raises(RuntimeError) as linear:
        layers[0](inputs)
    assert module.message == str(linear.value) == "mat1 and mat2 shapes cannot be multiplied (1x11 and 10x20)"
    assert _table(result) == [
        ("fc1", "(20, 10)", "✗ mat1 and mat2 shapes cannot be multiplied (1x11 and 10x20)", "220"),
        ("fc2", "(20, 20)", "not reached", "420"),
        ("fc3", "(10, 20)", "not reached", "210"),
        ("total", "", "", "850"),
    ]
    assert [dict(f.values) for f in module.fixes] == [{"input": "10"}, {"sizes": "11, 20, 20, 10"}]
    for fix in module.fixes:
        fixed = LESSON.compute({"input": "11", **fix.values})
        assert not _problems(fixed) and result_values(fixed)["net(inputs)"].shape == fix.shape


def test_a_batch_is_refused_by_hand_so_only_fixes_that_run_both_versions_are_offered() -> None:
    result = LESSON.compute({"input": "2, 11"})
    hand, module = _problems(result)
    assert hand.message == "mat1 and mat2 shapes cannot be multiplied (20x10 and 2x11)"
    assert [dict(f.values) for f in module.fixes] == [{"input": "10"}]


def test_editing_the_layers_changes_the_table_and_the_count() -> None:
    result = LESSON.compute({"sizes": "10, 5, 3"})
    layers, _ = _module(sizes=(10, 5, 3))
    count = sum(p.numel() for layer in layers for p in layer.parameters())
    assert count == 73 and result_values(result)[COUNT].text == "73"
    assert _table(result) == [("fc1", "(5, 10)", "(5,)", "55"), ("fc2", "(3, 5)", "(3,)", "18"), ("total", "", "", "73")]
    assert "self.fc3" not in result.source and "h3" not in result.source


def _plain(source: str, keys: list[str]) -> tuple[str, dict[str, str]]:
    """Run ``source`` as a plain Python script; what it printed, and ``str`` of each key expression after.

    The script prints for the pane's width, as an exported script does.
    """
    mark = "--- values ---"
    script = "\n".join(
        [
            "import json",
            "import torch",
            "import torch.nn as nn",
            f"torch.set_printoptions(linewidth={DISPLAY_WIDTH})",
            source,
            f"print({mark!r})",
            "print(json.dumps({" + ", ".join(f"{k!r}: str({k})" for k in keys) + "}))",
        ]
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    printed, values = done.stdout.split(mark + "\n")
    return printed, json.loads(values)


@pytest.mark.parametrize("values", [{}, {"activation": "relu", "sizes": "10, 6, 4, 2", "seed": "3"}])
def test_the_code_shown_gives_the_same_numbers_in_plain_python(values: dict[str, str]) -> None:
    result = LESSON.compute(values)
    code = "\n".join(b.source for b in result.blocks if isinstance(b, Code))
    assert code == result.source
    shown = result_values(result)
    keys = [k for k in shown if k.startswith("h") or k in (COUNT, "net.fc1.weight.shape")]
    keys += ["torch.allclose(one, h3, rtol=1e-4, atol=1e-4)", "net(inputs)"]
    printed, plain = _plain(code, keys)
    assert printed.rstrip("\n") == shown["print(net)"].text
    for key in keys:
        assert plain[key] == shown[key].text, key


@pytest.mark.parametrize(
    ("values", "field", "words"),
    [
        ({"sizes": "10"}, "sizes", "at least two"),
        ({"sizes": "10, a, 10"}, "sizes", "not a whole number"),
        ({"sizes": "10, 0, 10"}, "sizes", "from 1"),
        ({"sizes": "2, 2, 2, 2, 2, 2, 2, 2, 2, 2"}, "sizes", "at most 8 layers"),
        ({"sizes": "100000, 100000"}, "sizes", "the limit is 1,000,000"),
        ({"sizes": "99999999999999999999, 2"}, "sizes", "whole number"),
        ({"input": "1,,10"}, "input", "empty part"),
        ({"input": "100000x100000"}, "input", "limit"),
        ({"seed": "-1"}, "seed", "out of range"),
    ],
)
def test_bad_input_names_its_field(values: dict[str, str], field: str, words: str) -> None:
    with pytest.raises(InputError) as caught:
        LESSON.compute(values)
    assert caught.value.field == field and words in caught.value.message


def test_big_layers_stay_within_the_work_limit() -> None:
    result = LESSON.compute({"sizes": "1000, 998", "input": "1000, 1000"})
    problems = _problems(result)
    assert problems and all(p.kind == "LimitExceeded" and not p.fixes for p in problems)
    assert _table(result)[0][2] == "not run: over the work limit"


_SIZES = st.text(alphabet="0123456789, ", max_size=16)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sizes=_SIZES, shape=st.text(alphabet="0123456789, x", max_size=8), activation=st.sampled_from(["none", "relu"]))
def test_any_sizes_give_a_result_or_a_field_message(sizes: str, shape: str, activation: str) -> None:
    try:
        result = LESSON.compute({"sizes": sizes, "input": shape, "activation": activation})
    except InputError as error:
        assert error.field in {"sizes", "input"} and error.message
    else:
        assert any(isinstance(b, Table) for b in result.blocks)
