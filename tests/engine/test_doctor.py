"""The shape doctor: explanations name the learner's operands, and every fix offered really runs."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from torch import nn

from engine.outcomes import Evaluation, Problem
from engine.sandbox.evaluation import apply_fix, evaluate
from tests.results import LESSON5, lesson5_tensors


def failed(source: str) -> Problem:
    evaluation = evaluate(source)
    assert evaluation.error is not None, "expected the source to fail"
    return evaluation.error


def rerun_each_fix(source: str, problem: Problem) -> list[Evaluation]:
    """Apply every fix, run again, and check the rewritten statement now runs and has the promised shape."""
    runs = []
    for fix in problem.fixes:
        fixed_source = apply_fix(source, problem, fix)
        assert fix.code in fixed_source
        evaluation = evaluate(fixed_source)
        assert evaluation.error is None or evaluation.error.line != problem.line, (fix, evaluation.error)
        runs.append(evaluation)
    return runs


def test_lesson5_fixes_all_give_the_tutorials_value() -> None:
    problem = failed(LESSON5)
    assert problem.explanation.startswith(
        "inputs is (1, 10) and w1 is (1, 10): inputs has 10 columns but w1 has 1 row; a matrix product needs them equal."
    )
    assert [f.label for f in problem.fixes] == ["w1.reshape(10, 1)", "w1.view(10, 1)", "w1.resize_(10, 1)", "w1.T"]
    assert problem.fixes[0].code == "y = torch.sigmoid(torch.matmul(inputs, w1.reshape(10, 1)) + b1)"
    assert all(f.shape == (1, 1) for f in problem.fixes)
    assert "in place" in problem.fixes[2].note
    assert "copy" in problem.fixes[0].note and "contiguous" in problem.fixes[1].note

    inputs, w1, b1 = lesson5_tensors()
    expected = {
        "w1.reshape(10, 1)": torch.sigmoid(torch.matmul(inputs, w1.reshape(10, 1)) + b1),
        "w1.view(10, 1)": torch.sigmoid(torch.matmul(inputs, w1.view(10, 1)) + b1),
        "w1.T": torch.sigmoid(torch.matmul(inputs, w1.T) + b1),
        "w1.resize_(10, 1)": torch.sigmoid(torch.matmul(inputs, w1.clone().resize_(10, 1)) + b1),
    }
    for fix, run in zip(problem.fixes, rerun_each_fix(LESSON5, problem)):
        assert run.ok
        y = run.namespace["y"]
        assert str(y) == str(expected[fix.label]) == "tensor([[0.3030]])"
    z = torch.matmul(inputs, w1.T) + b1
    assert f"{z.item():.4f}" == "-0.8331" and f"{b1.item():.4f}" == "1.7792"


def test_lesson5_same_message_for_mm_and_at_and_fixes_for_each() -> None:
    for product in ("torch.mm(inputs, w1)", "inputs @ w1"):
        source = LESSON5.replace("torch.matmul(inputs, w1)", product)
        problem = failed(source)
        assert problem.message == "mat1 and mat2 shapes cannot be multiplied (1x10 and 1x10)"
        assert "inputs has 10 columns but w1 has 1 row" in problem.explanation
        assert len(problem.fixes) == 4
        for run in rerun_each_fix(source, problem):
            assert str(run.namespace["y"]) == "tensor([[0.3030]])"


def test_fix_trials_leave_the_learners_values_alone() -> None:
    evaluation = evaluate(LESSON5)
    assert any(f.label == "w1.resize_(10, 1)" for f in evaluation.error.fixes)
    assert evaluation.namespace["w1"].shape == (1, 10)
    assert [o.name for o in evaluation.outputs] == ["inputs", "w1", "b1"]


def test_lesson2_b_at_a_offers_swap_and_transpose() -> None:
    source = (
        "A = torch.tensor([[1.0, 2, 3], [4, 5, 6], [7, 8, 9]])\n"
        "B = torch.tensor([[2.0, 3], [2, 3], [2, 3]])\n"
        "C = B @ A\n"
    )
    problem = failed(source)
    assert problem.message == "mat1 and mat2 shapes cannot be multiplied (3x2 and 3x3)"
    assert "B is (3, 2) and A is (3, 3): B has 2 columns but A has 3 rows" in problem.explanation
    assert "no reshape of A can fix it" in problem.explanation
    labels = [f.label for f in problem.fixes]
    assert labels[:2] == ["A @ B", "B.T"]
    a = torch.tensor([[1.0, 2, 3], [4, 5, 6], [7, 8, 9]])
    b = torch.tensor([[2.0, 3], [2, 3], [2, 3]])
    runs = dict(zip(labels, rerun_each_fix(source, problem)))
    assert torch.equal(runs["A @ B"].namespace["C"], a @ b)
    assert torch.equal(runs["B.T"].namespace["C"], b.T @ a)
    assert problem.fixes[0].shape == (3, 2) and problem.fixes[1].shape == (2, 3)


def test_numpy_dot_mismatch_gets_the_same_diagnosis() -> None:
    source = "A = np.ones((3, 3))\nB = np.ones((3, 2))\nnp.dot(B, A)"
    problem = failed(source)
    assert problem.message == "shapes (3,2) and (3,3) not aligned: 2 (dim 1) != 3 (dim 0)"
    assert "B has 2 columns but A has 3 rows" in problem.explanation
    assert "np.dot(A, B)" in [f.label for f in problem.fixes]
    for run in rerun_each_fix(source, problem):
        assert isinstance(run.namespace.get("A"), np.ndarray)


def test_batched_matmul_explanation_names_the_real_shapes() -> None:
    x, w = torch.ones(2, 3, 4, 5), torch.ones(6, 7)
    with pytest.raises(RuntimeError) as raised:
        x @ w
    problem = failed("x = torch.ones(2, 3, 4, 5)\nw = torch.ones(6, 7)\ny = x @ w")
    assert problem.message == str(raised.value) == "mat1 and mat2 shapes cannot be multiplied (24x5 and 6x7)"
    assert "x is (2, 3, 4, 5) and w is (6, 7)" in problem.explanation
    assert "flattened to 24x5" in problem.explanation
    assert "no reshape of w can fix it" in problem.explanation
    assert problem.fixes == ()


def test_mm_on_a_3d_tensor_offers_matmul_and_bmm() -> None:
    source = "a = torch.ones(2, 3, 4)\nb = torch.ones(2, 4, 5)\nc = torch.mm(a, b)"
    problem = failed(source)
    assert problem.message == "self must be a matrix"
    assert "torch.mm takes 2-D matrices only" in problem.explanation
    assert [f.label for f in problem.fixes] == ["torch.matmul(a, b)", "torch.bmm(a, b)"]
    expected = torch.bmm(torch.ones(2, 3, 4), torch.ones(2, 4, 5))
    for run in rerun_each_fix(source, problem):
        assert torch.equal(run.namespace["c"], expected)
    assert all(f.shape == (2, 3, 5) for f in problem.fixes)


def test_mm_with_3d_second_argument_says_mat2() -> None:
    with pytest.raises(RuntimeError) as raised:
        torch.mm(torch.ones(3, 3), torch.ones(2, 3, 3))
    problem = failed("torch.mm(torch.ones(3, 3), torch.ones(2, 3, 3))")
    assert problem.message == str(raised.value) == "mat2 must be a matrix"
    assert [f.label for f in problem.fixes] == ["torch.matmul(torch.ones(3, 3), torch.ones(2, 3, 3))"]


def test_elementwise_mismatch_explains_broadcasting_and_offers_the_matrix_product() -> None:
    source = "A = torch.ones(3, 3)\nB = torch.ones(3, 2)\nA * B"
    problem = failed(source)
    assert (
        problem.message == "The size of tensor a (3) must match the size of tensor b (2) at non-singleton dimension 1"
    )
    assert "A is (3, 3) and B is (3, 2)" in problem.explanation
    assert "the last dimension has 3 in A and 2 in B" in problem.explanation
    assert [f.label for f in problem.fixes] == ["A @ B"]
    rerun_each_fix(source, problem)


def test_column_vector_broadcast_fix() -> None:
    source = "x = torch.arange(12.0).reshape(3, 4)\nb = torch.tensor([1.0, 2.0, 3.0])\ny = x + b"
    problem = failed(source)
    assert problem.fixes[0].label == "b.unsqueeze(1)"
    run = rerun_each_fix(source, problem)[0]
    x = torch.arange(12.0).reshape(3, 4)
    assert torch.equal(run.namespace["y"], x + torch.tensor([1.0, 2.0, 3.0]).unsqueeze(1))


def test_view_on_a_transpose_offers_reshape_and_contiguous() -> None:
    source = "x = torch.arange(6.0).reshape(2, 3)\nt = x.T\ny = t.view(6)"
    with pytest.raises(RuntimeError) as raised:
        torch.arange(6.0).reshape(2, 3).T.view(6)
    problem = failed(source)
    assert problem.message == str(raised.value)
    assert "Use .reshape(...) instead." in problem.message
    assert "t (3, 2) is not contiguous" in problem.explanation
    assert [f.label for f in problem.fixes] == ["t.reshape(6)", "t.contiguous().view(6)"]
    expected = torch.arange(6.0).reshape(2, 3).T.reshape(6)
    for run in rerun_each_fix(source, problem):
        assert torch.equal(run.namespace["y"], expected)


def test_view_of_a_1xn_transpose_works_so_nothing_fails() -> None:
    evaluation = evaluate("w1 = torch.ones(1, 10)\nw1.T.view(10)")
    assert evaluation.ok


@pytest.mark.parametrize(
    "source",
    [
        "x = torch.ones(2, 5)\nx.view(3, 4)",
        "x = torch.ones(2, 5)\nx.reshape(3, 4)",
        "x = np.ones((2, 5))\nx.reshape(3, 4)",
    ],
)
def test_wrong_element_count_says_no_reshape_can_fix_it(source: str) -> None:
    problem = failed(source)
    assert "x has 10 elements (shape (2, 5)); (3, 4) needs 12" in problem.explanation
    assert "no reshape can fix it" in problem.explanation
    assert problem.fixes == ()


def test_numpy_on_a_tensor_requiring_grad_offers_detach() -> None:
    source = "w = torch.tensor([1.0, 2.0], requires_grad=True)\na = w.numpy()"
    problem = failed(source)
    assert problem.fixes[0].code == "a = w.detach().numpy()"
    assert problem.fixes[0].shape == (2,)
    run = rerun_each_fix(source, problem)[0]
    assert np.array_equal(run.namespace["a"], np.array([1.0, 2.0], dtype=np.float32))


def test_dtype_mismatch_in_matmul_offers_casts() -> None:
    source = "a = torch.ones(3, 3, dtype=torch.long)\nb = torch.ones(3, 2)\nc = a @ b"
    with pytest.raises(RuntimeError) as raised:
        torch.ones(3, 3, dtype=torch.long) @ torch.ones(3, 2)
    problem = failed(source)
    assert problem.message == str(raised.value)
    assert "a is torch.int64 and b is torch.float32" in problem.explanation
    assert [f.label for f in problem.fixes] == ["a.float()", "b.long()"]
    runs = rerun_each_fix(source, problem)
    assert runs[0].namespace["c"].dtype == torch.float32
    assert runs[1].namespace["c"].dtype == torch.int64


def test_linear_with_wrong_features_names_the_layer_and_offers_nothing_when_counts_differ() -> None:
    source = "layer = nn.Linear(10, 20)\nx = torch.randn(1, 11)\ny = layer(x)"
    problem = failed(source)
    assert problem.message == "mat1 and mat2 shapes cannot be multiplied (1x11 and 10x20)"
    assert "layer is nn.Linear(10, 20)" in problem.explanation
    assert "x is (1, 11)" in problem.explanation
    assert "no reshape can fix it" in problem.explanation
    assert problem.fixes == ()


def test_linear_input_that_can_be_regrouped_gets_verified_reshapes() -> None:
    source = "layer = nn.Linear(10, 3)\nx = torch.randn(2, 5)\ny = layer(x)"
    problem = failed(source)
    assert problem.fixes and problem.fixes[0].label == "x.reshape(1, 10)"
    torch.manual_seed(0)
    layer = nn.Linear(10, 3)
    x = torch.randn(2, 5)
    run = rerun_each_fix(source, problem)[0]
    assert torch.allclose(run.namespace["y"], layer(x.reshape(1, 10)))


def test_numpy_shape_as_separate_arguments() -> None:
    source = "a = np.zeros(3, 3)"
    problem = failed(source)
    assert problem.message == "Cannot interpret '3' as a data type"
    assert "one tuple" in problem.explanation
    assert [(f.label, f.code, f.shape) for f in problem.fixes] == [("np.zeros((3, 3))", "a = np.zeros((3, 3))", (3, 3))]
    run = rerun_each_fix(source, problem)[0]
    assert np.array_equal(run.namespace["a"], np.zeros((3, 3)))


def test_backward_on_a_vector_offers_sum_and_explicit_gradient() -> None:
    source = "x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)\ny = x ** 2\ny.backward()\ng = x.grad"
    problem = failed(source)
    assert problem.message == "grad can be implicitly created only for scalar outputs"
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    (x**2).sum().backward()
    runs = rerun_each_fix(source, problem)
    assert len(runs) == 2
    for run in runs:
        assert torch.equal(run.namespace["g"], x.grad)


def test_fix_inside_a_forward_method_is_applied_there() -> None:
    source = (
        "class Net(nn.Module):\n"
        "    def __init__(self):\n"
        "        super().__init__()\n"
        "        self.fc = nn.Linear(10, 2)\n"
        "    def forward(self, x):\n"
        "        return self.fc(x)\n"
        "net = Net()\n"
        "out = net(torch.ones(2, 5))\n"
    )
    problem = failed(source)
    assert problem.line == 6 and problem.source == "return self.fc(x)"
    fixed = apply_fix(source, problem, problem.fixes[0])
    assert "        return self.fc(x.reshape(1, 10))\n" in fixed
    assert evaluate(fixed).ok


def test_apply_fix_replaces_only_the_failing_statement() -> None:
    source = "a = torch.ones(2, 5); b = a.view(3, 4) if False else a\nc = torch.ones(3)\nd = c @ torch.ones(4)"
    problem = failed(source)
    assert problem.line == 3
    fix = problem.fixes[0] if problem.fixes else None
    if fix is not None:
        fixed = apply_fix(source, problem, fix)
        assert fixed.splitlines()[:2] == source.splitlines()[:2]


def test_apply_fix_on_edited_source_raises() -> None:
    problem = failed(LESSON5)
    with pytest.raises(ValueError):
        apply_fix("something else entirely", problem, problem.fixes[0])


def test_errors_without_a_diagnosis_have_no_explanation_or_fixes() -> None:
    problem = failed("x = torch.ones(3)\nx.item()")
    assert problem.explanation == ""
    assert problem.fixes == ()


def test_fixes_on_either_operand_of_the_same_name_have_distinct_labels() -> None:
    source = "w = torch.ones(3, 2)\nq = w @ w"
    problem = failed(source)
    labels = [f.label for f in problem.fixes]
    assert len(set(labels)) == len(labels)
    assert "w.T" in labels and "w.T @ w" in labels
    for run in rerun_each_fix(source, problem):
        assert run.ok


def test_fix_trials_add_no_warnings() -> None:
    evaluation = evaluate("x = torch.ones(2, 3, 4)\nw = torch.ones(5, 6)\ny = x @ w")
    assert evaluation.warnings == ()


def test_apply_fix_counts_characters_not_bytes() -> None:
    source = "# 矩阵乘法\nnote = '形状'; a = torch.ones(1, 3); y = a @ a  # 错误\n"
    problem = failed(source)
    assert problem.source == "y = a @ a"
    fix = next(f for f in problem.fixes if f.label == "a.T")
    fixed = apply_fix(source, problem, fix)
    assert fixed == "# 矩阵乘法\nnote = '形状'; a = torch.ones(1, 3); y = a @ a.T  # 错误\n"
    assert torch.equal(evaluate(fixed).namespace["y"], torch.ones(1, 3) @ torch.ones(1, 3).T)
