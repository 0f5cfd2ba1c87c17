"""Knowing how big a result will be before making it.

Every call the interpreter makes into torch or NumPy passes through here first.
Torch operations are run on the ``meta`` device (shapes without memory); NumPy
results are sized by arithmetic on shapes. Only when the result fits the limits
does the real call run, so the learner always sees the CPU's own error text.
Plain Python values (numbers, sequences, text, what printing costs) are sized
in ``python_sizing``.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import numpy as np
import torch
import torch.nn.functional as functional
from torch import nn

from engine.sandbox import meta
from engine.sandbox.limits import (
    MAX_DIMS,
    MAX_ELEMENTS,
    MAX_WORK,
    check,
)
from engine.sandbox.meta import mirror
from engine.sandbox.python_sizing import before_python_operator, count_data, leaf_count
from engine.sandbox.whitelist import NUMPY_STRINGS, TENSOR_METHODS_BOUNDED, is_dtype_like
from engine.sandbox.whitelist.base import Allowed, Builtin, Refused
from engine.sandbox.whitelist.nn import NO_GPU, no_device

MATMUL_NAMES = frozenset("matmul mm bmm dot mv linear @".split())
"""Operations whose work is (result elements) x (inner dimension), bounded by MAX_WORK."""

WINDOW_NAMES = frozenset("conv1d conv2d max_pool1d max_pool2d avg_pool1d avg_pool2d".split())
"""Operations that visit a window of the input for each output element: (output) x (window) work."""

MAX_PIECES = 10_000
"""Most tensors one split or chunk may return."""


# ---------------------------------------------------------------- results


def check_result(value: object) -> None:
    """Refuse a tensor or array over the limits, or an array of text or objects."""
    if isinstance(value, torch.Tensor):
        check(value.numel(), MAX_ELEMENTS, "the number of elements in the result")
        check(value.dim(), MAX_DIMS, "the number of dimensions of the result")
    elif isinstance(value, (np.ndarray, np.generic)):
        if value.dtype.kind not in "biufc":
            raise Refused(
                f"arrays of dtype {value.dtype} are not available here: tensor-tutor works with "
                "numeric arrays (float, int, bool, complex)"
            )
        if isinstance(value, np.ndarray):
            check(value.size, MAX_ELEMENTS, "the number of elements in the result")
            check(value.ndim, MAX_DIMS, "the number of dimensions of the result")
    elif isinstance(value, tuple) and value and isinstance(value[0], torch.Tensor):
        check(len(value), MAX_PIECES, "the number of tensors returned")
        for item in value:
            check_result(item)


def _check_meta(result: object) -> None:
    if isinstance(result, torch.Tensor):
        check(result.numel(), MAX_ELEMENTS, "the number of elements the result would have")
        check(result.dim(), MAX_DIMS, "the number of dimensions the result would have")
    elif isinstance(result, (tuple, list)):
        for item in result:
            _check_meta(item)


# ---------------------------------------------------------------- meta copies


def _operand(value: object) -> object:
    """A list or tuple beside a tensor as a meta tensor of its shape; other values unchanged."""
    if isinstance(value, (list, tuple)) and not isinstance(value, torch.Size):
        count_data(value)
        try:
            return torch.empty(np.shape(value), device="meta")
        except (ValueError, TypeError, RuntimeError):
            return value
    return value


def _check_work(name: str, args: Sequence[object], result: object) -> None:
    if name in WINDOW_NAMES:
        _check_window_work(name, args, result)
        return
    if name not in MATMUL_NAMES or not isinstance(result, torch.Tensor):
        return
    first = next((a for a in args if isinstance(a, (torch.Tensor, np.ndarray))), None)
    if first is None or first.ndim == 0:
        return
    work = max(result.numel(), 1) * first.shape[-1]
    check(work, MAX_WORK, f"the number of multiply-adds {name} needs")


def _check_window_work(name: str, args: Sequence[object], result: object, window: int | None = None) -> None:
    """Convolutions multiply-add (in channels x kernel) numbers per output element; pooling reads its kernel."""
    if not isinstance(result, torch.Tensor):
        return
    if window is None:
        second = args[1] if len(args) > 1 else None
        if name.startswith("conv") and isinstance(second, torch.Tensor) and second.dim() >= 2:
            window = math.prod(second.shape[1:])
        elif not name.startswith("conv"):
            kernel = meta.plain(second)
            sizes = kernel if isinstance(kernel, (tuple, list)) else (kernel,) * (2 if name.endswith("2d") else 1)
            window = math.prod(s for s in sizes if isinstance(s, int)) if sizes else 1
    if window:
        check(max(result.numel(), 1) * window, MAX_WORK, f"the number of operations {name} needs")


def _layer_window(module: nn.Module) -> tuple[str, int] | None:
    """The window work per output element of a convolution or pooling layer."""
    if isinstance(module, (nn.Conv1d, nn.Conv2d)):
        return "conv", math.prod(module.weight.shape[1:])
    if isinstance(module, (nn.MaxPool1d, nn.MaxPool2d, nn.AvgPool1d, nn.AvgPool2d)):
        size = module.kernel_size
        dims = 2 if isinstance(module, (nn.MaxPool2d, nn.AvgPool2d)) else 1
        return "pooling", math.prod(size if isinstance(size, tuple) else (size,) * dims)
    return None


# ---------------------------------------------------------------- torch


def _check_device(kwargs: dict[str, object]) -> None:
    """A device= that is not the CPU fails as it would on a machine without that device."""
    device = kwargs.get("device")
    if device is not None:
        error = no_device(device)
        if error is not None:
            raise error
    out = kwargs.get("out")
    if out is not None and not isinstance(out, (torch.Tensor, np.ndarray, tuple)):
        raise TypeError(f"out= must be a tensor or an array, not {type(out).__name__}")


def check_move(name: str, args: Sequence[object], kwargs: dict[str, object]) -> None:
    """x.to(device), x.cuda() and x.type('torch.cuda.FloatTensor'), on a tensor or a layer: only the CPU is here."""
    if name == "cuda" or (name == "type" and any(isinstance(a, str) and "cuda" in a for a in args)):
        raise AssertionError(NO_GPU)
    for value in [*args, kwargs.get("device")]:
        if isinstance(value, (str, torch.device)):
            error = no_device(value)
            if error is not None:
                raise error


BROADCAST_INSIDE = frozenset("allclose isclose mse_loss l1_loss binary_cross_entropy".split())
"""Operations that broadcast their inputs internally but return something small."""


def _check_broadcast(values: Iterable[object]) -> None:
    """The size of the broadcast of the tensor arguments, which the operation makes internally."""
    shapes = [tuple(v.shape) for v in values if isinstance(v, (torch.Tensor, np.ndarray))]
    try:
        size = math.prod(torch.broadcast_shapes(*shapes)) if len(shapes) > 1 else 0
    except RuntimeError:
        return
    check(size, MAX_ELEMENTS, "the number of elements this operation broadcasts its inputs to")


def before_torch(allowed: Allowed, args: Sequence[object], kwargs: dict[str, object]) -> None:
    """Check a torch function call's result size (and work) before it runs."""
    _check_device(kwargs)
    if allowed.name.rsplit(".", 1)[-1] in BROADCAST_INSIDE:
        _check_broadcast([*args, *kwargs.values()])
    if allowed.rule == "bounded":
        return
    if allowed.rule == "one_hot":
        _check_one_hot(args, kwargs)
        return
    if allowed.rule == "data":
        if args:
            count_data(args[0], text_allowed=False)
        return
    short = allowed.name.rsplit(".", 1)[-1]
    if short == "norm":
        _check_matrix_norm(args[0] if args else None, args[1:], kwargs)
    if short in ("split", "chunk"):
        _check_pieces(short, args[0] if args else None, args[1:], kwargs)
    if allowed.rule == "create":
        result = meta.run(allowed.name, allowed.fn, args, {**kwargs, "device": "meta"})
    elif allowed.rule == "random":
        result = meta.run(allowed.name, _empty_like_random, [short, *args], kwargs)
    else:
        result = meta.run(allowed.name, allowed.fn, args, kwargs)
        _check_work(short, args, result)
    _check_meta(result)


