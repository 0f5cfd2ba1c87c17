"""Lesson 4's challenges and prediction (no torch here)."""

from __future__ import annotations

from engine.i18n import _
from engine.practice.model import FAILS, Challenge, Misconception, Prediction, Trial

CHALLENGES = (
    Challenge(
        id="slope",
        lesson="derivatives",
        title=_("A slope by autograd"),
        prompt=_(
            "x is a tensor that requires grad (1.5 here). With autograd, make slope: the slope of x**3 at x, as a number."
        ),
        starter="y = x ** 3\nslope = 0.0\n",
        hints=(
            _("y.backward() works out dy/dx and puts it in x.grad."),
            _("x.grad is a tensor; .item() makes it a number."),
        ),
        solution="y = x ** 3\ny.backward()\nslope = x.grad.item()\n",
        trials=(
            Trial("x = torch.tensor(1.5, requires_grad=True)"),
            Trial("x = torch.tensor(2.0, requires_grad=True)", 1),
            Trial("x = torch.tensor(-0.5, requires_grad=True)", 2),
        ),
        results=("slope",),
    ),
    Challenge(
        id="descent",
        lesson="derivatives",
        title=_("One step downhill"),
        prompt=_("J = (w - 3) ** 2. Take one gradient-descent step: w_new = w - lr * dJ/dw, as a number."),
        starter="J = (w - 3) ** 2\nw_new = w.item()\n",
        hints=(
            _("J.backward() puts dJ/dw in w.grad."),
            _("Then w_new = (w - lr * w.grad).item()."),
        ),
        solution="J = (w - 3) ** 2\nJ.backward()\nw_new = (w - lr * w.grad).item()\n",
        trials=(
            Trial("w = torch.tensor(0.0, requires_grad=True)\nlr = 0.1"),
            Trial("w = torch.tensor(5.0, requires_grad=True)\nlr = 0.5", 1),
            Trial("w = torch.tensor(-1.0, requires_grad=True)\nlr = 0.25", 2),
        ),
        results=("w_new",),
    ),
)

PREDICTIONS = (
    Prediction(
        id="predict-twice",
        lesson="derivatives",
        title=_("Predict: backward twice"),
        question=_("x = 2.0. After two backward passes of x**2, what is x.grad?"),
        code="x = torch.tensor(2.0, requires_grad=True)\n(x ** 2).backward()\n(x ** 2).backward()\ng = x.grad.item()\n",
        target="g",
        asks="value",
        choices=("4.0", "8.0", FAILS),
        answer="8.0",
        why=_("backward adds to .grad: 4 + 4. Zero it (x.grad.zero_()) between steps."),
        misconceptions=(
            Misconception("4.0", _("Expecting the second backward to replace .grad: it adds to it.")),
            Misconception(FAILS, _("Expecting a second backward to be refused: each call builds a new graph.")),
        ),
    ),
)
