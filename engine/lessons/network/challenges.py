"""Lesson 6's challenges and prediction (no torch here)."""

from __future__ import annotations

from engine.i18n import _
from engine.practice.model import Challenge, Misconception, Prediction, Trial

_STARTER = """class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(10, 20)
        self.fc2 = nn.Linear(20, 10)
    def forward(self, x):
        return self.fc2(self.fc1(x))
net = Net()
out = net(x)
"""

_SOLUTION = """class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(10, 20)
        self.fc2 = nn.Linear(20, 20)
        self.fc3 = nn.Linear(20, 10)
    def forward(self, x):
        return self.fc3(self.fc2(self.fc1(x)))
net = Net()
out = net(x)
"""

CHALLENGES = (
    Challenge(
        id="net850",
        lesson="network",
        title=_("A Net of 850 parameters"),
        prompt=_(
            "Write net, a Net of nn.Linear layers with exactly 850 parameters, mapping 10 features to 10; out = net(x)."
        ),
        starter=_STARTER,
        hints=(
            _("nn.Linear(a, b) has a * b weights and b biases."),
            _("10 to 20 is 220 parameters and 20 to 10 is 210: 420 more are missing."),
            _("A middle layer nn.Linear(20, 20) has 420."),
        ),
        solution=_SOLUTION,
        trials=(
            Trial("x = torch.randn(1, 10)"),
            Trial("x = torch.randn(3, 10)", 1),
            Trial("x = torch.randn(5, 10)", 2),
        ),
        results=("net",),
        shapes=("out",),
    ),
    Challenge(
        id="by-hand",
        lesson="network",
        title=_("A layer by hand"),
        prompt=_(
            "Like the tutorial: w is (inputs, outputs), x a vector, b the bias. Make h = w's transpose times x, plus b."
        ),
        starter="h = torch.matmul(w, x) + b\n",
        hints=(
            _("w is (10, 20) and x is (10,): w's transpose, (20, 10), fits x."),
            _("w.T is the transpose: torch.matmul(w.T, x) + b."),
        ),
        solution="h = torch.matmul(w.T, x) + b\n",
        trials=(
            Trial("x = torch.randn(10)\nw = torch.randn(10, 20)\nb = torch.randn(20)"),
            Trial("x = torch.randn(4)\nw = torch.randn(4, 3)\nb = torch.randn(3)", 1),
            Trial("x = torch.randn(6)\nw = torch.randn(6, 6)\nb = torch.randn(6)", 2),
        ),
        results=("h",),
    ),
)

PREDICTIONS = (
    Prediction(
        id="predict-weight",
        lesson="network",
        title=_("Predict: a Linear's weight"),
        question=_("What is the shape of nn.Linear(10, 20).weight?"),
        code="fc = nn.Linear(10, 20)\nweight = fc.weight\n",
        target="weight",
        asks="shape",
        choices=("(10, 20)", "(20, 10)", "(20,)"),
        answer="(20, 10)",
        why=_("nn.Linear keeps its weight as (out, in) and computes x @ weight.T + bias."),
        misconceptions=(
            Misconception(
                "(10, 20)", _("A transposed shape: the hand-built w1 is (in, out), nn.Linear's is (out, in).")
            ),
            Misconception("(20,)", _("That is the bias's shape: the weight has a row for each output.")),
        ),
    ),
)
