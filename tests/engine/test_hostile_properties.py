"""Property tests: whatever text or code arrives, evaluate returns an Evaluation, quickly, and never raises."""

from __future__ import annotations

import time

import numpy as np
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.outcomes import Evaluation
from engine.sandbox.evaluation import evaluate
from tests.engine.test_hostile import MAX_SECONDS, short_run_limit  # noqa: F401 (the fixture)

QUICK = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])

KNOWN_KINDS_OF_REFUSAL = {"Refused", "LimitExceeded", "SyntaxError"}

NAMES = st.sampled_from(
    [
        "x",
        "y",
        "w",
        "net",
        "torch",
        "np",
        "nn",
        "F",
        "print",
        "len",
        "range",
        "sum",
        "list",
        "type",
        "open",
        "eval",
        "__class__",
        "_x",
        "self",
        "super",
        "Net",
        "math",
        "optim",
        "opt",
        "d",
        "ctx",
        "_",
        "abs",
        "reversed",
        "next",
        "dict",
        "pow",
        "any",
    ]
)
ATTRIBUTES = st.sampled_from(
    [
        "shape",
        "T",
        "reshape",
        "view",
        "sum",
        "randn",
        "ones",
        "zeros",
        "matmul",
        "mm",
        "numpy",
        "grad",
        "requires_grad",
        "item",
        "backward",
        "resize_",
        "append",
        "Linear",
        "relu",
        "sigmoid",
        "random",
        "expand",
        "repeat",
        "parameters",
        "weight",
        "dtype",
        "float32",
        "__class__",
        "__dict__",
        "_modules",
        "load",
        "save",
        "storage",
        "fn",
        "optim",
        "SGD",
        "Adam",
        "step",
        "zero_grad",
        "param_groups",
        "format",
        "join",
        "cuda",
        "to",
        "apply",
        "state_dict",
        "items",
        "keys",
        "Function",
        "save_for_backward",
        "empty",
        "new_ones",
        "new_empty",
        "type",
        "device",
        "Conv2d",
        "Embedding",
        "one_hot",
        "sqrt",
        "pi",
        "__version__",
    ]
)
NUMBERS = st.one_of(
    st.integers(-3, 40),
    st.sampled_from([10**6, 10**9, 2**70, -(10**12)]),
    st.floats(allow_nan=True, allow_infinity=True, width=32).map(repr),
)
TEXTS = st.sampled_from(
    [
        "'a'",
        "'float32'",
        "'U9999999'",
        "'cuda'",
        "'%s'",
        "'x' * 3",
        "f'{1:>99}'",
        "'{0.__class__}'",
        "'{}{}'",
        "{'lr': 0.1}",
        "{1: x}",
    ]
)
BINARY = st.sampled_from(["+", "-", "*", "/", "//", "%", "**", "@", "<<", "&", "==", "<", "in", "is", "and", "or"])


