"""Whole screens at 80x24, compared with approved SVGs (pytest-textual-snapshot).

They catch what assertions on single widgets miss: layout, wrapping, colours.
After an intended change of look, run ``pytest tests/app/test_snapshots.py --snapshot-update``
and look at the new SVGs before committing them.
"""

from __future__ import annotations

import pytest

from tests.conftest import SIZE, settle
from tui.app import TensorTutorApp


@pytest.fixture
def fresh_state(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))


@pytest.mark.parametrize("key", ["1", "5"])
def test_lesson_screen(snap_compare, fresh_state, key: str) -> None:
    async def open_lesson(pilot) -> None:
        await settle(pilot)
        await pilot.press(key)
        await settle(pilot)

    assert snap_compare(TensorTutorApp(), terminal_size=SIZE, run_before=open_lesson)
