"""The interpreter's holes closed at the root: sizes normalised, dtypes validated, rendering bounded,
every allocation counted against what a run holds, no uninitialised memory, nothing outliving a run.

Each test is one category (the refusals that differ only in kind and message are one table, ``REFUSED``); each
source here ran past its limit before (reaching 1-2 GB, or seconds).
"""

from __future__ import annotations

import gc
import time
import weakref

import pytest

from engine.sandbox import limits
from engine.sandbox.evaluation import evaluate
from tests.engine.test_hostile import MAX_SECONDS, assert_refused, short_run_limit  # noqa: F401 (the fixture)

REFUSED = {
    # Every size is read as torch reads it (a tensor, a NumPy integer, a bool) before it is checked.
    "sizes": (
        "LimitExceeded",
        "limit",
        [
            "torch.ones(1000).repeat(torch.tensor(22000))",
            "torch.diag(torch.ones(10), torch.tensor(22000))",
            "torch.ones(10).diag(np.int64(22000))",
            "torch.zeros(torch.tensor(10 ** 4), torch.tensor(10 ** 4))",
            "nn.Linear(True, 250000000)",
            "nn.Linear(torch.tensor(100000), 100000)",
            "nn.Embedding(torch.tensor(10 ** 6), 1000)",
            "nn.Conv2d(1000, 1000, 100)",
            "np.ones((10 ** 5, 1)) * range(10 ** 5)",
            "np.linspace(np.zeros((1000, 1)), np.ones((1, 1000)), 50)",
            "np.diag(np.ones(10), torch.tensor(10 ** 5))",
            "torch.ones(10 ** 6).split(torch.tensor(1))",
            "torch.ones(100, 10 ** 4).chunk(np.int64(10 ** 5))",
            "F.one_hot(torch.tensor([10 ** 6] * 1000))",
        ],
    ),
    # A dtype is one dtype whatever form it comes in: no sub-array or structured dtypes.
    "dtypes": (
        "Refused",
        "not available",
        [
            "np.zeros(1000, dtype=(np.float64, (1000, 1000)))",
            "np.ones(10, (np.float64, (1000, 1000)))",
            "np.zeros(3, dtype=[('a', 'f8'), ('b', 'f8')])",
            "np.ones(3).astype((np.float64, (1000, 1000)))",
            "np.array([1.0], dtype=[np.float64])",
        ],
    ),
    # The cost of showing a value is bounded before its text is made.
    "showing": (
        "LimitExceeded",
        "the cost of showing this value",
        [
            "[torch.ones(1)] * 30000",
            "x = [torch.ones(1)] * 30000\nprint(x)",
            "x = [torch.ones(1)] * 30000\ns = str(x)",
            "x = [[torch.ones(3)] * 100] * 300\nf'{x}'",
            "torch.ones(*[5] * 8)",
            "np.ones([5] * 8)",
            "x = {'a': [torch.ones(1)] * 30000}\nprint(x)",
        ],
    ),
    # One library call is bounded in work before it runs.
    "work": (
        "LimitExceeded",
        "limit",
        [
            "F.conv2d(torch.ones(1, 100, 100, 100), torch.ones(100, 100, 10, 10))",
            "nn.Conv2d(100, 100, 10)(torch.ones(1, 100, 100, 100))",
            "F.max_pool2d(torch.ones(1, 1, 1000, 1000), 300, stride=1)",
            "nn.AvgPool2d(300, stride=1)(torch.ones(1, 1, 1000, 1000))",
            "'{}'.format([torch.ones(1)] * 30000)",
            "'%s' % ([torch.ones(1)] * 30000,)",
        ],
    ),
}
"""Category -> the kind of refusal, words its message holds, and sources that each ran past their limit before."""


@pytest.mark.parametrize(
    ("source", "kind", "words"),
    [
        pytest.param(source, kind, words, id=f"{category}-{number}")
        for category, (kind, words, sources) in REFUSED.items()
        for number, source in enumerate(sources, 1)
    ],
)
def test_refused_within_the_time_limit_with_a_message_naming_why(source: str, kind: str, words: str) -> None:
    assert_refused(source, kind, words)


@pytest.mark.parametrize(
    "source",
    [
        "np.dot([10 ** 300] * 1000, [10 ** 300] * 1000)",
        "np.prod([2 ** 64] * 1000)",
        "np.power([10 ** 100] * 100, 50)",
        "a = [[0] * 1000] * 1000\nnp.sum([a] * 1000)",
        "a = [[0] * 1000] * 1000\nnp.exp([a] * 1000)",
    ],
)
def test_lists_given_to_numpy_are_sized_and_hold_64_bit_numbers(source: str) -> None:
    evaluation = assert_refused(source, evaluate(source).error.kind)
    assert evaluation.error.kind in ("Refused", "LimitExceeded")


def test_showing_a_list_of_losses_from_a_training_loop_is_fine() -> None:
    evaluation = evaluate(
        "losses = []\nfor i in range(2000):\n    losses.append(torch.tensor(i / 10))\nlen(losses)\nprint(losses[:3])"
    )
    assert evaluation.ok and evaluation.outputs[-1].text == "[tensor(0.), tensor(0.1000), tensor(0.2000)]"