def _check_one_hot(args: Sequence[object], kwargs: dict[str, object]) -> None:
    """F.one_hot makes (elements of its input) x (classes) numbers; without num_classes, classes = max + 1."""
    tensor = args[0] if args else kwargs.get("tensor")
    if not isinstance(tensor, torch.Tensor) or tensor.dtype != torch.int64 or tensor.numel() == 0:
        return  # torch refuses it in its own words
    classes = _as_int(_arg(args, kwargs, 1, "num_classes", -1))
    if classes is None or classes < 0:
        classes = int(tensor.max()) + 1
    check(tensor.numel() * classes, MAX_ELEMENTS, "the number of elements F.one_hot would make")


def _empty_like_random(name: str, *args: Any, **kwargs: Any) -> torch.Tensor:
    """A meta tensor of the size a random creation call asks for (the sizes as the code wrote them)."""
    if name == "randperm":
        return torch.empty(args[0] if args else kwargs["n"], device="meta")
    if name == "randint":
        size = kwargs["size"] if "size" in kwargs else args[-1]
        return torch.empty(size, device="meta")
    size_kwargs = {"size": kwargs["size"]} if "size" in kwargs else {}
    return torch.empty(*args, **size_kwargs, device="meta")


def before_tensor_method(tensor: torch.Tensor, name: str, args: Sequence[object], kwargs: dict[str, object]) -> None:
    """Check a tensor method call's result size before it runs."""
    _check_device(kwargs)
    if name in BROADCAST_INSIDE:
        _check_broadcast([tensor, *args, *kwargs.values()])
    if name in TENSOR_METHODS_BOUNDED:
        return
    if name in ("to", "cuda", "type"):
        check_move(name, args, kwargs)
    if name in ("split", "chunk"):
        _check_pieces(name, tensor, args, kwargs)
    if name == "norm":
        _check_matrix_norm(tensor, args, kwargs)
    result = meta.run(("method", name), _method(name), [tensor, *args], kwargs)
    _check_work(name, [tensor, *args], result)
    _check_meta(result)
    if name in ("resize_", "resize_as_"):
        if result is None:
            raise Refused(f"{name} takes whole numbers as sizes here, like w.resize_(10, 1)")
        _check_resize_keeps_memory(tensor, result)


