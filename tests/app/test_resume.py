"""Quitting and reopening returns the learner to the same lesson with the same field text."""

from __future__ import annotations

import json
import signal
import subprocess
import sys

import pytest
from textual.widgets import Input, Static, TextArea

from engine import LESSONS
from tests.conftest import SIZE, replace_field, settle
from tests.screen import next_step, shown
from tui import __main__ as cli
from tui.app import TensorTutorApp
from tui.state import FILE_NAME
from tui.widgets.fields import FieldRow
from tui.widgets.lesson_list import LessonList
from tui.widgets.pick_list import PickList

# Lessons with a field a learner types into, wherever they are in the list (1-9 reach them).
TYPED = [lesson for lesson in LESSONS if lesson.number <= 9 and any(not f.choices for f in lesson.fields)]


def _noting(app: TensorTutorApp) -> list[str]:
    """The messages ``app`` will show as notifications, from now on."""
    shown: list[str] = []
    notify = app.notify

    def noting(message: str, *args, **kwargs) -> None:
        shown.append(message)
        notify(message, *args, **kwargs)

    app.notify = noting
    return shown


def _state_file(tmp_path):
    return tmp_path / "state" / "tensor-tutor" / FILE_NAME


async def _open_lesson(pilot, number: int) -> None:
    """From anywhere: back to the sidebar, jump to lesson ``number``, step into its fields."""
    await pilot.press("escape", str(number), "enter")
    await settle(pilot)
    await pilot.pause(0.1)


async def _type_into_first_text_field(pilot, suffix: str) -> tuple[str, str]:
    """Type ``suffix`` at the end of the lesson's first typed field; returns its name and new text."""
    pane = pilot.app.current_pane
    row = next(r for r in pane.form.rows() if not r.spec.choices)
    editor = row.editor
    editor.focus()
    await pilot.pause()
    if isinstance(editor, TextArea):
        await pilot.press("ctrl+end")
    else:
        await pilot.press("end")
    await pilot.press(*suffix)
    await settle(pilot)
    return row.spec.name, row.value


@pytest.mark.skipif(not TYPED, reason="no lesson has a typed field yet")
async def test_reopening_restores_lesson_and_values(app, tmp_path, monkeypatch) -> None:
    edited: dict[str, tuple[str, str]] = {}
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for lesson in TYPED[:3]:
            await _open_lesson(pilot, lesson.number)
            edited[lesson.id] = await _type_into_first_text_field(pilot, "9")
        last = TYPED[:3][-1]
        await pilot.press("escape", "q")
    # Quitting wrote the file at once, without waiting for the save delay.
    saved = json.loads(_state_file(tmp_path).read_text())
    assert saved["lesson"] == last.id
    for lesson_id, (name, text) in edited.items():
        assert saved["values"][lesson_id][name] == text

    reopened = TensorTutorApp()
    shown = _noting(reopened)
    async with reopened.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert reopened.current_pane.lesson.id == last.id
        sidebar = reopened.query_one(LessonList)
        assert sidebar.get_option_at_index(sidebar.highlighted).id == last.id
        assert reopened.current_pane.values()[edited[last.id][0]] == edited[last.id][1]
        for lesson in TYPED[:3]:
            await _open_lesson(pilot, lesson.number)
            name, text = edited[lesson.id]
            assert reopened.current_pane.values()[name] == text
        assert shown == []


CODE = [lesson for lesson in LESSONS if any(f.multiline for f in lesson.fields)]


@pytest.mark.skipif(not CODE, reason="no lesson has a code field")
async def test_typed_code_survives_a_restart(app) -> None:
    """The Playground's code (any multi-line field) comes back as it was typed, line breaks and all."""
    lesson = CODE[0]
    name = next(f.name for f in lesson.fields if f.multiline)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.show_lesson(lesson.id)
        await settle(pilot)
        editor = app.current_pane.form.row(name).editor
        assert isinstance(editor, TextArea)
        editor.focus()
        await pilot.pause()
        await pilot.press(*"y = x[0]", "enter", *"# done", "enter")
        await settle(pilot)
        typed = editor.text
        assert "y = x[0]\n# done\n" in typed
        await pilot.press("escape", "q")
    reopened = TensorTutorApp()
    async with reopened.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert reopened.current_pane.lesson.id == lesson.id
        assert reopened.current_pane.values()[name] == typed


