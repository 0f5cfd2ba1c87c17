"""The smallest window the app supports (60x16) and the usual 80x24: nothing cut mid-word or mid-label."""

from __future__ import annotations

import re

from tests.conftest import settle
from tests.screen import frame, next_step, open_lesson
from tui.widgets.pick_list import PickList


def _shown(widgets):
    """The widgets the step on screen shows (the other steps' fields are hidden)."""
    return [
        widget
        for widget in widgets
        if all(node.display for node in widget.ancestors_with_self if hasattr(node, "display"))
    ]


def _rows_of(app, widget) -> list[str]:
    region = widget.region
    lines = frame(app)[0].splitlines()
    return [line[region.x : region.right] for line in lines[region.y : region.bottom]]


async def test_pick_lists_show_their_whole_value_on_one_line_at_60x16(app) -> None:
    async with app.run_test(size=(60, 16)) as pilot:
        for lesson in "123456":
            pane = await open_lesson(pilot, lesson)  # escape reaches the sidebar (a second would go back)
            assert pane.lesson.number == int(lesson)
            for step in range(len(pane.lesson.steps)):
                for select in _shown(pane.query(PickList)):
                    pane.scroll_to_widget(select, animate=False)
                    await pilot.pause(0.1)
                    rows = _rows_of(app, select)
                    assert len(rows) == 1, (lesson, step, rows)
                    assert select.label in rows[0], (lesson, step, rows, select.label)
                if step + 1 < len(pane.lesson.steps):
                    await next_step(pilot, pane)


async def test_lesson_buttons_show_their_whole_label_at_60x16(app) -> None:
    from textual.widgets import Button

    async with app.run_test(size=(60, 16)) as pilot:
        pane = await open_lesson(pilot, "4")
        await next_step(pilot, pane, pane.lesson.steps.index(next(s for s in pane.lesson.steps if s.actions)))
        buttons = _shown(app.query(Button))
        assert buttons
        for button in buttons:
            pane.scroll_to_widget(button, animate=False)
            await pilot.pause(0.1)
            shown = " ".join(_rows_of(app, button)).strip()
            assert str(button.label).strip() in shown, (shown, str(button.label))


async def test_the_footer_keeps_the_code_key_whole_with_lesson_4s_keys_at_80x24(app) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        pane = await open_lesson(pilot, "4")
        from textual.widgets import Button

        pane.query(Button).first().focus()  # outside a text field, where q quit shows too
        for _ in range(50):  # the footer follows focus on its next refresh
            await pilot.pause(0.1)
            footer = frame(app)[0].splitlines()[-1]
            if "quit" in footer:
                break
        assert "quit" in footer, footer
        assert re.search(r"c/f2 code", footer), footer
        assert "help" in footer and "palette" in footer


async def test_the_code_screens_footer_fits_at_60x16(app) -> None:
    from tui.screens.code import CodeScreen

    async with app.run_test(size=(60, 16)) as pilot:
        await open_lesson(pilot, "5")
        await pilot.press("f2")
        await settle(pilot)
        assert isinstance(app.screen, CodeScreen)
        footer = frame(app)[0].splitlines()[-1]
    assert "esc back" in footer and "palette" in footer, footer