def _method(name: str) -> Callable[..., object]:
    """Call tensor method ``name`` on its first argument (a meta mirror of the tensor)."""
    return lambda tensor, *args, **kwargs: getattr(tensor, name)(*args, **kwargs)


def _check_resize_keeps_memory(tensor: object, result: object) -> None:
    """Refuse a resize_ that grows a tensor: its new elements would be whatever memory held.

    Such numbers change from run to run, and the same code must always show the same screen.
    """
    if not isinstance(tensor, torch.Tensor) or not isinstance(result, torch.Tensor):
        return
    room = tensor.untyped_storage().nbytes() // max(tensor.element_size(), 1) - tensor.storage_offset()
    if result.numel() > room:
        raise Refused(
            f"resize_ to {result.numel()} elements would grow the tensor past the {room} its memory holds; the new "
            "elements would be uninitialised memory, different on every run, so tensor-tutor refuses it. "
            "Use reshape or view for a new shape with the same number of elements."
        )


def _check_matrix_norm(tensor: object, args: Sequence[object], kwargs: dict[str, object]) -> None:
    """The nuclear and spectral norms take a singular value decomposition: m * n * min(m, n) work."""
    p = _arg(args, kwargs, 0, "p", "fro")
    dim = _arg(args, kwargs, 1, "dim")
    if not isinstance(tensor, torch.Tensor) or tensor.dim() < 2:
        return
    if p == "nuc" or (p in (2, -2) and isinstance(dim, (tuple, list)) and len(dim) == 2):
        m, n = tensor.shape[-2], tensor.shape[-1]
        work = math.prod(tensor.shape[:-2]) * m * n * min(m, n)
        check(work, MAX_WORK, "the work of this matrix norm (a singular value decomposition)")


def _check_pieces(name: str, tensor: object, args: Sequence[object], kwargs: dict[str, object]) -> None:
    size = _as_int(args[0]) if args else None
    if not isinstance(tensor, torch.Tensor) or size is None:
        return
    if name == "chunk":
        pieces = size
    else:
        dim = _as_int(args[1] if len(args) > 1 else kwargs.get("dim", 0))
        if dim is None or not -tensor.dim() <= dim < max(tensor.dim(), 1) or size <= 0:
            return
        pieces = math.ceil(tensor.shape[dim] / size) if tensor.dim() else 1
    check(pieces, MAX_PIECES, f"the number of pieces {name} would return")


