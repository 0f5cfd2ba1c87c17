"""The Playground while its worker is slow, stopped or killed, as a learner sees it."""

from __future__ import annotations

import os
import signal
from dataclasses import replace

import pytest

from engine.worker.client import Client
from tests.conftest import SIZE, settle
from tests.worker.hostile_zygote import SLEEP_MARKER
from tui.app import TensorTutorApp
from tui.widgets.failure import FailureNotice
from tui.widgets.playground import PlaygroundPane


async def _start_sleeping_run(pilot, app: TensorTutorApp, time_limit: float) -> PlaygroundPane:
    """Start a run that sleeps, with ``time_limit`` as the Playground's limit in the worker."""
    app.show_lesson("playground", enter=True)
    await settle(pilot)
    pane = app.current_pane
    assert isinstance(pane, PlaygroundPane)
    pane.lesson = replace(pane.lesson, time_limit=time_limit)
    pane.put_code(f"{SLEEP_MARKER}\nx = 1\n")
    for _ in range(100):  # the note shows after half a second of running
        await pilot.pause(0.05)
        if pane.running_note.display:
            break
    assert pane.running_note.display
    assert "ctrl+t stops it" in str(pane.running_note.content)
    return pane


async def _next_edit_works(pilot, pane: PlaygroundPane) -> None:
    pane.put_code("y = 6 * 7\n")
    await settle(pilot)
    assert pane.query_one(FailureNotice).message == ""
    assert "42" in " ".join(str(v) for v in pane.result.blocks)
    assert not pane.running_note.display


@pytest.fixture
def app(tmp_path, monkeypatch, hostile: Client) -> TensorTutorApp:
    """The app on the test-only engine, whose Playground sleeps on code starting with SLEEP_MARKER."""
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    return TensorTutorApp(engine=hostile)


async def test_a_worker_killed_mid_run_is_reported_and_the_next_edit_works(app, hostile: Client) -> None:
    async with app.run_test(size=SIZE) as pilot:
        pane = await _start_sleeping_run(pilot, app, 20.0)
        os.kill(hostile.worker_pid(), signal.SIGKILL)  # as the OOM killer would
        await settle(pilot)
        assert "worker process ended during this run" in pane.query_one(FailureNotice).message
        await _next_edit_works(pilot, pane)


async def test_ctrl_t_stops_a_long_run(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        pane = await _start_sleeping_run(pilot, app, 20.0)
        await pilot.press("ctrl+t")
        await settle(pilot)
        assert pane.query_one(FailureNotice).message == "You stopped this run."
        await _next_edit_works(pilot, pane)


async def test_a_run_past_the_time_limit_says_how_long_it_may_take(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        pane = await _start_sleeping_run(pilot, app, 1.0)
        await settle(pilot)
        assert pane.query_one(FailureNotice).message == "This run took longer than 1 s, so it was stopped."
        await _next_edit_works(pilot, pane)
