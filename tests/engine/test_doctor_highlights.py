"""The doctor marks the clashing sizes as it writes: the highlights hold in every language and in any wording."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import torch

from engine.i18n import CHINESE, ENGLISH, use_language
from engine.lessons.common import problem_block
from engine.sandbox.evaluation import evaluate
from engine.sandbox.marks import mark, plain, unmark


@pytest.fixture(params=[ENGLISH, CHINESE])
def language(request: pytest.FixtureRequest) -> Iterator[str]:
    use_language(request.param)
    try:
        yield request.param
    finally:
        use_language(ENGLISH)


def highlighted(source: str) -> list[str]:
    problem = evaluate(source).error
    assert problem is not None
    return [problem.explanation[start:end] for start, end in problem.highlights]


def test_matmul_highlights_the_columns_and_rows_that_differ(language: str) -> None:
    a, w = torch.ones(1, 10), torch.ones(1, 10)
    columns, rows = a.shape[-1], w.shape[-2]
    words = highlighted("a = torch.ones(1, 10)\nw = torch.ones(1, 10)\ny = a @ w")
    expected = {ENGLISH: [f"{columns} columns", f"{rows} row"], CHINESE: [f"{columns} 列", f"{rows} 行"]}
    assert words == expected[language]


def test_broadcast_highlights_the_two_sizes_that_cannot_broadcast(language: str) -> None:
    a, b = torch.ones(2, 3), torch.ones(2, 2)
    with pytest.raises(RuntimeError):
        a + b
    words = highlighted("a = torch.ones(2, 3)\nb = torch.ones(2, 2)\nc = a + b")
    x, y = a.shape[-1], b.shape[-1]
    assert words == {ENGLISH: [f"{x} in a", f"{y} in b"], CHINESE: [f"在 a 中是 {x}", f"在 b 中是 {y}"]}[language]


def test_mm_highlights_only_the_rank_that_is_not_a_matrix(language: str) -> None:
    rank = torch.ones(2, 3, 3).dim()
    words = highlighted("a = torch.ones(2, 3, 3)\nb = torch.ones(3, 2)\nc = torch.mm(a, b)")
    assert words == {ENGLISH: [f"({rank}-D)"], CHINESE: [f"（{rank} 维）"]}[language]


def test_dtype_clash_highlights_both_dtypes(language: str) -> None:
    words = highlighted("a = torch.ones(2, 3)\nb = torch.ones(3, 2, dtype=torch.float64)\nc = a @ b")
    assert words == [str(torch.float32), str(torch.float64)]


def test_no_mark_is_left_in_any_text_the_learner_sees(language: str) -> None:
    problem = evaluate("a = torch.ones(2, 3, 4)\nb = torch.ones(3, 2)\nc = a @ b").error
    assert problem is not None and problem.highlights
    assert plain(problem.explanation) == problem.explanation
    assert all(plain(fix.note) == fix.note and plain(fix.code) == fix.code for fix in problem.fixes)


def test_marks_in_the_learners_own_code_move_no_highlight() -> None:
    key = mark("k")
    source = f'd = {{"{key}": torch.ones(1, 10)}}\nw = torch.ones(1, 10)\ny = d["{key}"] @ w'
    problem = evaluate(source).error
    assert problem is not None
    assert 'd["k"] has 10 columns' in problem.explanation
    assert [problem.explanation[s:e] for s, e in problem.highlights] == ["10 columns", "1 row"]


def test_unmark_returns_the_spans_of_what_was_marked() -> None:
    text, spans = unmark(f"x has {mark('3 columns')} but y has {mark('2 rows')}.")
    assert text == "x has 3 columns but y has 2 rows."
    assert [text[s:e] for s, e in spans] == ["3 columns", "2 rows"]


def test_a_lessons_own_words_carry_no_highlights_of_the_doctors_sentence() -> None:
    problem = evaluate("a = torch.ones(1, 10)\nw = torch.ones(1, 10)\ny = a @ w").error
    assert problem is not None and problem.highlights
    assert problem_block(problem).highlights == problem.highlights
    assert problem_block(problem, explanation="fc1 takes 10 features.").highlights == ()