def before_module_call(module: nn.Module, args: Sequence[object]) -> None:
    """Check a built-in layer's output size and work before it runs on real input.

    The layer runs on meta copies of its parameters and buffers
    (``torch.func.functional_call``); the answer is remembered per layer
    configuration, so a training loop pays for it once.
    """
    if isinstance(module, nn.Sequential):
        return  # each layer is checked as it runs
    if isinstance(module, (nn.MSELoss, nn.L1Loss, nn.SmoothL1Loss, nn.HuberLoss, nn.BCELoss)):
        _check_broadcast(args)
    if isinstance(module, nn.Linear):
        if not args or not isinstance(args[0], torch.Tensor):
            return
        result = meta.run("F.linear", functional.linear, [args[0], module.weight, module.bias], {})
        _check_work("matmul", args, result)
    else:
        shapes = tuple(tuple(t.shape) for t in [*module.parameters(), *module.buffers()])
        kind = f"{type(module).__module__}.{type(module).__qualname__}"
        key = ("layer", kind, module.extra_repr(), getattr(module, "reduction", None), module.training, shapes)
        result = meta.run(key, _on_meta(module), list(args), {})
        window = _layer_window(module)
        if window is not None:
            _check_window_work(window[0], args, result, window[1])
    _check_meta(result)


def _on_meta(module: nn.Module) -> Callable[..., object]:
    """Run ``module`` with meta copies of its own tensors in place of them."""

    def call(*args: object) -> object:
        tensors = {name: mirror(t) for name, t in [*module.named_parameters(), *module.named_buffers()]}
        return torch.func.functional_call(module, tensors, args)

    return call


def check_module(allowed: Allowed, args: Sequence[object], kwargs: dict[str, object]) -> None:
    """Check the parameters an nn layer would allocate before building it: build it on meta first.

    Its sizes are normalised (``meta.plain``): nn.Linear(True, 10 ** 9) or a 0-d
    tensor as a size are read as the numbers torch would read.
    """
    _check_device(kwargs)
    try:
        layer = allowed.fn(
            *[meta.plain(a) for a in args], **{k: meta.plain(v) for k, v in kwargs.items()}, device="meta"
        )
    except TypeError as exc:
        if "device" not in str(exc):
            return  # the real call reports the learner's mistake in torch's words
        return  # a layer without parameters (ReLU, Flatten, the losses): nothing to size
    except Exception:
        return
    if not isinstance(layer, nn.Module):
        return
    total = 0
    for tensor in [*layer.parameters(), *layer.buffers()]:
        check(tensor.numel(), MAX_ELEMENTS, f"the number of elements of one parameter of this {allowed.name}")
        total += tensor.numel()
    check(total, MAX_ELEMENTS * 4, f"the number of parameters of this {allowed.name}")


def module_bytes(module: nn.Module) -> int:
    """What a newly built layer's parameters and buffers take."""
    return sum(t.numel() * t.element_size() for t in [*module.parameters(), *module.buffers()])


# ---------------------------------------------------------------- numpy


def check_numpy_arguments(args: Sequence[object], kwargs: dict[str, object]) -> None:
    """Refuse strings and types that could make numpy allocate text or objects (dtype='U999999999')."""
    for value in [*args, *kwargs.values()]:
        if isinstance(value, str) and value not in NUMPY_STRINGS:
            raise Refused(
                f"the string {value[:40]!r} is not available as a numpy argument here: "
                "use a dtype such as np.float32 or 'float64'"
            )
        if isinstance(value, Builtin):
            raise Refused(
                f"{value.name} is not available as a numpy argument here: "
                "tensor-tutor works with numeric arrays (float, int, bool, complex)"
            )
        if isinstance(value, (type, np.dtype)) and not is_dtype_like(value):
            raise Refused(
                f"{getattr(value, '__name__', value)} is not available as a dtype here: "
                "tensor-tutor works with numeric arrays (float, int, bool, complex)"
            )
    out = kwargs.get("out")
    if out is not None and not isinstance(out, np.ndarray):
        raise TypeError(f"out= must be an array, not {type(out).__name__}")
    for value in [*args, *kwargs.values()]:
        if isinstance(value, (list, tuple)):
            count_data(value, text_allowed=False, weigh=_numpy_leaf)


