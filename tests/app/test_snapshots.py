"""Whole screens at 80x24, compared with approved SVGs (pytest-textual-snapshot).

They catch what assertions on single widgets miss: layout, wrapping, colours.
One step of every lesson (with lesson 4's chart and lesson 5's fixes), as a
learner reaches it: escape to the sidebar, the lesson's number, enter, PageDown.
After an intended change of look, run ``pytest tests/app/test_snapshots.py --snapshot-update``
and look at the new SVGs before committing them.
"""

from __future__ import annotations

import pytest
from textual.widgets import Input

from tests.conftest import SIZE, settle
from tui.app import TensorTutorApp


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
        await pilot.pause(0.5)  # a fix list grows to its options a refresh or two after the result
        await settle(pilot)

    assert snap_compare(TensorTutorApp(), terminal_size=SIZE, run_before=open_step)
