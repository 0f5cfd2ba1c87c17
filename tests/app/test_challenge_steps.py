"""Challenges and predictions at 80x24, by keyboard: check, a hint, solve, and still solved after a restart."""

from __future__ import annotations

import json

import pytest
from textual.widgets import OptionList, Static

from engine import LESSONS
from engine.practice import challenges, predictions
from tests.conftest import SIZE, settle
from tests.screen import frame
from tui.app import TensorTutorApp
from tui.state import FILE_NAME
from tui.widgets.challenge import ChallengeView
from tui.widgets.goal_bar import GoalBar
from tui.widgets.lesson_list import LessonList
from tui.widgets.prediction import PredictionView

TAUGHT = [lesson for lesson in LESSONS if lesson.id != "playground"]


def _text(widget: Static) -> str:
    return str(widget.content)


def _sidebar_count(app: TensorTutorApp, lesson_id: str) -> str:
    lessons = app.query_one(LessonList)
    option = lessons.get_option(lesson_id)
    return str(option.prompt).split()[-1]


async def _go_to(pilot, lesson, step_id: str):
    """Open ``lesson`` from the sidebar and PageDown to step ``step_id``."""
    await pilot.press("escape", str(lesson.number), "enter")
    await settle(pilot)
    pane = pilot.app.current_pane
    target = [step.id for step in pane.steps].index(step_id)
    await pilot.press(*["pagedown"] * (target - pane.step_index))
    await settle(pilot)
    await pilot.pause(0.1)
    assert pane.step.id == step_id
    return pane


async def _checked(pilot, view: ChallengeView) -> str:
    await pilot.press("ctrl+s")
    for _ in range(100):
        await settle(pilot)
        verdict = _text(view.query_one(".challenge-verdict", Static))
        if verdict.startswith(("Passed", "Not yet")):
            return verdict
        await pilot.pause(0.05)
    raise AssertionError("no verdict")


async def test_solve_after_one_hint_counts_in_the_sidebar_and_stays_solved_after_a_restart(app, tmp_path) -> None:
    lesson = LESSONS[0]
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        before = _sidebar_count(app, lesson.id)
        pane = await _go_to(pilot, lesson, "challenge-ones")
        view = pane.query_one(ChallengeView)
        assert app.focused is view.editor and view.editor.text == "t = torch.zeros(rows, cols)\n"
        await pilot.press("f3")
        assert not view.query_one(".challenge-hints", Static).display, "no hint before a first try"
        assert _text(view.query_one(".challenge-verdict", Static)) == "ctrl+s checks your code."
        verdict = await _checked(pilot, view)
        assert verdict == "Not yet: t[0, 0] is 0; it should be 1."
        await pilot.press("f3")
        hints = _text(view.query_one(".challenge-hints", Static))
        assert hints.startswith("Hint 1 of 2: torch.ones takes the sizes") and "f3: a hint (1 left)." in hints
        # zeros -> ones, by keys: home, past "t = torch.", delete five letters, type four
        await pilot.press("home", *["right"] * 10, *["delete"] * 5, "o", "n", "e", "s")
        assert view.editor.text == "t = torch.ones(rows, cols)\n"
        verdict = await _checked(pilot, view)
        assert verdict == "Passed. Solved: your code gives the reference's results on all 3 inputs."
        assert "Done: Solved." in str(pane.query_one(GoalBar).query_one(".goal-text", Static).content)
        after = _sidebar_count(app, lesson.id)
        solved, total = (int(n) for n in after.split("/"))
        assert before == f"0/{total}" and solved == 1
        assert pane.max_scroll_y == 0, "the verdict and the hint fit on the screen"
        await pilot.pause(app.SAVE_DELAY + 0.2)
    saved = json.loads((tmp_path / "state" / "tensor-tutor" / FILE_NAME).read_text())
    record = saved["progress"]["tensors"]["challenges"]["ones"]
    assert record["outcome"] == "hinted" and record["hints"] == 1 and record["code"] == "t = torch.ones(rows, cols)\n"

    again = TensorTutorApp()
    async with again.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert _sidebar_count(again, lesson.id) == after
        pane = again.current_pane
        assert pane.step.id == "challenge-ones", "back on the challenge the learner left"
        view = pane.query_one(ChallengeView)
        assert view.editor.text == "t = torch.ones(rows, cols)\n"
        assert "Done: Solved." in str(pane.query_one(GoalBar).query_one(".goal-text", Static).content)
        assert _text(view.query_one(".challenge-hints", Static)).startswith("Hint 1 of 2")


