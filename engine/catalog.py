"""The lessons, in the tutorial's order: what each one asks for and where it is computed.

This module imports no torch: the app lists the lessons and lays out their
fields while PyTorch is still loading.
"""

from __future__ import annotations

from engine.lesson import Action, Field, Lesson

SEED_HELP = "Seed for the random generators: the same seed always gives the same numbers."

LESSONS: tuple[Lesson, ...] = (
    Lesson(
        id="tensors",
        number=1,
        title="Tensors",
        summary="A tensor is PyTorch's n-dimensional array, a lot like NumPy's ndarray.",
        fields=(
            Field("shape", "shape", "3,3", "The tensor's shape: whole numbers separated by commas, like 2,3."),
            Field(
                "function",
                "function",
                "randn",
                "How to fill it: random normal, random uniform, zeros, ones, or the identity matrix.",
                choices=("randn", "rand", "zeros", "ones", "eye"),
            ),
            Field(
                "dtype",
                "dtype",
                "default",
                "The element type; 'default' lets each library choose (torch float32, NumPy float64).",
                choices=("default", "float32", "float64", "int64"),
            ),
            Field("seed", "seed", "0", SEED_HELP, width=6),
        ),
        module="engine.lessons.tensors",
    ),
    Lesson(
        id="matmul",
        number=2,
        title="Matmul",
        summary="Matrix multiplication: matmul, mm, @, dot, and the element-wise *.",
        fields=(),
        module="engine.lessons.matmul",
    ),
    Lesson(
        id="numpy",
        number=3,
        title="Torch/NumPy",
        summary="from_numpy and .numpy(): the same memory seen from both libraries.",
        fields=(),
        module="engine.lessons.bridge",
    ),
    Lesson(
        id="derivatives",
        number=4,
        title="Derivatives",
        summary="Autograd: requires_grad, backward and .grad give the slope of a function.",
        fields=(),
        module="engine.lessons.derivatives",
    ),
    Lesson(
        id="layer",
        number=5,
        title="Single layer",
        summary="y = sigmoid(x @ w1 + b1): one layer, its shape error and the reshapes that fix it.",
        fields=(),
        module="engine.lessons.layer",
    ),
    Lesson(
        id="network",
        number=6,
        title="Network",
        summary="Two hidden layers by hand, then the same network with nn.Module and nn.Linear.",
        fields=(),
        module="engine.lessons.network",
    ),
    Lesson(
        id="playground",
        number=7,
        title="Playground",
        summary="Type your own PyTorch: every statement's result, and fixes when shapes clash.",
        fields=(Field("code", "code", "x = torch.randn(2, 3)\nx.T @ x\n", multiline=True),),
        module="engine.lessons.playground",
    ),
)

_BY_ID = {lesson.id: lesson for lesson in LESSONS}


def lesson_by_id(lesson_id: str) -> Lesson:
    """The lesson with ``lesson_id``; raises KeyError for an unknown id."""
    return _BY_ID[lesson_id]


__all__ = ["LESSONS", "Action", "Field", "Lesson", "lesson_by_id"]
