"""Lesson 6: a small fully connected network, first by hand, then as ``class Net(nn.Module)``.

By hand every layer is ``h = matmul(w.T, h) + b``. The tutorial stops there;
the lesson also shows what it leaves out: with no activation between the layers
the whole stack is one linear map (one matrix and one bias give the same
output), and an activation is what breaks that. The nn.Module version shows
``print(net)``, the parameter count and each layer's weight shape in a table that
keeps the layers before a failing one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Mapping

import torch
from torch import nn

from engine.blocks import Block, Code, Fact, FixChoice, LessonResult, Prose, ProblemView, Table, Value
from engine.errors import InputError
from engine.evaluation import Evaluation, Output, Problem, evaluate
from engine.lessons.common import outputs_by_name, problem_block, value_block
from engine.limits import MAX_ELEMENTS, MAX_WORK
from engine.parsing import MAX_FIELD_CHARS, parse_choice, parse_int, parse_shape

ACTIVATIONS = ("none", "sigmoid", "relu")
MAX_LAYERS = 8
"""Most layers (weight matrices) a network may have: enough to see depth, short enough to read."""

MAX_PARAMETERS = MAX_ELEMENTS
"""Most parameters a whole network may hold (it is built twice: by hand and with nn.Linear)."""

_SEPARATORS = re.compile(r"[,\s]+")


@dataclass(frozen=True)
class Network:
    """The validated fields."""

    sizes: tuple[int, ...]
    input: tuple[int, ...]
    activation: str
    seed: int

    @property
    def layers(self) -> list[tuple[int, int]]:
        """(in, out) of each layer."""
        return list(zip(self.sizes, self.sizes[1:]))


def parse_sizes(text: str) -> tuple[int, ...]:
    """Read layer sizes like ``10, 20, 20, 10``: input size, hidden sizes, output size."""
    example = "like 10, 20, 20, 10"
    if len(text) > MAX_FIELD_CHARS:
        raise InputError(f"Layer sizes are {len(text)} characters long: type a few numbers, {example}.", "sizes")
    parts = [p for p in _SEPARATORS.split(text.strip().strip("()[]").strip()) if p]
    if len(parts) < 2:
        raise InputError(
            f"Layer sizes need at least two numbers (inputs and outputs), {example}.", "sizes"
        )
    if len(parts) > MAX_LAYERS + 1:
        raise InputError(f"Layer sizes: at most {MAX_LAYERS} layers ({MAX_LAYERS + 1} numbers), {example}.", "sizes")
    sizes: list[int] = []
    for part in parts:
        try:
            sizes.append(parse_int(part, f'Layer size "{part}"', 1, MAX_ELEMENTS))
        except InputError as error:
            raise InputError(error.message.replace("like 7", example), "sizes") from None
    network_size = sum(a * b + b for a, b in zip(sizes, sizes[1:]))
    if network_size > MAX_PARAMETERS:
        raise InputError(
            f"Those layers hold {network_size:,} parameters: the limit is {MAX_PARAMETERS:,}, so try smaller sizes.",
            "sizes",
        )
    return tuple(sizes)


def parse(values: Mapping[str, str]) -> Network:
    """Check every field, raising ``InputError`` on the first bad one."""
    sizes = parse_sizes(values["sizes"])
    try:
        shape = parse_shape(values["input"])
    except InputError as error:
        raise error.for_field("input") from None
    activation = parse_choice(values["activation"], "Activation", ACTIVATIONS)
    try:
        seed = parse_int(values["seed"], "Seed", 0, 2**32 - 1)
    except InputError as error:
        raise error.for_field("seed") from None
    return Network(sizes, shape, activation, seed)


def _args(shape: tuple[int, ...]) -> str:
    return ", ".join(map(str, shape))


def _activated(network: Network, expression: str) -> str:
    return expression if network.activation == "none" else f"torch.{network.activation}({expression})"


def hand_source(network: Network) -> str:
    """The tutorial's network by hand: random weights and biases, then h = matmul(w.T, h) + b per layer."""
    lines = [f"torch.manual_seed({network.seed})", f"inputs = torch.randn({_args(network.input)})"]
    for i, (fan_in, fan_out) in enumerate(network.layers, 1):
        lines += [f"w{i} = torch.randn({fan_in}, {fan_out})", f"b{i} = torch.randn({fan_out})"]
    last = len(network.layers)
    previous = "inputs"
    for i in range(1, last + 1):
        step = f"torch.matmul(w{i}.T, {previous}) + b{i}"
        lines.append(f"h{i} = {step if i == last else _activated(network, step)}")
        previous = f"h{i}"
    return "\n".join(lines) + "\n"


def one_map_source(network: Network) -> str:
    """The stack folded into one matrix W and one bias c, checked against the layers' output."""
    last = len(network.layers)
    bias = "b1"
    for i in range(2, last + 1):
        bias = f"torch.matmul(w{i}.T, {bias}) + b{i}"
    return (
        f"W = {' @ '.join(f'w{i}' for i in range(1, last + 1))}\n"
        f"c = {bias}\n"
        "one = torch.matmul(W.T, inputs) + c\n"
        f"torch.allclose(one, h{last}, rtol=1e-4, atol=1e-4)\n"
        f"(one - h{last}).abs().max()\n"
    )


