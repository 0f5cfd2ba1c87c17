"""Lesson 2, declared: its fields, steps and goals (no torch here)."""

from __future__ import annotations

from engine.i18n import _
from engine.lesson import Action, Field, Goal, Lesson, Step

OPS = ("matmul", "mm", "bmm", "@", "*")
"""torch.matmul, torch.mm, torch.bmm, the @ operator and the element-wise *."""
PRODUCTS = ("@", "matmul", "mm")
BATCHED = ("mm", "matmul", "bmm", "@")
MAX_BATCH = 4

MATRIX_HELP = _(
    "Values in brackets, like [[1, 2], [3, 4]], or a shape such as 2,3 (or 2,3,3) for random whole "
    "numbers from 0 to 9, drawn by torch with seed 0 so that NumPy gets the same ones."
)
OPERAND_HELP = _("A, B, a number like 2, or an expression such as A.T, B.t() or B.reshape(2, 3).")

DEFAULT_A = "[[1,2,3],[4,5,6],[7,8,9]]"
DEFAULT_B = "[[2,3],[2,3],[2,3]]"

FIELDS = (
    Field("a", "A", DEFAULT_A, _("The tensor A.") + " " + MATRIX_HELP),
    Field("b", "B", DEFAULT_B, _("The tensor B.") + " " + MATRIX_HELP),
    Field("times", "A *", "2", _("What A is multiplied by, element by element:") + " " + OPERAND_HELP),
    Field("op", _("op"), "@", _("How left and right are multiplied: @, torch.matmul or torch.mm."), choices=PRODUCTS),
    Field("left", _("left"), "B", _("The left operand:") + " " + OPERAND_HELP),
    Field("right", _("right"), "A", _("The right operand:") + " " + OPERAND_HELP),
    Field(
        "batch",
        _("batch"),
        "2",
        _(
            "Stack this many copies of A into a batch (0 to {most}): 2 turns A (3, 3) into (2, 3, 3); 0 leaves A as it is.",
            most=MAX_BATCH,
        ),
        step=1,
        width=4,
    ),
    Field(
        "batched",
        _("op"),
        "mm",
        _(
            "torch.mm takes 2-D matrices only; torch.matmul and @ broadcast over a batch; torch.bmm wants both sides 3-D."
        ),
        choices=BATCHED,
    ),
)

STEPS = (
    Step(
        "ways",
        _("One product, five spellings"),
        _("A (3, 3) times B (3, 2): row i of A meets column j of B."),
        ("a", "b"),
        Goal(
            _("Change A or B (values, or a shape like 3,4 for random numbers) and check the five still agree."),
            _("Whatever the matrices, the five spellings compute the same product."),
            lambda values, m: bool(m.get("agree")) and (values["a"], values["b"]) != (DEFAULT_A, DEFAULT_B),
        ),
    ),
    Step(
        "times",
        _("Element by element: *"),
        _("The tutorial's A * 2 broadcasts the number; * between two tensors pairs their elements."),
        ("times",),
        Goal(
            _("Set A * to B: a (3, 3) and a (3, 2) have no elements to pair."),
            _("Element-wise shapes must match (or broadcast); matrix products need inner sizes to agree."),
            lambda values, m: m.get("error") == "mismatch",
        ),
    ),
    Step(
        "order",
        _("Order matters: B @ A"),
        _("B's 2 columns cannot meet A's 3 rows. Read both libraries' words."),
        ("op", "left", "right"),
        Goal(
            _("Apply a fix from the list (enter), or swap the sides (ctrl+r)."),
            _("It runs: the inner sizes agree now."),
            lambda values, m: bool(m.get("ok")),
        ),
        actions=("swap",),
    ),
    Step(
        "batch",
        _("A batch: mm or matmul"),
        _("A batch stacks copies of A into (2, 3, 3); mm takes 2-D matrices only."),
        ("batched", "batch"),
        Goal(
            _("Pick matmul (or @): (2, 3, 3) @ (3, 2) gives (2, 3, 2)."),
            _("matmul and @ broadcast B over the batch: one product per matrix."),
            lambda values, m: (
                bool(m.get("ok")) and values["batched"] in ("matmul", "@") and int(m.get("dims") or 0) == 3
            ),
        ),
    ),
)

LESSON = Lesson(
    id="matmul",
    number=2,
    title=_("Matmul"),
    summary=_("Matrix products: matmul, mm, @, dot; element-wise *."),
    fields=FIELDS,
    module="engine.lessons.matmul.compute",
    actions=(Action("swap", "ctrl+r", _("swap left and right"), _("swap")),),
    steps=STEPS,
)
