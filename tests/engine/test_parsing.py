"""Field parsers accept what DESIGN section 2 lists and refuse the rest with one clear sentence."""

from __future__ import annotations

import math
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine import InputError, parse_shape, parse_values
from engine.number_text import format_number
from engine.parsing import parse_int, parse_number
from engine.sandbox.limits import MAX_ELEMENTS


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


@pytest.mark.parametrize("text", ["[[1, 2], [3]]", "__import__('os')", "[1, 'a']", "[1, 2", "", "[x]", "[[1]] + [[2]]"])
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
        lesson.compute({**lesson.defaults(), "left": "A\ud800"}, step="order")
    assert caught.value.field == "left"


def test_a_lone_surrogate_in_code_is_a_clear_syntax_problem() -> None:
    from engine import evaluate

    problem = evaluate('x = 1\ny = "\udc80"\n').error
    assert problem is not None and problem.kind == "SyntaxError"
    assert "broken character" in problem.message and "codec" not in problem.message
    assert problem.line == 2


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (4294967295, "4,294,967,295"),
        (1e6, "1,000,000"),
        (1_000_000, "1,000,000"),
        (-3, "-3"),
        (0.5, "0.5"),
        (-0.25, "-0.25"),
        (100.0, "100"),
        (1234.5, "1,234.5"),
        (0.001, "0.001"),
        (1e-9, "1e-09"),
        (2.5e20, "2.5e+20"),
    ],
)
def test_numbers_are_written_as_people_write_them(value, text: str) -> None:
    assert format_number(value) == text


def test_a_whole_number_too_big_to_read_is_called_too_big_with_the_limit() -> None:
    with pytest.raises(InputError) as caught:
        parse_int("99999999999999999999", "Seed", 0, 2**32 - 1)
    message = caught.value.message
    assert "not a whole number" not in message
    assert "too big" in message and "4,294,967,295" in message


def test_a_huge_whole_number_without_a_limit_is_still_too_small_not_wrong() -> None:
    with pytest.raises(InputError, match="too small: use a whole number from -999,999,999,999,999,999") as caught:
        parse_int("-99999999999999999999", "x")
    assert "not a whole number" not in caught.value.message


@pytest.mark.parametrize(
    ("parse", "text"),
    [
        (lambda t: parse_int(t, "Seed", 0, 2**32 - 1), "5000000000"),
        (lambda t: parse_number(t, "Learning rate", 0, 1e6), "2e6"),
        (lambda t: parse_number(t, "x", -1e6, 1e6), "-3e7"),
    ],
)
def test_limits_are_written_in_full_never_in_e_notation(parse, text: str) -> None:
    with pytest.raises(InputError) as caught:
        parse(text)
    message = caught.value.message
    assert "e+" not in message and "e+0" not in message
    assert re.search(r"\d,\d{3},\d{3}", message), message


@pytest.mark.parametrize(
    "parse",
    [
        lambda t: parse_int(t, "Batch", 0, 4),
        lambda t: parse_int(t, "Size", 10, 20),
        lambda t: parse_int(t, "Seed", 0, 2**32 - 1),
        lambda t: parse_number(t, "Learning rate", 0, 100),
        lambda t: parse_number(t, "Rate", 0.5, 0.75),
        lambda t: parse_number(t, "x", -10, 10),
        lambda t: parse_number(t, "x"),
    ],
)
def test_the_example_in_a_refusal_is_one_the_field_accepts(parse) -> None:
    """ "type one like 7" for a field that takes 0-4 would send the learner into a second refusal."""
    with pytest.raises(InputError) as caught:
        parse("abc")
    found = re.findall(r"like (-?\d+(?:\.\d+)?)(?: or (-?\d+(?:\.\d+)?))?", caught.value.message)
    examples = [example for pair in found for example in pair if example]
    assert examples, caught.value.message
    for example in examples:
        parse(example)  # raises if the example is refused


def test_limit_messages_use_the_same_formatter() -> None:
    from engine.sandbox.limits import LimitExceeded, check

    with pytest.raises(LimitExceeded, match="1,000,001; the limit is 1,000,000"):
        check(1_000_001, 1_000_000, "the number of elements")


def test_a_curves_range_message_writes_its_numbers_in_full() -> None:
    from engine.calculus import curve

    with pytest.raises(InputError) as caught:
        curve("x", 20_000_000, 10, 5)
    assert "20,000,000" in caught.value.message and "e+" not in caught.value.message