def parenthesised(strategy: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return strategy.map(lambda text: f"({text})")


def extend(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    args = st.lists(children, max_size=3).map(", ".join)
    return st.one_of(
        st.tuples(parenthesised(children), BINARY, parenthesised(children)).map(" ".join),
        st.tuples(children, ATTRIBUTES).map(lambda p: f"({p[0]}).{p[1]}"),
        st.tuples(children, args).map(lambda p: f"({p[0]})({p[1]})"),
        st.tuples(children, children).map(lambda p: f"({p[0]})[{p[1]}]"),
        st.tuples(children, st.sampled_from([":", "::-1", "0, :", "..., None"])).map(lambda p: f"({p[0]})[{p[1]}]"),
        args.map(lambda a: f"[{a}]"),
        args.map(lambda a: f"({a},)"),
        children.map(lambda c: f"-({c})"),
        children.map(lambda c: f"not ({c})"),
        children.map(lambda c: f"lambda a: ({c})"),
        st.tuples(children, NAMES, children).map(lambda p: f"[{p[0]} for {p[1]} in ({p[2]})]"),
        st.tuples(children, children, children).map(lambda p: f"({p[0]}) if ({p[1]}) else ({p[2]})"),
        st.tuples(st.sampled_from(["torch.", "np.", "np.random.", "F.", "nn.", ""]), ATTRIBUTES, args).map(
            lambda p: f"{p[0]}{p[1]}({p[2]})"
        ),
    )


EXPRESSIONS = st.recursive(st.one_of(NAMES, NUMBERS.map(str), TEXTS), extend, max_leaves=12)


def indent(block: str) -> str:
    return "\n".join("    " + line for line in block.splitlines())


SIMPLE_STATEMENTS = st.one_of(
    st.tuples(NAMES, EXPRESSIONS).map(lambda p: f"{p[0]} = {p[1]}"),
    EXPRESSIONS,
    st.tuples(NAMES, st.sampled_from(["+", "-", "*", "/", "**", "@", "%"]), EXPRESSIONS).map(
        lambda p: f"{p[0]} {p[1]}= {p[2]}"
    ),
    st.tuples(EXPRESSIONS, EXPRESSIONS, EXPRESSIONS).map(lambda p: f"({p[0]})[{p[1]}] = {p[2]}"),
    st.tuples(EXPRESSIONS, ATTRIBUTES, EXPRESSIONS).map(lambda p: f"({p[0]}).{p[1]} = {p[2]}"),
    st.sampled_from(
        [
            "import torch",
            "import os",
            "from torch import nn",
            "import numpy as np",
            "pass",
            "break",
            "return 1",
            "del x",
            "assert x",
            "global x",
            "x = {}",
            "with torch.no_grad():\n    y = x * 2",
        ]
    ),
)


def compound(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """Blocks (for, if, def, the nn.Module class form) whose bodies are drawn from ``inner``."""
    body = st.lists(inner, min_size=1, max_size=3).map("\n".join)
    return st.one_of(
        inner,
        st.tuples(NAMES, EXPRESSIONS, body).map(lambda p: f"for {p[0]} in {p[1]}:\n{indent(p[2])}"),
        st.tuples(EXPRESSIONS, body, body).map(lambda p: f"if {p[0]}:\n{indent(p[1])}\nelse:\n{indent(p[2])}"),
        st.tuples(NAMES, body).map(lambda p: f"def {p[0]}(a, b=1):\n{indent(p[1])}"),
        st.tuples(body, body).map(
            lambda p: (
                "class Net(nn.Module):\n"
                f"    def __init__(self):\n        super().__init__()\n{indent(indent(p[0]))}\n"
                f"    def forward(self, x):\n{indent(indent(p[1]))}\n"
            )
        ),
    )


PROGRAMS = st.lists(compound(compound(SIMPLE_STATEMENTS)), min_size=1, max_size=6).map("\n".join)
PRELUDE = (
    "x = torch.ones(2, 3)\ny = np.ones((3, 2))\nw = torch.randn(3, requires_grad=True)\nnet = nn.Linear(3, 2)\n"
    "opt = torch.optim.SGD(net.parameters(), lr=0.1)\nd = {'a': 1}\n"
)


def check_evaluation(source: str) -> Evaluation:
    torch_state = torch.random.get_rng_state()
    numpy_state = np.random.get_state()[1].copy()
    started = time.perf_counter()
    evaluation = evaluate(source)
    elapsed = time.perf_counter() - started
    assert isinstance(evaluation, Evaluation)
    assert elapsed < MAX_SECONDS + 1.0, (source, elapsed)
    assert torch.equal(torch_state, torch.random.get_rng_state())
    assert np.array_equal(numpy_state, np.random.get_state()[1])
    assert torch.is_grad_enabled()
    if evaluation.error is not None:
        assert isinstance(evaluation.error.message, str) and isinstance(evaluation.error.kind, str)
        assert evaluation.error.line >= 0
    for output in evaluation.outputs:
        assert isinstance(output.text, str)
    return evaluation


@QUICK
@given(st.text(max_size=300))
def test_random_text_never_raises(source: str) -> None:
    check_evaluation(source)


@QUICK
@given(st.text(alphabet="()[]{}.,:;=+-*/@%<>!~'\"#\n\t abcxyzT_0123456789\\", max_size=200))
def test_random_punctuation_never_raises(source: str) -> None:
    check_evaluation(source)


@QUICK
@given(PROGRAMS)
def test_random_programs_never_raise_or_hang(program: str) -> None:
    evaluation = check_evaluation(PRELUDE + program)
    if evaluation.outputs:  # the program parsed and ran: the prelude's names show first
        assert [o.name for o in evaluation.outputs[:6]] == ["x", "y", "w", "net", "opt", "d"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(PROGRAMS)
def test_same_program_same_result(program: str) -> None:
    first, second = evaluate(PRELUDE + program), evaluate(PRELUDE + program)
    assert [o.text for o in first.outputs] == [o.text for o in second.outputs]
    assert (first.error and first.error.message) == (second.error and second.error.message)
