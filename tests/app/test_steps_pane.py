"""Working through lessons step by step at 80x24, by keyboard, as a learner does."""

from __future__ import annotations

import json

import pytest
from textual.widgets import Input, Static

from engine import LESSONS
from engine.practice import steps
from tests.conftest import SIZE, replace_field, settle
from tui.app import TensorTutorApp
from tui.state import StateStore
from tui.widgets.goal_bar import GoalBar
from tui.widgets.lesson_list import LessonList

TAUGHT = [lesson for lesson in LESSONS if lesson.id != "playground"]


def _goal(pane) -> str:
    return str(pane.query_one(GoalBar).query_one(".goal-text", Static).content)


def _title(pane) -> str:
    return str(pane.query_one(".lesson-title", Static).content)


async def _result_for_step(pilot, pane) -> None:
    for _ in range(100):
        await settle(pilot)
        if pane.result is not None and pane.result.step == pane.step.id:
            return
    raise AssertionError(f"no result for step {pane.step.id}")


@pytest.mark.parametrize("lesson", TAUGHT, ids=lambda lesson: lesson.id)
async def test_every_step_fits_80x24_at_its_defaults(app, lesson) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("escape", str(lesson.number), "enter")
        pane = app.current_pane
        every = steps(lesson)  # the lesson's own steps, then its predictions and challenges
        for index, step in enumerate(every):
            if step.kind == "explore":
                await _result_for_step(pilot, pane)
            await pilot.pause()
            assert f"step {index + 1} of {len(every)}" in _title(pane)
            assert step.goal is not None and step.goal.text in _goal(pane)
            assert pane.max_scroll_y == 0, f"{lesson.id} step {index + 1} scrolls by {pane.max_scroll_y} rows"
            assert pane.virtual_size.height <= pane.size.height
            await pilot.press("pagedown")
        assert pane.step_index == len(every) - 1, "PageDown on the last step stays there"


