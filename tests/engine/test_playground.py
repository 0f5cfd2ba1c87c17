"""The Playground lesson: the learner's code, each statement's value, errors with fixes that work."""

from __future__ import annotations

import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine import InputError, lesson_by_id
from engine.blocks import Fact, ProblemView, Prose, Value
from engine.lessons.playground.compute import MAX_SHOWN
from engine.lessons.playground.snippets import SNIPPETS
from engine.sandbox.evaluation import evaluate
from tests.printing import pane_text

PLAYGROUND = lesson_by_id("playground")


def _run(code: str):
    return PLAYGROUND.compute({"code": code})


def _values(result) -> list[Value]:
    return [b for b in result.blocks if isinstance(b, Value)]


def test_each_statement_shows_its_value_as_torch_prints_it() -> None:
    result = _run("x = torch.randn(2, 3)\nx.T @ x\nx.sum().item()\n")
    torch.manual_seed(0)
    x = torch.randn(2, 3)
    shown = _values(result)
    assert [v.title for v in shown] == ["line 1: x", "line 2: x.T @ x", "line 3: x.sum().item()"]
    assert shown[0].text == str(x) and shown[0].shape == (2, 3) and shown[0].dtype == "torch.float32"
    assert shown[1].text == pane_text(x.T @ x) and shown[1].shape == (3, 3)
    assert shown[2].text == str(x.sum().item())
    assert result.source == "x = torch.randn(2, 3)\nx.T @ x\nx.sum().item()\n"


def test_gradients_are_noted() -> None:
    shown = _values(_run("x = torch.tensor(2.0, requires_grad=True)\ny = x ** 3\n"))
    assert shown[0].note == "requires_grad"
    assert "grad_fn=PowBackward0" in shown[1].note


def test_a_failing_matmul_shows_torchs_words_and_fixes_that_run() -> None:
    code = "x = torch.randn(1, 10)\nw = torch.randn(1, 10)\ny = x @ w\n"
    result = _run(code)
    problem = next(b for b in result.blocks if isinstance(b, ProblemView))
    with pytest.raises(RuntimeError) as real:
        torch.randn(1, 10) @ torch.randn(1, 10)
    assert problem.message == str(real.value)
    assert problem.source == "y = x @ w" and problem.explanation
    assert problem.fixes
    for fix in problem.fixes:
        fixed = fix.values["code"]
        assert fixed.startswith("x = torch.randn(1, 10)\nw = torch.randn(1, 10)\n")
        applied = _run(fixed)
        assert not any(isinstance(b, ProblemView) for b in applied.blocks), fix.label
        assert _values(applied)[-1].shape == fix.shape


@pytest.mark.parametrize("code", ["import os\n", "x = open('notes.txt')\n", "t = torch.ones(2).__class__\n"])
def test_code_outside_the_safe_subset_is_refused_with_what_is_allowed(code: str) -> None:
    problem = next(b for b in _run(code).blocks if isinstance(b, ProblemView))
    assert problem.kind == "Refused"
    assert "not available here" in problem.message
    assert "safe subset" in problem.explanation


def test_code_that_does_not_parse_keeps_the_last_results() -> None:
    with pytest.raises(InputError) as error:
        _run("x = torch.randn(2,\n")
    assert error.value.field == "code"
    assert error.value.message.startswith("Line 1: ")


def test_empty_code_says_what_to_do() -> None:
    result = _run("   \n")
    assert isinstance(result.blocks[0], Prose) and "Type PyTorch" in result.blocks[0].text
    assert result.source == ""


def test_long_outputs_are_capped() -> None:
    result = _run("for i in range(80): print(i)\n")
    assert len(_values(result)) == MAX_SHOWN
    assert any(isinstance(b, Fact) and "30 more" in b.text for b in result.blocks)


@pytest.mark.parametrize("snippet", SNIPPETS, ids=[s.title for s in SNIPPETS])
def test_starter_snippets_run_or_fail_on_purpose(snippet) -> None:
    result = _run(snippet.code)
    problems = [b for b in result.blocks if isinstance(b, ProblemView)]
    evaluation = evaluate(snippet.code)
    assert len(_values(result)) == len(evaluation.outputs) > 0
    if snippet.fails:
        assert problems and problems[0].fixes
    else:
        assert not problems, problems


TOKENS = st.sampled_from(
    [
        "x",
        "=",
        "torch.randn(",
        "2",
        ",",
        "3",
        ")",
        "@",
        "x.T",
        "\n",
        "np.zeros((2, 2))",
        "(",
        "[",
        "]",
        "import os",
        "print(x)",
        "for i in range(3):",
        "    ",
        ".shape",
        "**",
        "9",
        "__class__",
        ":",
        "'",
    ]
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(TOKENS, max_size=14).map("".join))
def test_any_text_gives_a_result_or_an_input_error(code: str) -> None:
    try:
        result = _run(code)
    except InputError as error:
        assert error.field == "code"
        return
    assert result.blocks
