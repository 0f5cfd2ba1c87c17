"""The app shell as a learner meets it at 80x24: sidebar, keys, lesson 1 live, help, palette, quit."""

from __future__ import annotations

import re

import numpy as np
import torch
from textual.widgets import ContentSwitcher, OptionList, Static

from engine import LESSONS
from engine.practice import steps
from tests.conftest import SIZE, replace_field, settle
from tests.printing import pane_text
from tests.screen import shown
from tui.screens.help import HelpScreen
from tui.widgets.blocks import ValueBlock
from tui.widgets.lesson_list import LessonList


def _shown_values(pane) -> dict[str, ValueBlock]:
    return {b.title_line.split("  ")[0]: b for b in shown(pane, ValueBlock)}


def _text(block: ValueBlock) -> str:
    return block.value_text


async def _until_started(pilot) -> None:
    """Wait (up to 2 s) for the focus a fresh start gives: lesson 1's first field, once its pane is up.

    The pane is built on the frame after the sidebar's, a moment later on a busy machine.
    """
    for _ in range(200):
        await pilot.pause(0.01)
        focused = pilot.app.focused
        if focused is not None and focused.id == "field-shape":
            return


async def test_starts_in_the_first_field_and_lists_the_lessons_with_progress(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        sidebar = app.query_one(LessonList)
        await _until_started(pilot)
        assert app.focused is app.current_pane.form.row("shape").editor
        prompts = [
            re.sub(r"\s+(\d+/\d+|✓)$", "", str(sidebar.get_option_at_index(i).prompt).rstrip())
            for i in range(sidebar.option_count)
        ]
        assert prompts[:6] == ["1 Tensors", "2 Matmul", "3 Torch/NumPy", "4 Derivatives", "5 Single layer", "6 Network"]
        assert str(sidebar.get_option_at_index(0).prompt).endswith(f"0/{len(steps(LESSONS[0]))}")
        assert len(prompts) == len(LESSONS)
        await settle(pilot)
        assert app.sub_title.startswith("PyTorch") and "ready" in app.sub_title


async def test_lesson_one_shows_torch_beside_numpy(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        shown = _shown_values(app.current_pane)
        torch.manual_seed(0)
        np.random.seed(0)
        assert _text(shown["t"]) == pane_text(torch.randn(2, 3))
        assert _text(shown["a"]) == pane_text(np.random.randn(2, 3))


async def test_typing_a_shape_shows_a_tensor_of_that_shape(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await replace_field(pilot, "shape", "2,5")
        shown = _shown_values(app.current_pane)
        torch.manual_seed(0)
        assert _text(shown["t"]) == pane_text(torch.randn(2, 5))
        assert "(2, 5)" in shown["t"].title_line


async def test_a_bad_shape_explains_itself_and_keeps_the_last_output(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        pane = app.current_pane
        before = _text(_shown_values(pane)["t"])
        for bad, words in (
            ("2,,3", "empty part"),
            ("-1", "negative"),
            ("abc", "not a whole number"),
            ("100000x100000", "limit"),
        ):
            await replace_field(pilot, "shape", bad)
            error = pane.form.row("shape").query_one(".field-error", Static)
            assert words in str(error.content)
            assert error.display
            assert pane.results.has_class("-stale")
            assert _text(_shown_values(pane)["t"]) == before
        await replace_field(pilot, "shape", "3,3")
        assert not pane.results.has_class("-stale")
        assert not pane.form.row("shape").query_one(".field-error", Static).display


async def test_changing_the_function_recomputes(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        pane = app.current_pane
        select = pane.form.row("random").editor
        select.focus()
        await pilot.press("enter", "down", "enter")  # randn -> rand
        await settle(pilot)
        torch.manual_seed(0)
        assert _text(_shown_values(pane)["t"]) == pane_text(torch.rand(2, 3))


async def test_keys_pick_lessons_and_escape_returns_to_the_sidebar(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("escape", "down")
        assert app.query_one(ContentSwitcher).current == f"pane-{LESSONS[1].id}"
        await pilot.press("1")
        assert app.query_one(ContentSwitcher).current == "pane-tensors"
        await pilot.press("enter")
        await pilot.pause()
        assert app.focused is app.current_pane.form.row("shape").editor
        await pilot.press("tab")
        assert app.focused is app.current_pane.form.row("random").editor
        await pilot.press("escape")
        assert isinstance(app.focused, OptionList)
        await pilot.press("escape")
        assert app.focused is app.current_pane.form.row("shape").editor, "escape again goes back into the lesson"


async def test_help_opens_with_the_focused_fields_help(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f1")
        assert isinstance(app.screen, HelpScreen)
        text = " ".join(str(m.source) for m in app.screen.query("Markdown"))
        assert "Field: shape" in text and "ctrl+p" in text
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)
        await pilot.press("escape", "question_mark")
        assert isinstance(app.screen, HelpScreen)


async def test_lessons_are_commands_in_the_palette(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause(0.2)
        await pilot.press(*"single")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await pilot.pause(0.2)
        assert app.query_one(ContentSwitcher).current == "pane-layer"


async def test_q_quits_from_the_sidebar_and_is_typed_in_a_field(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await _until_started(pilot)
        await pilot.press("q")
        await pilot.pause()
        assert app.is_running and app.current_pane.form.row("shape").value.endswith("q")
        await pilot.press("escape", "q")
        await pilot.pause()
        assert not app.is_running


async def test_help_lists_the_lessons_own_keys(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("escape", "4", "f1")
        text = " ".join(str(m.source) for m in app.screen.query("Markdown"))
        actions = app.current_pane.lesson.actions
        assert actions and all(action.key in text and action.description in text for action in actions)
