"""Lesson 1's challenges and prediction (no torch here)."""

from __future__ import annotations

from engine.i18n import _
from engine.practice.model import Challenge, Misconception, Prediction, Trial

CHALLENGES = (
    Challenge(
        id="ones",
        lesson="tensors",
        title=_("A tensor of ones"),
        prompt=_("Make t, a tensor of ones with rows rows and cols columns, without typing its values."),
        starter="t = torch.zeros(rows, cols)\n",
        hints=(
            _("torch.ones takes the sizes, just like torch.zeros."),
            _("Use the names rows and cols, not numbers: the check also runs with other sizes."),
        ),
        solution="t = torch.ones(rows, cols)\n",
        trials=(Trial("rows, cols = 2, 3"), Trial("rows, cols = 4, 1", 1), Trial("rows, cols = 1, 5", 2)),
        results=("t",),
    ),
    Challenge(
        id="identity",
        lesson="tensors",
        title=_("NumPy's identity, in torch"),
        prompt=_("Make e, an n by n identity matrix in torch with the dtype np.identity(n) has: float64."),
        starter="e = torch.eye(n)\n",
        hints=(
            _("torch.eye(n) is float32; np.identity(n) is float64."),
            _("torch's functions that make tensors take dtype=..."),
            _("torch.float64 is the dtype to ask for."),
        ),
        solution="e = torch.eye(n, dtype=torch.float64)\n",
        trials=(Trial("n = 3"), Trial("n = 2", 1), Trial("n = 5", 2)),
        results=("e",),
    ),
)

PREDICTIONS = (
    Prediction(
        id="predict-dtype",
        lesson="tensors",
        title=_("Predict: eye's dtype"),
        question=_("What dtype does torch.eye(3) have?"),
        code="e = torch.eye(3)\n",
        target="e",
        asks="dtype",
        choices=("torch.float32", "torch.float64", "torch.int64"),
        answer="torch.float32",
        why=_("torch makes float32 by default; NumPy's default is float64."),
        misconceptions=(
            Misconception("torch.float64", _("Expecting float64 from torch: that is NumPy's default, not torch's.")),
            Misconception(
                "torch.int64", _("Expecting whole numbers to make an integer tensor: eye, zeros and ones make floats.")
            ),
        ),
    ),
)
