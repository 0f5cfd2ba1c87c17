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
from collections.abc import Mapping
from dataclasses import dataclass

import torch
from torch import nn

from engine.blocks import Block, Code, Columns, Fact, FixChoice, LessonResult, ProblemView, Table, shape_text
from engine.errors import InputError
from engine.i18n import _
from engine.lesson import read
from engine.lessons.common import outputs_by_name, problem_block, tensors_named, value_block
from engine.lessons.network.spec import ACTIVATIONS
from engine.outcomes import Evaluation, Problem
from engine.parsing import MAX_FIELD_CHARS, parse_choice, parse_int, parse_shape
from engine.sandbox.evaluation import evaluate
from engine.sandbox.limits import MAX_ELEMENTS, MAX_WORK

MAX_LAYERS = 8
"""Most layers (weight matrices) a network may have: enough to see depth, short enough to read."""

MAX_PARAMETERS = MAX_ELEMENTS
"""Most parameters a whole network may hold (it is built twice: by hand and with nn.Linear)."""

_SEPARATORS = re.compile(r"\s*,\s*|\s+")
"""Commas or spaces between sizes, as in shapes: two commas in a row leave an empty part, which is refused."""


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
    """Read layer sizes like ``10, 20, 20, 10``: input size, hidden sizes, output size.

    The rule is the shape parser's: whole numbers separated by commas (or spaces),
    and no empty part, so ``10,,20`` is refused here as ``2,,3`` is in a shape.
    """
    example = "10, 20, 20, 10"
    if len(text) > MAX_FIELD_CHARS:
        raise InputError(
            _(
                "Layer sizes are {count} characters long: type a few numbers, like {example}.",
                count=len(text),
                example=example,
            )
        )
    stripped = text.strip().strip("()[]").strip().rstrip(",").strip()
    parts = _SEPARATORS.split(stripped) if stripped else []
    if any(part == "" for part in parts):
        raise InputError(
            _(
                'Layer sizes "{text}": expected whole numbers separated by commas, like {example} (found an empty part).',
                text=text,
                example=example,
            )
        )
    if len(parts) < 2:
        raise InputError(
            _("Layer sizes need at least two numbers (inputs and outputs), like {example}.", example=example)
        )
    if len(parts) > MAX_LAYERS + 1:
        raise InputError(
            _(
                "Layer sizes: at most {most} layers ({numbers} numbers), like {example}.",
                most=MAX_LAYERS,
                numbers=MAX_LAYERS + 1,
                example=example,
            )
        )
    sizes: list[int] = []
    for part in parts:
        if re.fullmatch(r"\d{1,7}", part) is None or int(part) < 1:
            raise InputError(
                _(
                    'Layer size "{part}" is not a whole number from 1: type sizes like {example}.',
                    part=part,
                    example=example,
                )
            )
        sizes.append(parse_int(part, _("Layer size"), 1, MAX_ELEMENTS))
    network_size = sum(a * b + b for a, b in zip(sizes, sizes[1:]))
    if network_size > MAX_PARAMETERS:
        raise InputError(
            _(
                "Those layers hold {count} parameters: the limit is {limit}, so try smaller sizes.",
                count=f"{network_size:,}",
                limit=f"{MAX_PARAMETERS:,}",
            )
        )
    return tuple(sizes)


def parse(values: Mapping[str, str], own_input: bool = True) -> Network:
    """Check every field, raising ``InputError`` on the first bad one.

    ``own_input`` False feeds the network the input it wants (one row of its first size).
    """
    sizes = read(values, "sizes", parse_sizes)
    shape = read(values, "input", parse_shape) if own_input else (sizes[0],)
    activation = read(values, "activation", parse_choice, _("Activation"), ACTIVATIONS)
    seed = read(values, "seed", parse_int, _("Seed"), 0, 2**32 - 1)
    return Network(sizes, shape, activation, seed)


def _args(shape: tuple[int, ...]) -> str:
    return ", ".join(map(str, shape))


