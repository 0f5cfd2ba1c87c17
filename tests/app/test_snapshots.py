"""Whole screens at 80x24, compared with approved SVGs (pytest-textual-snapshot).

They catch what assertions on single widgets miss: layout, wrapping, colours.
One step of every lesson (with lesson 4's chart and lesson 5's fixes), as a
learner reaches it: escape to the sidebar, the lesson's number, enter, PageDown;
then a challenge after a failed check and a hint, and a prediction after a wrong guess.
After an intended change of look, run ``pytest tests/app/test_snapshots.py --snapshot-update``
and look at the new SVGs before committing them.
"""

from __future__ import annotations

import pytest
from textual.widgets import Input, Static, TextArea

from tests.conftest import SIZE, settle
from tests.screen import steady
from tui.app import TensorTutorApp
from tui.widgets.challenge import ChallengeView
from tui.widgets.prediction import PredictionView


@pytest.fixture
def fresh_state(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))


@pytest.mark.parametrize(("key", "step"), [("1", 1), ("2", 3), ("3", 1), ("4", 2), ("5", 1), ("5", 2), ("6", 2)])
def test_lesson_step(snap_compare, fresh_state, key: str, step: int) -> None:
    async def open_step(pilot) -> None:
        await settle(pilot)
        await pilot.press("escape", key, "enter", *["pagedown"] * (step - 1))
        await settle(pilot)
        for editor in pilot.app.query(Input):
            editor.cursor_blink = False  # the cursor shown steadily: the same frame every run
        await settle(pilot)
        await steady(pilot)  # a fix list or a chart settles a refresh or two after the result

    assert snap_compare(TensorTutorApp(), terminal_size=SIZE, run_before=open_step)


async def _to_step(pilot, key: str, step_id: str) -> None:
    """From the sidebar into lesson ``key``, then PageDown to step ``step_id``."""
    await settle(pilot)
    await pilot.press("escape", key, "enter")
    await settle(pilot)
    pane = pilot.app.current_pane
    target = [step.id for step in pane.steps].index(step_id)
    await pilot.press(*["pagedown"] * (target - pane.step_index))
    await settle(pilot)


async def _steady(pilot) -> None:
    for editor in (*pilot.app.query(Input), *pilot.app.query(TextArea)):
        editor.cursor_blink = False
        editor.refresh()  # a text area keeps its rendered lines: draw the cursor as it is now
    await settle(pilot)
    await steady(pilot)  # layout settles a pass or two after the last result, later on a busy machine


def test_challenge_step_after_a_failed_check(snap_compare, fresh_state) -> None:
    """Lesson 5's view challenge checked as given: torch's words, the doctor's explanation, two fixes, a hint."""

    async def check_once(pilot) -> None:
        await _to_step(pilot, "5", "challenge-view")
        await pilot.press("ctrl+s")
        for _ in range(100):
            await settle(pilot)
            if pilot.app.current_pane.query_one(ChallengeView).verdict is not None:
                break
        await pilot.press("f3")
        # The picture is of the check's answer, not of the editor's cursor (whether a text area has drawn it
        # yet depends on the machine's load): escape leaves the editor, as a learner does to pick a lesson.
        await pilot.press("escape")
        await _steady(pilot)

    assert snap_compare(TensorTutorApp(), terminal_size=SIZE, run_before=check_once)


def test_prediction_step_after_a_wrong_guess(snap_compare, fresh_state) -> None:
    """Lesson 2's prediction answered "(2, 3, 2)": PyTorch's refusal and the misconception named."""

    async def guess_wrong(pilot) -> None:
        await _to_step(pilot, "2", "predict-mm")
        await pilot.press("enter")
        for _ in range(100):
            await settle(pilot)
            answer = pilot.app.current_pane.query_one(PredictionView).query_one(".prediction-answer", Static)
            if str(answer.content).startswith("Not quite"):
                break
        await _steady(pilot)

    assert snap_compare(TensorTutorApp(), terminal_size=SIZE, run_before=guess_wrong)
