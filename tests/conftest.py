"""Shared test helpers: running the app at 80x24 and waiting for its workers."""

from __future__ import annotations

import os

import pytest
from textual.worker import WorkerCancelled

from tui.app import TensorTutorApp
from tui.engine_status import EngineStatus
from tui.widgets.lesson_pane import DEBOUNCE_SECONDS

SIZE = (80, 24)

os.environ.setdefault("TENSOR_TUTOR_ENGINE", "")  # an engine of the tests' own, never a server running here
# A loaded CI machine can stretch an ordinary lesson past the 2 s limit; the limit itself is tested with
# clients that set their own (tests/worker).
os.environ.setdefault("TENSOR_TUTOR_TIME_LIMIT", "10")


@pytest.fixture
def app(tmp_path, monkeypatch) -> TensorTutorApp:
    """A fresh app whose saved state lives in a temporary directory."""
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    return TensorTutorApp()


async def settle(pilot) -> None:
    """Wait until PyTorch is loaded and every computation has reached the screen."""
    app = pilot.app
    await pilot.pause(DEBOUNCE_SECONDS + 0.05)  # let a pending debounced edit start its worker
    for _ in range(200):
        await _workers_done(app)
        await pilot.pause()
        if app.engine_status is EngineStatus.READY and not app.workers:
            break
        await pilot.pause(0.05)
    await _workers_done(app)
    await pilot.pause()


async def _workers_done(app: TensorTutorApp) -> None:
    """Wait for the running workers; one cancelled by a newer edit is not a failure (the newer one runs)."""
    try:
        await app.workers.wait_for_complete()
    except WorkerCancelled:
        pass


async def replace_field(pilot, name: str, text: str) -> None:
    """Focus field ``name`` of the lesson on screen and type ``text`` over its value, as a learner would."""
    editor = pilot.app.current_pane.form.row(name).editor
    editor.focus()
    await pilot.pause()
    await pilot.press("end", *["backspace"] * len(editor.value))
    await pilot.press(*[_key(ch) for ch in text])
    await settle(pilot)


def _key(char: str) -> str:
    names = {
        ",": "comma",
        " ": "space",
        "(": "left_parenthesis",
        ")": "right_parenthesis",
        "[": "left_square_bracket",
        "]": "right_square_bracket",
        "-": "minus",
        ".": "full_stop",
    }
    return names.get(char, char)
