"""Lesson 1, declared: its fields, steps and goals (no torch here)."""

from __future__ import annotations

from engine.i18n import N_, _
from engine.lesson import Field, Goal, Lesson, Step
from engine.lessons.texts import SEED_HELP

RANDOM = ("randn", "rand")
FILLS = ("zeros", "ones")
DTYPES = (N_("default"), "float32", "float64", "int64")

FIELDS = (
    Field("shape", _("shape"), "2,3", _("The tensor's shape: whole numbers separated by commas, like 2,3.")),
    Field(
        "random",
        _("function"),
        "randn",
        _("randn draws from a normal distribution (mean 0, variance 1), rand uniformly from [0, 1)."),
        choices=RANDOM,
    ),
    Field("seed", _("seed"), "0", SEED_HELP, step=1, width=6),
    Field(
        "fill",
        _("function"),
        "zeros",
        _("zeros or ones: the same in both libraries, but called differently."),
        choices=FILLS,
    ),
    Field("size", _("size"), "3", _("The identity matrix's size: 3 for a 3x3 one, or 3,4 for 3 rows and 4 columns.")),
    Field(
        "dtype",
        _("dtype"),
        "default",
        _("The element type; 'default' lets each library choose (torch float32, NumPy float64)."),
        choices=DTYPES,
        words=DTYPES[:1],
    ),
)

STEPS = (
    Step(
        "random",
        _("Random tensors"),
        _("torch.randn beside np.random.randn. The tutorial's text says randn, its notebook rand."),
        ("shape", "random", "seed"),
        Goal(
            _("Pick rand, as the tutorial's notebook does, and see every number land in [0, 1)."),
            _("rand is uniform on [0, 1); randn is normal, so it can be negative."),
            lambda values, m: values["random"] == "rand" and bool(m.get("ok")),
        ),
    ),
    Step(
        "fill",
        _("zeros and ones"),
        _("torch takes the sizes one by one; NumPy wants them as one tuple."),
        ("shape", "fill"),
        Goal(
            _("Give a shape of three sizes, like 2,2,2: torch still takes them loose, NumPy still refuses."),
            _("Any number of sizes: torch takes them loose or as a tuple, NumPy only as a tuple."),
            lambda values, m: int(m.get("dims") or 0) >= 3 and bool(m.get("ok")),
        ),
    ),
    Step(
        "eye",
        _("eye and identity"),
        _("torch has no identity(): it uses eye(). NumPy has identity (square only) and eye."),
        ("size", "dtype"),
        Goal(
            _("Make torch's eye float64, like NumPy's identity: set dtype to float64."),
            _("The same matrix now, and the same dtype: by default torch makes float32, NumPy float64."),
            lambda values, m: bool(m.get("ok")) and m.get("torch_dtype") == m.get("numpy_dtype") == "float64",
        ),
    ),
)

LESSON = Lesson(
    id="tensors",
    number=1,
    title=_("Tensors"),
    summary=_("A tensor is PyTorch's n-dimensional array, a lot like NumPy's ndarray."),
    fields=FIELDS,
    module="engine.lessons.tensors.compute",
    steps=STEPS,
)
