"""Challenges are checked by running the learner's code on several inputs against the reference's run.

Each check here runs in this process (``check_challenge``); one test goes
through the worker the way the app does (``engine.check``).
"""

from __future__ import annotations

import resource

import numpy as np
import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from torch import nn

import engine
from engine import LESSONS, limits
from engine.practice import Challenge, Verdict, challenge, challenges, steps
from engine.practice.checking import check, check_challenge, reference_values

TAUGHT = [lesson for lesson in LESSONS if lesson.id != "playground"]
ALL = [item for lesson in TAUGHT for item in challenges(lesson.id)]


def _id(item: Challenge) -> str:
    return f"{item.lesson}/{item.id}"


@pytest.mark.parametrize("lesson", TAUGHT, ids=lambda lesson: lesson.id)
def test_every_lesson_ends_with_two_or_three_challenges_that_follow_its_steps(lesson) -> None:
    found = challenges(lesson.id)
    assert 2 <= len(found) <= 3
    for item in found:
        assert item.lesson == lesson.id and item.prompt and item.starter and item.solution
        assert 1 <= len(item.hints) <= 3
        assert len(item.trials) >= 3, "the challenge's own inputs and at least two more"
        assert len({trial.setup for trial in item.trials}) == len(item.trials) or len(
            {t.seed for t in item.trials}
        ) == len(item.trials)
    every = steps(lesson)
    assert every[: len(lesson.steps)] == lesson.steps
    assert [step.kind for step in every[-len(found) :]] == ["challenge"] * len(found)
    assert len({step.id for step in every}) == len(every)


@pytest.mark.parametrize("item", ALL, ids=_id)
def test_the_starter_fails_and_the_solution_passes(item: Challenge) -> None:
    started = check_challenge(item, item.starter)
    assert not started.passed and started.feedback
    solved = check_challenge(item, item.solution)
    assert solved.passed, solved.feedback
    assert str(len(item.trials)) in solved.feedback


@pytest.mark.parametrize("item", ALL, ids=_id)
def test_empty_code_fails_naming_what_is_missing(item: Challenge) -> None:
    verdict = check_challenge(item, "")
    assert not verdict.passed
    assert verdict.feedback == f"Your code does not set {(item.results + item.shapes)[0]} yet."


def _literal(name: str, value: object) -> str | None:
    """``name = <the value typed out>``, as a learner who copies the printed numbers would write it."""
    if isinstance(value, torch.Tensor):
        return (
            f"{name} = torch.tensor({value.detach().tolist()!r}, dtype=torch.{str(value.dtype).removeprefix('torch.')})"
        )
    if isinstance(value, np.ndarray):
        return f"{name} = np.array({value.tolist()!r}, dtype=np.{value.dtype})"
    if isinstance(value, (int, float)):
        return f"{name} = {value!r}"
    return None


@pytest.mark.parametrize("item", ALL, ids=_id)
def test_the_solution_with_its_results_typed_as_literals_fails_on_the_other_inputs(item: Challenge) -> None:
    values = reference_values(item, 0)
    literals = [line for name in item.results + item.shapes if (line := _literal(name, values[name])) is not None]
    assert literals, "every challenge has a result that numbers could be typed for"
    typed = item.solution + "\n" + "\n".join(literals) + "\n"
    verdict = check_challenge(item, typed)
    assert not verdict.passed, "typed numbers must not pass"
    assert verdict.trial >= 2, "they match the first inputs, so the others catch them"
    assert "not typed numbers" in verdict.feedback


@pytest.mark.parametrize("item", ALL, ids=_id)
def test_a_syntax_error_is_a_verdict_with_the_line_in_the_learners_code(item: Challenge) -> None:
    verdict = check_challenge(item, "y = 1\nz = (\n")
    assert not verdict.passed
    assert verdict.problem is not None and verdict.problem.kind == "SyntaxError"
    assert verdict.problem.line == 2 and verdict.feedback.startswith("Line 2:")


@pytest.mark.parametrize("item", ALL, ids=_id)
def test_a_shape_error_gets_the_doctors_explanation_and_fixes(item: Challenge) -> None:
    source = "p = torch.ones(2, 3)\nq = torch.ones(2, 3)\nbad = p @ q\n"
    verdict = check_challenge(item, source)
    assert not verdict.passed and verdict.problem is not None
    assert verdict.feedback == "Line 3: mat1 and mat2 shapes cannot be multiplied (2x3 and 2x3)"
    assert "p is (2, 3) and q is (2, 3)" in verdict.problem.explanation
    assert verdict.problem.fixes and verdict.problem.span is not None
    start, end = verdict.problem.span
    assert source[start:end] == "bad = p @ q", "the span is in the learner's text, so a fix applies to the editor"


