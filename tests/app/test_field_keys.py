"""Editing a field as a learner does: keys apply in the order they arrive, even in one burst (SSH);
focus leaves the cursor at the end with nothing selected; left/right move the cursor everywhere,
and up/down nudge number fields."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from textual.widgets import Input

from tests.conftest import SIZE, burst, settle
from tests.screen import next_step, open_lesson


async def _focus(pilot, pane, name: str) -> Input:
    editor = pane.form.row(name).editor
    editor.focus()
    await pilot.pause(0.1)
    return editor


async def test_a_burst_of_backspace_and_digits_applies_in_order(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        pane = await open_lesson(pilot, "1")
        editor = await _focus(pilot, pane, "shape")
        editor.cursor_position = len(editor.value)
        for _ in range(5):  # it went wrong about one time in two before the fix
            editor.value = "3,3"
            editor.cursor_position = 3
            await settle(pilot)
            await burst(pilot, "backspace", "4", "5")
            assert editor.value == "3,45"


async def test_end_then_ctrl_u_then_text_in_the_next_burst_keeps_the_text(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        pane = await open_lesson(pilot, "1")
        editor = await _focus(pilot, pane, "shape")
        for _ in range(5):
            await burst(pilot, "home", "end", "ctrl+u")
            await burst(pilot, "2", ",", "5")
            assert editor.value == "2,5"
            assert pane.form.values()["shape"] == "2,5"


async def test_tab_then_text_in_one_burst_types_into_the_next_field(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        pane = await open_lesson(pilot, "1")
        editor = await _focus(pilot, pane, "shape")
        seed = pane.form.row("seed").editor
        await burst(pilot, "shift+tab", "tab", "end")
        assert app.focused is editor
        before = editor.value
        pane.form.row("random").editor.focus()  # the pick-list before seed on this step
        await pilot.pause(0.1)
        await burst(pilot, "tab", "9")
        assert app.focused is seed
        assert seed.value.endswith("9") and editor.value == before


async def test_text_right_after_pagedown_to_a_step_not_shown_yet_types_into_its_field(app) -> None:
    """Lesson 1's third step has fields no earlier step shows: keys in the same burst still land there."""
    async with app.run_test(size=SIZE) as pilot:
        pane = await open_lesson(pilot, "1")
        shape = await _focus(pilot, pane, "shape")
        await burst(pilot, "pagedown", "pagedown", "end", "7")
        assert pane.step.id == "eye"
        assert app.focused is pane.form.row("size").editor
        assert app.focused.value == "37" and shape.value == "2,3"


