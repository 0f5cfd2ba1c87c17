"""Lesson 6, declared: its fields, steps and goals (no torch here)."""

from __future__ import annotations

from engine.i18n import N_, _
from engine.lesson import Field, Goal, Lesson, Step
from engine.lessons.texts import SEED_HELP

ACTIVATIONS = (N_("none"), "sigmoid", "relu")
DEFAULT_SIZES = "10, 20, 20, 10"

FIELDS = (
    Field(
        "sizes",
        _("layers"),
        DEFAULT_SIZES,
        _("Layer sizes from input to output: 10, 20, 20, 10 is 10 features, two hidden layers of 20 and 10 outputs."),
        width=16,
    ),
    Field("seed", _("seed"), "7", SEED_HELP, step=1, width=6),
    Field(
        "input",
        _("input"),
        "1,11",
        _(
            "Shape of the input; its last size is the number of features (the first layer wants as many as the first layer size)."
        ),
    ),
    Field(
        "activation",
        _("activation"),
        "none",
        _("What runs between layers: none (as in the tutorial), sigmoid or relu."),
        choices=ACTIVATIONS,
        words=ACTIVATIONS[:1],
    ),
)

STEPS = (
    Step(
        "hand",
        _("The network by hand"),
        _("Each layer is h = matmul(w.T, h) + b: 10 in, two hidden layers of 20, 10 out."),
        ("sizes", "seed"),
        Goal(
            _("Make the hidden layers wider, like 10, 30, 30, 10: h3 keeps its shape."),
            _("Hidden sizes are inside the network: the output keeps the last size."),
            lambda values, m: bool(m.get("ok")) and values["sizes"] != DEFAULT_SIZES and m.get("out") == 10,
        ),
    ),
    Step(
        "module",
        _("The same, as nn.Module"),
        _("nn.Linear(in, out) holds a weight and a bias."),
        ("sizes",),
        Goal(
            _("Add a hidden layer: 10, 20, 20, 20, 10. Predict the count first."),
            _("Each nn.Linear(a, b) adds a*b + b parameters: 20*20 + 20 = 420 more."),
            lambda values, m: m.get("layers") == 4 and bool(m.get("ok")),
        ),
    ),
    Step(
        "table",
        _("Layer by layer"),
        _("An input of 11 features meets fc1, which takes 10."),
        ("input",),
        Goal(
            _("Make the input fit: apply a fix from the list, or type 1,10."),
            _("Every layer runs: the output has the last layer's size."),
            lambda values, m: bool(m.get("ok")),
        ),
    ),
    Step(
        "activation",
        _("What an activation changes"),
        _("With no activation the layers fold into one matrix W and one bias c."),
        ("activation",),
        Goal(
            _("Pick relu (or sigmoid): the stack stops being one linear map."),
            _("With an activation between layers, no single W and c give the same output."),
            lambda values, m: values["activation"] != "none" and m.get("one_map") is False,
        ),
    ),
)

LESSON = Lesson(
    id="network",
    number=6,
    title=_("Network"),
    summary=_("Two hidden layers by hand, then the same network with nn.Module and nn.Linear."),
    fields=FIELDS,
    module="engine.lessons.network.compute",
    steps=STEPS,
)
