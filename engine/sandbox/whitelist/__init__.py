"""What learner code may name: the curated torch, nn, F and np members, methods and builtins.

Nothing here is reachable unless it is listed. The interpreter asks this module
for every name and attribute; anything else is refused with a message saying
what tensor-tutor does run. The whole whitelist is in this package: ``base``
(the kinds of entry), ``nn`` (layers, optimizers, devices), ``python`` (math and
text), ``values`` (what the syntax may loop over, index and enter) and here.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import torch

from engine.i18n import N_, _
from engine.sandbox.seeding import seed_torch
from engine.sandbox.whitelist import nn as whitelist_nn
from engine.sandbox.whitelist import python as whitelist_python
from engine.sandbox.whitelist.base import Allowed, Builtin, Library, Refused, functions, refuse
from engine.sandbox.whitelist.nn import NN, F


def _seed_torch(seed: int) -> None:
    """torch.manual_seed without its Generator result, whose text changes from run to run."""
    seed_torch(seed)


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
    "equal allclose isclose is_tensor numel from_numpy is_floating_point all any rand_like randn_like randint_like"
)

TORCH: dict[str, object] = {
    **functions("torch", torch, TORCH_CREATE, "create"),
    **functions("torch", torch, TORCH_RANDOM, "random"),
    **functions("torch", torch, TORCH_META, "meta"),
    **functions("torch", torch, TORCH_BOUNDED, "bounded"),
    "tensor": Allowed("torch.tensor", torch.tensor, "data"),
    "as_tensor": Allowed("torch.as_tensor", torch.as_tensor, "data"),
    "manual_seed": Allowed("torch.manual_seed", _seed_torch, "bounded"),
    "no_grad": Allowed("torch.no_grad", torch.no_grad, "bounded"),
    "enable_grad": Allowed("torch.enable_grad", torch.enable_grad, "bounded"),
    "Size": Allowed("torch.Size", torch.Size, "data"),
    **_TORCH_DTYPES,
    **_TORCH_CONSTANTS,
}

EMPTY_NOTE = (
    "torch.empty gives zeros here. In PyTorch its numbers are whatever the memory held, different "
    "from run to run; fill it (zero_(), fill_(), or assign into it) before reading it."
)


def _empty(*args: Any, **kwargs: Any) -> torch.Tensor:
    """torch.empty filled with zeros: PyTorch leaves its memory as it was, so its numbers differ from run
    to run, and the same code must always show the same screen here. A note says so."""
    warnings.warn(EMPTY_NOTE, stacklevel=2)
    return torch.zeros(*args, **kwargs)


def _empty_like(*args: Any, **kwargs: Any) -> torch.Tensor:
    """torch.empty_like filled with zeros, for the reason ``_empty`` gives."""
    warnings.warn(EMPTY_NOTE, stacklevel=2)
    return torch.zeros_like(*args, **kwargs)


TORCH["empty"] = Allowed("torch.empty", _empty, "create")
TORCH["empty_like"] = Allowed("torch.empty_like", _empty_like, "meta")
TORCH["device"] = Allowed("torch.device", whitelist_nn.device, "bounded")
TORCH["cuda"] = whitelist_nn.CUDA
TORCH["backends"] = whitelist_nn.BACKENDS
TORCH["optim"] = whitelist_nn.OPTIM
AUTOGRAD = TORCH["autograd"] = Library("torch.autograd", {"Function": torch.autograd.Function}, torch.autograd)
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
    return bool(np.shares_memory(a, b, max_work=100_000))  # type: ignore[arg-type]  # NumPy's stubs allow -1 and 0 only; any bound works


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
        {name: Allowed(f"np.random.{name}", getattr(np.random, name), rule) for name, rule in NP_RANDOM_RULES.items()},
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

LIBRARIES = {
    "torch": TORCH_LIBRARY,
    "np": NP_LIBRARY,
    "numpy": NP_LIBRARY,
    "nn": NN,
    "F": F,
    "optim": whitelist_nn.OPTIM,
    "math": whitelist_python.MATH,
}
"""Names always bound, whether or not the code imports them."""

MODULES: dict[str, Library] = {
    "torch": TORCH_LIBRARY,
    "numpy": NP_LIBRARY,
    "torch.nn": NN,
    "torch.nn.functional": F,
    "torch.optim": whitelist_nn.OPTIM,
    "torch.optim.lr_scheduler": whitelist_nn.LR_SCHEDULER,
    "torch.autograd": AUTOGRAD,
    "math": whitelist_python.MATH,
}
"""Modules ``import`` and ``from ... import`` accept, as the code sees them."""

MODULES_ELSEWHERE = {
    "torchvision": N_(
        "torchvision (its datasets download files) is not available here: make image-shaped tensors "
        "instead, such as torch.rand(64, 1, 28, 28) for a batch of 28x28 images"
    ),
    "torch.utils": N_(
        "torch.utils.data (datasets and DataLoader) is not available here: slice your tensors into "
        "batches instead, for example x[i:i + 64] in a for loop over range(0, len(x), 64)"
    ),
    "torchaudio": N_("torchaudio is not available here: make tensors of samples with torch.randn instead"),
    "torchtext": N_("torchtext is not available here: make tensors of token ids with torch.randint instead"),
    "matplotlib": N_("matplotlib is not available here: print the numbers, or see a lesson's charts"),
    "random": N_("Python's random module is not available here: use torch.rand, torch.randint or np.random"),
}
"""Modules beginners import that stay out of reach, with what to do instead."""


BUILTINS_ELSEWHERE = {
    "open": N_(
        "open is not available here: the Playground cannot read or write files; "
        "write the data into the code as a list or a tensor"
    ),
    "input": N_("input is not available here: set a variable to the value instead"),
    "help": N_("help is not available here: press F1 for help on the Playground, or print a value to see it"),
    "dir": N_("dir is not available here: print a value, or its .shape and .dtype, to see what it holds"),
    "iter": N_("iter is not available here: loop over the value with for, or use next(model.parameters())"),
    "map": N_("map is not available here: write a list comprehension, [f(x) for x in items]"),
    "filter": N_("filter is not available here: write a list comprehension, [x for x in items if test(x)]"),
    "format": N_("format is not available here: use an f-string, f'{x:.3f}', or '{:.3f}'.format(x)"),
    "set": N_("set is not available here: use a list, or a dict with the items as keys"),
}
"""Builtins beginners reach for that are refused, with the allowed way to do the same."""

REFUSED_BUILTINS = frozenset(
    (
        "open eval exec compile input getattr setattr delattr hasattr globals locals vars dir "
        "help exit quit super breakpoint memoryview object id hash iter map filter format "
        "chr ord bytes bytearray set frozenset classmethod staticmethod property"
    ).split()
)
"""Builtins that exist in Python but not here: named in a refusal rather than a NameError."""


def refuse_builtin(name: str) -> Refused:
    """The refusal for builtin ``name``, with the allowed way where there is one."""
    return Refused(_(BUILTINS_ELSEWHERE[name])) if name in BUILTINS_ELSEWHERE else refuse(name)


TORCH_ELSEWHERE = {
    "save": N_("torch.save is not available here: the Playground cannot write files; keep the tensor in a variable"),
    "load": N_("torch.load is not available here: the Playground cannot read files; make the tensor in the code"),
    "hub": N_("torch.hub (it downloads models) is not available here: build the model with torch.nn layers"),
    "utils": MODULES_ELSEWHERE["torch.utils"],
    "set_default_device": N_("torch.set_default_device is not available here: tensor-tutor runs on the CPU already"),
    "compile": N_("torch.compile is not available here: call the model directly"),
}
"""torch members beginners meet that stay refused, with what to do instead."""


def import_refusal(module: str) -> Refused:
    """The refusal for importing ``module``: what to do instead where there is a way, else what is importable."""
    top = module.split(".")[0]
    for name in (module, ".".join(module.split(".")[:2]), top):
        if name in MODULES_ELSEWHERE:
            return Refused(_(MODULES_ELSEWHERE[name]))
    return Refused(_("import {module} is not available here: {help}", module=module, help=_(IMPORT_HELP)))


IMPORT_HELP = N_(
    "the modules available are torch (with torch.nn, torch.nn.functional and torch.optim), numpy and math; "
    "files, the network and processes are out of reach"
)

# Tensor members. Methods whose result may be larger than the tensor are checked on meta first.
TENSOR_ATTRIBUTES = frozenset(
    "shape dtype T mT H grad requires_grad is_leaf grad_fn data ndim device layout is_cuda".split()
)
TENSOR_SETTABLE = frozenset({"requires_grad", "grad", "data"})
"""Tensor attributes the code may assign (x.requires_grad = True, x.grad = None)."""
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
        "masked_fill new_ones new_zeros new_full new_empty new_tensor cpu cuda type log_softmax tan "
        "sub_ log1p mean_ isnan"
    ).split()
)
TENSOR_METHODS = TENSOR_METHODS_BOUNDED | TENSOR_METHODS_META
METHOD_ALIASES = {"new_empty": "new_zeros"}
"""Tensor methods run as another: new_empty's memory would be whatever was there, different every run."""

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
        "zero_grad requires_grad_ float double extra_repr to cpu cuda state_dict"
    ).split()
)
MODULE_ATTRIBUTES = frozenset(
    (
        "weight bias in_features out_features training negative_slope dim start_dim end_dim "
        "in_channels out_channels kernel_size stride padding num_features running_mean running_var "
        "num_embeddings embedding_dim p eps momentum reduction"
    ).split()
)

SCALAR_ATTRIBUTES = frozenset("dtype shape ndim real imag".split())
SCALAR_METHODS = frozenset("item astype".split())
"""Members of NumPy's scalars (np.float32(2.0), an array's element)."""

CONTEXT_METHODS = frozenset("save_for_backward mark_non_differentiable mark_dirty".split())
CONTEXT_ATTRIBUTES = frozenset("saved_tensors needs_input_grad".split())
"""Members of ``ctx`` in an autograd Function's forward and backward (with what forward set on it)."""

DEVICE_ATTRIBUTES = frozenset("type index".split())
TUPLE_METHODS = frozenset("count index".split())
COMPLEX_ATTRIBUTES = frozenset("real imag".split())
LIST_METHODS = frozenset("append pop index count copy reverse insert clear remove extend sort".split())
DICT_METHODS = frozenset("keys values items get copy pop update setdefault".split())
STR_METHODS = whitelist_python.STR_METHODS
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
    ("float32 float64 float16 float int64 int32 int16 int8 int uint8 bool complex64 complex128 C F A K").split()
)
"""Strings numpy functions may receive (dtype names, memory orders): nothing that sizes memory."""
