"""What learner code may name: the curated torch, nn, F and np members, methods and builtins.

Nothing here is reachable unless it is listed. The interpreter asks this module
for every name and attribute; anything else is refused with a message saying
what tensor-tutor does run.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np
import torch
import torch.nn.functional as functional
from torch import nn

ALLOWED_SUMMARY = "tensor-tutor runs a safe subset of PyTorch and NumPy (torch.*, np.*, tensor methods)"


class Refused(Exception):
    """The code used something outside the safe subset; the message says what and what is allowed."""


def refuse(what: str) -> Refused:
    """A refusal for ``what`` in the project's standard words."""
    return Refused(f"{what} is not available here: {ALLOWED_SUMMARY}")


@dataclass(frozen=True)
class Allowed:
    """A library function the code may call. ``rule`` says how its result size is known in advance.

    It is deliberately not callable: library code handed one (as a sort key, say)
    cannot run it past the interpreter's checks.

    Rules: "meta" runs it on meta copies of its tensor arguments first; "create" runs it with
    device="meta" first; "data" counts the nested data of its first argument; "bounded" means
    the result is never larger than its inputs; numpy rules are looked up in ``sizing``.
    """

    name: str
    fn: Callable[..., object]
    rule: str = "meta"

    def __repr__(self) -> str:
        return f"<function {self.name}>"


@dataclass(frozen=True, eq=False)
class Builtin:
    """A Python builtin as the subset offers it: our bounded version under the usual name.

    ``as_type`` is the type it stands for in ``isinstance`` (``list`` for our list()).
    """

    name: str
    fn: Callable[..., object]
    as_type: type | None = None

    def __call__(self, *args: object, **kwargs: object) -> object:
        try:
            return self.fn(*args, **kwargs)
        except TypeError as exc:  # "Builtins.sum() takes ..." -> "sum() takes ..."
            message = str(exc)
            if message.startswith("Builtins."):
                raise TypeError(message[len("Builtins."):]) from None
            raise

    def __repr__(self) -> str:
        return f"<built-in function {self.name}>"


@dataclass(frozen=True)
class Library:
    """A module name as the code sees it (torch, np, nn, F): only listed members resolve."""

    name: str
    members: dict[str, object]
    module: object = None

    def __repr__(self) -> str:
        return f"<module {self.name}>"


def _seed_torch(seed: int) -> None:
    """torch.manual_seed without its Generator result, whose text changes from run to run."""
    torch.manual_seed(seed)


def _functions(prefix: str, owner: object, names: str, rule: str) -> dict[str, Allowed]:
    return {name: Allowed(f"{prefix}.{name}", getattr(owner, name), rule) for name in names.split()}


_TORCH_DTYPES = {
    name: getattr(torch, name)
    for name in (
        "float32 float64 float16 bfloat16 float double half int8 int16 int32 int64 int long "
        "uint8 bool complex64 complex128"
    ).split()
}

_TORCH_CONSTANTS = {"pi": torch.pi, "e": torch.e, "inf": torch.inf, "nan": torch.nan}

TORCH_CREATE = "zeros ones full eye arange linspace logspace"
TORCH_RANDOM = "rand randn randint randperm"
"""Random creation is sized with torch.empty on meta: random ops on meta go through slow Python refs."""
TORCH_META = (
    "zeros_like ones_like full_like "
    "matmul mm bmm dot mv outer addmm "
    "sigmoid relu tanh exp log log2 log10 sin cos tan sqrt rsqrt abs pow add sub mul div "
    "true_divide floor_divide remainder neg square sign round floor ceil clamp clip "
    "maximum minimum eq ne lt le gt ge where softmax log_softmax "
    "sum mean max min argmax argmin std var prod norm cumsum cumprod "
    "sort argsort topk cat concat stack hstack vstack reshape transpose t squeeze unsqueeze "
    "flatten permute clone chunk split tril triu diag trace flip roll movedim swapaxes "
    "broadcast_to detach"
)
TORCH_BOUNDED = (
    "equal allclose isclose is_tensor numel from_numpy is_floating_point all any "
    "rand_like randn_like randint_like"
)