async def test_values_are_saved_while_the_app_runs(app, tmp_path) -> None:
    """A dropped SSH connection loses at most the last half second of typing."""
    lesson = next(lesson for lesson in LESSONS if lesson.fields)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        pane = app.current_pane
        app.show_lesson(lesson.id)
        await settle(pilot)
        pane = app.current_pane
        field = lesson.fields[0]
        pane.form.row(field.name).editor.focus()
        await pilot.pause()
        changed = {**pane.values()}
        editor = pane.form.row(field.name).editor
        if isinstance(editor, PickList):
            await pilot.press("enter", "down", "enter")
        elif isinstance(editor, TextArea):
            await pilot.press("ctrl+end", "x")
        else:
            assert isinstance(editor, Input)
            await pilot.press("end", "7")
        await settle(pilot)
        changed = pane.values()
        await pilot.pause(app.SAVE_DELAY + 0.3)
        saved = json.loads(_state_file(tmp_path).read_text())
        assert saved["lesson"] == lesson.id
        assert saved["values"][lesson.id] == changed


def _rows_on_screen(pane) -> list[str]:
    """The fields on screen, in reading order."""
    rows = shown(pane, FieldRow)
    return [row.spec.name for row in sorted(rows, key=lambda row: (row.region.y, row.region.x))]


async def test_a_field_of_a_step_not_shown_since_a_restart_keeps_its_text(app, tmp_path) -> None:
    """Lesson 1's size (its third step): typed, left on the first step; an edit there after a restart keeps it."""
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await next_step(pilot, app.current_pane, 2)
        await replace_field(pilot, "size", "5")
        await pilot.press("pageup", "pageup")
        await settle(pilot)
        await pilot.press("escape", "q")
    reopened = TensorTutorApp()
    async with reopened.run_test(size=SIZE) as pilot:
        await settle(pilot)
        pane = reopened.current_pane
        assert pane.step_index == 0 and "size" not in _rows_on_screen(pane)
        await replace_field(pilot, "shape", "2,5")
        await pilot.pause(reopened.SAVE_DELAY + 0.3)
        saved = json.loads(_state_file(tmp_path).read_text())["values"]["tensors"]
        assert saved["shape"] == "2,5" and saved["size"] == "5", "the edit saved every field, shown or not"
        await next_step(pilot, pane, 2)
        assert _rows_on_screen(pane) == ["size", "dtype"]
        assert pane.form.row("size").editor.value == "5"


async def test_a_bad_value_of_an_earlier_step_shows_with_its_error_after_a_restart(app) -> None:
    """Lesson 2's second step computes with A, a field of the first: reopened there, the bad A shows to be fixed."""
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("escape", "2", "enter")
        await settle(pilot)
        await replace_field(pilot, "a", "zz")
        await pilot.press("pagedown")
        await settle(pilot)
        await pilot.press("escape", "q")
    reopened = TensorTutorApp()
    async with reopened.run_test(size=SIZE) as pilot:
        await settle(pilot)
        pane = reopened.current_pane
        assert pane.lesson.id == "matmul" and pane.step.id == "times"
        assert _rows_on_screen(pane) == ["a", "times"], "A comes back beside times, in the lesson's order"
        row = pane.form.row("a")
        assert row.editor.value == "zz"
        error = row.query_one(".field-error", Static)
        assert error.display and '"zz"' in str(error.content)
        waiting = [str(line.content) for line in pane.results.query(".waiting").results(Static)]
        assert waiting == ["No numbers yet: the field marked above needs a value that works."], "not 'loading'"
        await replace_field(pilot, "a", "[[1,2],[3,4]]")
        assert _rows_on_screen(pane) == ["times"], "fixed, A goes back to its own step"
        assert not pane.results.query(".waiting") and pane.result is not None