def _activated(network: Network, expression: str) -> str:
    return expression if network.activation == "none" else f"torch.{network.activation}({expression})"


def hand_source(network: Network) -> str:
    """The tutorial's network by hand: random weights and biases, then h = matmul(w.T, h) + b per layer."""
    lines = [f"torch.manual_seed({network.seed})", f"inputs = torch.randn({_args(network.input)})"]
    for i, (fan_in, fan_out) in enumerate(network.layers, 1):
        lines.append(f"w{i}, b{i} = torch.randn({fan_in}, {fan_out}), torch.randn({fan_out})")
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


def module_source(network: Network, run: bool = False) -> str:
    """The same network as ``class Net(nn.Module)`` with nn.Linear layers; ``run`` feeds it the inputs."""
    last = len(network.layers)
    lines = ["class Net(nn.Module):", "    def __init__(self):", "        super().__init__()"]
    lines += [f"        self.fc{i} = nn.Linear({a}, {b})" for i, (a, b) in enumerate(network.layers, 1)]
    x = "x"
    for i in range(1, last + 1):
        x = f"self.fc{i}({x})" if i == last else _activated(network, f"self.fc{i}({x})")
    lines += ["    def forward(self, x):", f"        return {x}", "net = Net()"]
    if run:
        lines = [
            f"torch.manual_seed({network.seed})",
            f"inputs = torch.randn({_args(network.input)})",
            *lines,
            "y = net(inputs)",
        ]
    else:
        lines += ["sum(p.numel() for p in net.parameters())", "net.fc1.weight.shape"]
    return "\n".join(lines) + "\n"


def layer_table(network: Network, evaluation: Evaluation) -> Table:
    """Each nn.Linear layer of the net the code built: weight shape, output shape, parameters.

    The layers are run one by one on the inputs, so a layer that does not fit is
    marked with PyTorch's own message and the layers before it keep their rows.
    """
    net, inputs = evaluation.namespace.get("net"), evaluation.namespace.get("inputs")
    layers = (
        [getattr(net, f"fc{i}", None) for i in range(1, len(network.layers) + 1)] if isinstance(net, nn.Module) else []
    )
    rows: list[tuple[str, str, str, str]] = []
    h = inputs if isinstance(inputs, torch.Tensor) else None
    why_not = _("not run") if h is None else ""
    for i, layer in enumerate(layers, 1):
        if not isinstance(layer, nn.Linear):
            break
        if h is None:
            output = why_not
        else:
            output, h = _step(network, layer, h, last=i == len(layers))
            why_not = _("not reached")
        params = layer.weight.numel() + layer.bias.numel()
        rows.append((f"fc{i}", shape_text(tuple(layer.weight.shape)), output, f"{params:,}"))
    return Table((_("layer"), _("weight shape"), _("output shape"), _("parameters")), tuple(rows))


def _step(network: Network, layer: nn.Linear, h: torch.Tensor, last: bool) -> tuple[str, torch.Tensor | None]:
    """Run one layer (and the activation after it): the output's shape, or PyTorch's refusal."""
    rows = h.numel() // max(h.shape[-1], 1) if h.dim() else 1
    if rows * layer.in_features * layer.out_features > MAX_WORK:
        return _("not run: over the work limit"), None
    try:
        with torch.no_grad():
            out = layer(h)
            if not last and network.activation != "none":
                out = getattr(torch, network.activation)(out)
    except RuntimeError:
        return _("refused (see below)"), None
    return shape_text(tuple(out.shape)), out


def _problem_view(problem: Problem, fixes: tuple[FixChoice, ...] = ()) -> ProblemView:
    """A problem the learner's values caused (the lesson's defaults raise none)."""
    return problem_block(problem, fixes)


def _ok(values: dict[str, str]) -> tuple[int, ...] | None:
    """The output shape when the nn.Module network runs for ``values``, else None."""
    try:
        network = parse(values)
    except InputError:
        return None
    module = evaluate(module_source(network, run=True), seed=network.seed, values_only=True)
    y = module.namespace.get("y")
    return tuple(y.shape) if module.error is None and isinstance(y, torch.Tensor) else None