TORCH: dict[str, object] = {
    **_functions("torch", torch, TORCH_CREATE, "create"),
    **_functions("torch", torch, TORCH_RANDOM, "random"),
    **_functions("torch", torch, TORCH_META, "meta"),
    **_functions("torch", torch, TORCH_BOUNDED, "bounded"),
    "tensor": Allowed("torch.tensor", torch.tensor, "data"),
    "as_tensor": Allowed("torch.as_tensor", torch.as_tensor, "data"),
    "manual_seed": Allowed("torch.manual_seed", _seed_torch, "bounded"),
    "no_grad": Allowed("torch.no_grad", torch.no_grad, "bounded"),
    "enable_grad": Allowed("torch.enable_grad", torch.enable_grad, "bounded"),
    "Size": Allowed("torch.Size", torch.Size, "data"),
    **_TORCH_DTYPES,
    **_TORCH_CONSTANTS,
}

F = Library(
    "torch.nn.functional",
    module=functional,
    members={
        **_functions(
            "F",
            functional,
            "relu sigmoid tanh softmax log_softmax linear mse_loss l1_loss cross_entropy "
            "leaky_relu gelu silu binary_cross_entropy normalize",
            "meta",
        ),
    },
)

NN_MODULES = "Linear Sigmoid ReLU Tanh Softmax LogSoftmax LeakyReLU GELU Identity Flatten Sequential MSELoss L1Loss CrossEntropyLoss"
"""nn classes the code may build; their sizes are checked in ``sizing.check_module``."""

NN = Library(
    "torch.nn",
    module=nn,
    members={
        **{name: Allowed(f"nn.{name}", getattr(nn, name), "module") for name in NN_MODULES.split()},
        "Parameter": Allowed("nn.Parameter", nn.Parameter, "bounded"),
        "Module": nn.Module,
        "functional": F,
    },
)
TORCH["nn"] = NN
TORCH["Tensor"] = torch.Tensor
TORCH["random"] = Library("torch.random", {"manual_seed": TORCH["manual_seed"]}, torch.random)
TORCH_LIBRARY = Library("torch", TORCH, torch)

NP_RULES: dict[str, str] = {
    # creation from a shape argument
    **{name: "shape" for name in "zeros ones full".split()},
    **{name: "like" for name in "zeros_like ones_like full_like".split()},
    "eye": "eye",
    "identity": "identity",
    "arange": "arange",
    "linspace": "linspace",
    "array": "data",
    "asarray": "data",
    # products
    "dot": "dot",
    "matmul": "matmul",
    "outer": "outer",
    "diag": "diag",
    # element-wise with broadcasting
    **{
        name: "broadcast"
        for name in (
            "multiply add subtract divide power maximum minimum where true_divide "
            "floor_divide mod equal greater less allclose isclose clip"
        ).split()
    },
    # joining
    **{name: "join" for name in "concatenate stack vstack hstack".split()},
    # never larger than their inputs
    **{
        name: "bounded"
        for name in (
            "exp log log2 log10 sqrt sin cos tan tanh abs sign round floor ceil negative square "
            "sum mean max min argmax argmin std var prod cumsum sort argsort "
            "transpose reshape ravel squeeze expand_dims shape ndim size array_equal "
            "may_share_memory all any trace tril triu"
        ).split()
    },
}

NP_RANDOM_RULES = {
    "seed": "bounded",
    "randn": "dims",
    "rand": "dims",
    "randint": "size",
    "normal": "size",
    "uniform": "size",
    "random": "size",
}

NP_DTYPES = "float32 float64 float16 int8 int16 int32 int64 uint8 bool_ complex64 complex128"


def _shares_memory(a: object, b: object) -> bool:
    """np.shares_memory with a bound on its work (the exact answer can take exponential time)."""
    return bool(np.shares_memory(a, b, max_work=100_000))


_NP_MEMBERS: dict[str, object] = {
    **{name: Allowed(f"np.{name}", getattr(np, name), rule) for name, rule in NP_RULES.items()},
    "shares_memory": Allowed("np.shares_memory", _shares_memory, "bounded"),
    **{name: getattr(np, name) for name in NP_DTYPES.split()},
    "pi": np.pi,
    "e": np.e,
    "inf": np.inf,
    "nan": np.nan,
    "newaxis": None,
    "ndarray": np.ndarray,
    "random": Library(
        "np.random",
        {
            name: Allowed(f"np.random.{name}", getattr(np.random, name), rule)
            for name, rule in NP_RANDOM_RULES.items()
        },
        np.random,
    ),
}
NP_LIBRARY = Library("numpy", _NP_MEMBERS, np)

