"""Lesson 6 shows the tutorial's network by hand and as nn.Module with the numbers PyTorch really gives."""

from __future__ import annotations

import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from torch import nn

from engine import InputError, lesson_by_id
from engine.blocks import Code, Fact, ProblemView, Table
from tests.printing import pane_text
from tests.results import result_values

LESSON = lesson_by_id("network")


def compute(step: str, **values: str):
    return LESSON.compute({**LESSON.defaults(), **values}, step=step)


def _by_hand(sizes=(10, 20, 20, 10), seed=7, activation=None) -> list[torch.Tensor]:
    torch.manual_seed(seed)
    h = torch.randn(sizes[0])
    weights = [(torch.randn(a, b), torch.randn(b)) for a, b in zip(sizes, sizes[1:])]
    out = []
    for i, (w, b) in enumerate(weights):
        h = torch.matmul(w.T, h) + b
        if activation is not None and i < len(weights) - 1:
            h = activation(h)
        out.append(h)
    return out


def _facts(result) -> str:
    return " ".join(b.text for b in result.blocks if isinstance(b, Fact))


def _table(result) -> list[tuple[str, ...]]:
    return list(next(b for b in result.blocks if isinstance(b, Table)).rows)


def test_by_hand_each_layer_is_matmul_of_the_transpose() -> None:
    result = compute("hand")
    assert result_values(result)["h3"].text == pane_text(_by_hand()[-1])
    assert "torch.matmul(w1.T, inputs) + b1" in result.source


def test_the_module_has_850_parameters_and_transposed_weights() -> None:
    net = nn.Sequential(nn.Linear(10, 20), nn.Linear(20, 20), nn.Linear(20, 10))
    assert sum(p.numel() for p in net.parameters()) == 850
    text = _facts(compute("module"))
    assert "850 parameters" in text and "fc1.weight is (20, 10)" in text and "w1 (10, 20)" in text
    assert "class Net(nn.Module)" in compute("module").source


def test_eleven_features_fail_with_the_layers_before_still_listed() -> None:
    with pytest.raises(RuntimeError) as caught:
        nn.Linear(10, 20)(torch.randn(1, 11))
    result = compute("table")
    problem = next(b for b in result.blocks if isinstance(b, ProblemView))
    assert problem.message == str(caught.value) == "mat1 and mat2 shapes cannot be multiplied (1x11 and 10x20)"
    assert "fc1 is nn.Linear(10, 20)" in problem.explanation
    rows = _table(result)
    assert [row[0] for row in rows] == ["fc1", "fc2", "fc3"] and rows[0][1] == "(20, 10)"
    assert rows[0][2] == "refused (see below)" and rows[1][2] == "not reached"
    for fix in problem.fixes:
        assert compute("table", **fix.values).measures["ok"] is True
    later = _table(compute("table", sizes="10, 20, 20, 10", input="1,10"))
    assert [row[2] for row in later] == ["(1, 20)", "(1, 20)", "(1, 10)"]


def test_without_an_activation_the_stack_is_one_matrix() -> None:
    result = compute("activation")
    assert result.measures["one_map"] is True and "collapse" in _facts(result)
    assert result_values(result)["torch.allclose(one, h3, rtol=1e-4, atol=1e-4)"].text == "True"


@pytest.mark.parametrize("activation", ["relu", "sigmoid"])
def test_an_activation_breaks_the_single_matrix(activation: str) -> None:
    result = compute("activation", activation=activation)
    assert result.measures["one_map"] is False and "no longer one linear map" in _facts(result)


@pytest.mark.parametrize(
    ("values", "field", "words"),
    [
        ({"sizes": "10"}, "sizes", "at least two"),
        ({"sizes": "10,,20"}, "sizes", "empty part"),
        ({"sizes": "10, a, 10"}, "sizes", "not a whole number"),
        ({"sizes": "10, 0, 10"}, "sizes", "from 1"),
        ({"sizes": "2, 2, 2, 2, 2, 2, 2, 2, 2, 2"}, "sizes", "at most 8 layers"),
        ({"sizes": "100000, 100000"}, "sizes", "the limit is 1,000,000"),
        ({"input": "1,,10"}, "input", "empty part"),
        ({"seed": "-1"}, "seed", "out of range"),
    ],
)
def test_bad_input_names_its_field(values: dict[str, str], field: str, words: str) -> None:
    step = "table" if "input" in values else "hand"
    with pytest.raises(InputError) as caught:
        compute(step, **values)
    assert caught.value.field == field and words in caught.value.message


def test_the_same_rule_as_shapes_for_empty_parts() -> None:
    """``10,,20`` is refused like ``2,,3`` in a shape: one parser rule."""
    for step, field, text in (("hand", "sizes", "10,,20"), ("table", "input", "1,,11")):
        with pytest.raises(InputError) as caught:
            compute(step, **{field: text})
        assert "found an empty part" in caught.value.message


_SIZES = st.text(alphabet="0123456789, ", max_size=16)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    sizes=_SIZES,
    shape=st.text(alphabet="0123456789, x", max_size=8),
    step=st.sampled_from([s.id for s in LESSON.steps]),
)
def test_any_sizes_give_a_result_or_a_field_message(sizes: str, shape: str, step: str) -> None:
    try:
        result = compute(step, sizes=sizes, input=shape)
    except InputError as error:
        assert error.field in {"sizes", "input"} and error.message
    else:
        assert any(isinstance(b, Code) for b in result.blocks)
