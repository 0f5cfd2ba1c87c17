"""Lesson 2's challenges and prediction (no torch here)."""

from __future__ import annotations

from engine.i18n import _
from engine.practice.model import FAILS, Challenge, Misconception, Prediction, Trial

CHALLENGES = (
    Challenge(
        id="product",
        lesson="matmul",
        title=_("The matrix product"),
        prompt=_("Make C, the matrix product of A and B."),
        starter="C = A * B\n",
        hints=(
            _("* multiplies element by element; it needs shapes that match or broadcast."),
            _("The matrix product is A @ B (or torch.matmul, torch.mm)."),
        ),
        solution="C = A @ B\n",
        trials=(
            Trial(
                "A = torch.tensor([[1.0, 2, 3], [4, 5, 6], [7, 8, 9]])\nB = torch.tensor([[2.0, 3], [2, 3], [2, 3]])"
            ),
            Trial("A = torch.randn(2, 4)\nB = torch.randn(4, 3)", 1),
            Trial("A = torch.randn(5, 2)\nB = torch.randn(2, 1)", 2),
        ),
        results=("C",),
    ),
    Challenge(
        id="batch",
        lesson="matmul",
        title=_("A batch of products"),
        prompt=_("X holds a batch of matrices, (2, 3, 3) here; W is (3, 2). Make Y: each matrix of X times W."),
        starter="Y = torch.mm(X, W)\n",
        hints=(
            _("torch.mm takes 2-D matrices only: it does not broadcast."),
            _("torch.matmul (and @) treat the leading dimension as a batch."),
        ),
        solution="Y = torch.matmul(X, W)\n",
        trials=(
            Trial("X = torch.randn(2, 3, 3)\nW = torch.randn(3, 2)"),
            Trial("X = torch.randn(4, 2, 5)\nW = torch.randn(5, 3)", 1),
            Trial("X = torch.randn(1, 3, 2)\nW = torch.randn(2, 2)", 2),
        ),
        results=("Y",),
    ),
)

PREDICTIONS = (
    Prediction(
        id="predict-mm",
        lesson="matmul",
        title=_("Predict: mm on a batch"),
        question=_("X is (2, 3, 3) and W is (3, 2). What is the shape of torch.mm(X, W)?"),
        code="X = torch.ones(2, 3, 3)\nW = torch.ones(3, 2)\nY = torch.mm(X, W)\n",
        target="Y",
        asks="fails",
        choices=("(2, 3, 2)", "(3, 2)", FAILS),
        answer=FAILS,
        why=_("torch.mm takes two 2-D matrices; torch.matmul would give (2, 3, 2)."),
        misconceptions=(
            Misconception("(2, 3, 2)", _("Expecting mm to broadcast: only matmul and @ treat X as a batch.")),
            Misconception("(3, 2)", _("Expecting mm to use one matrix of X: it refuses a 3-D tensor instead.")),
        ),
    ),
)