_INT64 = 2**63


def _numpy_leaf(item: object) -> int:
    """A value inside a list given to NumPy: numbers fit 64 bits, and no dtypes (a tuple or list of
    dtypes makes a structured or sub-array dtype, many times the elements asked for)."""
    if isinstance(item, int) and not -_INT64 <= item < _INT64:
        raise Refused(
            "whole numbers beyond 64 bits are not available in NumPy arrays here: NumPy would compute "
            "with Python's big integers, one by one; use floats, such as 1e30"
        )
    if isinstance(item, (type, np.dtype)):
        raise Refused(
            f"a dtype given as a tuple or list ({getattr(item, '__name__', item)} inside one) is not available "
            "here: give one dtype, such as np.float64"
        )
    return leaf_count(item, text_allowed=False)


def _size(value: object) -> int:
    if isinstance(value, torch.Tensor):
        return value.numel()
    if isinstance(value, np.ndarray):
        return value.size
    if isinstance(value, (list, tuple)):
        return count_data(value)
    return 1


def _shape(value: object) -> tuple[int, ...]:
    if isinstance(value, (torch.Tensor, np.ndarray, np.generic)):
        return tuple(value.shape)
    if isinstance(value, range):
        return (len(value),)
    if isinstance(value, (list, tuple)):
        count_data(value)
        return tuple(np.shape(value))
    return ()


def _as_int(value: object) -> int | None:
    """The whole number a size argument stands for (ints, bools, NumPy ints, 0-d int tensors), or None."""
    try:
        return operator.index(value)  # type: ignore[arg-type]  # any value: index() says if it is not a whole number
    except (TypeError, RuntimeError, ValueError):
        return None


def _shape_count(shape: object) -> int | None:
    """Elements a numpy shape argument asks for, or None when it is not a shape (numpy will say).

    NumPy reads a shape from a whole number or from any sequence of them (a
    tuple, but also a range, an array or a 1-D tensor), so all of those are sized.
    """
    single = _as_int(shape)
    if single is not None:
        return max(single, 0)
    if isinstance(shape, (np.ndarray, torch.Tensor)) and shape.ndim == 1:
        check(int(shape.shape[0]), MAX_DIMS, "the number of dimensions asked for")
        shape = shape.tolist()
    if isinstance(shape, (list, tuple, range)):
        check(len(shape), MAX_DIMS, "the number of dimensions asked for")
        sizes = [size for s in shape if (size := _as_int(s)) is not None]
        if len(sizes) == len(shape):
            return math.prod(max(size, 0) for size in sizes)
    return None


def _number(value: object) -> float | None:
    try:
        number = float(value)  # type: ignore[arg-type]  # any value: float() says if it is not a number
    except (TypeError, ValueError, RuntimeError):
        return None
    return number if math.isfinite(number) else None


def _arg(args: Sequence[object], kwargs: dict[str, object], index: int, name: str, default: object = None) -> object:
    if len(args) > index:
        return args[index]
    return kwargs.get(name, default)


def _arange_count(args: Sequence[object], kwargs: dict[str, object]) -> int | None:
    numbers = [_number(a) for a in args[:3]]
    start: float | None
    stop: float | None
    step: float | None
    if len(numbers) == 1:
        start, stop, step = 0.0, numbers[0], 1.0
    elif len(numbers) >= 2:
        start, stop = numbers[:2]
        step = numbers[2] if len(numbers) == 3 else _number(kwargs.get("step", 1))
    else:
        start, stop, step = _number(kwargs.get("start", 0)), _number(kwargs.get("stop")), _number(kwargs.get("step", 1))
    if start is None or stop is None or not step:
        return None
    return max(math.ceil((stop - start) / step), 0)


def _matmul_shape(a: tuple[int, ...], b: tuple[int, ...]) -> tuple[tuple[int, ...], int] | None:
    """Result shape and inner size of a NumPy matmul, or None when numpy will refuse it."""
    if not a or not b:
        return None
    a2 = (1, *a) if len(a) == 1 else a
    b2 = (*b, 1) if len(b) == 1 else b
    try:
        batch = np.broadcast_shapes(a2[:-2], b2[:-2])
    except ValueError:
        return None
    shape = (*batch, a2[-2], b2[-1])
    if len(b) == 1:
        shape = shape[:-1]
    if len(a) == 1:
        shape = shape[:-2] + shape[-1:] if len(b) > 1 else shape[:-1]
    return shape, a[-1]


