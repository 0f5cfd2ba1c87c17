"""evaluate() runs lesson code and reports what PyTorch and NumPy themselves print."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from torch import nn

from engine.outcomes import Evaluation, Output
from engine.sandbox.evaluation import evaluate
from engine.sandbox.printing import DISPLAY_WIDTH
from tests.printing import pane_text
from tests.results import LESSON5, lesson5_tensors

NET = """\
import torch
import torch.nn as nn

class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(10, 20)
        self.fc2 = nn.Linear(20, 20)
        self.fc3 = nn.Linear(20, 10)

    def forward(self, x):
        x = self.fc1(x)
        x = self.fc2(x)
        x = self.fc3(x)
        return x

net = Net()
print(net)
x = torch.randn(1, 10)
y = net(x)
sum(p.numel() for p in net.parameters())
net.fc1.weight.shape
"""


def outputs_named(evaluation: Evaluation, name: str) -> list[Output]:
    return [o for o in evaluation.outputs if o.name == name]


def last(evaluation: Evaluation) -> Output:
    return evaluation.outputs[-1]


def test_lesson5_runs_up_to_the_mismatch_and_reports_torchs_own_message() -> None:
    inputs, w1, b1 = lesson5_tensors()
    with pytest.raises(RuntimeError) as raised:
        torch.matmul(inputs, w1)

    evaluation = evaluate(LESSON5)

    assert not evaluation.ok
    assert [o.name for o in evaluation.outputs] == ["inputs", "w1", "b1"]
    assert outputs_named(evaluation, "w1")[0].text == pane_text(w1)
    assert outputs_named(evaluation, "b1")[0].text == pane_text(b1)
    assert evaluation.error.message == str(raised.value)
    assert evaluation.error.message == "mat1 and mat2 shapes cannot be multiplied (1x10 and 1x10)"
    assert evaluation.error.kind == "RuntimeError"
    assert evaluation.error.line == 6
    assert evaluation.error.source == "y = torch.sigmoid(torch.matmul(inputs, w1) + b1)"
    assert torch.equal(evaluation.namespace["w1"], w1)


def test_output_fields_describe_the_tensor() -> None:
    evaluation = evaluate("x = torch.tensor(2.0, requires_grad=True)\nz = x ** 3\nz.backward()\nx.grad")
    x, z, grad = evaluation.outputs
    assert (x.name, x.kind, x.shape, x.dtype, x.requires_grad, x.grad_fn) == (
        "x",
        "tensor",
        (),
        "torch.float32",
        True,
        None,
    )
    assert (z.name, z.grad_fn, z.text) == ("z", "PowBackward0", "tensor(8., grad_fn=<PowBackward0>)")
    assert (grad.name, grad.line, grad.source, grad.text) == (None, 4, "x.grad", "tensor(12.)")


def test_lesson4_gradients_of_x_x2_x3_at_two() -> None:
    grads = []
    for power in (1, 2, 3):
        x = torch.tensor(2.0, requires_grad=True)
        (x**power).backward()
        grads.append(pane_text(x.grad))
    source = "\n".join(
        f"x{p} = torch.tensor(2.0, requires_grad=True)\nz{p} = x{p} ** {p}\nz{p}.backward()\nx{p}.grad"
        for p in (1, 2, 3)
    )
    evaluation = evaluate(source)
    assert evaluation.ok
    assert (
        [o.text for o in evaluation.outputs if o.name is None] == grads == ["tensor(1.)", "tensor(4.)", "tensor(12.)"]
    )


def test_lesson2_products_agree_with_numpy_and_torch() -> None:
    a = np.array([[1, 2, 3], [4, 5, 6], [7, 8, 9]])
    b = np.array([[2, 3], [2, 3], [2, 3]])
    source = (
        "A = np.array([[1, 2, 3], [4, 5, 6], [7, 8, 9]])\n"
        "B = np.array([[2, 3], [2, 3], [2, 3]])\n"
        "np.dot(A, B)\nnp.matmul(A, B)\nA @ B\n"
        "tA = torch.tensor(A)\ntB = torch.tensor(B)\ntorch.mm(tA, tB)\ntorch.matmul(tA, tB)\ntA @ tB\n"
        "tA * 2\nnp.multiply(A, 2)\nA * A\n"
    )
    evaluation = evaluate(source)
    assert evaluation.ok
    shown = [o.text for o in evaluation.outputs if o.name is None]
    assert shown[:3] == [pane_text(np.dot(a, b))] * 3
    assert shown[3:6] == [pane_text(torch.mm(torch.tensor(a), torch.tensor(b)))] * 3
    assert shown[6] == pane_text(torch.tensor(a) * 2)
    assert shown[7] == pane_text(np.multiply(a, 2))
    assert shown[8] == pane_text(a * a)
    assert "[[12 18]\n [30 45]\n [48 72]]" == shown[0]


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("B @ A", lambda A, B: B @ A),
        ("torch.mm(B, A)", lambda A, B: torch.mm(B, A)),
        ("torch.mm(torch.ones(2, 3, 3), A)", lambda A, B: torch.mm(torch.ones(2, 3, 3), A)),
        ("torch.mm(A, torch.ones(2, 3, 3))", lambda A, B: torch.mm(A, torch.ones(2, 3, 3))),
        ("A * B", lambda A, B: A * B),
    ],
)
def test_lesson2_errors_are_torchs_own(source: str, expected) -> None:
    a = torch.tensor([[1.0, 2, 3], [4, 5, 6], [7, 8, 9]])
    b = torch.tensor([[2.0, 3], [2, 3], [2, 3]])
    with pytest.raises(RuntimeError) as raised:
        expected(a, b)
    evaluation = evaluate(
        "A = torch.tensor([[1.0, 2, 3], [4, 5, 6], [7, 8, 9]])\nB = torch.tensor([[2.0, 3], [2, 3], [2, 3]])\n" + source
    )
    assert evaluation.error.message == str(raised.value)
    assert evaluation.error.line == 3


def test_lesson2_matmul_broadcasts_where_mm_refuses() -> None:
    evaluation = evaluate("torch.matmul(torch.ones(2, 3, 3), torch.ones(3, 2))")
    assert evaluation.ok
    assert last(evaluation).shape == (2, 3, 2)


def test_lesson2_numpy_errors_are_numpys_own() -> None:
    a = np.array([[1, 2, 3], [4, 5, 6], [7, 8, 9]])
    b = np.array([[2, 3], [2, 3], [2, 3]])
    with pytest.raises(ValueError) as raised:
        np.dot(b, a)
    evaluation = evaluate(
        "A = np.array([[1, 2, 3], [4, 5, 6], [7, 8, 9]])\nB = np.array([[2, 3], [2, 3], [2, 3]])\nnp.dot(B, A)"
    )
    assert evaluation.error.message == str(raised.value) == "shapes (3,2) and (3,3) not aligned: 2 (dim 1) != 3 (dim 0)"
    assert evaluation.error.kind == "ValueError"


def test_lesson1_dtypes_and_numpys_shape_tuple() -> None:
    evaluation = evaluate("torch.eye(3).dtype\nnp.identity(3).dtype\nnp.eye(3).dtype\nnp.zeros(3, 3)")
    assert [o.text for o in evaluation.outputs] == [str(torch.eye(3).dtype), str(np.identity(3).dtype), "float64"]
    assert evaluation.outputs[0].text == "torch.float32"
    with pytest.raises(TypeError) as raised:
        np.zeros(3, 3)
    assert evaluation.error.message == str(raised.value) == "Cannot interpret '3' as a data type"
    assert evaluation.error.kind == "TypeError"


def test_lesson1_torch_has_no_identity() -> None:
    evaluation = evaluate("torch.identity(3)")
    assert evaluation.error.kind == "AttributeError"
    assert "identity" in evaluation.error.message


def test_lesson3_from_numpy_shares_memory_both_ways_and_tensor_copies() -> None:
    evaluation = evaluate(
        "a = np.ones((2, 2))\nt = torch.from_numpy(a)\nc = torch.tensor(a)\na[0, 0] = 99.0\nt\nc\n"
        "t[1, 1] = -1.0\na\nt.dtype"
    )
    assert evaluation.ok
    a = np.ones((2, 2))
    t = torch.from_numpy(a)
    c = torch.tensor(a)
    a[0, 0] = 99.0
    shown = [o.text for o in evaluation.outputs if o.name is None]
    assert shown[0] == pane_text(t)
    assert shown[1] == pane_text(c)
    t[1, 1] = -1.0
    assert shown[2] == pane_text(a)
    assert shown[3] == "torch.float64"
    assignment = [o for o in evaluation.outputs if o.line == 4][0]
    assert assignment.name == "a" and assignment.text == pane_text(np.array([[99.0, 1.0], [1.0, 1.0]]))


def test_lesson3_numpy_on_a_tensor_that_requires_grad() -> None:
    w = torch.ones(2, requires_grad=True)
    with pytest.raises(RuntimeError) as raised:
        w.numpy()
    evaluation = evaluate("w = torch.ones(2, requires_grad=True)\nw.numpy()")
    assert evaluation.error.message == str(raised.value)
    assert "Use tensor.detach().numpy() instead." in evaluation.error.message


def test_lesson6_network_class_counts_850_parameters() -> None:
    evaluation = evaluate(NET)
    assert evaluation.ok, evaluation.error
    torch.manual_seed(0)

    class Net(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.fc1 = nn.Linear(10, 20)
            self.fc2 = nn.Linear(20, 20)
            self.fc3 = nn.Linear(20, 10)

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return self.fc3(self.fc2(self.fc1(x)))

    net = Net()
    x = torch.randn(1, 10)
    printed = [o for o in evaluation.outputs if o.kind == "text"]
    assert printed[0].text == pane_text(net)
    assert outputs_named(evaluation, "y")[0].text == pane_text(net(x))
    count, shape = evaluation.outputs[-2:]
    assert count.text == "850"
    assert shape.text == "torch.Size([20, 10])"


def test_lesson6_eleven_features_fail_inside_forward() -> None:
    with pytest.raises(RuntimeError) as raised:
        nn.Linear(10, 20)(torch.ones(1, 11))
    evaluation = evaluate(NET + "net(torch.randn(1, 11))\n")
    assert evaluation.error.message == str(raised.value) == "mat1 and mat2 shapes cannot be multiplied (1x11 and 10x20)"
    assert evaluation.error.source == "x = self.fc1(x)"
    assert evaluation.error.line == 12


def test_print_records_text_and_writes_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    evaluation = evaluate("x = torch.ones(2)\nprint('x is', x, sep=': ')\nfor i in range(2):\n    print(i)")
    assert capsys.readouterr().out == ""
    printed = [o for o in evaluation.outputs if o.kind == "text"]
    assert [(o.line, o.text, o.name) for o in printed] == [
        (2, "x is: " + pane_text(torch.ones(2)), None),
        (4, "0", None),
        (4, "1", None),
    ]


def test_statements_returning_none_show_nothing_but_in_place_methods_do() -> None:
    evaluation = evaluate("w1 = torch.ones(1, 10)\nw1.resize_(10, 1)\nz = (w1 * 2).sum()\nz.backward()")
    assert [o.name for o in evaluation.outputs] == ["w1", None, "z"]
    assert evaluation.outputs[1].shape == (10, 1)


def test_same_source_same_output_and_seed_changes_it() -> None:
    first = evaluate("torch.randn(3)\nnp.random.randn(2)")
    again = evaluate("torch.randn(3)\nnp.random.randn(2)")
    other = evaluate("torch.randn(3)\nnp.random.randn(2)", seed=1)
    assert [o.text for o in first.outputs] == [o.text for o in again.outputs]
    assert first.outputs[0].text != other.outputs[0].text
    torch.manual_seed(1)
    assert other.outputs[0].text == pane_text(torch.randn(3))


def test_values_print_for_the_pane_width_and_the_libraries_widths_come_back() -> None:
    torch_width, numpy_width = torch._tensor_str.PRINT_OPTS.linewidth, np.get_printoptions()["linewidth"]
    evaluation = evaluate("x = torch.randn(1, 10)\na = np.random.randn(2, 10)\nprint(x)\nx @ x")
    x, a, printed = (o.text for o in evaluation.outputs)
    assert printed == x and len(x.splitlines()) == 2 and len(a.splitlines()) == 6
    assert all(len(line) <= DISPLAY_WIDTH for line in (x + "\n" + a).splitlines())
    assert evaluation.error is not None  # the widths come back after a failure too
    assert torch._tensor_str.PRINT_OPTS.linewidth == torch_width
    assert np.get_printoptions()["linewidth"] == numpy_width


def test_global_random_state_is_restored() -> None:
    torch.manual_seed(123)
    np.random.seed(123)
    evaluate("torch.manual_seed(7)\ntorch.randn(5)\nnp.random.seed(3)\nnp.random.rand(4)")
    after_torch, after_numpy = torch.randn(3), np.random.rand(3)
    torch.manual_seed(123)
    np.random.seed(123)
    assert torch.equal(after_torch, torch.randn(3))
    assert np.array_equal(after_numpy, np.random.rand(3))


def test_names_do_not_leak_between_runs() -> None:
    evaluate("leaky = torch.ones(1)")
    evaluation = evaluate("leaky")
    assert evaluation.error.kind == "NameError"
    assert evaluation.error.message == "name 'leaky' is not defined"


def test_namespace_holds_live_values() -> None:
    evaluation = evaluate("a = np.zeros((2, 3))\nt = torch.from_numpy(a)")
    assert isinstance(evaluation.namespace["t"], torch.Tensor)
    assert np.shares_memory(evaluation.namespace["a"], evaluation.namespace["t"].numpy())
    assert "torch" not in evaluation.namespace


def test_lesson4_backward_twice_accumulates_unless_zeroed() -> None:
    x = torch.tensor(2.0, requires_grad=True)
    y = x**2
    y.backward(retain_graph=True)
    first = x.grad.item()
    y.backward()
    second = x.grad.item()
    evaluation = evaluate(
        "x = torch.tensor(2.0, requires_grad=True)\ny = x ** 2\ny.backward(retain_graph=True)\n"
        "first = x.grad.item()\ny.backward(retain_graph=True)\nsecond = x.grad.item()\n"
        "x.grad.zero_()\ny.backward()\nzeroed = x.grad.item()"
    )
    assert evaluation.ok
    assert (evaluation.namespace["first"], evaluation.namespace["second"]) == (first, second) == (4.0, 8.0)
    assert evaluation.namespace["zeroed"] == 4.0


def test_lesson4_percent_formatting_of_tensors() -> None:
    one, many = torch.tensor(2.0), torch.tensor([1.0, 2.0])
    with pytest.raises(Exception) as raised:
        "%f" % many
    assert evaluate("'%f' % torch.tensor(2.0)").outputs[0].text == "%f" % one
    assert evaluate("'%f' % torch.tensor(2.0).item()").outputs[0].text == "2.000000"
    assert evaluate("'%f' % torch.tensor([1.0, 2.0])").error.message == str(raised.value)


def test_lesson5_reshape_shares_memory_when_it_can_and_sigmoid_by_hand() -> None:
    source = (
        "w1 = torch.arange(10.0).reshape(1, 10)\nr = w1.reshape(10, 1)\nr[0, 0] = 99.0\nshared = w1[0, 0].item()\n"
        "t = w1.T.reshape(10)\nsame = t.data_ptr() == w1.data_ptr()\n"
        "m = torch.arange(6.0).reshape(2, 3)\nc = m.T.reshape(6)\nc[0] = -1.0\ncopied = m[0, 0].item()\n"
        "z = torch.tensor([-0.8331])\nby_hand = 1 / (1 + torch.exp(-z))\nagree = torch.allclose(by_hand, torch.sigmoid(z))"
    )
    evaluation = evaluate(source)
    assert evaluation.ok
    values = evaluation.namespace
    assert values["shared"] == 99.0
    assert values["same"] is True
    assert values["copied"] == 0.0
    assert values["agree"] is True
    assert str(values["by_hand"]) == str(1 / (1 + torch.exp(-torch.tensor([-0.8331]))))


def test_lesson6_layer_weight_is_the_transpose_of_the_hand_built_one() -> None:
    evaluation = evaluate(NET + "w1 = torch.randn(10, 20)\nnet.fc1.weight.T.shape == w1.shape")
    assert evaluation.outputs[-1].text == "True"


def test_type_names_read_like_python() -> None:
    evaluation = evaluate("type(torch.ones(1))\ntype(np.ones(1))\ntype(3)")
    assert [o.text for o in evaluation.outputs] == [
        "<class 'torch.Tensor'>",
        "<class 'numpy.ndarray'>",
        "<class 'int'>",
    ]


def test_min_max_sorted_compare_single_numbers_and_scalar_tensors() -> None:
    evaluation = evaluate(
        "max([3, 1, 2])\nmin(3, 1, key=lambda v: -v)\nsorted([3, 1, 2], reverse=True)\nmax([], default=0)\n"
        "max(torch.tensor(1.0), torch.tensor(3.0))\nsorted([torch.tensor(2.0), torch.tensor(1.0)])"
    )
    assert [o.text for o in evaluation.outputs] == [
        "3",
        "3",
        "[3, 2, 1]",
        "0",
        pane_text(torch.tensor(3.0)),
        pane_text([torch.tensor(1.0), torch.tensor(2.0)]),
    ]


def test_learner_text_never_prints_python_syntax_warnings() -> None:
    import warnings

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        quiet = evaluate("x = 1if True else 2")  # valid, but Python warns "invalid decimal literal"
    assert quiet.ok and quiet.namespace["x"] == 1
    assert not [w for w in caught if issubclass(w.category, SyntaxWarning)]


def test_python_idioms_of_training_code_behave_as_in_python() -> None:
    source = (
        "a = [1]\na.extend(x * 2 for x in range(3))\nb = [3, 1, 2]\nb.sort(reverse=True)\n"
        "groups = [{'lr': 0.1}, {'lr': 0.01}]\nfor g in groups:\n    g['lr'] *= 0.5\n"
        "counts = {c: 0 for c in 'abc'}\ncounts['a'] += 2\n_, top = max((v, k) for k, v in counts.items())\n"
        "print(a, b, [g['lr'] for g in groups], counts, top, 'b' in counts, divmod(7, 2), pow(2, 5))"
    )
    evaluation = evaluate(source)
    assert evaluation.ok, evaluation.error
    assert (
        evaluation.outputs[-1].text == "[1, 0, 2, 4] [3, 2, 1] [0.05, 0.005] {'a': 2, 'b': 0, 'c': 0} a True (3, 1) 32"
    )


def test_outputs_from_describes_only_the_later_lines_as_the_full_run_does() -> None:
    source = "a = torch.ones(2, 3)\nb = a * 2\nb.sum()\n"
    full = evaluate(source)
    later = evaluate(source, outputs_from=2)
    assert [o.line for o in full.outputs] == [1, 2, 3]
    assert later.outputs == full.outputs[1:]
    assert torch.equal(later.namespace["a"], torch.ones(2, 3))  # line 1 still ran


def test_values_only_binds_the_same_values_and_fails_in_the_same_words_without_fixes() -> None:
    source = "w1 = torch.randn(3, 4).T\nw = w1.view(12)\n"  # view refuses a transposed w1
    full = evaluate(source, seed=3)
    quick = evaluate(source, seed=3, values_only=True)
    assert quick.outputs == ()
    assert torch.equal(quick.namespace["w1"], full.namespace["w1"])
    assert full.error is not None and quick.error is not None
    assert (quick.error.kind, quick.error.message, quick.error.line) == (
        full.error.kind,
        full.error.message,
        full.error.line,
    )
    assert full.error.fixes and quick.error.fixes == ()
    working = evaluate("x = torch.arange(6.0)\ny = x.view(2, 3)\n", values_only=True)
    assert working.error is None and torch.equal(working.namespace["y"], torch.arange(6.0).view(2, 3))
