"""Hostile input: refused quickly, with a message naming what is not allowed or which limit, and no side effect."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
import torch

from engine.outcomes import Evaluation
from engine.sandbox import limits
from engine.sandbox.evaluation import evaluate
from engine.sandbox.limits import MAX_ELEMENTS
from tests.printing import pane_text

MAX_SECONDS = 1.0
"""The run-time limit these tests run under: the real one is long enough for training loops."""


@pytest.fixture(autouse=True, scope="module")
def short_run_limit() -> Iterator[None]:
    real, limits.MAX_SECONDS = limits.MAX_SECONDS, MAX_SECONDS
    yield
    limits.MAX_SECONDS = real


ALLOWED_WORDS = (
    "tensor-tutor runs a subset of Python with chosen parts of torch, torch.nn, torch.optim, "
    "numpy and math, and no access to files, the network or processes"
)


def timed(source: str) -> tuple[Evaluation, float]:
    started = time.perf_counter()
    evaluation = evaluate(source)
    return evaluation, time.perf_counter() - started


def assert_refused(source: str, kind: str, *words: str) -> Evaluation:
    evaluation, seconds = timed(source)
    assert evaluation.error is not None, source
    assert evaluation.error.kind == kind, (source, evaluation.error)
    for word in words:
        assert word in evaluation.error.message, (source, evaluation.error.message)
    assert seconds < MAX_SECONDS + 0.6, (source, seconds)
    return evaluation


@pytest.mark.parametrize(
    ("source", "named"),
    [
        ('eval("1 + 1")', "eval is not available here"),
        ('exec("import os")', "exec is not available here"),
        ('compile("1", "", "eval")', "compile is not available here"),
        ('__import__("os")', "__import__"),
        ("globals()", "globals is not available here"),
        ('getattr(torch, "load")', "getattr is not available here"),
        ("().__class__.__bases__[0].__subclasses__()", "__class__"),
        ("torch.ones(1).__class__", "__class__"),
        ("torch.__dict__", "__dict__"),
        ("torch._C", "_C"),
        ("__builtins__", "__builtins__"),
        ("type(torch.ones(1)).__mro__", "__mro__"),
        ("(lambda: 0).__code__", "__code__"),
        ("def f():\n    pass\nf.__globals__", "__globals__"),
        ("torch.ones(1).untyped_storage()", ".untyped_storage on a Tensor is not available here"),
        ("torch.ones(1).share_memory_()", ".share_memory_"),
        ("torch.hub", "torch.hub (it downloads models) is not available here"),
        ("super()", "super is not available here"),
        ("torch.Tensor(10 ** 9)", "calling the class Tensor"),
        ("np.ndarray((10 ** 9,))", "calling the class ndarray"),
        ("t = type(torch.ones(1))\nt(10 ** 9)", "calling the class Tensor"),
        ("torch.ones(3).register_hook(print)", ".register_hook"),
        ("nn.Linear(2, 2).register_forward_hook(print)", ".register_forward_hook"),
        ("nn.Linear(2, 2).apply(print)", ".apply"),
        ("torch.ones(2, requires_grad=True).mul(2).grad_fn.next_functions", ".next_functions"),
        ("torch.ones(2, requires_grad=True).mul(2).grad_fn(torch.ones(2))", "calling a MulBackward0"),
        ("np.random.default_rng()", "np.random.default_rng is not available here"),
        ("x = {torch.ones(2): 1}", "a Tensor as a dict key is not available here"),
        ("x = {}\nx[nn.Linear(1, 1)] = 2", "as a dict key is not available here"),
        ("'{0.__class__}'.format(1)", "the format field {0.__class__} is not available here"),
        ("'{0[0]}'.format([1])", "the format field {0[0]}"),
        ("try:\n    x = 1\nexcept Exception:\n    pass", "`try`"),
        ("raise ValueError('x')", "`raise`"),
        ("global x", "`global`"),
        ("async def f():\n    pass", "`async def`"),
        ("class A:\n    pass", "class Name(nn.Module)"),
        ("class Net(nn.Module):\n    x = 1", "only method definitions"),
        ("class Net(nn.Module):\n    def __getattr__(self, name):\n        pass", "__getattr__"),
        (
            "class Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self._x = 1\nNet()",
            "_x",
        ),
        ("x = torch.ones(3)\nx.grad_fn = 1", "assigning to .grad_fn"),
        ("np.zeros(10, dtype='U1000000000')", "'U1000000000' is not available"),
        ("np.zeros(10, dtype=str)", "str is not available"),
        ("np.ones(3).astype(object)", "object is not available"),
        ("np.array([10 ** 30])", "whole numbers beyond 64 bits"),
        ("np.array(['a'])", "text inside a tensor or array"),
        ("torch.tensor(['a'])", "text inside a tensor or array"),
        ("x = []\nx.append(x)\nx", "contains itself"),
        ("max(torch.ones(10 ** 6, 1), torch.ones(1, 10 ** 6))", "inside lists is not available"),
        ("sorted([torch.ones(10 ** 6, 1), torch.ones(1, 10 ** 6)])", "inside lists is not available"),
        ("torch.ones(10 ** 6, 1) in [torch.ones(1, 10 ** 6)]", "inside lists is not available"),
        ("[torch.ones(10 ** 6, 1)] == [torch.ones(1, 10 ** 6)]", "inside lists is not available"),
        ("[torch.ones(1, 10 ** 6)].index(torch.ones(10 ** 6, 1))", "inside lists is not available"),
    ],
)
def test_code_execution_and_escapes_are_refused(source: str, named: str) -> None:
    evaluation = assert_refused(source, "Refused", named)
    if "not available here:" in evaluation.error.message and "ALLOWED" not in named:
        assert evaluation.error.message.endswith(ALLOWED_WORDS) or "available here:" in evaluation.error.message


def test_refusal_message_says_what_is_allowed() -> None:
    evaluation = assert_refused('open("x")', "Refused")
    assert evaluation.error.message == (
        "open is not available here: the Playground cannot read or write files; "
        "write the data into the code as a list or a tensor"
    )
    assert (
        assert_refused("breakpoint()", "Refused").error.message == f"breakpoint is not available here: {ALLOWED_WORDS}"
    )
    assert evaluation.error.line == 1 and evaluation.error.source == 'open("x")'


@pytest.mark.parametrize("module", ["os", "subprocess", "sys", "pickle", "torch.hub", "numpy.lib"])
def test_other_imports_are_refused_with_the_allowed_list(module: str) -> None:
    evaluation = assert_refused(f"import {module}", "Refused", f"import {module} is not available here")
    assert "torch.optim" in evaluation.error.message and "numpy and math" in evaluation.error.message
    assert_refused("from os import system", "Refused", "import os is not available here")


def test_allowed_imports_are_no_ops() -> None:
    evaluation = evaluate(
        "import torch\nimport numpy as np\nimport torch.nn as nn\nimport torch.nn.functional as F\n"
        "from torch import nn\nF.relu(torch.tensor([-1.0, 2.0]))"
    )
    assert evaluation.ok
    assert evaluation.outputs[-1].text == pane_text(torch.relu(torch.tensor([-1.0, 2.0])))


def test_file_system_is_untouched(tmp_path: Path) -> None:
    target = tmp_path / "out"
    for source in (
        f"open({str(target)!r}, 'w')",
        f"torch.save(torch.ones(1), {str(target)!r})",
        f"np.save({str(target)!r}, np.ones(1))",
        f"np.memmap({str(target)!r}, mode='w+', shape=(3,))",
        f"torch.from_file({str(target)!r})",
        f"np.ones(3).tofile({str(target)!r})",
        f"with open({str(target)!r}) as f:\n    pass",
    ):
        evaluation = assert_refused(source, "Refused")
        assert "not available" in evaluation.error.message
    assert list(tmp_path.iterdir()) == []


def test_global_settings_are_refused_and_unchanged() -> None:
    before = (torch.get_default_dtype(), torch.get_num_threads(), np.get_printoptions(), torch.is_grad_enabled())
    for source in (
        "torch.set_default_dtype(torch.float64)",
        "torch.set_num_threads(1)",
        "np.set_printoptions(threshold=1)",
        "torch.set_printoptions(precision=1)",
        "torch.set_grad_enabled(False)",
    ):
        assert_refused(source, "Refused", "is not available here")
    assert (
        torch.get_default_dtype(),
        torch.get_num_threads(),
        np.get_printoptions(),
        torch.is_grad_enabled(),
    ) == before


def test_no_grad_inside_code_does_not_leak() -> None:
    assert (
        evaluate("with torch.no_grad():\n    y = torch.ones(1) * 2\nwhile True:\n    pass").error.kind
        == "LimitExceeded"
    )
    assert torch.is_grad_enabled()


@pytest.mark.parametrize(
    ("source", "words"),
    [
        ("torch.zeros(10 ** 7)", ["10,000,000", "1,000,000"]),
        ("torch.randn(10000, 10000)", ["100,000,000"]),
        ("torch.ones(1000, 1000).expand(1000, 1000, 1000)", ["1,000,000,000"]),
        ("torch.ones(10 ** 6, 1) @ torch.ones(1, 10 ** 6)", ["multiply-adds"]),
        ("torch.ones(600, 600) @ torch.ones(600, 600)", ["multiply-adds", "216,000,000"]),
        ("x = torch.ones(1000, 1)\ny = torch.ones(1, 10 ** 6)\nx + y", ["1,000,000,000"]),
        ("np.zeros((10 ** 5, 10 ** 5))", ["np.zeros", "10,000,000,000"]),
        ("np.random.randn(10 ** 4, 10 ** 4)", ["np.random.randn"]),
        ("np.random.normal(np.zeros((10 ** 6, 1)), np.ones((1, 10 ** 6)))", ["np.random.normal"]),
        ("np.diag(np.ones(10 ** 5))", ["np.diag"]),
        ("np.zeros(torch.tensor(10 ** 9))", ["np.zeros"]),
        ("np.zeros(range(10 ** 5, 10 ** 5 + 2))", ["np.zeros"]),
        ("np.zeros(np.array([10 ** 5, 10 ** 5]))", ["np.zeros"]),
        ("np.random.randn(torch.tensor(10 ** 5), 10 ** 5)", ["np.random.randn"]),
        ("nn.Linear(np.int64(10 ** 5), 10 ** 5)", ["parameter of this nn.Linear"]),
        ("np.ones((10 ** 6, 1)).clip(np.zeros((1, 10 ** 6)))", ["clip"]),
        ("np.linspace(0, 1, np.int64(10 ** 9))", ["np.linspace"]),
        ("np.arange(10 ** 10)", ["np.arange"]),
        ("torch.arange(0, 10 ** 12)", ["1,000,000,000,000"]),
        ("torch.linspace(0, 1, 10 ** 9)", ["1,000,000,000"]),
        ("torch.eye(10 ** 5)", ["10,000,000,000"]),
        ("nn.Linear(10 ** 5, 10 ** 5)", ["parameter of this nn.Linear"]),
        ("torch.ones(10 ** 6).resize_(10 ** 7)", ["10,000,000"]),
        ("torch.ones(10 ** 6).repeat(100)", ["100,000,000"]),
        ("torch.cat([torch.ones(10 ** 6)] * 100)", ["100,000,000"]),
        ("torch.randint(0, 5, (10 ** 7,))", ["10,000,000"]),
        ("torch.randperm(10 ** 7)", ["10,000,000"]),
        ("torch.ones(1000, 1000)[torch.zeros(10 ** 4, dtype=torch.long)]", ["10,000,000"]),
        ("F.mse_loss(torch.ones(10 ** 6, 1), torch.ones(1, 10 ** 6))", ["broadcasts"]),
        ("torch.allclose(torch.ones(10 ** 6, 1), torch.ones(1, 10 ** 6))", ["broadcasts"]),
        ("torch.ones(10 ** 6).split(1)", ["pieces"]),
        ("torch.zeros(*[1] * 20)", ["dimensions"]),
        ("np.zeros((1,) * 20)", ["dimensions"]),
        ("2 ** 10 ** 9", ["bits", "10,000"]),
        ("10 ** 100000", ["bits"]),
        ("1 << 10 ** 9", ["bits"]),
        ("x = 2 ** 5000\ny = x * x * x", ["bits"]),
        ("[0] * 10 ** 9", ["length of the repeated sequence"]),
        ("'a' * 10 ** 9", ["length of the repeated sequence"]),
        ("s = 'a' * 10 ** 5\nt = s + s", ["length of the joined sequence"]),
        ("x = [1]\nfor i in range(30):\n    x = x + x", ["length of the joined sequence"]),
        ("list(range(10 ** 9))", ["length of the range"]),
        ("sum(range(10 ** 12))", ["length of the range"]),
        ("f'{1:>1000000000}'", ["width in the format"]),
        ("'%1000000000d' % 1", ["width in the format"]),
        ("a = [[0] * 1000] * 1000\nb = [a] * 1000", ["number of values to show", "1,000,000,000"]),
        ("a = [[0] * 1000] * 1000\nb = [[a] * 1000]\nprint(b)", ["1,000,000,000"]),
        ("a = [[0] * 1000] * 1000\n[0].index([a] * 1000)", ["1,000,000,000"]),
        ("print(*['x' * 10 ** 5] * 10)", ["printed text"]),
        ("for i in range(5000):\n    print(i)", ["printed lines", "1,000"]),
        ("sorted([10 ** 9], key=torch.zeros)", ["1,000,000,000"]),
        ("max([torch.ones(10 ** 6, 1)], key=nn.Linear(1, 1000))", ["multiply-adds"]),
        ("torch.ones(10 ** 6, 1) == [[1] * 100000]", ["100,000,000,000"]),
        ("torch.ones(10 ** 6, 1) in torch.ones(1, 10 ** 6)", ["1,000,000,000,000"]),
        ("def f(n):\n    return f(n + 1)\nf(0)", ["nested function calls"]),
        ("f = lambda n: f(n)\nf(1)", ["nested function calls"]),
        ("while True:\n    pass", ["run time", "the limit is 1 s"]),
        ("for i in range(10 ** 5):\n    for j in range(10 ** 5):\n        pass", ["run time"]),
        ("x = []\nwhile True:\n    x.append(1)", []),
    ],
)
def test_resource_limits_are_checked_before_allocating(source: str, words: list[str]) -> None:
    evaluation = assert_refused(source, "LimitExceeded", *words)
    assert "limit" in evaluation.error.message


def test_sizes_just_under_the_limit_are_fine() -> None:
    evaluation, seconds = timed(
        "x = torch.ones(1000, 1000)\ny = x.sum()\nz = np.zeros(MAX)".replace("MAX", str(MAX_ELEMENTS))
    )
    assert evaluation.ok and seconds < 1.0
    assert evaluation.namespace["x"].numel() == MAX_ELEMENTS


@pytest.mark.parametrize(
    "source",
    [
        "x = 1\n" * 5000,
        "x=1\n" * 2500,
        "1" + "+1" * 3000,
        "-" * 5000 + "1",
        "not " * 2400 + "1",
        "[" * 150 + "]" * 150,
        "".join("  " * i + "if True:\n" for i in range(90)) + "  " * 90 + "pass",
        "x = " + "(" * 60 + "1" + ")" * 60 + " + " + "+".join(["x"] * 70),
    ],
)
def test_long_and_deep_sources_are_stopped_before_running(source: str, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_interpreter(*args: object, **kwargs: object) -> None:
        raise AssertionError("the source reached the interpreter")

    monkeypatch.setattr("engine.sandbox.evaluation.Interpreter", no_interpreter)
    evaluation = evaluate(source)
    assert evaluation.error is not None
    assert evaluation.error.kind in ("LimitExceeded", "SyntaxError")
    assert evaluation.outputs == ()


def test_nesting_limit_names_the_limit() -> None:
    evaluation = evaluate("y = " + "+".join(["1"] * 100))
    assert evaluation.error.kind == "LimitExceeded"
    assert "the limit is 60" in evaluation.error.message


@pytest.mark.parametrize("bad", [None, 3, b"x = 1"])
def test_non_text_source_is_a_problem_not_a_crash(bad: object) -> None:
    evaluation = evaluate(bad)  # type: ignore[arg-type]
    assert evaluation.error.kind == "Refused"


@pytest.mark.parametrize("seed", [-1, 2**32, 1.5, True])
def test_bad_seed_is_a_problem(seed: object) -> None:
    assert evaluate("1", seed=seed).error.kind == "Refused"  # type: ignore[arg-type]


def test_null_bytes_and_syntax_errors_are_reported() -> None:
    assert evaluate("x = 1\x00").error.kind == "SyntaxError"
    error = evaluate("x = 1\ny = (2 +\n").error
    assert error.kind == "SyntaxError" and error.line >= 2
    assert evaluate("break").error.kind == "SyntaxError"
    assert evaluate("return 1").error.kind == "SyntaxError"


def test_refusal_inside_a_method_points_at_that_line() -> None:
    source = "class Net(nn.Module):\n    def forward(self, x):\n        return open(x)\nNet()(1)"
    evaluation = evaluate(source)
    assert evaluation.error.kind == "Refused"
    assert evaluation.error.line == 3 and evaluation.error.source == "return open(x)"


def test_limit_message_keeps_the_time_bound_for_calls_after_the_run() -> None:
    evaluation = evaluate(
        "class Net(nn.Module):\n    def forward(self, x):\n        while True:\n            pass\nnet = Net()"
    )
    net = evaluation.namespace["net"]
    started = time.perf_counter()
    with pytest.raises(Exception) as raised:
        net(1)
    assert "run time" in str(raised.value)
    assert time.perf_counter() - started < MAX_SECONDS + 0.5


def test_concurrent_evaluations_are_isolated_and_deterministic() -> None:
    sources = [
        f"torch.manual_seed({i})\nx = torch.randn(3)\nnp.random.seed({i})\ny = np.random.rand(2)" for i in range(4)
    ]
    expected = [[o.text for o in evaluate(s).outputs] for s in sources]
    results: dict[int, list[str]] = {}

    def work(i: int) -> None:
        for _ in range(5):
            results[i] = [o.text for o in evaluate(sources[i]).outputs]

    threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [results[i] for i in range(4)] == expected


def test_nothing_is_written_to_the_terminal(capfd: pytest.CaptureFixture[str]) -> None:
    evaluation = evaluate("print('hello')\nx = torch.ones(2, 3, 4)\nx.T\nnp.ones(2) / 0")
    captured = capfd.readouterr()
    assert captured.out == "" and captured.err == ""
    assert any("divide by zero" in w for w in evaluation.warnings)
    assert any(".T" in w or "transpose" in w.lower() for w in evaluation.warnings)


def test_a_growing_resize_is_refused_so_no_uninitialised_memory_shows() -> None:
    grown = evaluate("w = torch.randn(1, 10)\nw.resize_(20, 1)")
    assert grown.error is not None and grown.error.kind == "Refused"
    assert "uninitialised" in grown.error.message and "20 elements" in grown.error.message
    assert grown.namespace["w"].shape == (1, 10)  # refused before it ran
    kept = evaluate("w = torch.randn(1, 10)\nw.resize_(10, 1)\nw.resize_(2, 3)")
    assert kept.ok and kept.namespace["w"].shape == (2, 3)


@pytest.mark.parametrize(
    "source",
    [
        "torch.ones(3).to('cuda')",
        "torch.ones(3, device='cuda')",
        "torch.ones(3).cuda()",
        "nn.Linear(2, 2).to('cuda')",
        "d = torch.device('cuda:0')\ntorch.zeros(2).to(d)",
    ],
)
def test_a_gpu_is_never_reached_and_the_error_is_the_one_without_a_gpu(source: str) -> None:
    evaluation = evaluate(source)
    assert evaluation.error.kind == "AssertionError"
    assert evaluation.error.message == "Torch not compiled with CUDA enabled"
    assert "CPU" in evaluation.error.explanation


def test_torch_cuda_says_there_is_no_gpu_whatever_the_machine_has(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    assert evaluate("torch.cuda.is_available()").outputs[0].text == "False"


def test_files_datasets_and_downloads_stay_refused_with_what_to_do_instead() -> None:
    for source, words in [
        ("import torchvision", "make image-shaped tensors instead"),
        ("from torchvision import datasets", "make image-shaped tensors instead"),
        ("from torch.utils.data import DataLoader", "slice your tensors into batches"),
        ("torch.save(torch.ones(1), 'x.pt')", "cannot write files"),
        ("torch.load('x.pt')", "cannot read files"),
        ("import random", "use torch.rand"),
        ("help(torch.ones)", "press F1"),
    ]:
        evaluation = assert_refused(source, "Refused", words)
        assert evaluation.error.message.count("not available") == 1


def test_three_argument_type_builds_no_class() -> None:
    evaluation = evaluate("type('A', (), {})")
    assert evaluation.error.kind == "TypeError"


def test_refusals_say_only_true_things_about_what_is_available() -> None:
    assert evaluate("opt = torch.optim.SGD(nn.Linear(2, 1).parameters(), lr=0.1)\nopt.zero_grad()").ok
    message = assert_refused("torch.linalg", "Refused").error.message
    assert message == f"torch.linalg is not available here: {ALLOWED_WORDS}"
    assert "torch.*" not in message and "np.*" not in message
    assert "press F1" in assert_refused("help(torch.optim)", "Refused").error.message


def test_a_warning_torch_gives_once_per_process_is_explained_on_every_run() -> None:
    """A worker answers many runs: the second ``.T`` of a 3-D tensor is explained as the first was."""
    source = "x = torch.ones(2, 3, 4)\nx.T"
    first, second = evaluate(source).warnings, evaluate(source).warnings
    assert first and second == first