async def test_pagedown_and_pageup_move_between_steps_from_a_field(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        pane = app.current_pane
        assert isinstance(app.focused, Input), "a fresh start puts the keyboard in the first field"
        await pilot.press("pagedown")
        await _result_for_step(pilot, pane)
        assert pane.step_index == 1 and f"step 2 of {len(steps(LESSONS[0]))}" in _title(pane)
        assert app.focused is not None and pane in app.focused.ancestors, "focus stays in the lesson"
        await pilot.press("pageup")
        await _result_for_step(pilot, pane)
        assert pane.step_index == 0
        await pilot.press("pageup")
        assert pane.step_index == 0


async def test_the_next_button_moves_on(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        pane = app.current_pane
        await pilot.click("#step-next")
        await _result_for_step(pilot, pane)
        assert pane.step_index == 1


async def test_typing_on_a_fresh_start_edits_the_first_field(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("end", "backspace", "4", "q", "c", "1")
        await pilot.pause()
        assert app.is_running and app.current_pane.lesson.id == "tensors"
        assert app.current_pane.form.row("shape").value == "2,4qc1"
        assert len(app.screen_stack) == 1


async def test_a_goal_met_says_so_points_on_and_counts_in_the_sidebar(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        pane = app.current_pane
        sidebar = app.query_one(LessonList)
        assert f"0/{len(steps(LESSONS[0]))}" in str(sidebar.get_option_at_index(0).prompt)
        assert _goal(pane).startswith("Goal: ")
        random = pane.form.row("random").editor
        random.value = "rand"
        await _result_for_step(pilot, pane)
        await settle(pilot)
        assert pane.result.goal_met
        assert _goal(pane).startswith("Done: ") and "PageDown: zeros and ones" in _goal(pane)
        assert f"1/{len(steps(LESSONS[0]))}" in str(sidebar.get_option_at_index(0).prompt)
        random.value = "randn"
        await settle(pilot)
        assert _goal(pane).startswith("Done: "), "a goal once met stays met"


async def test_lesson_keys_work_from_the_sidebar(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("escape", "3", "enter")
        pane = app.current_pane
        await _result_for_step(pilot, pane)
        await pilot.press("escape")
        assert app.focused is app.query_one(LessonList)
        await pilot.press("ctrl+n")
        await settle(pilot)
        assert pane.form.row("write").value == "99"
        assert pane.result.goal_met


async def test_a_lesson_key_on_a_step_without_it_does_nothing(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("escape", "4", "enter")
        pane = app.current_pane
        await _result_for_step(pilot, pane)
        await pilot.press("ctrl+g")
        await settle(pilot)
        assert pane.form.row("path").value == "" and pane.form.row("x").value == "2"
        await pilot.press("pagedown", "pagedown")
        await _result_for_step(pilot, pane)
        await pilot.press("ctrl+g")
        await settle(pilot)
        assert pane.form.row("path").value == "2" and pane.form.row("x").value == "1.6"


async def test_sidebar_keys_do_not_jump_to_the_playground_or_wrap(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("escape")
        sidebar = app.query_one(LessonList)
        await pilot.press("pagedown")
        await settle(pilot)
        assert app.current_pane.lesson.id == "tensors" and app.current_pane.step_index == 1
        await pilot.press("end")
        await settle(pilot)
        assert app.current_pane.lesson.id == "tensors" and app.current_pane.step_index == len(steps(LESSONS[0])) - 1
        await pilot.press("home")
        assert app.current_pane.step_index == 0
        await pilot.press("7")
        await settle(pilot)
        await pilot.press("down")
        assert sidebar.highlighted == 6, "down on the last lesson stays there"
        await pilot.press("1", "up")
        assert sidebar.highlighted == 0


async def test_the_sidebar_folds_to_a_strip_and_back(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        pane = app.current_pane
        wide = pane.size.width
        await pilot.press("ctrl+b")
        await pilot.pause()
        assert app.query_one("#sidebar").size.width == 5 and pane.size.width > wide
        assert str(app.query_one(LessonList).get_option_at_index(0).prompt) == "1"
        await pilot.press("ctrl+b")
        await pilot.pause()
        assert pane.size.width == wide


async def test_a_tall_step_scrolls_and_the_footer_says_how(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        pane = app.current_pane
        assert "scroll_step" not in {b.binding.action.split("(")[0] for b in app.screen.active_bindings.values()}
        await replace_field(pilot, "shape", "8,3")
        await settle(pilot)
        assert pane.max_scroll_y > 0
        shown = {b.binding.action.split("(")[0]: key for key, b in app.screen.active_bindings.items()}
        assert "scroll_step" in shown
        await pilot.press("ctrl+down")
        assert pane.scroll_y > 0


async def test_step_and_goals_come_back_after_a_restart(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    first = TensorTutorApp()
    async with first.run_test(size=SIZE) as pilot:
        await settle(pilot)
        pane = first.current_pane
        pane.form.row("random").editor.value = "rand"
        await settle(pilot)
        await pilot.press("pagedown")
        await _result_for_step(pilot, pane)
    saved = json.loads(StateStore().path.read_text("utf-8"))
    assert saved["format"] == 2 and saved["progress"]["tensors"] == {"step": 1, "goals": ["random"]}
    second = TensorTutorApp()
    async with second.run_test(size=SIZE) as pilot:
        await settle(pilot)
        pane = second.current_pane
        assert pane.step_index == 1 and f"step 2 of {len(steps(LESSONS[0]))}" in _title(pane)
        assert f"1/{len(steps(LESSONS[0]))}" in str(second.query_one(LessonList).get_option_at_index(0).prompt)
        await pilot.press("pageup")
        await _result_for_step(pilot, pane)
        assert _goal(pane).startswith("Done: ")


async def test_an_old_state_file_loads(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    path = StateStore().path
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps({"format": 1, "lesson": "layer", "values": {"layer": {"seed": "3"}}}), "utf-8")
    app = TensorTutorApp()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        pane = app.current_pane
        assert pane.lesson.id == "layer" and pane.step_index == 0
        assert pane.form.row("seed").value == "3"
        assert not app.store.take_notices()