def _dot_shape(a: tuple[int, ...], b: tuple[int, ...]) -> tuple[tuple[int, ...], int] | None:
    if not a or not b:
        return (a or b), 1
    if len(b) == 1:
        return a[:-1], a[-1]
    return a[:-1] + b[:-2] + b[-1:], a[-1]


def _numpy_count(rule: str, args: Sequence[object], kwargs: dict[str, object], name: str) -> int | None:
    """Elements a numpy call's result will have under ``rule`` (None when unknown or bounded)."""
    if rule == "shape":
        return _shape_count(_arg(args, kwargs, 0, "shape"))
    if rule == "like":
        if "shape" in kwargs:
            return _shape_count(kwargs["shape"])
        return _size(args[0]) if args else None
    if rule == "eye":
        n, m = _arg(args, kwargs, 0, "N"), _arg(args, kwargs, 1, "M")
        m = n if m is None else m
        return _shape_count((n, m))
    if rule == "identity":
        n = _arg(args, kwargs, 0, "n")
        return _shape_count((n, n))
    if rule == "arange":
        return _arange_count(args, kwargs)
    if rule == "linspace":
        num = _shape_count(_arg(args, kwargs, 2, "num", 50))
        try:
            ends = math.prod(
                np.broadcast_shapes(_shape(_arg(args, kwargs, 0, "start")), _shape(_arg(args, kwargs, 1, "stop")))
            )
        except ValueError:
            return None
        return None if num is None else num * ends
    if rule == "diag":
        if not args or len(_shape(args[0])) != 1:
            return None
        offset = _arg(args, kwargs, 1, "k", 0)
        side = _shape(args[0])[0] + abs(_as_int(offset) or 0)
        return side * side
    if rule == "data":
        if not args:
            return None
        return count_data(args[0], text_allowed=False)
    if rule in ("dot", "matmul"):
        if len(args) < 2:
            return None
        a, b = _shape(args[0]), _shape(args[1])
        shaped = (_dot_shape if rule == "dot" else _matmul_shape)(a, b)
        if shaped is None:
            return None
        shape, inner = shaped
        count = math.prod(shape)
        check(max(count, 1) * inner, MAX_WORK, f"the number of multiply-adds {name} needs")
        check(len(shape), MAX_DIMS, "the number of dimensions the result would have")
        return count
    if rule == "outer":
        return _size(args[0]) * _size(args[1]) if len(args) >= 2 else None
    if rule == "broadcast":
        try:
            return math.prod(np.broadcast_shapes(*(_shape(a) for a in args)))
        except ValueError:
            return None
    if rule == "join":
        items = args[0] if args else ()
        if isinstance(items, (list, tuple)):
            return sum(_size(item) for item in items)
        return None
    if rule == "dims":
        return _shape_count(tuple(args))
    if rule == "size":
        index = {"random": 0}.get(name.rsplit(".", 1)[-1], 2)
        size = _arg(args, kwargs, index, "size")
        if size is not None:
            return _shape_count(size)
        return _numpy_count("broadcast", [*args, *kwargs.values()], {}, name)
    return None


def before_numpy(allowed: Allowed, args: Sequence[object], kwargs: dict[str, object]) -> None:
    """Check a numpy function call's arguments and result size before it runs."""
    check_numpy_arguments(args, kwargs)
    count = _numpy_count(allowed.rule, args, kwargs, allowed.name)
    if count is not None:
        check(count, MAX_ELEMENTS, f"the number of elements {allowed.name} would make")


def before_array_method(
    array: np.ndarray | np.generic, name: str, args: Sequence[object], kwargs: dict[str, object]
) -> None:
    """Check an ndarray method call (dot and clip are the ones that can grow their input)."""
    check_numpy_arguments(args, kwargs)
    rule = {"dot": "dot", "clip": "broadcast"}.get(name)
    if rule is not None and args:
        count = _numpy_count(rule, [array, *args, *kwargs.values()], {}, name)
        if count is not None:
            check(count, MAX_ELEMENTS, f"the number of elements {name} would make")


