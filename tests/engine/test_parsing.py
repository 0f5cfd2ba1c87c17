"""Field parsers accept what DESIGN section 2 lists and refuse the rest with one clear sentence."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine import InputError, parse_shape, parse_values
from engine.limits import MAX_ELEMENTS
from engine.parsing import parse_int, parse_number


@pytest.mark.parametrize(
    ("text", "shape"),
    [
        ("2,3", (2, 3)),
        ("(2, 3)", (2, 3)),
        ("[2, 3]", (2, 3)),
        ("2x3", (2, 3)),
        ("2 3", (2, 3)),
        ("  4 ", (4,)),
        ("(5,)", (5,)),
        ("1,1,2,3", (1, 1, 2, 3)),
        ("0,3", (0, 3)),
    ],
)
def test_parse_shape_accepts(text: str, shape: tuple[int, ...]) -> None:
    assert parse_shape(text) == shape


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("2,,3", "empty part"),
        ("-1", "negative"),
        ("abc", "not a whole number"),
        ("1.5,2", "not a whole number"),
        ("", "empty"),
        ("100000x100000", "limit"),
        ("1,1,1,1,1,1,1,1,1", "dimensions"),
        ("99999999999999999999", "too large"),
    ],
)
def test_parse_shape_refuses_with_a_sentence(text: str, words: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_shape(text)
    message = str(caught.value)
    assert words in message
    assert message.count("\n") == 0


@given(st.lists(st.integers(min_value=1, max_value=30), min_size=1, max_size=4))
def test_parse_shape_round_trips_any_small_shape(dims: list[int]) -> None:
    for separator in (",", ", ", "x", " "):
        text = separator.join(map(str, dims))
        if math.prod(dims) <= MAX_ELEMENTS:
            assert parse_shape(text) == tuple(dims)


@given(st.text(max_size=40))
def test_parse_shape_never_raises_anything_but_input_error(text: str) -> None:
    try:
        shape = parse_shape(text)
    except InputError:
        return
    assert all(isinstance(d, int) and d >= 0 for d in shape)
    assert math.prod(shape) <= MAX_ELEMENTS


def test_parse_values_reads_nested_lists() -> None:
    assert parse_values("[[1, 2], [3, 4]]") == [[1, 2], [3, 4]]
    assert parse_values("[-1.5, 2e3]") == [-1.5, 2000.0]


@pytest.mark.parametrize(
    "text", ["[[1, 2], [3]]", "__import__('os')", "[1, 'a']", "[1, 2", "", "[x]", "[[1]] + [[2]]"]
)
def test_parse_values_refuses_ragged_and_non_numbers(text: str) -> None:
    with pytest.raises(InputError):
        parse_values(text)


def test_numbers_and_ranges() -> None:
    assert parse_number(" -0.5 ", "x") == -0.5
    assert parse_int("7", "Seed", 0, 10) == 7
    with pytest.raises(InputError, match="not a number"):
        parse_number("two", "x")
    with pytest.raises(InputError, match="finite"):
        parse_number("inf", "x")
    with pytest.raises(InputError, match="out of range"):
        parse_int("11", "Seed", 0, 10)


@pytest.mark.parametrize(
    "parse",
    [parse_shape, parse_values, lambda t: parse_int(t, "Seed"), lambda t: parse_number(t, "x")],
    ids=["shape", "values", "int", "number"],
)
def test_a_lone_surrogate_is_refused_in_words(parse) -> None:
    """A lone surrogate cannot be encoded: Python's own error would be a raw UnicodeEncodeError."""
    with pytest.raises(InputError, match="broken character") as caught:
        parse("2\ud8003")
    assert "codec" not in caught.value.message and "\ud800" not in caught.value.message


def test_a_lone_surrogate_in_lesson_2s_operand_field_gets_a_message() -> None:
    from engine.catalog import lesson_by_id

    lesson = lesson_by_id("matmul")
    with pytest.raises(InputError, match="broken character") as caught:
        lesson.compute({**lesson.defaults(), "left": "A\ud800"})
    assert caught.value.field == "left"


def test_a_lone_surrogate_in_code_is_a_clear_syntax_problem() -> None:
    from engine import evaluate

    problem = evaluate('x = 1\ny = "\udc80"\n').error
    assert problem is not None and problem.kind == "SyntaxError"
    assert "broken character" in problem.message and "codec" not in problem.message
    assert problem.line == 2