def test_the_verdict_speaks_in_the_learners_names_and_numbers() -> None:
    net = challenge("network", "net850")
    too_many = net.solution.replace("nn.Linear(20, 20)", "nn.Linear(20, 20)\n        self.extra = nn.Linear(1, 5)")
    assert check_challenge(net, too_many).feedback == "net has 860 parameters, 10 too many."
    layer = challenge("layer", "view")
    transposed = "y = torch.sigmoid(torch.matmul(w1.view(10, 1), inputs) + b1)\n"
    assert check_challenge(layer, transposed).feedback == "y has shape (10, 10); it should be (1, 1)."
    ones = challenge("tensors", "ones")
    typed = check_challenge(ones, "t = torch.ones(2, 3)\n")
    assert not typed.passed and typed.trial == 2
    assert typed.feedback.startswith(
        "Right for the inputs given, but not with rows, cols = 4, 1: t has shape (2, 3); it should be (4, 1)."
    )
    seeded = check_challenge(layer, "y = torch.tensor([[0.3030]])\n")
    assert seeded.feedback == "y[0, 0] is 0.303; it should be 0.302986."


def test_a_one_number_tensor_counts_as_the_number_and_a_copy_is_caught_by_its_values() -> None:
    slope = challenge("derivatives", "slope")
    assert check_challenge(slope, "y = x ** 3\ny.backward()\nslope = x.grad\n").passed
    share = challenge("numpy", "share")
    assert check_challenge(share, share.starter).feedback == "t[0] is 0; it should be 100."
    wrong_kind = check_challenge(challenge("numpy", "detach"), "arr = w.detach()\n")
    assert wrong_kind.feedback == "arr is a tensor; it should be a NumPy array."


def test_the_reference_values_are_pytorchs_own() -> None:
    torch.manual_seed(0)
    assert torch.equal(reference_values(challenge("tensors", "identity"), 2)["e"], torch.eye(5, dtype=torch.float64))
    net = reference_values(challenge("network", "net850"), 0)["net"]
    assert isinstance(net, nn.Module) and sum(p.numel() for p in net.parameters()) == 850


def test_unknown_challenges_and_non_text_are_verdicts_not_errors() -> None:
    assert not check("tensors", "nope", "t = 1").passed
    assert not check("tensors", "ones", None).passed  # type: ignore[arg-type]
    assert not check(None, None, None).passed  # type: ignore[arg-type]


def test_check_through_the_worker_matches_and_never_raises() -> None:
    item = challenge("matmul", "product")
    assert engine.check(item, item.solution).passed
    failed = engine.check(item, item.starter)
    assert isinstance(failed, Verdict) and not failed.passed and failed.problem is not None
    assert failed.problem.explanation, "the doctor's words cross the process boundary"
    assert not engine.check(item, 42).passed  # type: ignore[arg-type]


_CODE = st.one_of(
    st.text(max_size=200),
    st.lists(
        st.sampled_from(
            [
                "t = torch.ones(rows, cols)",
                "t = t @ t",
                "x = (",
                "t = torch.zeros(10**9)",
                "import os",
                "t = t.T",
                "del t",
                "while True:\n    pass",
                "t = [1] * 10**8",
                "t = torch.randn(rows, cols).numpy()",
                "print(t)",
                "t.resize_(3)",
            ]
        ),
        max_size=6,
    ).map("\n".join),
)


_PEAK: dict[str, int] = {}
"""This process's peak memory before the first example (bytes on Linux)."""


def _peak() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(source=_CODE)
def test_check_on_any_text_is_a_verdict_within_the_evaluators_limits(source: str) -> None:
    before = _PEAK.setdefault("before", _peak())
    verdict = check("tensors", "ones", source)
    assert isinstance(verdict, Verdict) and isinstance(verdict.feedback, str) and verdict.feedback
    assert verdict.passed is False or source.count("torch.ones(rows, cols)")
    if verdict.problem is not None and verdict.problem.line > 0:
        assert verdict.feedback.startswith(f"Line {verdict.problem.line}: "), (
            "a failure says where, in the learner's lines"
        )
    grown = _peak() - before
    assert grown < 3 * limits.MAX_RUN_BYTES, f"a check's memory stays bounded (peak grew {grown:,} bytes)"


@pytest.mark.parametrize(
    ("source", "words"),
    [
        ("while True:\n    pass", "the limit is 1.5 s"),
        ("t = torch.zeros(10**9)", "the limit is 1,000,000"),
        ("t = [1] * 10**8", "the limit is 100,000"),
    ],
)
def test_code_past_the_evaluators_limits_is_stopped_by_them_and_says_so(source: str, words: str) -> None:
    verdict = check_challenge(challenge("tensors", "ones"), source)
    assert not verdict.passed and verdict.feedback.startswith("Line 1: ") and words in verdict.feedback
