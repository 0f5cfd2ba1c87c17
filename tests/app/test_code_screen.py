"""The code screen at 80x24: c or f2 shows the lesson's script; y copies, s saves, e continues in the Playground."""

from __future__ import annotations

import base64
import subprocess
import sys

from textual.drivers.headless_driver import HeadlessDriver
from textual.widgets import Input, Static

from engine.blocks import Code
from engine.export import export_result
from tests.conftest import SIZE, settle
from tests.screen import shown
from tui.screens.code import CodeScreen
from tui.widgets.blocks import ValueBlock
from tui.widgets.pick_list import PickList
from tui.widgets.playground import PlaygroundPane


def _shown_values(pane) -> list[str]:
    return [b.value_text for b in shown(pane, ValueBlock)]


async def _open_code(pilot, key: str = "c") -> CodeScreen:
    """Open the code screen: c from the sidebar (escape reaches it), f2 from anywhere."""
    await pilot.press(
        *(["escape", key] if key == "c" and pilot.app.query_one("#lessons") is not pilot.app.focused else [key])
    )
    screen = pilot.app.screen
    assert isinstance(screen, CodeScreen)
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    assert screen.script is not None
    return screen


async def test_c_shows_the_lessons_code_as_one_script(app, tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        pane = app.current_pane
        screen = await _open_code(pilot)
        assert screen.script == export_result(pane.result, screen.script.splitlines()[0][2:])
        shown = str(screen.query_one("#code-text", Static).content.code)
        assert shown == screen.script.rstrip("\n")
        code = next(b for b in pane.result.blocks if isinstance(b, Code)).source
        assert all(line in screen.script.splitlines() for line in code.splitlines())
        assert "import torch" in screen.script and "import numpy as np" in screen.script
        where = str(screen.query_one("#code-where", Static).content)
        assert str(tmp_path / "tensor_tutor_tensors.py") in where
        await pilot.press("escape")
        assert not isinstance(app.screen, CodeScreen)


async def test_y_copies_the_script_with_osc_52(app, monkeypatch) -> None:
    written: list[str] = []
    real_write = HeadlessDriver.write  # what the test terminal is sent
    monkeypatch.setattr(HeadlessDriver, "write", lambda driver, data: (written.append(data), real_write(driver, data)))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = await _open_code(pilot)
        await pilot.press("y")
        assert app.clipboard == screen.script
        encoded = base64.b64encode(screen.script.encode()).decode()
        assert f"\x1b]52;c;{encoded}\a" in written
        assert "Copied" in str(screen.query_one("#code-status", Static).content)


async def test_s_saves_a_script_that_prints_the_panes_numbers(app, tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        numbers = _shown_values(app.current_pane)
        screen = await _open_code(pilot)
        await pilot.press("s")
        saved = tmp_path / "tensor_tutor_tensors.py"
        assert saved.read_text() == screen.script
        assert f"Saved to {saved}" in str(screen.query_one("#code-status", Static).content)
    done = subprocess.run([sys.executable, str(saved)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert numbers and all(text in done.stdout for text in numbers)


async def test_s_next_to_a_link_of_the_same_name_says_so_and_saves_elsewhere(app, tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "tensor_tutor_tensors.py").symlink_to(tmp_path / "trap.py")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = await _open_code(pilot)
        assert str(tmp_path / "tensor_tutor_tensors_2.py") in str(screen.query_one("#code-where", Static).content)
        await pilot.press("s")
        status = str(screen.query_one("#code-status", Static).content)
    assert not (tmp_path / "trap.py").exists()
    assert (tmp_path / "tensor_tutor_tensors_2.py").read_text() == screen.script
    assert "tensor_tutor_tensors.py is a symbolic link" in status and "not followed" in status
    assert f"Saved to {tmp_path / 'tensor_tutor_tensors_2.py'}" in status


async def test_f2_opens_it_from_inside_a_text_field_where_c_is_typed(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        field = app.focused  # a fresh start is in lesson 1's first field
        assert isinstance(field, Input)
        before = app.current_pane.result
        await pilot.press("end", "c")
        await settle(pilot)
        assert field.value == "2,3c" and not isinstance(app.screen, CodeScreen)
        screen = await _open_code(pilot, "f2")
        # The shape is invalid now: the script is the code of the dimmed output, and says so.
        assert screen.result is before and "torch.randn(2, 3)" in screen.script
        assert "fields hold an error" in str(screen.query_one("#code-status", Static).content)
        await pilot.press("f2")
        assert app.focused is field
        await pilot.press("tab")  # to the function pick-list, where c is no letter to type
        assert isinstance(app.focused, PickList)
        await _open_code(pilot, "c")


async def test_e_continues_in_the_playground_with_the_same_numbers(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        numbers = _shown_values(app.current_pane)
        screen = await _open_code(pilot)
        await pilot.press("e")
        await settle(pilot)
        pane = app.current_pane
        assert isinstance(pane, PlaygroundPane)
        assert pane.editor.text == screen.playground_code
        assert app.focused is pane.editor
        playground_numbers = _shown_values(pane)
        assert numbers and all(text in playground_numbers for text in numbers)
        # In the Playground itself, e is not offered: the code is already there.
        await pilot.press("escape")
        playground_screen = await _open_code(pilot)
        assert playground_screen.check_action("playground", ()) is False


async def test_a_failing_lessons_script_says_where_it_stops(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("escape", "5")  # the single layer: the tutorial's shape error
        await settle(pilot)
        screen = await _open_code(pilot)
        assert "# The next statement fails, as on screen: RuntimeError: mat1 and mat2 shapes" in screen.script


async def test_a_script_that_cannot_be_built_is_a_message_not_a_crash(app, monkeypatch) -> None:
    from engine.worker.client import EngineError

    real_call = app.engine.call

    def broken(name, **arguments):
        if name == "export_result":
            raise EngineError("ValueError", "no script today")  # as the worker reports it
        return real_call(name, **arguments)

    monkeypatch.setattr(app.engine, "call", broken)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f2")
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, CodeScreen) and screen.script is None
        assert "could not be built: ValueError: no script today" in str(screen.query_one("#code-text", Static).content)
        assert screen.check_action("copy", ()) is None  # greyed out: nothing to copy
        await pilot.press("y", "escape")
        assert app.return_code is None and not isinstance(app.screen, CodeScreen)
