"""Parts of a step's result kept for the next edit: reused only for the same inputs, and the same as a fresh run."""

from __future__ import annotations

import pytest

from engine import InputError, lesson_by_id
from engine.i18n import CHINESE, ENGLISH, use_language
from engine.lessons.derivatives import compute as derivatives
from engine.lessons.layer import compute as layer
from engine.lessons.memo import Remembered


def test_the_last_result_is_reused_for_the_same_key_only() -> None:
    made: list[int] = []
    slot: Remembered[int] = Remembered()

    def make(n: int) -> int:
        made.append(n)
        return n * 10

    assert slot.get(1, lambda: make(1)) == 10
    assert slot.get(1, lambda: make(1)) == 10
    assert slot.get(2, lambda: make(2)) == 20
    assert slot.get(1, lambda: make(1)) == 10, "one slot: the result for 1 was replaced by the one for 2"
    assert made == [1, 2, 1]


def test_a_failure_is_not_kept_and_leaves_the_last_result() -> None:
    slot: Remembered[int] = Remembered()
    slot.get("good", lambda: 1)

    def bad() -> int:
        raise InputError("no")

    for _ in range(2):
        with pytest.raises(InputError):
            slot.get("bad", bad)
    assert slot.get("good", lambda: 2) == 1


def test_the_language_is_part_of_the_key() -> None:
    slot: Remembered[str] = Remembered()
    try:
        assert slot.get("k", lambda: "english") == "english"
        use_language(CHINESE)
        assert slot.get("k", lambda: "chinese") == "chinese"
    finally:
        use_language(ENGLISH)
    assert slot.get("k", lambda: "english again") == "english again"


def _fresh(step: str, values: dict[str, str], lesson: str) -> object:
    for slot in (layer._RUNS, layer._SAME_WORDS, derivatives._FUNCTIONS, derivatives._CURVE, derivatives._PATH):
        slot.clear()
    return lesson_by_id(lesson).compute(values, step=step)


@pytest.mark.parametrize("fix", ["reshape", "view", "none", "transpose", "reshape"])
def test_picking_another_fix_shows_what_a_fresh_run_shows(fix: str) -> None:
    lesson = lesson_by_id("layer")
    values = {**lesson.defaults(), "fix": fix}
    kept = lesson.compute(values, step="fixes")
    assert kept == _fresh("fixes", values, "layer")


@pytest.mark.parametrize(
    ("step", "field", "value"), [("chart", "x", "2.5"), ("descent", "lr", "0.2"), ("chart", "x", "9")]
)
def test_moving_x_or_the_learning_rate_shows_what_a_fresh_run_shows(step: str, field: str, value: str) -> None:
    lesson = lesson_by_id("derivatives")
    lesson.compute(lesson.defaults(), step=step)
    values = {**lesson.defaults(), field: value, "path": "1, 1.6"}
    kept = lesson.compute(values, step=step)
    assert kept == _fresh(step, values, "derivatives")