def input_fixes(network: Network, values: Mapping[str, str], problem: Problem) -> tuple[FixChoice, ...]:
    """Field changes that make the input fit the first layer, each run to check it works.

    Only a shape error (PyTorch's RuntimeError) gets them: a refusal or a limit is not a mismatch.
    """
    if problem.kind != "RuntimeError":
        return ()
    features = network.input[-1]
    first = network.sizes[0]
    candidates = [
        (
            f"input {first}",
            _("give the network the {count} features its first layer takes", count=first),
            {"input": str(first)},
        ),
    ]
    if len(network.input) > 1:
        shape = network.input[:-1] + (first,)
        candidates.append(
            (f"input {_args(shape)}", _("keep the batch, with {count} features", count=first), {"input": _args(shape)})
        )
    sizes = ", ".join(map(str, (features,) + network.sizes[1:]))
    candidates.append(
        (f"layers {sizes}", _("make the first layer take {count} features", count=features), {"sizes": sizes})
    )
    fixes = []
    for label, note, change in candidates:
        output = _ok({**values, **change})
        if output is not None and change != {k: values[k] for k in change}:
            fixes.append(FixChoice(label, note, output, change, of="y"))
    return tuple(fixes)


def _linear_fact(network: Network, evaluation: Evaluation) -> Fact | None:
    tensors = tensors_named(evaluation, "W", "one", f"h{len(network.layers)}")
    if tensors is None or tensors[1].shape != tensors[2].shape:
        return None
    W, one, last = tensors
    matches = torch.allclose(one, last, rtol=1e-4, atol=1e-4)
    size = _("one {shape} matrix W and one bias c", shape=shape_text(tuple(W.shape)))
    if len(network.layers) == 1:
        return Fact(
            _(
                "One layer is one linear map already: W is w1 and c is b1. Activations go between layers, "
                "so with a single layer there is none to add."
            )
        )
    if network.activation == "none":
        if matches:
            return Fact(
                _(
                    "No activation, so the layers collapse: {size} give the same output. Stacking linear layers "
                    "adds parameters but no power; the tutorial's network is one layer in disguise.",
                    size=size,
                )
            )
        return Fact(
            _(
                "No activation, so {size} compute the same map, yet differ here by {gap}: float32 rounding, "
                "which grows with the numbers.",
                size=size,
                gap=f"{(one - last).abs().max().item():.3g}",
            ),
            tone="warning",
        )
    if matches:
        return Fact(
            _(
                "With {activation} between the layers, {size} still match for these inputs: every hidden value "
                "passed through {activation} unchanged. Other inputs would tell them apart.",
                activation=network.activation,
                size=size,
            ),
            tone="warning",
        )
    return Fact(
        _(
            "With {activation} between the layers the stack is no longer one linear map: {size} give a "
            "different output (off by up to {gap}).",
            activation=network.activation,
            size=size,
            gap=f"{(one - last).abs().max().item():.3g}",
        )
    )


def _hand(values: Mapping[str, str]) -> LessonResult:
    network = parse(values, own_input=False)
    source = hand_source(network)
    last = f"h{len(network.layers)}"
    evaluation = evaluate(source, seed=network.seed, outputs_from=source.count("\n"))  # the last layer's line
    named = outputs_by_name(evaluation)
    blocks: list[Block] = [Code(source)]
    if last in named:
        blocks.append(value_block(named[last]))
    if evaluation.error is not None:
        blocks.append(_problem_view(evaluation.error))
    shape = named[last].shape if last in named else None
    out = shape[-1] if shape else None
    return LessonResult(tuple(blocks), source, measures={"ok": evaluation.error is None, "out": out})


