"""Property tests for the shape doctor: any shapes, the same verdict as PyTorch, and fixes that run."""

from __future__ import annotations

import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from torch import nn

from engine.sandbox.evaluation import apply_fix, evaluate

SHAPES = st.lists(st.integers(0, 5), min_size=1, max_size=3).map(tuple)
BINARY = {
    "a @ b": lambda a, b: a @ b,
    "torch.matmul(a, b)": torch.matmul,
    "torch.mm(a, b)": torch.mm,
    "a * b": lambda a, b: a * b,
    "a + b": lambda a, b: a + b,
}
EXPLAINED = (
    "cannot be multiplied",
    "must match the size of tensor",
    "is invalid for input of size",
    "must be a matrix",
    "view size is not compatible",
)
DOCTOR = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def literal(shape: tuple[int, ...]) -> str:
    return "(" + ", ".join(map(str, shape)) + ("," if len(shape) == 1 else "") + ")"


def check_against_torch(source: str, expected: object, raised: Exception | None) -> None:
    """evaluate agrees with PyTorch run directly, explains what it should, and its fixes all run."""
    evaluation = evaluate(source)
    if raised is None:
        assert evaluation.ok, (source, evaluation.error)
        assert torch.equal(evaluation.namespace["y"], expected)  # type: ignore[arg-type]
        return
    problem = evaluation.error
    assert problem is not None and problem.message == str(raised), (source, problem)
    assert problem.line == source.count("\n")
    if any(words in problem.message for words in EXPLAINED):
        assert problem.explanation, source
    for fix in problem.fixes:
        fixed = evaluate(apply_fix(source, problem, fix))
        assert fixed.ok, (source, fix, fixed.error)
        assert fix.shape == tuple(fixed.namespace["y"].shape), (source, fix)


@DOCTOR
@given(SHAPES, SHAPES, st.sampled_from(sorted(BINARY)))
def test_binary_operations_match_torch_and_fixes_run(
    a_shape: tuple[int, ...], b_shape: tuple[int, ...], op: str
) -> None:
    a, b = torch.ones(a_shape), torch.full(b_shape, 2.0)
    try:
        expected, raised = BINARY[op](a, b), None
    except RuntimeError as exc:
        expected, raised = None, exc
    source = f"a = torch.ones({literal(a_shape)})\nb = torch.full({literal(b_shape)}, 2.0)\ny = {op}\n"
    check_against_torch(source, expected, raised)


@DOCTOR
@given(SHAPES, SHAPES, st.sampled_from(["view", "reshape"]), st.booleans())
def test_view_and_reshape_match_torch(
    shape: tuple[int, ...], target: tuple[int, ...], method: str, transposed: bool
) -> None:
    x = torch.arange(float(torch.Size(shape).numel())).reshape(shape)
    prefix = ".T" if transposed and len(shape) == 2 else ""
    try:
        expected, raised = getattr(x.T if prefix else x, method)(target), None
    except RuntimeError as exc:
        expected, raised = None, exc
    source = (
        f"x = torch.arange({float(torch.Size(shape).numel())}).reshape({literal(shape)})\n"
        f"y = x{prefix}.{method}({literal(target)})\n"
    )
    check_against_torch(source, expected, raised)


@pytest.mark.filterwarnings("ignore:Initializing zero-element tensors")
@DOCTOR
@given(st.integers(0, 6), st.integers(1, 4), SHAPES)
def test_linear_layers_match_torch(n_in: int, n_out: int, x_shape: tuple[int, ...]) -> None:
    torch.manual_seed(0)
    layer = nn.Linear(n_in, n_out)
    x = torch.ones(x_shape)
    try:
        expected, raised = layer(x), None
    except RuntimeError as exc:
        expected, raised = None, exc
    source = f"layer = nn.Linear({n_in}, {n_out})\nx = torch.ones({literal(x_shape)})\ny = layer(x)\n"
    evaluation = evaluate(source)
    if raised is None:
        assert evaluation.ok and torch.equal(evaluation.namespace["y"], expected)
        return
    assert evaluation.error.message == str(raised)
    if "cannot be multiplied" in str(raised):
        assert f"layer is nn.Linear({n_in}, {n_out})" in evaluation.error.explanation
    for fix in evaluation.error.fixes:
        fixed = evaluate(apply_fix(source, evaluation.error, fix))
        assert fixed.ok and fix.shape == tuple(fixed.namespace["y"].shape)