async def test_a_corrupt_state_file_is_set_aside_with_a_notice(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    path = _state_file(tmp_path)
    path.parent.mkdir(parents=True)
    path.write_text('{"format": 1, "lesson": "tensors", "values": {')
    app = TensorTutorApp()
    shown = _noting(app)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        (notice,) = shown
        assert notice.startswith("Saved progress was unreadable")
        (aside,) = path.parent.glob(f"{FILE_NAME}.corrupt-*")
        assert aside.name in notice
        assert aside.read_text().endswith('"values": {')
        assert app.current_pane.lesson.id == LESSONS[0].id
        assert app.current_pane.values() == LESSONS[0].defaults()
        assert app.is_running
        await pilot.press("escape", "2")  # still works, and now saves a good file
        await pilot.pause(app.SAVE_DELAY + 0.3)
    assert json.loads(path.read_text())["lesson"] == LESSONS[1].id


async def test_a_saved_lesson_that_no_longer_exists_starts_at_the_first(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    path = _state_file(tmp_path)
    path.parent.mkdir(parents=True)
    path.write_text(
        json.dumps(
            {"format": 1, "lesson": "gone", "values": {"gone": {"x": "1"}, LESSONS[0].id: {"no-such-field": "1"}}}
        )
    )
    app = TensorTutorApp()
    shown = _noting(app)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.current_pane.lesson.id == LESSONS[0].id
        assert app.current_pane.values() == LESSONS[0].defaults()
        assert shown == []


async def test_an_unwritable_state_directory_gives_a_notice_not_a_crash(tmp_path, monkeypatch) -> None:
    blocker = tmp_path / "state"
    blocker.write_text("a file where the state directory should be")
    monkeypatch.setenv("XDG_STATE_HOME", str(blocker))
    app = TensorTutorApp()
    shown = _noting(app)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("escape", "2")
        await pilot.pause(app.SAVE_DELAY + 0.3)
        await pilot.press("3")
        await pilot.pause(app.SAVE_DELAY + 0.3)
        assert len(shown) == 1 and shown[0].startswith("Progress cannot be saved")
        assert app.is_running and app.current_pane.lesson.id == LESSONS[2].id


def test_reset_forgets_and_starts_fresh(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    path = _state_file(tmp_path)
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps({"format": 1, "lesson": LESSONS[-1].id, "values": {}}))
    started: list[TensorTutorApp] = []
    monkeypatch.setattr(TensorTutorApp, "run", lambda self, **kwargs: started.append(self))
    monkeypatch.setattr(cli, "_save_before_dying", lambda store: None)  # keep pytest's own signal handling
    monkeypatch.setattr(cli, "_has_terminal", lambda: True)
    with pytest.raises(SystemExit) as exit_:
        cli.main(["--reset"])
    assert exit_.value.code == 0
    assert not path.exists()
    (app,) = started
    assert app.store.state.lesson is None
    assert app.store.take_notices() == [f"Forgot saved progress ({path})."]


@pytest.mark.parametrize("signum", [signal.SIGHUP, signal.SIGTERM])
def test_a_hang_up_saves_before_the_process_ends(tmp_path, signum: int) -> None:
    """An SSH connection dropping mid-edit keeps the edit, and the process still ends by the signal."""
    script = f"""
import os, signal, time
from pathlib import Path
from tui.__main__ import _save_before_dying
from tui.state import StateStore
store = StateStore(Path({str(tmp_path / FILE_NAME)!r}))
_save_before_dying(store)
store.remember_values("tensors", {{"shape": "4"}})
os.kill(os.getpid(), {int(signum)})
time.sleep(5)
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert done.returncode == -signum, done.stderr
    assert json.loads((tmp_path / FILE_NAME).read_text())["values"] == {"tensors": {"shape": "4"}}
