"""Lesson 3's challenges and prediction (no torch here)."""

from __future__ import annotations

from engine.i18n import _
from engine.practice.model import FAILS, Challenge, Misconception, Prediction, Trial

CHALLENGES = (
    Challenge(
        id="share",
        lesson="numpy",
        title=_("Share, then prove it"),
        prompt=_(
            "Make t, a tensor that shares the NumPy array a's memory. Then set a[0] = 100.0 and read t[0] into seen with .item()."
        ),
        starter="t = torch.tensor(a)\na[0] = 100.0\nseen = t[0].item()\n",
        hints=(
            _("torch.tensor(a) copies a's numbers: changing a later leaves t alone."),
            _("torch.from_numpy(a) makes a tensor over a's own memory."),
        ),
        solution="t = torch.from_numpy(a)\na[0] = 100.0\nseen = t[0].item()\n",
        trials=(Trial("a = np.arange(4.0)"), Trial("a = np.random.rand(3)", 1), Trial("a = np.ones((2,)) * 7", 2)),
        results=("t", "seen"),
    ),
    Challenge(
        id="detach",
        lesson="numpy",
        title=_("Back to NumPy"),
        prompt=_("w requires grad. Make arr, a NumPy array with w's numbers."),
        starter="arr = w.numpy()\n",
        hints=(
            _("A tensor that requires grad refuses .numpy(): its gradient history would be lost."),
            _("w.detach() is the same numbers without the history."),
        ),
        solution="arr = w.detach().numpy()\n",
        trials=(
            Trial("w = torch.randn(3, requires_grad=True)"),
            Trial("w = torch.randn(2, 2, requires_grad=True)", 1),
            Trial("w = torch.randn(5, requires_grad=True)", 2),
        ),
        results=("arr",),
    ),
)

PREDICTIONS = (
    Prediction(
        id="predict-share",
        lesson="numpy",
        title=_("Predict: from_numpy"),
        question=_("After this code, what is v?"),
        code="a = np.ones(3)\nt = torch.from_numpy(a)\na[0] = 5.0\nv = t[0].item()\n",
        target="v",
        asks="value",
        choices=("5.0", "1.0", FAILS),
        answer="5.0",
        why=_("from_numpy shares a's memory: a change to a is a change to t."),
        misconceptions=(
            Misconception("1.0", _("Expecting from_numpy to copy: it shares memory (torch.tensor(a) copies).")),
            Misconception(FAILS, _("Expecting a float64 array to be refused: from_numpy keeps its dtype.")),
        ),
    ),
)