async def test_after_the_hints_the_solution_and_a_fix_applies_in_the_editor(app) -> None:
    lesson = next(lesson for lesson in LESSONS if lesson.id == "layer")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        pane = await _go_to(pilot, lesson, "challenge-view")
        view = pane.query_one(ChallengeView)
        verdict = await _checked(pilot, view)
        assert verdict == "Not yet: Line 1: mat1 and mat2 shapes cannot be multiplied (1x10 and 1x10)"
        assert "inputs is (1, 10) and w1 is (1, 10)" in _text(view.query_one(".challenge-explanation", Static))
        await pilot.press("f4")
        assert "Solution:" not in _text(view.query_one(".challenge-hints", Static)), (
            "the solution comes after the hints"
        )
        await pilot.press("f3", "f3", "f4")
        assert _text(view.query_one(".challenge-hints", Static)).startswith(
            "Solution:\ny = torch.sigmoid(torch.matmul(inputs, w1.view(10, 1)) + b1)"
        )
        fixes = view.query_one(".challenge-fixes", OptionList)
        fixes.focus()
        await pilot.press("down", "enter")  # the second fix: w1.view(10, 1)
        verdict = await _checked(pilot, view)
        assert view.editor.text == "y = torch.sigmoid(torch.matmul(inputs, w1.view(10, 1)) + b1)\n"
        assert verdict.startswith("Passed.")
        assert pane.challenge_records["view"]["outcome"] == "shown"


@pytest.mark.parametrize("lesson", TAUGHT, ids=lambda lesson: lesson.id)
async def test_every_prediction_reveals_the_answer_and_a_wrong_guess_its_misconception(app, lesson) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for prediction in predictions(lesson.id):
            pane = await _go_to(pilot, lesson, prediction.id)
            view = pane.query_one(PredictionView)
            assert app.focused is view.choices
            assert pane.max_scroll_y == 0
            wrong = next(index for index, choice in enumerate(prediction.choices) if choice != prediction.answer)
            await pilot.press(*["down"] * wrong, "enter")
            await settle(pilot)
            answer = _text(view.query_one(".prediction-answer", Static))
            guess = prediction.choices[wrong]
            assert answer.startswith(f"Not quite: you said {guess}, PyTorch says {prediction.answer}.")
            reason = next(m.reason for m in prediction.misconceptions if m.choice == guess)
            assert reason in answer and "It ran: " in answer
            assert prediction.id in pane.met
            assert pane.max_scroll_y == 0, "the answer fits on the screen"
            assert not _cut_keys(app), frame(app)[0].splitlines()[-1]


def _cut_keys(app: TensorTutorApp) -> list[str]:
    """The keys the footer lists that do not show whole in its row (it crops what does not fit)."""
    footer = frame(app)[0].splitlines()[-1]
    shown = [binding.description for _n, binding, _on, _tip in app.screen.active_bindings.values() if binding.show]
    return [label for label in shown if label not in footer]


@pytest.mark.parametrize("lesson", TAUGHT, ids=lambda lesson: lesson.id)
async def test_every_challenge_fits_80x24_after_a_failed_check_a_hint_and_the_solution(app, lesson) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for challenge in challenges(lesson.id):
            pane = await _go_to(pilot, lesson, "challenge-" + challenge.id)
            view = pane.query_one(ChallengeView)
            assert pane.max_scroll_y == 0 and not _cut_keys(app)
            verdict = await _checked(pilot, view)
            assert verdict.startswith("Not yet: ")
            await pilot.press("f3")
            await pilot.pause()
            assert pane.max_scroll_y == 0, f"{challenge.id} scrolls by {pane.max_scroll_y} rows"
            assert not _cut_keys(app), frame(app)[0].splitlines()[-1]
            await pilot.press(*["f3"] * len(challenge.hints))
            await pilot.pause()
            assert "f4 solution" in frame(app)[0].splitlines()[-1], "after the last hint the footer offers f4"
            assert not _cut_keys(app), frame(app)[0].splitlines()[-1]
            await pilot.press("f4")
            await pilot.pause()
            assert _text(view.query_one(".challenge-hints", Static)).startswith("Solution:")
            assert pane.max_scroll_y == 0, f"{challenge.id} with its solution scrolls by {pane.max_scroll_y} rows"