# ---------------------------------------------------------------- operators


_MATMUL_OPERATOR = operator.matmul


def before_operator(op: Callable[[object, object], object], left: object, right: object) -> None:
    """Check a binary operator's result size: tensors on meta, arrays by shapes, Python by length/bits."""
    if isinstance(left, torch.Tensor) or isinstance(right, torch.Tensor):
        if op is not _MATMUL_OPERATOR and _is_scalar_or_tensor(left) and _is_scalar_or_tensor(right):
            _check_broadcast_result(left, right)  # element-wise: the result has the broadcast shape
            return
        operands = [_operand(left), _operand(right)]
        result = meta.run(("operator", op.__name__), op, operands, {})
        _check_work("@" if op is _MATMUL_OPERATOR else "", operands, result)
        _check_meta(result)
    elif isinstance(left, (np.ndarray, np.generic)) or isinstance(right, (np.ndarray, np.generic)):
        check_numpy_arguments([left, right], {})
        rule = "matmul" if op is _MATMUL_OPERATOR else "broadcast"
        count = _numpy_count(rule, [left, right], {}, "@")
        if count is not None:
            check(count, MAX_ELEMENTS, "the number of elements the result would have")
    else:
        before_python_operator(op, left, right)


def _is_scalar_or_tensor(value: object) -> bool:
    return isinstance(value, (torch.Tensor, int, float, complex))


def _check_broadcast_result(left: object, right: object) -> None:
    shapes = [v.shape for v in (left, right) if isinstance(v, torch.Tensor)]
    shape = shapes[0] if len(shapes) == 1 or shapes[0] == shapes[1] else _broadcast(*shapes)
    if shape is None:
        return  # the real operation fails with the CPU's own words, before allocating
    check(math.prod(shape), MAX_ELEMENTS, "the number of elements the result would have")
    check(len(shape), MAX_DIMS, "the number of dimensions the result would have")


def _broadcast(a: Sequence[int], b: Sequence[int]) -> tuple[int, ...] | None:
    """The broadcast of two shapes, or None when they do not broadcast (torch's own is slow Python)."""
    if len(a) < len(b):
        a, b = b, a
    b = (1,) * (len(a) - len(b)) + tuple(b)
    shape = []
    for x, y in zip(a, b):
        if x != y and x != 1 and y != 1:
            return None
        shape.append(y if x == 1 else x)
    return tuple(shape)


# ---------------------------------------------------------------- indexing


def _is_advanced(index: object) -> bool:
    parts = index if isinstance(index, tuple) else (index,)
    return any(isinstance(part, (torch.Tensor, np.ndarray, list)) for part in parts)


def _mirror_index(index: object) -> object:
    if isinstance(index, tuple):
        return tuple(_mirror_index(part) for part in index)
    if isinstance(index, list):
        count_data(index)
        index = np.asarray(index)
    if isinstance(index, (torch.Tensor, np.ndarray)):
        return mirror(index)
    return index


def before_index(container: torch.Tensor | np.ndarray, index: object) -> None:
    """Check indexing with index tensors or lists (which can repeat rows) before it runs.

    Plain indexing (numbers, slices, None, ...) only makes a view; a boolean mask
    selects at most every element once. Both are left alone.
    """
    if not _is_advanced(index):
        return
    parts = index if isinstance(index, tuple) else (index,)
    if any(getattr(part, "dtype", None) in (torch.bool, np.bool_) for part in parts):
        return
    result = meta.run("[]", operator.getitem, [container, _mirror_index(index)], {})
    if result is None:
        total = sum(_size(part) for part in parts if isinstance(part, (torch.Tensor, np.ndarray, list)))
        check(total * max(_size(container), 1), MAX_ELEMENTS, "the number of elements this indexing could select")
    _check_meta(result)


def _warm_up() -> None:
    """Run a few meta operations once at import.

    Many meta kernels are Python functions whose first call imports a large part
    of torch (~0.8 s here). Paying that at import keeps the learner's first
    evaluation inside its one-second budget.
    """
    a = torch.empty(3, 4, device="meta")
    b = torch.empty(4, device="meta")
    _ = (a + b, a @ b, functional.linear(a, a), torch.cat([a, a]), a.mean(0), a.exp(), a.relu())


_warm_up()