@pytest.mark.parametrize(
    "source",
    [
        "x = torch.ones(1000, 1000, dtype=torch.float64)\nkeep = []\nfor i in range(30):\n    keep.append(abs(x))",
        "x = torch.ones(10 ** 6, dtype=torch.float64)\nkeep = []\nfor i in range(30):\n    keep.append(reversed(x))",
        "keep = []\nfor i in range(30):\n    keep.append(nn.Linear(1000, 1000).double())",
        "lst = []\nfor i in range(1000):\n    lst.append(torch.ones(1000, 1000, dtype=torch.float64))",
        (
            "x = torch.ones(1000, 1000)\nbig = []\nfor i in range(24):\n"
            "    big.append(torch.ones(1000, 1000, dtype=torch.float64))\nx.tolist()"
        ),
        (
            "leaves = []\nfor i in range(13):\n    leaves.append(torch.ones(10 ** 6, dtype=torch.float64, requires_grad=True))\n"
            "total = sum(leaf.sum() for leaf in leaves)\ntotal.backward()\nx = 1"
        ),
        (
            "params = []\nfor i in range(9):\n    params.append(nn.Parameter(torch.ones(10 ** 6, dtype=torch.float64)))\n"
            "opt = torch.optim.Adam(params)\nsum(p.sum() for p in params).backward()\nopt.step()\nx = 1"
        ),
    ],
)
def test_every_allocation_counts_against_what_the_run_holds(source: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_SECONDS", 30.0)  # about memory, not time: a loaded machine is slow to fill it
    evaluation = evaluate(source)
    assert evaluation.error is not None and evaluation.error.kind == "LimitExceeded", evaluation.error
    assert "the memory this run holds" in evaluation.error.message


def test_memory_made_and_dropped_does_not_count(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_SECONDS", 30.0)
    source = "for i in range(16):\n    x = torch.ones(1000, 1000, dtype=torch.float64)\n    y = x * 2"
    evaluation = evaluate(source)
    assert evaluation.ok, evaluation.error  # 256 MB made in all, 32 MB held at a time


@pytest.mark.parametrize(
    "source",
    [
        "x = torch.ones(2)\nx.resize_(torch.tensor(100000))",
        "x = torch.ones(2)\nx.resize_(np.int64(100000))",
        "x = torch.ones(2)\nx.resize_([torch.tensor(100), 100])",
        "x = torch.ones(2)\nx.resize_((True, 1000))",
    ],
)
def test_resize_never_shows_uninitialised_memory_whatever_its_sizes(source: str) -> None:
    evaluation = evaluate(source)
    assert evaluation.error is not None and evaluation.error.kind == "Refused", evaluation.error
    assert evaluation.namespace["x"].shape == (2,)


def test_empty_tensors_are_zero_filled_so_every_run_shows_the_same() -> None:
    evaluation = evaluate("a = torch.empty(3, 2)\nb = torch.empty_like(a)\nc = a.new_empty(4)")
    assert evaluation.ok
    assert [o.text for o in evaluation.outputs] == [
        "tensor([[0., 0.],\n        [0., 0.],\n        [0., 0.]])",
        "tensor([[0., 0.],\n        [0., 0.],\n        [0., 0.]])",
        "tensor([0., 0., 0., 0.])",
    ]
    assert any("torch.empty gives zeros here" in note for note in evaluation.warnings)


def test_create_graph_leaves_nothing_alive_after_the_run() -> None:
    evaluation = evaluate(
        "for i in range(3):\n    x = torch.ones(1000, requires_grad=True)\n    y = (x * x * x).sum()\n"
        "    y.backward(create_graph=True)\ng = x.grad"
    )
    assert evaluation.ok
    assert evaluation.namespace["x"].grad.tolist() == [3.0] * 1000
    alive = weakref.ref(evaluation.namespace["x"])
    del evaluation
    gc.collect()
    assert alive() is None


@pytest.mark.parametrize(
    "source",
    [
        "sorted(torch.randn(30000))",
        "x = list(torch.randn(30000))\nx.sort()",
        "l = [torch.ones(1)] * 30000\nany(t > 1 for t in l)",
        "torch.norm(torch.ones(1000, 1000), p='nuc')",
        "torch.ones(1000, 1000).norm(p=2, dim=(0, 1))",
    ],
)
def test_single_statements_are_bounded_in_time(source: str) -> None:
    started = time.perf_counter()
    evaluation = evaluate(source)
    assert evaluation.error is not None and evaluation.error.kind in ("LimitExceeded", "Refused"), source
    assert time.perf_counter() - started < MAX_SECONDS + 0.6


def test_a_remembered_layer_size_is_the_size_of_that_layer_configuration() -> None:
    source = (
        "a = torch.ones(1000, 1)\nb = torch.ones(1, 1000)\nmean = nn.MSELoss()(a[:1], b[:, :1])\n"
        "flat = nn.Flatten()(torch.ones(2, 3, 4))\nwhole = nn.Flatten(0, 2)(torch.ones(2, 3, 4))\n"
        "none = nn.MSELoss(reduction='none')(a, b)"
    )
    evaluation = evaluate(source)
    assert evaluation.ok, evaluation.error
    assert [o.shape for o in evaluation.outputs[2:]] == [(), (2, 12), (24,), (1000, 1000)]
