"""The step model: every lesson is a few steps, each with its fields, and every goal is checked by the engine."""

from __future__ import annotations

import subprocess
import sys

import pytest

from engine import LESSONS, InputError, lesson_by_id
from engine.blocks import Chart, LessonResult, shape_text
from engine.lesson import Goal, Lesson, Step

TAUGHT = [lesson for lesson in LESSONS if lesson.id != "playground"]


@pytest.mark.parametrize("lesson", TAUGHT, ids=lambda lesson: lesson.id)
def test_a_lesson_is_three_to_six_steps_each_with_a_goal_and_its_own_fields(lesson: Lesson) -> None:
    assert 3 <= len(lesson.steps) <= 6
    names = {field.name for field in lesson.fields}
    assert len({step.id for step in lesson.steps}) == len(lesson.steps)
    for step in lesson.steps:
        assert step.goal is not None and step.goal.text and step.goal.done
        assert set(step.fields) <= names
        assert 1 <= len(step.prose.splitlines()) <= 3
        assert set(step.actions) <= {action.name for action in lesson.actions}
    used = {name for step in lesson.steps for name in step.fields}
    assert used == names, "every field is on some step"


@pytest.mark.parametrize("lesson", TAUGHT, ids=lambda lesson: lesson.id)
def test_every_step_computes_at_its_defaults_with_at_most_one_chart(lesson: Lesson) -> None:
    for index, step in enumerate(lesson.steps):
        by_id = lesson.compute(lesson.defaults(), step=step.id)
        by_index = lesson.compute(lesson.defaults(), step=index)
        assert isinstance(by_id, LessonResult) and by_id.step == step.id and by_index.step == step.id
        assert by_id.blocks == by_index.blocks
        assert sum(isinstance(block, Chart) for block in by_id.blocks) <= 1
        assert by_id.goal_met is False, f"{lesson.id}/{step.id}: the goal is something the learner does"


def test_an_unknown_step_is_a_key_error() -> None:
    lesson = lesson_by_id("tensors")
    with pytest.raises(KeyError):
        lesson.compute(lesson.defaults(), step="nope")
    with pytest.raises(KeyError):
        lesson.compute(lesson.defaults(), step=len(lesson.steps))


def test_a_goal_is_a_pure_function_of_values_and_measures() -> None:
    goal = Goal("do it", "done", lambda values, measures: values["x"] == "1" and measures["ok"] is True)
    step = Step("s", "heading", "prose", ("x",), goal)
    assert step.goal is not None
    assert step.goal.check({"x": "1"}, {"ok": True}) and not step.goal.check({"x": "2"}, {"ok": True})


GOALS = [
    ("tensors", "random", {"random": "rand"}),
    ("tensors", "fill", {"shape": "2,2,2"}),
    ("tensors", "eye", {"dtype": "float64"}),
    ("matmul", "ways", {"b": "3,4"}),
    ("matmul", "times", {"times": "B"}),
    ("matmul", "order", {"left": "A", "right": "B"}),
    ("matmul", "batch", {"batched": "matmul"}),
    ("numpy", "share", {"write": "99"}),
    ("numpy", "dtype", {"dtype": "float32"}),
    ("numpy", "grad", {"back": "w.detach().numpy()"}),
    ("derivatives", "slopes", {"x": "3"}),
    ("derivatives", "chart", {"show": "f3"}),
    ("derivatives", "descent", {"path": "2, 1.6, 1.28", "x": "1.024"}),
    ("derivatives", "pitfall", {"x": "3"}),
    ("layer", "error", {"fix": "view"}),
    ("layer", "fixes", {"fix": "view"}),
    ("layer", "memory", {"memory": "contiguous"}),
    ("layer", "sigmoid", {"activation": "torch.sigmoid"}),
    ("network", "hand", {"sizes": "10, 30, 30, 10"}),
    ("network", "module", {"sizes": "10, 20, 20, 20, 10"}),
    ("network", "table", {"input": "1,10"}),
    ("network", "activation", {"activation": "relu"}),
]

NOT_MET = [
    ("tensors", "random", {"random": "rand", "shape": "2,,3"}),
    ("tensors", "eye", {"dtype": "int64"}),
    ("matmul", "times", {"times": "A"}),
    ("matmul", "batch", {"batched": "matmul", "batch": "0"}),
    ("numpy", "share", {"write": ""}),
    ("numpy", "grad", {"back": "t.numpy()"}),
    ("derivatives", "slopes", {"x": "2.9"}),
    ("derivatives", "chart", {"show": "f1"}),
    ("derivatives", "descent", {"path": "2, 1.6"}),
    ("derivatives", "pitfall", {"x": "2"}),
    ("layer", "fixes", {"fix": "reshape"}),
    ("layer", "memory", {"memory": "non-contiguous"}),
    ("layer", "sigmoid", {"activation": "by hand"}),
    ("network", "hand", {"sizes": "10, 30, 30, 5"}),
    ("network", "module", {"sizes": "10, 20, 10"}),
    ("network", "table", {"input": "1,12"}),
    ("network", "activation", {"activation": "none"}),
]


def _met(lesson_id: str, step: str, values: dict[str, str]) -> bool | None:
    lesson = lesson_by_id(lesson_id)
    try:
        return lesson.compute({**lesson.defaults(), **values}, step=step).goal_met
    except InputError:
        return None


def test_every_goal_is_tested() -> None:
    assert {(lesson, step) for lesson, step, _ in GOALS} == {
        (lesson.id, step.id) for lesson in TAUGHT for step in lesson.steps
    }


@pytest.mark.parametrize(("lesson_id", "step", "values"), GOALS, ids=lambda v: v if isinstance(v, str) else "")
def test_the_goal_is_met_by_doing_it(lesson_id: str, step: str, values: dict[str, str]) -> None:
    assert _met(lesson_id, step, values) is True
    assert _met(lesson_id, step, {}) is False


@pytest.mark.parametrize(("lesson_id", "step", "values"), NOT_MET, ids=lambda v: v if isinstance(v, str) else "")
def test_the_goal_is_not_met_by_something_close(lesson_id: str, step: str, values: dict[str, str]) -> None:
    assert not _met(lesson_id, step, values)


def test_one_shape_formatter() -> None:
    assert [shape_text(s) for s in [(), (10,), (2, 3)]] == ["()", "(10,)", "(2, 3)"]


def test_lesson_specs_import_no_torch() -> None:
    code = "import engine.catalog, sys; print('torch' in sys.modules, 'numpy' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.stdout.split() == ["False", "False"], done.stderr
