"""Lesson 5, declared: its fields, steps and goals (no torch here)."""

from __future__ import annotations

from engine.i18n import N_, _
from engine.lesson import Field, Goal, Lesson, Step
from engine.lessons.texts import SEED_HELP

FIXES = (N_("none"), "reshape", "view", "resize_", "transpose")
LAYOUTS = (N_("contiguous"), N_("non-contiguous"))
ACTIVATIONS = ("torch.sigmoid", N_("by hand"))

FIELDS = (
    Field("seed", _("seed"), "7", SEED_HELP, step=1, width=6),
    Field("inputs", _("inputs"), "1,10", _("Shape of the input: one row of 10 features is 1,10.")),
    Field(
        "weight",
        "w1",
        "like inputs",
        _(
            "Shape of the weights w1. 'like inputs' is torch.randn_like(inputs), as the tutorial does (so w1 is 1,10 too); or type a shape such as 10,1."
        ),
    ),
    Field("bias", "b1", "1,1", _("Shape of the bias b1: one number is 1,1.")),
    Field(
        "fix",
        _("fix"),
        "none",
        _("How w1 is made to fit: none (the tutorial's error), w1.reshape, w1.view, w1.resize_ or the transpose w1.T."),
        choices=FIXES,
        words=FIXES[:1],
    ),
    Field(
        "memory",
        _("w1 memory"),
        "non-contiguous",
        _(
            "non-contiguous makes w1 the transpose of another tensor, so its numbers are not laid out row by row: view refuses it, reshape copies it, resize_ ignores the layout."
        ),
        choices=LAYOUTS,
        words=LAYOUTS,
    ),
    Field(
        "activation",
        "sigmoid",
        "by hand",
        _("The activation: torch.sigmoid, or by hand as 1 / (1 + exp(-z)) (the same numbers)."),
        choices=ACTIVATIONS,
        words=ACTIVATIONS[1:],
    ),
)

STEPS = (
    Step(
        "error",
        _("The layer and its error"),
        _("w1 = randn_like(inputs) is (1, 10), so the product fails."),
        ("seed", "inputs", "weight", "bias"),
        Goal(
            _("Read why it fails, then apply a fix from the list (tab to it, enter)."),
            _("It runs: w now has 10 rows for the input's 10 columns."),
            lambda values, m: bool(m.get("ok")) and values["fix"] != "none",
        ),
    ),
    Step(
        "fixes",
        _("Four fixes, one y"),
        _("reshape, view, resize_ and .T all make w1 (10, 1); each row ran."),
        ("fix",),
        Goal(
            _("Make w1 fit with view: pick fix view."),
            _("view gives the same y = sigmoid(z) without copying w1's memory."),
            lambda values, m: values["fix"] == "view" and bool(m.get("ok")),
        ),
    ),
    Step(
        "memory",
        _("A non-contiguous w1"),
        _("Here w1 is a transpose: its numbers are not stored row by row."),
        ("memory",),
        Goal(
            _("Set w1 memory to contiguous and see view work again, with no copy."),
            _("Row-by-row memory: view, reshape and .T all reuse w1's numbers."),
            lambda values, m: values["memory"] == "contiguous" and bool(m.get("view_ok")),
        ),
    ),
    Step(
        "sigmoid",
        _("Sigmoid by hand"),
        _("sigmoid(z) = 1 / (1 + exp(-z)) squeezes any z into (0, 1)."),
        ("activation",),
        Goal(
            _("Switch to torch.sigmoid and check it gives the same y."),
            _("torch.sigmoid and the formula agree to every digit shown."),
            lambda values, m: values["activation"] == "torch.sigmoid" and bool(m.get("same")),
        ),
    ),
)

LESSON = Lesson(
    id="layer",
    number=5,
    title=_("Single layer"),
    summary=_("y = sigmoid(x @ w1 + b1): one layer, its shape error and the reshapes that fix it."),
    fields=FIELDS,
    module="engine.lessons.layer.compute",
    steps=STEPS,
)
