"""A broken PyTorch install is reported in words, and the app stays usable."""

from __future__ import annotations

from textual.widgets import Static

from engine.worker.client import Client
from tests.conftest import SIZE
from tui.app import TensorTutorApp


async def test_a_failed_import_says_so_in_the_header_and_the_pane(tmp_path, monkeypatch) -> None:
    broken = tmp_path / "broken"
    (broken / "torch").mkdir(parents=True)
    (broken / "torch" / "__init__.py").write_text("raise ImportError('this torch is broken')\n")
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.setenv("PYTHONPATH", str(broken))  # the engine's process finds the broken torch first
    engine = Client()
    app = TensorTutorApp(engine=engine)
    try:
        async with app.run_test(size=SIZE) as pilot:
            for _ in range(200):  # the engine's process starts after the first frame, then fails
                await app.workers.wait_for_complete()
                await pilot.pause(0.05)
                if app.sub_title != "loading PyTorch…":
                    break
            assert app.sub_title == "PyTorch failed to load"
            waiting = app.current_pane.query_one(".waiting", Static)
            assert "could not be loaded" in str(waiting.content)
            await pilot.press("escape", "2")
            await pilot.pause(0.2)
            assert app.is_running and app.current_pane.lesson.id == "matmul"
            # A pane opened after the failure says so too: it reads the app's engine status when it mounts.
            waiting = app.current_pane.query_one(".waiting", Static)
            assert "could not be loaded" in str(waiting.content)
    finally:
        engine.close()
