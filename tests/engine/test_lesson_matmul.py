"""Lesson 2 shows what torch and NumPy really compute (or refuse) for the learner's matrices."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine import InputError, lesson_by_id
from engine.blocks import Code, Fact, ProblemView, Prose
from engine.evaluation import Fix
from engine.lessons.matmul import fix_values
from tests.plain_python import run_plain
from tests.printing import pane_text
from tests.results import result_values

LESSON = lesson_by_id("matmul")
A = [[1, 2, 3], [4, 5, 6], [7, 8, 9]]
B = [[2, 3], [2, 3], [2, 3]]


def _problems(result) -> list[ProblemView]:
    return [b for b in result.blocks if isinstance(b, ProblemView)]


def _facts(result) -> str:
    return " ".join(b.text for b in result.blocks if isinstance(b, Fact))


def _error(call) -> str:
    try:
        call()
    except Exception as error:  # noqa: BLE001 - the library's own error is what we compare with
        return f"{type(error).__name__}: {error}"
    raise AssertionError("expected the library to refuse")


def test_defaults_are_the_tutorials_product_in_both_libraries() -> None:
    result = LESSON.compute({})
    shown = result_values(result)
    expected = torch.matmul(torch.tensor(A), torch.tensor(B))
    assert expected.tolist() == [[12, 18], [30, 45], [48, 72]]
    assert shown["C"].text == pane_text(expected)
    assert shown["C"].shape == (3, 2) and shown["C"].dtype == "torch.int64"
    assert shown["c"].text == pane_text(np.matmul(np.array(A), np.array(B)))
    assert "agree" in _facts(result)
    assert not _problems(result)


@pytest.mark.parametrize(
    ("op", "torch_call", "numpy_call"),
    [
        ("matmul", torch.matmul, np.matmul),
        ("mm", torch.mm, np.dot),
        ("@", lambda x, y: x @ y, lambda x, y: x @ y),
    ],
)
def test_every_product_gives_the_same_numbers(op, torch_call, numpy_call) -> None:
    result = LESSON.compute({"op": op})
    shown = result_values(result)
    assert shown["C"].text == pane_text(torch_call(torch.tensor(A), torch.tensor(B)))
    assert shown["c"].text == pane_text(numpy_call(np.array(A), np.array(B)))
    code = "".join(b.source for b in result.blocks if isinstance(b, Code))
    twin = {"matmul": "np.matmul(a, b)", "mm": "np.dot(a, b)", "@": "a @ b"}[op]
    assert twin in code


def test_swapping_the_operands_shows_both_libraries_refusing() -> None:
    result = LESSON.compute({"left": "B", "right": "A"})
    torch_problem, numpy_problem = _problems(result)
    assert f"{torch_problem.kind}: {torch_problem.message}" == _error(
        lambda: torch.matmul(torch.tensor(B), torch.tensor(A))
    )
    assert torch_problem.message == "mat1 and mat2 shapes cannot be multiplied (3x2 and 3x3)"
    assert torch_problem.source == "C = torch.matmul(B, A)"
    assert f"{numpy_problem.kind}: {numpy_problem.message}" == _error(lambda: np.matmul(np.array(B), np.array(A)))
    assert not result_values(result)


def _marked(problem: ProblemView) -> list[str]:
    return [problem.explanation[start:end] for start, end in problem.highlights]


@pytest.mark.parametrize(
    ("values", "marked"),
    [
        ({"left": "B", "right": "A"}, ["2 columns", "3 rows"]),
        ({"op": "*"}, ["3 in A", "2 in B"]),
        ({"op": "mm", "batch": "2"}, ["(3-D)"]),
        ({"op": "bmm", "batch": "2"}, ["(2-D)"]),
        ({"a": "[[1.5, 2]]", "b": "[[1], [2]]"}, ["torch.float32", "torch.int64"]),
    ],
)
def test_the_clashing_sizes_are_marked_in_the_explanation(values: dict[str, str], marked: list[str]) -> None:
    problem = _problems(LESSON.compute(values))[0]
    assert _marked(problem) == marked


def test_numpys_explanation_is_left_out_when_torchs_says_the_same() -> None:
    torch_problem, numpy_problem = _problems(LESSON.compute({"left": "B", "right": "A"}))
    assert torch_problem.explanation and not numpy_problem.explanation


def test_numpy_dot_says_not_aligned() -> None:
    result = LESSON.compute({"op": "mm", "left": "B", "right": "A"})
    numpy_problem = _problems(result)[1]
    assert numpy_problem.message == "shapes (3,2) and (3,3) not aligned: 2 (dim 1) != 3 (dim 0)"
    assert f"{numpy_problem.kind}: {numpy_problem.message}" == _error(lambda: np.dot(np.array(B), np.array(A)))


def test_a_batch_broadcasts_with_matmul() -> None:
    result = LESSON.compute({"batch": "2"})
    shown = result_values(result)
    batch = torch.stack([torch.tensor(A), torch.tensor(A)])
    expected = torch.matmul(batch, torch.tensor(B))
    assert expected.shape == (2, 3, 2)
    assert shown["C"].text == pane_text(expected) and shown["C"].shape == (2, 3, 2)
    assert shown["c"].text == pane_text(np.matmul(np.stack([np.array(A)] * 2), np.array(B)))
    assert "torch.mm takes only 2-D" in _facts(result)


def test_mm_refuses_a_batch_and_bmm_wants_both_sides_batched() -> None:
    batch = torch.stack([torch.tensor(A), torch.tensor(A)])
    mm = _problems(LESSON.compute({"batch": "2", "op": "mm"}))[0]
    assert mm.message == "self must be a matrix"
    assert f"{mm.kind}: {mm.message}" == _error(lambda: torch.mm(batch, torch.tensor(B)))
    mm_right = _problems(LESSON.compute({"batch": "2", "op": "mm", "left": "B", "right": "A"}))[0]
    assert mm_right.message == "mat2 must be a matrix"
    bmm = _problems(LESSON.compute({"batch": "2", "op": "bmm"}))[0]
    assert f"{bmm.kind}: {bmm.message}" == _error(lambda: torch.bmm(batch, torch.tensor(B)))
    batched = LESSON.compute({"batch": "2", "op": "bmm", "right": "torch.stack([B, B])"})
    expected = torch.bmm(batch, torch.stack([torch.tensor(B)] * 2))
    assert result_values(batched)["C"].text == pane_text(expected)
    assert result_values(batched)["c"].text == pane_text(expected.numpy())


def test_scalar_and_element_wise_products() -> None:
    scalar = LESSON.compute({"op": "*", "right": "2"})
    assert result_values(scalar)["C"].text == pane_text(torch.tensor(A) * 2)
    assert result_values(scalar)["c"].text == pane_text(np.multiply(np.array(A), 2))
    assert "np.multiply(a, 2)" in scalar.source
    assert "broadcast" in _facts(scalar)
    square = LESSON.compute({"op": "*", "right": "A"})
    assert result_values(square)["C"].text == pane_text(torch.tensor(A) * torch.tensor(A))
    clash = _problems(LESSON.compute({"op": "*"}))[0]
    assert clash.message == "The size of tensor a (3) must match the size of tensor b (2) at non-singleton dimension 1"
    assert f"{clash.kind}: {clash.message}" == _error(lambda: torch.tensor(A) * torch.tensor(B))


def test_float_literals_agree_in_value_but_not_in_dtype() -> None:
    result = LESSON.compute({"a": "[[0.5, 1.5]]", "b": "[[2.0], [4.0]]"})
    x, y = torch.tensor([[0.5, 1.5]]), torch.tensor([[2.0], [4.0]])
    assert result_values(result)["C"].text == pane_text(torch.matmul(x, y)) and result_values(result)["C"].dtype == "torch.float32"
    assert result_values(result)["c"].dtype == str(np.matmul(x.double().numpy(), y.double().numpy()).dtype) == "float64"
    assert "agree" in _facts(result) and "float32" in _facts(result)


def test_booleans_multiply_element_wise() -> None:
    result = LESSON.compute({"a": "[[True, False]]", "b": "[[True, True]]", "op": "*"})
    x, y = torch.tensor([[True, False]]), torch.tensor([[True, True]])
    assert result_values(result)["C"].text == pane_text(x * y)
    assert result_values(result)["c"].text == pane_text(np.multiply(x.numpy(), y.numpy()))
    assert "agree" in _facts(result)


def test_numpy_dot_and_matmul_part_ways_on_3d_input() -> None:
    result = LESSON.compute({"a": "2,3,4", "b": "2,4,5", "op": "@"})
    torch.manual_seed(0)
    x, y = torch.randint(0, 10, (2, 3, 4)), torch.randint(0, 10, (2, 4, 5))
    assert result_values(result)["C"].text == pane_text(x @ y)
    assert result_values(result)["c"].text == pane_text(x.numpy() @ y.numpy())
    facts = _facts(result)
    assert f"np.dot(a, b) gives {tuple(np.dot(x.numpy(), y.numpy()).shape)}" in facts
    assert f"np.matmul(a, b) {tuple(np.matmul(x.numpy(), y.numpy()).shape)}" in facts
    assert "differ here" in facts


def test_operands_without_a_numpy_twin_still_run_in_torch() -> None:
    result = LESSON.compute({"batch": "2", "op": "bmm", "right": "B.expand(2, 3, 2)"})
    batch = torch.stack([torch.tensor(A), torch.tensor(A)])
    assert result_values(result)["C"].text == pane_text(torch.bmm(batch, torch.tensor(B).expand(2, 3, 2)))
    assert "c" not in result_values(result)
    assert "no plain twin for .expand()" in _facts(result)


@pytest.mark.parametrize(
    ("left", "right", "numpy_line"),
    [
        ("A.T", "B", "c = np.matmul(a.T, b)"),
        ("A", "B.t()", "c = np.matmul(a, b.T)"),
        ("A.view(9, 1).T", "B.reshape(9, -1)[:, :1]", "c = np.matmul(a.reshape(9, 1).T, b.reshape(9, -1)[:, :1])"),
        ("A.unsqueeze(0)", "B.float()", "c = np.matmul(np.expand_dims(a, 0), b.astype(np.float32))"),
        ("torch.stack([A, A])", "-B", "c = np.matmul(np.stack([a, a]), -b)"),
    ],
)
def test_operand_expressions_get_their_numpy_twin(left: str, right: str, numpy_line: str) -> None:
    result = LESSON.compute({"left": left, "right": right})
    assert numpy_line in result.source


def test_the_shown_code_prints_what_the_pane_shows() -> None:
    cases = [
        {},
        {"left": "B", "right": "A"},
        {"batch": "2"},
        {"batch": "2", "op": "mm"},
        {"op": "*", "right": "2"},
        {"op": "*"},
        {"a": "2,3", "b": "3", "op": "@"},
        {"a": "[[0.5, 1.5]]", "b": "[[2], [4]]"},
    ]
    results = [LESSON.compute(values) for values in cases]
    sources = [b.source for r in results for b in r.blocks if isinstance(b, Code)]
    plain = iter(run_plain(sources))
    for result in results:
        shown = result_values(result)
        problems = iter(_problems(result))
        for code, name in zip([b for b in result.blocks if isinstance(b, Code)], ("C", "c")):
            printed = next(plain)
            if name in shown:
                assert printed.error is None
                assert printed.shown[name] == shown[name].text
            else:
                problem = next(problems)
                assert printed.error == f"{problem.kind}: {problem.message}"
            assert code.source in result.source


def _fix(code: str) -> Fix:
    return Fix(code=code, note="", shape=None, label="")


@pytest.mark.parametrize(
    ("code", "values"),
    [
        ("C = torch.matmul(B.T, A)", {"op": "matmul", "left": "B.T", "right": "A"}),
        ("C = A @ B.reshape(2, 3)", {"op": "@", "left": "A", "right": "B.reshape(2, 3)"}),
        ("C = torch.bmm(A, B.expand(2, 3, 2))", {"op": "bmm", "left": "A", "right": "B.expand(2, 3, 2)"}),
        ("C = A * B.T", {"op": "*", "left": "A", "right": "B.T"}),
    ],
)
def test_fixes_of_the_product_line_become_field_values(code: str, values: dict[str, str]) -> None:
    assert fix_values(_fix(code)) == values


@pytest.mark.parametrize("code", ["C = (A @ B).T", "D = A @ B", "A = A.T", "C = torch.mm(A)", "C = A + B"])
def test_fixes_of_another_form_are_not_offered(code: str) -> None:
    assert fix_values(_fix(code)) is None


def test_fixes_offered_apply_and_run() -> None:
    """Whatever the doctor offers for the swapped product, each fix's values give a result without an error."""
    result = LESSON.compute({"left": "B", "right": "A"})
    for fix in _problems(result)[0].fixes:
        fixed = LESSON.compute({"left": "B", "right": "A", **fix.values})
        assert "C" in result_values(fixed), fix
        assert fix.shape is None or result_values(fixed)["C"].shape == fix.shape


