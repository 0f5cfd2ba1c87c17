"""Predict, then see: every prediction's answer is what PyTorch does, and a wrong guess names its misconception."""

from __future__ import annotations

import pytest

from engine import LESSONS
from engine.blocks import shape_text
from engine.practice import FAILS, Prediction, judge, predictions, steps
from engine.sandbox.evaluation import evaluate

TAUGHT = [lesson for lesson in LESSONS if lesson.id != "playground"]
ALL = [item for lesson in TAUGHT for item in predictions(lesson.id)]


@pytest.mark.parametrize("lesson", TAUGHT, ids=lambda lesson: lesson.id)
def test_every_lesson_asks_for_a_prediction_before_its_challenges(lesson) -> None:
    kinds = [step.kind for step in steps(lesson)]
    assert "predict" in kinds and kinds.index("predict") < kinds.index("challenge")


@pytest.mark.parametrize("item", ALL, ids=lambda item: item.id)
def test_the_answer_is_what_pytorch_does(item: Prediction) -> None:
    run = evaluate(item.code)
    if item.asks == "fails":
        assert (run.error is not None) == (item.answer == FAILS)
        return
    assert run.error is None, run.error
    value = run.namespace[item.target]
    seen = {
        "shape": lambda: shape_text(tuple(value.shape)),
        "dtype": lambda: str(value.dtype),
        "value": lambda: repr(float(value)),
    }
    assert seen[item.asks]() == item.answer
    assert item.answer in item.choices


@pytest.mark.parametrize("item", ALL, ids=lambda item: item.id)
def test_a_right_guess_is_right_and_every_wrong_one_names_its_misconception(item: Prediction) -> None:
    right = judge(item, item.answer)
    assert right.right and right.answer == item.answer and right.misconception == "" and right.why
    wrong_choices = [choice for choice in item.choices if choice != item.answer]
    assert wrong_choices
    for choice in wrong_choices:
        judged = judge(item, choice)
        assert not judged.right and judged.answer == item.answer
        declared = {m.choice: m.reason for m in item.misconceptions}
        assert judged.misconception == declared[choice], f"{item.id}: {choice} has its own misconception"


def test_the_misconceptions_the_issue_names_are_all_taught() -> None:
    reasons = " ".join(m.reason for item in ALL for m in item.misconceptions)
    for phrase in (
        "A transposed shape",
        "Expecting mm to broadcast",
        "Expecting float64 from torch",
        "Expecting .T to copy",
        "Expecting the second backward to replace .grad",
    ):
        assert phrase in reasons


def test_a_guess_that_is_no_choice_is_wrong_with_the_answer_said() -> None:
    item = ALL[0]
    judged = judge(item, "banana")
    assert not judged.right and item.answer in judged.misconception
