"""Lesson 5's challenges and predictions (no torch here)."""

from __future__ import annotations

from engine.i18n import _
from engine.practice.model import FAILS, Challenge, Misconception, Prediction, Trial

_LAYER = (
    "torch.manual_seed({seed})\ninputs = torch.randn((1, 10))\nw1 = torch.randn_like(inputs)\nb1 = torch.randn((1, 1))"
)

CHALLENGES = (
    Challenge(
        id="view",
        lesson="layer",
        title=_("Make the layer fit"),
        prompt=_("This layer fails: make it compute y with view, without changing inputs."),
        starter="y = torch.sigmoid(torch.matmul(inputs, w1) + b1)\n",
        hints=(
            _("inputs is (1, 10) and w1 is (1, 10): the product needs w1 to have 10 rows."),
            _("w1.view(10, 1) is w1's numbers as one column, with no copy."),
        ),
        solution="y = torch.sigmoid(torch.matmul(inputs, w1.view(10, 1)) + b1)\n",
        trials=tuple(
            Trial(_LAYER.format(seed=seed), index, f"torch.manual_seed({seed})") for index, seed in enumerate((7, 8, 9))
        ),
        results=("y", "inputs"),
        inputs=_("inputs is (1, 10), w1 (1, 10) and b1 (1, 1), from torch.manual_seed(7)"),
    ),
    Challenge(
        id="sigmoid",
        lesson="layer",
        title=_("Sigmoid by hand"),
        prompt=_("Make s, the sigmoid of z, by hand with torch.exp: 1 / (1 + e to the -z)."),
        starter="s = z\n",
        hints=(
            _("torch.exp(-z) is e to the -z, element by element."),
            _("Numbers and tensors mix: 1 + torch.exp(-z) is a tensor of z's shape."),
        ),
        solution="s = 1 / (1 + torch.exp(-z))\n",
        trials=(Trial("z = torch.randn(3)"), Trial("z = torch.randn(2, 4)", 1), Trial("z = torch.randn(5)", 2)),
        results=("s",),
    ),
)

PREDICTIONS = (
    Prediction(
        id="predict-transpose",
        lesson="layer",
        title=_("Predict: a transposed product"),
        question=_("inputs is (1, 10) and w1 is (1, 10). What is the shape of inputs @ w1.T?"),
        code="inputs = torch.randn(1, 10)\nw1 = torch.randn(1, 10)\nz = inputs @ w1.T\n",
        target="z",
        asks="shape",
        choices=("(1, 1)", "(10, 10)", FAILS),
        answer="(1, 1)",
        why=_("w1.T is (10, 1): (1, 10) @ (10, 1) is (1, 1)."),
        misconceptions=(
            Misconception("(10, 10)", _("A transposed shape: that is w1.T @ inputs, (10, 1) @ (1, 10).")),
            Misconception(FAILS, _("Forgetting that .T turns w1's (1, 10) into (10, 1), which fits.")),
        ),
    ),
    Prediction(
        id="predict-t-copy",
        lesson="layer",
        title=_("Predict: writing through .T"),
        question=_("w is zeros. After writing 7 into w.T[0, 0], what is w[0, 0]?"),
        code="w = torch.zeros(2, 3)\nwt = w.T\nwt[0, 0] = 7.0\nv = w[0, 0].item()\n",
        target="v",
        asks="value",
        choices=("7.0", "0.0", FAILS),
        answer="7.0",
        why=_(".T is a view: the same memory read in another order."),
        misconceptions=(
            Misconception("0.0", _("Expecting .T to copy: it is a view of w's memory, so w changes too.")),
            Misconception(FAILS, _("Expecting a view to be read-only: writing through it changes w.")),
        ),
    ),
)
