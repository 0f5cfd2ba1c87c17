"""Shared test helpers: running the app at 80x24 and waiting for its workers."""

from __future__ import annotations

import pytest

from tui.app import TensorTutorApp

SIZE = (80, 24)


@pytest.fixture
def app(tmp_path, monkeypatch) -> TensorTutorApp:
    """A fresh app whose saved state lives in a temporary directory."""
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    return TensorTutorApp()


async def settle(pilot) -> None:
    """Wait until PyTorch is loaded and every computation has reached the screen."""
    app = pilot.app
    for _ in range(200):
        await app.workers.wait_for_complete()
        await pilot.pause()
        if app.torch_version is not None and not app.workers:
            break
        await pilot.pause(0.05)
    await app.workers.wait_for_complete()
    await pilot.pause()