async def test_focus_puts_the_cursor_at_the_end_and_selects_nothing(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        pane = await open_lesson(pilot, "1")
        editor = await _focus(pilot, pane, "shape")
        before = editor.value
        assert editor.selection.is_empty and editor.cursor_position == len(before)
        await pilot.press("backspace")
        await settle(pilot)
        assert editor.value == before[:-1]  # one character gone, not the whole value
        await pilot.press("4")
        await settle(pilot)
        assert editor.value == before[:-1] + "4"
        assert not pane.form.row("shape").has_class("-invalid")


async def test_left_right_move_the_cursor_in_a_number_field_and_up_down_nudge_it(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        pane = await open_lesson(pilot, "4")
        row = next(r for r in pane.form.rows() if r.spec.step is not None)
        editor = await _focus(pilot, pane, row.spec.name)
        editor.value = "2.5"
        editor.cursor_position = 3
        await pilot.press("left", "left", "backspace", "1")
        await settle(pilot)
        assert editor.value == "1.5"  # left moved the cursor; the value did not change under it
        await pilot.press("up")
        await settle(pilot)
        assert float(editor.value) == 1.5 + row.spec.step
        await pilot.press("down", "down")
        await settle(pilot)
        assert float(editor.value) == round(1.5 - row.spec.step, 10)
        await pilot.press("shift+up")
        await settle(pilot)
        assert float(editor.value) == round(1.5 + 9 * row.spec.step, 10)


def _tmux(socket: str, *args: str) -> str:
    return subprocess.run(["tmux", "-L", socket, *args], capture_output=True, text=True, timeout=10).stdout


def _shape_shown(socket: str, expected: str | None) -> str:
    """The shape field as the terminal shows it, once it reads ``expected`` (any value when None; or after 10 s,
    whatever it reads)."""
    for _ in range(100):
        screen = _tmux(socket, "capture-pane", "-p")
        found = re.search(r"▕ shape (\S*)", screen)
        if found and expected in (None, found.group(1)):
            break
        time.sleep(0.1)
    assert found, screen
    return found.group(1)


@pytest.mark.skipif(shutil.which("tmux") is None, reason="needs tmux to send keys in one write, as a terminal does")
def test_a_real_terminal_burst_applies_in_order(tmp_path) -> None:
    """tmux writes each send-keys command's keys to the app in one write, as a laggy SSH link delivers them."""
    socket = f"tensor-tutor-test-{os.getpid()}"
    app = Path(sys.executable).with_name("tensor-tutor")
    command = f"XDG_STATE_HOME={shlex.quote(str(tmp_path))} {shlex.quote(str(app))}"
    subprocess.run(["tmux", "-L", socket, "new-session", "-d", "-x", "80", "-y", "24", command], check=True, timeout=10)
    try:
        _tmux(socket, "set", "-s", "escape-time", "0")
        for _ in range(300):
            if "1 Tensors" in _tmux(socket, "capture-pane", "-p"):
                break
            time.sleep(0.1)
        _shape_shown(socket, None)  # a fresh start puts the keyboard in lesson 1's first field, shape
        time.sleep(1)
        for _ in range(5):
            _tmux(socket, "send-keys", "End", "C-u")
            _tmux(socket, "send-keys", "3", ",", "3")
            assert _shape_shown(socket, "3,3") == "3,3"
            _tmux(socket, "send-keys", "BSpace", "4", "5")
            assert _shape_shown(socket, "3,45") == "3,45"
    finally:
        _tmux(socket, "kill-server")


async def test_a_number_fields_help_says_how_its_keys_edit_it(app) -> None:
    from textual.widgets import Markdown

    async with app.run_test(size=SIZE) as pilot:
        pane = await open_lesson(pilot, "4")
        row = next(r for r in pane.form.rows() if r.spec.step is not None)
        await _focus(pilot, pane, row.spec.name)
        await pilot.press("f1")
        await pilot.pause(0.3)
        shown = " ".join(m.source for m in app.screen.query(Markdown))
    assert "up/down" in shown and "left/right" in shown and "move the cursor" in shown


async def test_a_key_queued_behind_f2_goes_to_the_code_screen_not_the_field(app) -> None:
    from tui.screens.code import CodeScreen

    async with app.run_test(size=SIZE) as pilot:
        pane = await open_lesson(pilot, "1")
        editor = await _focus(pilot, pane, "shape")
        before = editor.value
        await burst(pilot, "f2", "escape")
        assert not isinstance(app.screen, CodeScreen)  # escape reached the code screen and closed it
        assert editor.value == before


async def test_pagedown_queued_behind_enter_on_a_pick_list_waits_for_the_enter(app) -> None:
    """PageDown is the app's own key, handled as it arrives: it must not overtake the enter ahead of it."""
    from tui.widgets.pick_list import Choices

    async with app.run_test(size=SIZE) as pilot:
        pane = await open_lesson(pilot, "5")
        await next_step(pilot, pane)  # "Four fixes, one y": the fix pick-list has focus
        step = pane.step.id
        fix = pane.form.row("fix").editor
        assert app.focused is fix
        await burst(pilot, "enter", "pagedown")
        assert isinstance(app.screen, Choices)  # enter opened the fix's choices first ...
        assert pane.step.id == step  # ... so the step under them did not change
        await burst(pilot, "escape")
        await burst(pilot, "pagedown")
        assert not isinstance(app.screen, Choices) and pane.step.id != step


async def test_a_digit_then_pagedown_in_one_burst_types_the_digit_where_it_was_typed(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        pane = await open_lesson(pilot, "1")
        await next_step(pilot, pane)  # "zeros and ones": shape; the next step, "eye and identity", has size
        shape = await _focus(pilot, pane, "shape")
        before, size = shape.value, pane.form.values()["size"]
        await burst(pilot, "end", "4", "pagedown", "end", "5")
        assert pane.step.id == "eye"
        assert pane.form.values()["shape"] == before + "4"  # the digit typed before PageDown ...
        assert pane.form.values()["size"] == size + "5"  # ... and the one after it, each in its step


async def test_a_lone_surrogate_in_lesson_2s_operand_field_is_a_message_under_it(app) -> None:
    from textual.widgets import Static

    async with app.run_test(size=SIZE) as pilot:
        pane = await open_lesson(pilot, "2")
        await next_step(pilot, pane, 2)  # the step "Order matters" edits the operands
        editor = await _focus(pilot, pane, "left")
        editor.insert_text_at_cursor("\ud800")  # as a broken paste would leave it
        await settle(pilot)
        row = pane.form.row("left")
        message = str(row.query_one(".field-error", Static).content)
        assert row.has_class("-invalid") and "broken character" in message, message
        assert app.is_running
        app.store.save()  # and the value it remembered saves without UnicodeEncodeError