def _module(values: Mapping[str, str]) -> LessonResult:
    network = parse(values, own_input=False)
    source = module_source(network)
    evaluation = evaluate(source, seed=network.seed)
    hand = evaluate(hand_source(network), seed=network.seed, values_only=True)
    blocks: list[Block] = [Code(source), *_module_facts(network, evaluation, hand)]
    if evaluation.error is not None:
        blocks.append(_problem_view(evaluation.error))
    measures = {"ok": evaluation.error is None, "layers": len(network.layers)}
    return LessonResult(tuple(blocks), source, measures=measures)


def _table(values: Mapping[str, str]) -> LessonResult:
    network = parse(values)
    source = module_source(network, run=True)
    evaluation = evaluate(source, seed=network.seed, outputs_from=source.count("\n"))  # y = net(inputs)
    shown = "\n".join(
        [_("# class Net as in step 2"), *source.split("class Net", 1)[0].splitlines()[1:], "y = net(inputs)"]
    )
    blocks: list[Block] = [Code(shown + "\n"), layer_table(network, evaluation)]
    if evaluation.error is not None:
        problem = evaluation.error
        explanation = _first_layer_words(network) if problem.kind == "RuntimeError" else None
        blocks.append(problem_block(problem, input_fixes(network, values, problem), explanation=explanation))
    else:
        y = outputs_by_name(evaluation).get("y")
        if y is not None and y.shape is not None:
            blocks.append(Fact(_("net(inputs) has shape {shape}.", shape=shape_text(y.shape))))
    return LessonResult(tuple(blocks), source, measures={"ok": evaluation.error is None})


def _first_layer_words(network: Network) -> str | None:
    """Why the input does not fit, in the layer's own terms (the table above shows where)."""
    fan_in, fan_out = network.layers[0]
    features = network.input[-1]
    if features == fan_in:
        return None
    return _(
        "fc1 is nn.Linear({fan_in}, {fan_out}): it takes {fan_in} features, and the input has {features}.",
        fan_in=fan_in,
        fan_out=fan_out,
        features=features,
    )


def _activation(values: Mapping[str, str]) -> LessonResult:
    network = parse(values, own_input=False)
    hand, check = hand_source(network), one_map_source(network)
    evaluation = evaluate(hand + check, seed=network.seed, outputs_from=hand.count("\n") + 1)
    blocks: list[Block] = [Code(check, title=_("after the network by hand"))]
    shown = [value_block(o) for o in evaluation.outputs if o.name is None]
    if shown:
        blocks.append(Columns(tuple(shown)))
    if evaluation.error is not None:
        blocks.append(_problem_view(evaluation.error))
    fact = _linear_fact(network, evaluation)
    if fact is not None:
        blocks.append(fact)
    one, last = evaluation.namespace.get("one"), evaluation.namespace.get(f"h{len(network.layers)}")
    one_map = None
    if isinstance(one, torch.Tensor) and isinstance(last, torch.Tensor) and one.shape == last.shape:
        one_map = bool(torch.allclose(one, last, rtol=1e-4, atol=1e-4))
    return LessonResult(tuple(blocks), hand + check, measures={"one_map": one_map})


def _module_facts(network: Network, module: Evaluation, hand: Evaluation) -> list[Block]:
    net = module.namespace.get("net")
    if not isinstance(net, nn.Module):
        return []
    counts = " + ".join(f"{a}×{b} + {b}" for a, b in network.layers)
    total = sum(p.numel() for p in net.parameters())
    fc1, w1 = getattr(net, "fc1", None), hand.namespace.get("w1")
    text = _("{total} parameters: {counts}.", total=f"{total:,}", counts=counts)
    if isinstance(fc1, nn.Linear) and isinstance(w1, torch.Tensor):
        text += " " + _(
            "fc1.weight is {weight}, the transpose of the hand-built w1 {w1}: nn.Linear stores (out, in).",
            weight=shape_text(tuple(fc1.weight.shape)),
            w1=shape_text(tuple(w1.shape)),
        )
    return [Fact(text)]


_STEPS = {"hand": _hand, "module": _module, "table": _table, "activation": _activation}


def run(values: Mapping[str, str], step: str) -> LessonResult:
    """Step ``step`` of lesson 6 for the given field values."""
    return _STEPS[step](values)
