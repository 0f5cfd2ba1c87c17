"""The Textual internals tensor-tutor leans on (``tui/textual_hooks.py``, ``tests/screen.frame``) still work.

Each is something Textual has no public name for. When an upgrade changes one, these tests fail
and say what to look at, before the lesson tests fail in ways that are harder to read.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

import pytest
from textual.app import ComposeResult
from textual.dom import DOMNode
from textual.message import Message
from textual.widgets import Static
from textual.worker import NoActiveWorker, WorkerFailed, get_current_worker

from tests.screen import frame
from tui.textual_hooks import RecoveringApp, failing_node

HOOKS = "tui/textual_hooks.py"


class Fragile(Static):
    """Raises in the handler of its own message."""

    @dataclass
    class Poke(Message):
        text: str

    def on_fragile_poke(self, message: Poke) -> None:
        raise ValueError(message.text)


class Sturdy(Static):
    """Counts its pokes: it keeps working while its neighbour's loop has stopped."""

    pokes = 0

    @dataclass
    class Poke(Message):
        pass

    def on_sturdy_poke(self, message: Poke) -> None:
        self.pokes += 1


class Recording(RecoveringApp[None]):
    """Keeps running (or not) after every error, noting each with the node that raised it."""

    def __init__(self, keep_running: bool) -> None:
        super().__init__()
        self.keep_running = keep_running
        self.seen: list[tuple[Exception, DOMNode | None, DOMNode | None]] = []

    def compose(self) -> ComposeResult:
        yield Fragile("fragile", id="fragile")
        yield Sturdy("sturdy", id="sturdy")

    def recover(self, error: Exception) -> bool:
        try:
            worker_node: DOMNode | None = get_current_worker().node
        except NoActiveWorker:
            worker_node = None
        self.seen.append((error, failing_node(), worker_node))
        return self.keep_running


async def _until(condition, what: str) -> None:
    for _ in range(100):
        if condition():
            return
        await asyncio.sleep(0.02)
    pytest.fail(f"{what}: {HOOKS} needs updating for this Textual")


async def test_a_handler_that_raises_reaches_recover_with_its_widget() -> None:
    app = Recording(keep_running=True)
    async with app.run_test() as pilot:
        fragile, sturdy = app.query_one(Fragile), app.query_one(Sturdy)
        fragile.post_message(Fragile.Poke("handler bug"))
        await _until(lambda: app.seen, "Textual no longer calls App._handle_exception for a handler's error")
        ((error, node, worker_node),) = app.seen
        assert isinstance(error, ValueError) and str(error) == "handler bug"
        assert node is fragile, f"active_message_pump no longer names the widget that raised: see {HOOKS}"
        assert worker_node is None
        sturdy.post_message(Sturdy.Poke())
        await _until(lambda: sturdy.pokes == 1, "the app stopped after an error that recover kept")
        await pilot.pause()
        assert app.is_running and app.return_code is None


async def test_a_worker_that_raises_reaches_recover_with_the_node_that_started_it() -> None:
    app = Recording(keep_running=True)
    async with app.run_test():
        sturdy = app.query_one(Sturdy)

        def crash() -> None:
            raise OSError("worker bug")

        sturdy.run_worker(crash, thread=True)
        await _until(lambda: app.seen, "Textual no longer calls App._handle_exception for a worker's error")
        ((error, _node, worker_node),) = app.seen
        assert isinstance(error, WorkerFailed) and isinstance(error.error, OSError)
        assert worker_node is sturdy
        assert app.is_running


async def test_an_error_recover_declines_ends_the_app_as_textual_does() -> None:
    app = Recording(keep_running=False)
    with pytest.raises(ValueError, match="fatal bug"):
        async with app.run_test():
            app.query_one(Fragile).post_message(Fragile.Poke("fatal bug"))
            await _until(lambda: app.seen, "Textual no longer calls App._handle_exception")
            await _until(lambda: not app.is_running, "an error recover declined did not end the app")
    assert app.return_code == 1


async def test_frame_shows_the_screen_as_text_and_escape_codes() -> None:
    app = Recording(keep_running=True)
    async with app.run_test(size=(30, 4)) as pilot:
        await pilot.pause()
        text, ansi = frame(app)
    lines = text.splitlines()
    assert len(lines) == 4 and all(len(line) == 30 for line in lines), "tests/screen.frame: see its comment"
    assert lines[0].startswith("fragile") and lines[1].startswith("sturdy")
    assert "\x1b[" in ansi and "sturdy" in ansi
