"""The Playground's editor behaves like a code editor: indentation follows, tab indents, letters are text,
and the footer says how to leave it."""

from __future__ import annotations

from textual.widgets import Static

from tests.conftest import SIZE, settle
from tests.screen import frame
from tui.screens.code import CodeScreen
from tui.widgets.lesson_list import LessonList
from tui.widgets.playground import PlaygroundPane


async def _open_empty_playground(pilot) -> PlaygroundPane:
    await settle(pilot)
    await pilot.press("escape", "7", "enter")
    await settle(pilot)
    pane = pilot.app.current_pane
    assert isinstance(pane, PlaygroundPane) and pilot.app.focused is pane.editor
    pane.editor.clear()
    await settle(pilot)
    return pane


async def test_enter_keeps_the_indentation_and_deepens_it_after_a_colon(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        pane = await _open_empty_playground(pilot)
        await pilot.press(*"for i in range(3)", "colon", "enter", *"y = i", "enter", *"z = i", "enter")
        await pilot.press("backspace", "backspace", "backspace", "backspace", *"w = 1")
        await settle(pilot)
        assert pane.editor.text == "for i in range(3):\n    y = i\n    z = i\nw = 1"


async def test_tab_indents_and_stays_in_the_editor(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        pane = await _open_empty_playground(pilot)
        await pilot.press("tab", "x")
        await settle(pilot)
        assert app.focused is pane.editor
        assert pane.editor.text == "    x"


async def test_app_letter_keys_are_text_in_the_editor(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        pane = await _open_empty_playground(pilot)
        await pilot.press("tab", "c", "q", "question_mark")
        await settle(pilot)
        assert pane.editor.text == "    cq?"
        assert app.is_running and app.screen is app.screen_stack[0] and app.focused is pane.editor


async def test_the_footer_shows_how_to_leave_the_editor_and_escape_does(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await _open_empty_playground(pilot)
        footer = frame(app)[0].splitlines()[-1]
        assert "esc leave editor" in footer, footer
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.focused, LessonList)


async def test_the_code_screen_never_says_there_is_no_code_while_the_editor_holds_some(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await _open_empty_playground(pilot)
        await pilot.press(*"x = torch.ones(2", "enter")  # does not parse yet
        await settle(pilot)
        await pilot.press("f2")
        await settle(pilot)
        assert isinstance(app.screen, CodeScreen)
        shown = str(app.screen.query_one("#code-text", Static).content)
        assert "no code yet" not in shown
        assert "does not run yet" in shown