def module_source(network: Network) -> str:
    """The same network as ``class Net(nn.Module)`` with nn.Linear layers, run on the same inputs."""
    last = len(network.layers)
    lines = [
        f"torch.manual_seed({network.seed})",
        f"inputs = torch.randn({_args(network.input)})",
        "",
        "class Net(nn.Module):",
        "    def __init__(self):",
        "        super().__init__()",
    ]
    lines += [f"        self.fc{i} = nn.Linear({a}, {b})" for i, (a, b) in enumerate(network.layers, 1)]
    lines += ["", "    def forward(self, x):"]
    for i in range(1, last + 1):
        step = f"self.fc{i}(x)"
        lines.append(f"        x = {step if i == last else _activated(network, step)}")
    lines += [
        "        return x",
        "",
        "net = Net()",
        "print(net)",
        "sum(p.numel() for p in net.parameters())",
        "net.fc1.weight.shape",
        "y = net(inputs)",
    ]
    return "\n".join(lines) + "\n"


def _dims(shape: tuple[int, ...] | torch.Size) -> str:
    return "(" + ", ".join(map(str, shape)) + ("," if len(shape) == 1 else "") + ")"


def layer_table(network: Network, evaluation: Evaluation) -> Table:
    """Each nn.Linear layer of the net the code built: weight shape, output shape, parameters.

    The layers are run one by one on the inputs, so a layer that does not fit is
    marked with PyTorch's own message and the layers before it keep their rows.
    """
    net, inputs = evaluation.namespace.get("net"), evaluation.namespace.get("inputs")
    layers = [getattr(net, f"fc{i}", None) for i in range(1, len(network.layers) + 1)] if isinstance(net, nn.Module) else []
    rows: list[tuple[str, str, str, str]] = []
    h = inputs if isinstance(inputs, torch.Tensor) else None
    why_not = "not run" if h is None else ""
    total = 0
    for i, layer in enumerate(layers, 1):
        if not isinstance(layer, nn.Linear):
            break
        if h is None:
            output = why_not
        else:
            output, h = _step(network, layer, h, last=i == len(layers))
            why_not = "not reached"
        params = layer.weight.numel() + layer.bias.numel()
        total += params
        rows.append((f"fc{i}", _dims(layer.weight.shape), output, f"{params:,}"))
    if rows:
        rows.append(("total", "", "", f"{total:,}"))
    return Table(
        ("layer", "weight shape", "output shape", "parameters"), tuple(rows), title="Layer by layer (nn.Linear)"
    )


def _step(network: Network, layer: nn.Linear, h: torch.Tensor, last: bool) -> tuple[str, torch.Tensor | None]:
    """Run one layer (and the activation after it): the output's shape, or PyTorch's refusal."""
    rows = h.numel() // max(h.shape[-1], 1) if h.dim() else 1
    if rows * layer.in_features * layer.out_features > MAX_WORK:
        return "not run: over the work limit", None
    try:
        with torch.no_grad():
            out = layer(h)
            if not last and network.activation != "none":
                out = getattr(torch, network.activation)(out)
    except RuntimeError as error:
        return f"✗ {error}", None
    return _dims(out.shape), out


def _problem_view(problem: Problem, fixes: tuple[FixChoice, ...] = ()) -> ProblemView:
    """A problem the learner's values caused (the lesson's defaults raise none)."""
    return problem_block(problem, fixes)


def _ok(values: dict[str, str]) -> tuple[int, ...] | None:
    """The output shape when both versions of the network run for ``values``, else None."""
    try:
        network = parse(values)
    except InputError:
        return None
    hand = evaluate(hand_source(network), seed=network.seed)
    module = evaluate(module_source(network), seed=network.seed)
    if hand.error is not None or module.error is not None:
        return None
    y = module.namespace.get("y")
    return tuple(y.shape) if isinstance(y, torch.Tensor) else None


def input_fixes(network: Network, values: Mapping[str, str], problem: Problem) -> tuple[FixChoice, ...]:
    """Field changes that make the input fit the first layer, each run to check it works.

    Only a shape error (PyTorch's RuntimeError) gets them: a refusal or a limit is not a mismatch.
    """
    if problem.kind != "RuntimeError":
        return ()
    features = network.input[-1]
    first = network.sizes[0]
    candidates = [
        (f"input {first}", f"give the network the {first} features its first layer takes", {"input": str(first)}),
    ]
    if len(network.input) > 1:
        shape = network.input[:-1] + (first,)
        candidates.append(
            (f"input {_args(shape)}", f"keep the batch, with {first} features", {"input": _args(shape)})
        )
    sizes = ", ".join(map(str, (features,) + network.sizes[1:]))
    candidates.append((f"layers {sizes}", f"make the first layer take {features} features", {"sizes": sizes}))
    fixes = []
    for label, note, change in candidates:
        shape = _ok({**values, **change})
        if shape is not None and change != {k: values[k] for k in change}:
            fixes.append(FixChoice(label, note, shape, change, of="y"))
    return tuple(fixes)


