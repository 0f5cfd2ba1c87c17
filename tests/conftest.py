"""Shared test helpers: running the app at 80x24 and waiting for its workers."""

from __future__ import annotations

import os

import pytest
from textual import events
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
    """Focus field ``name`` of the lesson on screen and type ``text`` over its value, as a learner would.

    The keys come in one burst, as a quick typist's reach the app over SSH: the field is
    computed once, for ``text``, however loaded the machine is (pressed one by one with
    Pilot's waits between them, a prefix such as the "1" of "100000x100000" was computed
    whenever a wait outlasted the debounce, and a test of what stays on screen failed).
    """
    editor = pilot.app.current_pane.form.row(name).editor
    editor.focus()
    await pilot.pause()
    await burst(pilot, "end", *["backspace"] * len(editor.value), *text)


async def burst(pilot, *keys: str) -> None:
    """Keys as they come over a laggy link: all in one read, queued before any is handled; then settle."""
    for name in keys:
        pilot.app.post_message(key_event(name))
    await settle(pilot)


def key_event(name: str) -> events.Key:
    """The event the terminal driver makes for key ``name`` (a character is its own name)."""
    if len(name) == 1:
        return events.Key(CHARACTER_KEYS.get(name, name), name)
    return events.Key(name, None)


CHARACTER_KEYS = {
    ",": "comma",
    " ": "space",
    "(": "left_parenthesis",
    ")": "right_parenthesis",
    "[": "left_square_bracket",
    "]": "right_square_bracket",
    "-": "minus",
    ".": "full_stop",
    ";": "semicolon",
    "*": "asterisk",
    "/": "slash",
}
"""The names Textual gives the characters the tests type."""