# Python's own messages ("'Library' object is not iterable") should name what the learner wrote.
Builtin.__name__ = Builtin.__qualname__ = "builtin_function_or_method"
Builtin.__module__ = "builtins"
Allowed.__name__ = Allowed.__qualname__ = "builtin_function_or_method"
Allowed.__module__ = "builtins"
Library.__name__ = Library.__qualname__ = "module"
Library.__module__ = "builtins"

LIBRARIES = {"torch": TORCH_LIBRARY, "np": NP_LIBRARY, "numpy": NP_LIBRARY, "nn": NN, "F": F}
"""Names always bound, whether or not the code imports them."""

IMPORTS = {
    ("torch", None): "torch",
    ("numpy", "np"): "np",
    ("numpy", None): "numpy",
    ("torch.nn", "nn"): "nn",
    ("torch.nn.functional", "F"): "F",
}
"""Accepted ``import module as alias`` forms, mapped to the name they bind."""

FROM_IMPORTS = {("torch", "nn"): "nn", ("torch.nn", "functional"): "F"}
"""Accepted ``from module import name`` forms (the alias, if any, must be the listed name)."""

IMPORT_HELP = (
    "only `import torch`, `import numpy as np`, `import torch.nn as nn`, "
    "`import torch.nn.functional as F` and `from torch import nn` are accepted "
    "(torch, np, nn and F are always available)"
)

# Tensor members. Methods whose result may be larger than the tensor are checked on meta first.
TENSOR_ATTRIBUTES = frozenset(
    "shape dtype T mT H grad requires_grad is_leaf grad_fn data ndim device layout".split()
)
TENSOR_METHODS_BOUNDED = frozenset(
    (
        "item tolist numpy backward numel size dim is_contiguous data_ptr equal allclose "
        "is_floating_point nelement stride storage_offset element_size all any retain_grad "
        "normal_ uniform_"
    ).split()
)
TENSOR_METHODS_META = frozenset(
    (
        "reshape view view_as reshape_as resize_ t t_ transpose transpose_ unsqueeze unsqueeze_ "
        "squeeze squeeze_ permute flatten contiguous clone detach detach_ requires_grad_ zero_ "
        "fill_ float double long int half bool to type_as sum mean max min argmax argmin std var "
        "prod norm cumsum abs exp log sqrt sin cos tanh sigmoid relu softmax pow neg round floor "
        "ceil clamp sign matmul mm bmm dot mv outer add sub mul div add_ sub_ mul_ div_ pow_ "
        "expand expand_as repeat chunk split narrow flip eq ne lt le gt ge sort argsort topk "
        "square maximum minimum copy_ clamp_ abs_ exp_ tril triu diag trace "
        "masked_fill"
    ).split()
)
TENSOR_METHODS = TENSOR_METHODS_BOUNDED | TENSOR_METHODS_META

ARRAY_ATTRIBUTES = frozenset("shape dtype T ndim size itemsize nbytes flags strides base".split())
ARRAY_METHODS = frozenset(
    (
        "reshape transpose sum mean max min argmax argmin std var prod cumsum copy flatten ravel "
        "squeeze astype tolist item dot fill round clip any all swapaxes"
    ).split()
)
ARRAY_METHOD_RULES = {"dot": "dot"}
"""Array methods whose result may be larger than the array (others are bounded)."""

MODULE_METHODS = frozenset(
    (
        "parameters named_parameters children named_children modules forward train eval "
        "zero_grad requires_grad_ float double extra_repr"
    ).split()
)
MODULE_ATTRIBUTES = frozenset(
    "weight bias in_features out_features training negative_slope dim start_dim end_dim".split()
)

LIST_METHODS = frozenset("append pop index count copy reverse insert clear remove".split())
STR_METHODS = frozenset("upper lower strip split startswith endswith title".split())
SIZE_METHODS = frozenset("numel index count".split())


def is_dtype_like(value: object) -> bool:
    """True for the dtype values the code can name: torch dtypes, numeric numpy types, float/int/bool."""
    if isinstance(value, torch.dtype):
        return True
    if value in (float, int, bool, complex):
        return True
    if isinstance(value, type) and issubclass(value, np.generic):
        return np.dtype(value).kind in "biufc"
    return isinstance(value, np.dtype) and value.kind in "biufc"


NUMPY_STRINGS = frozenset(
    (
        "float32 float64 float16 float int64 int32 int16 int8 int uint8 bool complex64 "
        "complex128 C F A K"
    ).split()
)
"""Strings numpy functions may receive (dtype names, memory orders): nothing that sizes memory."""
