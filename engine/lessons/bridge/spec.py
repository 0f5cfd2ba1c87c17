"""Lesson 3, declared: its fields, steps and goals (no torch here)."""

from __future__ import annotations

from engine.i18n import N_, _
from engine.lesson import Action, Field, Goal, Lesson, Step

DTYPES = (N_("default"), "float64", "float32", "int64", "int32", "uint8")
BACK = ("t.numpy()", "w.numpy()", "w.detach().numpy()")
"""How n comes back to NumPy: from the shared tensor t, or from w, a copy of a that requires grad."""

FIELDS = (
    Field("values", "a", "[1.0, 2.0, 3.0]", _("The NumPy array a, in brackets: [1.0, 2.0, 3.0] or [[1, 2], [3, 4]].")),
    Field(
        "write",
        _("write"),
        "",
        _(
            "A number written into a's first element after t and c are made; empty writes nothing. ctrl+n writes 99, then 100, and so on."
        ),
    ),
    Field(
        "dtype",
        _("dtype"),
        "default",
        _(
            "a's element type; 'default' lets NumPy choose (float64 for decimals, int64 for whole numbers). from_numpy and .numpy() keep it."
        ),
        choices=DTYPES,
        words=DTYPES[:1],
    ),
    Field(
        "back",
        "n =",
        "w.numpy()",
        _(
            "How n gets back to NumPy: t.numpy() shares t's memory; w.numpy(), where w requires grad, is refused; w.detach().numpy() is the fix."
        ),
        choices=BACK,
    ),
)

STEPS = (
    Step(
        "share",
        _("Shared memory and copies"),
        _("torch.from_numpy(a) wraps a's memory; torch.tensor(a) copies it."),
        ("values", "write"),
        Goal(
            _("Write into a (ctrl+n) and watch t change while c stays."),
            _("t followed a: one buffer. c kept the old number: a copy."),
            lambda values, m: bool(m.get("followed")),
        ),
        actions=("change",),
    ),
    Step(
        "dtype",
        _("Back to NumPy"),
        _("t.numpy() shares t's memory, and the dtype is kept both ways."),
        ("dtype",),
        Goal(
            _("Pick another dtype, like float32 or int64, and see it kept both ways."),
            _("a, t and n keep one dtype: no conversion, no copy."),
            lambda values, m: values["dtype"] != "default" and bool(m.get("kept")),
        ),
    ),
    Step(
        "grad",
        _(".numpy() and requires_grad"),
        _("NumPy cannot track gradients, so .numpy() refuses a tensor that requires grad."),
        ("back",),
        Goal(
            _("Make it work: pick n = w.detach().numpy() (or apply the fix below)."),
            _("detach() gives the same numbers without tracking, so .numpy() works."),
            lambda values, m: values["back"] == "w.detach().numpy()" and bool(m.get("ok")),
        ),
    ),
)

LESSON = Lesson(
    id="numpy",
    number=3,
    title=_("Torch/NumPy"),
    summary=_("from_numpy/.numpy() share memory; torch.tensor copies."),
    fields=FIELDS,
    module="engine.lessons.bridge.compute",
    actions=(Action("change", "ctrl+n", _("write into a"), _("write")),),
    steps=STEPS,
)
