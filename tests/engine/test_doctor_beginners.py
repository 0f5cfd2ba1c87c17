"""The errors a first training loop meets: plain words, and only fixes that were run and work."""

from __future__ import annotations

import pytest
import torch

from engine.sandbox.evaluation import apply_fix, evaluate


@pytest.mark.parametrize(
    ("source", "kind", "words", "fixes"),
    [
        (
            "torch.randn(2, dtype=torch.long)",
            "NotImplementedError",
            ["int64 'Long'", "torch.randint"],
            ["torch.randn(2, dtype=torch.float32)"],
        ),
        ("x = torch.tensor([1, 2])\nx.mean()", "RuntimeError", ["int64 ('Long')", ".float()"], ["x.float().mean()"]),
        (
            "logits = torch.randn(3, 4)\ntarget = torch.tensor([0., 2., 1.])\nnn.CrossEntropyLoss()(logits, target)",
            "RuntimeError",
            ["class indices", "int64", "probability for each class", "(3, 4)"],
            ["nn.CrossEntropyLoss()(logits, target.long())"],
        ),
        (
            "logits = torch.randn(3, 4)\ntarget = torch.tensor([[0], [2], [1]])\nF.cross_entropy(logits, target)",
            "RuntimeError",
            ["(3, 1)", "shape (N,)"],
            ["F.cross_entropy(logits, target.squeeze(1))", "F.cross_entropy(logits, target.view(-1))"],
        ),
        ("logits = torch.randn(3, 4)\nnn.NLLLoss()(logits, torch.tensor([0, 5, 1]))", "IndexError", ["0 to 3"], []),
        (
            "p = torch.rand(3)\nt = torch.tensor([0, 1, 1])\nnn.BCELoss()(p, t)",
            "RuntimeError",
            ["'Long'", ".float()"],
            ["nn.BCELoss()(p, t.float())"],
        ),
        (
            "s = torch.randn(3)\nnn.BCELoss()(s, torch.rand(3))",
            "RuntimeError",
            ["torch.sigmoid", "BCEWithLogitsLoss"],
            ["nn.BCELoss()(torch.sigmoid(s), torch.rand(3))"],
        ),
        (
            "w = torch.ones(2, requires_grad=True)\nfor i in range(2):\n    w -= 0.1 * torch.ones(2)",
            "RuntimeError",
            ["requires_grad=True", "torch.no_grad()"],
            ["with torch.no_grad():\n        w -= 0.1 * torch.ones(2)"],
        ),
        (
            "x = torch.ones(2, requires_grad=True)\ny = (x * x).sum()\ny.backward()\ny.backward()",
            "RuntimeError",
            ["frees the graph", "retain_graph=True"],
            [],
        ),
        ("x = torch.ones(2, 3)\nx.squeeze(2)", "IndexError", ["2 dimensions", "from -2 to 1"], ["x.squeeze(1)"]),
        ("x = torch.ones(2, 3)\nx.unsqueeze(3)", "IndexError", ["from -3 to 2"], ["x.unsqueeze(2)"]),
        ("x = torch.ones(2, 3)\nx.sum(dim=2)", "IndexError", ["numbered from 0"], ["x.sum(dim=1)"]),
        ("torch.ones(2).to('cuda')", "AssertionError", ["no GPU here", "torch.cuda.is_available() is False"], []),
    ],
)
def test_beginner_errors_are_explained_with_fixes_that_work(
    source: str, kind: str, words: list[str], fixes: list[str]
) -> None:
    evaluation = evaluate(source)
    problem = evaluation.error
    assert problem is not None and problem.kind == kind, problem
    for word in words:
        assert word in problem.explanation, (word, problem.explanation)
    assert [fix.code for fix in problem.fixes] == fixes
    for fix in problem.fixes:
        fixed = evaluate(apply_fix(source, problem, fix))
        assert fixed.ok, (fix.code, fixed.error)


def test_the_percent_f_warning_keeps_no_build_path() -> None:
    evaluation = evaluate("x = torch.tensor(2.0, requires_grad=True)\n'%f' % x")
    assert evaluation.warnings and all(
        "Triggered internally" not in w and "/__w/" not in w for w in evaluation.warnings
    )
    assert "Consider using tensor.detach() first." in evaluation.warnings[0]


def test_grad_of_a_non_leaf_warning_says_what_to_do() -> None:
    evaluation = evaluate("x = torch.ones(2, requires_grad=True)\ny = x * 2\ny.sum().backward()\ny.grad")
    assert any("retain_grad()" in w and "In plain words" in w for w in evaluation.warnings)
    assert evaluation.outputs[-1].name is None or evaluation.ok


def test_a_loss_of_mismatched_target_shape_warns_in_plain_words() -> None:
    evaluation = evaluate("out = torch.randn(4, 1)\ntarget = torch.randn(4)\nloss = nn.MSELoss()(out, target)")
    assert any("broadcast the two shapes" in w for w in evaluation.warnings)
    plain = torch.nn.MSELoss()(torch.zeros(4, 1), torch.zeros(4))
    assert plain.shape == ()
