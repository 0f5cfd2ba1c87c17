"""A broken PyTorch install is reported in words, and the app stays usable."""

from __future__ import annotations

import sys

from textual.widgets import Static

from tests.conftest import SIZE


async def test_a_failed_import_says_so_in_the_header_and_the_pane(app, monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "engine.evaluation", None)  # import now raises ImportError
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause(0.2)
        assert app.sub_title == "PyTorch failed to load"
        waiting = app.current_pane.query_one(".waiting", Static)
        assert "could not be loaded" in str(waiting.content)
        await pilot.press("escape", "2")
        await pilot.pause(0.2)
        assert app.is_running and app.current_pane.lesson.id == "matmul"