def _linear_fact(network: Network, evaluation: Evaluation) -> Fact | None:
    names = evaluation.namespace
    W, one = names.get("W"), names.get("one")
    last = names.get(f"h{len(network.layers)}")
    if not all(isinstance(t, torch.Tensor) for t in (W, one, last)) or one.shape != last.shape:
        return None
    matches = torch.allclose(one, last, rtol=1e-4, atol=1e-4)
    size = f"one {_dims(W.shape)} matrix W and one bias c"
    if len(network.layers) == 1:
        return Fact(
            "One layer is one linear map already: W is w1 and c is b1. Activations go between layers, "
            "so with a single layer there is none to add."
        )
    if network.activation == "none":
        if matches:
            return Fact(
                f"No activation, so the layers collapse: {size} give the same output. Stacking linear layers "
                "adds parameters but no power; the tutorial's network is one layer in disguise."
            )
        return Fact(
            f"No activation, so {size} compute the same map, yet differ here by "
            f"{(one - last).abs().max().item():.3g}: float32 rounding, which grows with the numbers.",
            tone="warning",
        )
    if matches:
        return Fact(
            f"With {network.activation} between the layers, {size} still match for these inputs: every hidden value "
            f"passed through {network.activation} unchanged. Other inputs would tell them apart.",
            tone="warning",
        )
    return Fact(
        f"With {network.activation} between the layers the stack is no longer one linear map: {size} give a "
        f"different output (off by up to {(one - last).abs().max().item():.3g})."
    )


def _statement_values(evaluation: Evaluation, first_line: int) -> list[Block]:
    """The values of expression statements from ``first_line`` on, each under its code."""
    return [
        value_block(o)
        for o in evaluation.outputs
        if o.line >= first_line and o.name is None and o.kind != "text"
    ]


def _printed(evaluation: Evaluation) -> Output | None:
    return next((o for o in evaluation.outputs if o.kind == "text" and o.source.startswith("print(")), None)


def run(values: Mapping[str, str]) -> LessonResult:
    """Lesson 6 for the given field values."""
    network = parse(values)
    values = dict(values)
    hand = hand_source(network)
    check = one_map_source(network)
    module = module_source(network)
    first = evaluate(hand + check, seed=network.seed)
    fixes: tuple[FixChoice, ...] | None = None

    blocks: list[Block] = [Prose("By hand: every layer is h = matmul(w.T, h) + b."), Code(hand)]
    hand_lines = hand.count("\n")
    named = outputs_by_name(first)
    blocks += [value_block(named[f"h{i}"]) for i in range(1, len(network.layers) + 1) if f"h{i}" in named]
    if first.error is not None and first.error.line <= hand_lines:
        fixes = input_fixes(network, values, first.error)
        blocks.append(_problem_view(first.error, fixes))
        shown = [hand]
    else:
        blocks += [
            Prose(
                "What the tutorial leaves out: without an activation, layer after layer is still one linear "
                "map. Fold the weights into one matrix and compare:"
            ),
            Code(check),
            *_statement_values(first, hand_lines + 1),
        ]
        if first.error is not None:
            blocks.append(_problem_view(first.error))
        fact = _linear_fact(network, first)
        if fact is not None:
            blocks.append(fact)
        shown = [hand, check]

    second = evaluate(module, seed=network.seed)
    blocks += [Prose("The same network with nn.Module: nn.Linear(in, out) holds a weight and a bias."), Code(module)]
    printed = _printed(second)
    if printed is not None:
        blocks.append(Value("print(net)", printed.text))
    blocks += _statement_values(second, 1)
    blocks.append(layer_table(network, second))
    blocks += _module_facts(network, second, first)
    if second.error is not None:
        if fixes is None or second.error.kind != first.error.kind:
            fixes = input_fixes(network, values, second.error)
        blocks.append(_problem_view(second.error, fixes))
    elif "y" in outputs_by_name(second):
        blocks.append(value_block(outputs_by_name(second)["y"], "net(inputs)"))
    blocks += [Fact(text, tone="warning") for text in dict.fromkeys(first.warnings + second.warnings)]
    return LessonResult(blocks=tuple(blocks), source="\n".join([*shown, module]))


def _module_facts(network: Network, module: Evaluation, hand: Evaluation) -> list[Block]:
    net = module.namespace.get("net")
    if not isinstance(net, nn.Module):
        return []
    counts = " + ".join(f"{a}×{b} + {b}" for a, b in network.layers)
    total = sum(p.numel() for p in net.parameters())
    facts: list[Block] = [Fact(f"{total:,} parameters: {counts} (each layer's weights, then its biases).")]
    fc1, w1 = getattr(net, "fc1", None), hand.namespace.get("w1")
    if isinstance(fc1, nn.Linear) and isinstance(w1, torch.Tensor):
        facts.append(
            Fact(
                f"fc1.weight is {_dims(fc1.weight.shape)}, the transpose of the hand-built w1 {_dims(w1.shape)}: "
                "nn.Linear stores (out, in) and computes x @ weight.T + bias."
            )
        )
    return facts
