"""What learner code may use of torch.nn, torch.nn.functional, torch.optim and the devices.

Layers and losses are real torch classes; their parameters are sized on the
``meta`` device before they are built (``sizing.check_module``). Optimizers and
schedulers are real too: their state grows with the parameters, which the run's
memory budget measures. Devices are CPU only: ``torch.cuda.is_available()`` is
False here whatever the machine has, and moving anything to a GPU fails with
the words a learner without one reads.
"""

from __future__ import annotations

from typing import Any

import torch
import torch.nn.functional as functional
from torch import nn, optim

from engine.sandbox.whitelist.base import Allowed, Library, functions

NN_MODULES = (
    "Linear Conv1d Conv2d MaxPool1d MaxPool2d AvgPool1d AvgPool2d AdaptiveAvgPool2d "
    "Flatten Unflatten Identity Sequential ModuleList Dropout Dropout2d BatchNorm1d BatchNorm2d LayerNorm "
    "Embedding ReLU ReLU6 LeakyReLU ELU GELU SiLU Sigmoid Tanh Softmax LogSoftmax Softplus "
    "MSELoss L1Loss SmoothL1Loss HuberLoss CrossEntropyLoss NLLLoss BCELoss BCEWithLogitsLoss"
)
"""nn classes the code may build; their parameters are sized on meta first (``sizing.check_module``)."""

F_FUNCTIONS = (
    "relu relu6 elu leaky_relu gelu silu sigmoid tanh softplus softmax log_softmax linear "
    "conv1d conv2d max_pool1d max_pool2d avg_pool1d avg_pool2d adaptive_avg_pool2d dropout "
    "batch_norm layer_norm normalize pad embedding "
    "mse_loss l1_loss smooth_l1_loss huber_loss cross_entropy nll_loss "
    "binary_cross_entropy binary_cross_entropy_with_logits"
)

F = Library(
    "torch.nn.functional",
    module=functional,
    members={
        **functions("F", functional, F_FUNCTIONS, "meta"),
        "one_hot": Allowed("F.one_hot", functional.one_hot, "one_hot"),
    },
)

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

OPTIMIZERS = "SGD Adam AdamW RMSprop Adagrad"
SCHEDULERS = "StepLR MultiStepLR ExponentialLR"

LR_SCHEDULER = Library(
    "torch.optim.lr_scheduler",
    module=optim.lr_scheduler,
    members=functions("torch.optim.lr_scheduler", optim.lr_scheduler, SCHEDULERS, "bounded"),
)
OPTIM = Library(
    "torch.optim",
    module=optim,
    members={**functions("torch.optim", optim, OPTIMIZERS, "bounded"), "lr_scheduler": LR_SCHEDULER},
)

OPTIMIZER_METHODS = frozenset("zero_grad step add_param_group".split())
OPTIMIZER_ATTRIBUTES = frozenset("param_groups defaults".split())
SCHEDULER_METHODS = frozenset("step get_last_lr".split())


def _is_available() -> bool:
    """torch.cuda.is_available() as tensor-tutor answers it: it runs on the CPU, on any machine."""
    return False


def _device_count() -> int:
    return 0


CUDA = Library(
    "torch.cuda",
    module=torch.cuda,
    members={
        "is_available": Allowed("torch.cuda.is_available", _is_available, "bounded"),
        "device_count": Allowed("torch.cuda.device_count", _device_count, "bounded"),
    },
)
BACKENDS = Library(
    "torch.backends",
    module=torch.backends,
    members={
        "mps": Library(
            "torch.backends.mps", {"is_available": Allowed("torch.backends.mps.is_available", _is_available, "bounded")}
        ),
        "cuda": Library(
            "torch.backends.cuda", {"is_built": Allowed("torch.backends.cuda.is_built", _is_available, "bounded")}
        ),
    },
)

NO_GPU = "Torch not compiled with CUDA enabled"
"""What PyTorch built without CUDA says when code moves a tensor or layer to the GPU (AssertionError)."""


def no_device(device: object) -> BaseException | None:
    """The error PyTorch raises on a machine without ``device``, or None for the CPU."""
    text = str(device)
    kind = text.split(":", 1)[0]
    if kind == "cpu":
        return None
    if kind == "cuda":
        return AssertionError(NO_GPU)
    if kind == "meta":
        return RuntimeError("device='meta' is not available here: tensor-tutor runs on the CPU")
    return RuntimeError(f"PyTorch is not linked with support for {kind} devices")


def device(*args: Any, **kwargs: Any) -> torch.device:
    """torch.device: naming any device is fine; moving something there is checked when it happens."""
    return torch.device(*args, **kwargs)
