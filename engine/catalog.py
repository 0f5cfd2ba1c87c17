"""The lessons, in the tutorial's order: what each one asks for and where it is computed.

This module imports no torch: the app lists the lessons and lays out their
fields while PyTorch is still loading.
"""

from __future__ import annotations

from engine.lesson import Action, Field, Lesson

SEED_HELP = "Seed for the random generators: the same seed always gives the same numbers."

MATRIX_HELP = (
    "Values in brackets, like [[1, 2], [3, 4]], or a shape such as 2,3 (or 2,3,3) for random whole "
    "numbers from 0 to 9, drawn by torch with seed 0 so that NumPy gets the same ones."
)
OPERAND_HELP = "A, B, a number like 2, or an expression such as A.T, B.t() or B.reshape(2, 3)."

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
        summary="Matrix products: matmul, mm, @, dot; element-wise *.",
        fields=(
            Field("a", "A", "[[1,2,3],[4,5,6],[7,8,9]]", "The tensor A. " + MATRIX_HELP),
            Field("b", "B", "[[2,3],[2,3],[2,3]]", "The tensor B. " + MATRIX_HELP),
            Field(
                "op",
                "op",
                "matmul",
                "How left and right are multiplied, with NumPy's twin: torch.matmul (np.matmul), torch.mm "
                "(np.dot), torch.bmm (np.matmul), @ (@), or * element by element (np.multiply).",
                choices=("matmul", "mm", "bmm", "@", "*"),
            ),
            Field(
                "batch",
                "batch",
                "0",
                "Stack this many copies of A into a batch (0 to 4): 2 turns A (3, 3) into (2, 3, 3). "
                "0 leaves A as it is. Left/right arrows change it by one.",
                step=1,
                width=4,
            ),
            Field("left", "left", "A", "The left operand: " + OPERAND_HELP),
            Field("right", "right", "B", "The right operand: " + OPERAND_HELP),
        ),
        module="engine.lessons.matmul",
        actions=(Action("swap", "ctrl+r", "swap left and right"),),
    ),
    Lesson(
        id="numpy",
        number=3,
        title="Torch/NumPy",
        summary="from_numpy/.numpy() share memory; torch.tensor copies.",
        fields=(
            Field("values", "a", "[1.0, 2.0, 3.0]", "The NumPy array a, in brackets: [1.0, 2.0, 3.0] or [[1, 2], [3, 4]]."),
            Field(
                "dtype",
                "dtype",
                "default",
                "a's element type; 'default' lets NumPy choose (float64 for decimals, int64 for whole numbers). "
                "from_numpy and .numpy() keep it.",
                choices=("default", "float64", "float32", "int64", "int32", "uint8"),
            ),
            Field(
                "write",
                "write",
                "",
                "A number written into a's first element after t and c are made; empty writes nothing. "
                "ctrl+n writes 99, then 100, and so on.",
            ),
            Field(
                "back",
                "n =",
                "t.numpy()",
                "How n gets back to NumPy: t.numpy() shares t's memory; w.numpy(), where w is a copy of a that "
                "requires grad, is refused; w.detach().numpy() is the fix.",
                choices=("t.numpy()", "w.numpy()", "w.detach().numpy()"),
            ),
        ),
        module="engine.lessons.bridge",
        actions=(Action("change", "ctrl+n", "write into a"),),
    ),
    Lesson(
        id="derivatives",
        number=4,
        title="Derivatives",
        summary="Autograd: requires_grad, backward and .grad give the slope of a function.",
        fields=(
            Field(
                "functions",
                "f(x)",
                "x; x**2; x**3",
                "Up to four functions of x separated by semicolons, like x; x**2; x**3 or torch.sin(x). "
                "Each is run with autograd to find its slope.",
            ),
            Field("x", "x", "2", "The point where the slopes are taken: left/right move it by 0.1, shift for 1.", step=0.1),
            Field("range", "range", "-3, 3", "The charts' x range: two numbers, like -3, 3."),
            Field("lr", "lr", "0.1", "Learning rate of a gradient descent step, x = x - lr * f'(x).", step=0.01),
            Field(
                "descend",
                "descend",
                "f2",
                "The function a gradient descent step (ctrl+g) goes down.",
                choices=("f1", "f2", "f3", "f4"),
            ),
            Field("path", "path", "", "The x values gradient descent has visited: ctrl+g adds one, ctrl+r clears them."),
        ),
        module="engine.lessons.derivatives",
        actions=(
            Action("step", "ctrl+g", "descent step"),
            Action("reset", "ctrl+r", "reset descent"),
        ),
    ),
    Lesson(
        id="layer",
        number=5,
        title="Single layer",
        summary="y = sigmoid(x @ w1 + b1): one layer, its shape error and the reshapes that fix it.",
        fields=(
            Field("seed", "seed", "7", SEED_HELP, step=1, width=6),
            Field("inputs", "inputs", "1,10", "Shape of the input: one row of 10 features is 1,10."),
            Field(
                "weight",
                "w1",
                "like inputs",
                "Shape of the weights w1. 'like inputs' is torch.randn_like(inputs), as the tutorial does "
                "(so w1 is 1,10 too); or type a shape such as 10,1.",
            ),
            Field("bias", "b1", "1,1", "Shape of the bias b1: one number is 1,1."),
            Field(
                "fix",
                "fix",
                "none",
                "How w1 is made to fit: none (the tutorial's error), w1.reshape, w1.view, w1.resize_ "
                "or the transpose w1.T.",
                choices=("none", "reshape", "view", "resize_", "transpose"),
            ),
            Field(
                "memory",
                "w1 memory",
                "contiguous",
                "non-contiguous makes w1 the transpose of another tensor, so its numbers are not laid "
                "out row by row: view refuses it, reshape copies it, resize_ ignores the layout.",
                choices=("contiguous", "non-contiguous"),
            ),
            Field(
                "activation",
                "sigmoid",
                "torch.sigmoid",
                "The activation: torch.sigmoid, or by hand as 1 / (1 + exp(-z)) (the same numbers).",
                choices=("torch.sigmoid", "by hand"),
            ),
        ),
        module="engine.lessons.layer",
    ),
    Lesson(
        id="network",
        number=6,
        title="Network",
        summary="Two hidden layers by hand, then the same network with nn.Module and nn.Linear.",
        fields=(
            Field(
                "sizes",
                "layers",
                "10, 20, 20, 10",
                "Layer sizes from input to output: 10, 20, 20, 10 is 10 features, two hidden layers "
                "of 20 and 10 outputs.",
                width=16,
            ),
            Field(
                "input",
                "input",
                "10",
                "Shape of the input; its last size is the number of features (the first layer wants "
                "as many as the first layer size).",
            ),
            Field(
                "activation",
                "activation",
                "none",
                "What runs between layers: none (as in the tutorial), sigmoid or relu.",
                choices=("none", "sigmoid", "relu"),
            ),
            Field("seed", "seed", "7", SEED_HELP, step=1, width=6),
        ),
        module="engine.lessons.network",
    ),
    Lesson(
        id="playground",
        number=7,
        title="Playground",
        summary="Your own code, run as you type; errors come with fixes.",
        fields=(
            Field(
                "code",
                "code",
                "x = torch.randn(2, 3)\nx.T @ x\n",
                "Type PyTorch or NumPy code: each statement's value shows below as you type (torch, np, nn "
                "and F are ready). A safe subset runs: assignments, expressions, for/while/if, def and class, "
                "the common torch, nn, F and np functions and tensor methods; files, other imports and names "
                "starting with _ are refused. tab leaves the editor (indent with spaces), ctrl+z undoes, "
                "f2 shows the code as a script.",
                multiline=True,
            ),
        ),
        module="engine.lessons.playground",
    ),
)

_BY_ID = {lesson.id: lesson for lesson in LESSONS}


def lesson_by_id(lesson_id: str) -> Lesson:
    """The lesson with ``lesson_id``; raises KeyError for an unknown id."""
    return _BY_ID[lesson_id]


__all__ = ["LESSONS", "Action", "Field", "Lesson", "lesson_by_id"]