def test_random_inputs_are_the_same_numbers_on_both_sides() -> None:
    result = LESSON.compute({"a": "2x4", "b": "4, 3"})
    torch.manual_seed(0)
    x, y = torch.randint(0, 10, (2, 4)), torch.randint(0, 10, (4, 3))
    assert result_values(result)["C"].text == pane_text(torch.matmul(x, y))
    assert result_values(result)["c"].text == pane_text(np.matmul(x.numpy(), y.numpy()))
    assert "torch.manual_seed(0)" in result.source


def test_a_tip_closes_the_lesson() -> None:
    assert isinstance(LESSON.compute({}).blocks[-1], Prose)


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"a": "[[1, 2], [3]]"}, "a"),
        ({"b": "2,,3"}, "b"),
        ({"b": "100000x100000"}, "b"),
        ({"batch": "5"}, "batch"),
        ({"batch": "two"}, "batch"),
        ({"left": ""}, "left"),
        ({"left": "A."}, "left"),
        ({"right": "x @ y"}, "right"),
        ({"right": "__import__('os')"}, "right"),
        ({"right": "B" + ".T" * 60}, "right"),
    ],
)
def test_bad_input_names_its_field(values: dict[str, str], field: str) -> None:
    with pytest.raises(InputError) as caught:
        LESSON.compute(values)
    assert caught.value.field == field


def test_swap_action_swaps_the_operands() -> None:
    result = LESSON.compute({"left": "A.T", "right": "2"})
    assert result.actions["swap"] == {"left": "2", "right": "A.T"}


_FIELD_TEXT = st.text(alphabet="AB.T[]()0123456789,x@*-_ tor", max_size=24)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(a=_FIELD_TEXT, left=_FIELD_TEXT, right=_FIELD_TEXT, op=st.sampled_from(["matmul", "mm", "bmm", "@", "*"]))
def test_any_text_gives_a_result_or_a_field_message(a: str, left: str, right: str, op: str) -> None:
    try:
        result = LESSON.compute({"a": a, "left": left, "right": right, "op": op})
    except InputError as error:
        assert error.field in {"a", "left", "right"} and error.message
    else:
        assert any(isinstance(b, Code) for b in result.blocks)
