"""``tensor-tutor serve``: one server, several apps, each with its own worker; failures stay with their learner."""

from __future__ import annotations

import os
import signal
import socket
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import torch

from engine import LESSONS
from engine.blocks import Columns, Value
from engine.worker.client import Client, EngineRefused, RunTimedOut
from tests.conftest import SIZE, settle
from tests.printing import pane_text
from tests.worker.conftest import ROOT
from tui.app import TensorTutorApp
from tui.served_start import ServedStart, first_request
from tui.state import StateStore
from tui.widgets.blocks import ValueBlock

MAX_LEARNERS = 2


class Served:
    """A running engine server (with the test-only calls) and its log."""

    def __init__(self, path: Path, process: subprocess.Popen[str], log: Path) -> None:
        self.path, self.process, self.log_path = path, process, log

    def log(self) -> str:
        return self.log_path.read_text()

    def client(self, **options: object) -> Client:
        return Client(server=str(self.path), **options)


@pytest.fixture(scope="module")
def served(tmp_path_factory) -> Iterator[Served]:
    where = tmp_path_factory.mktemp("serve")
    path, log = where / "engine.sock", where / "serve.log"
    environment = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    with open(log, "w") as log_file:
        process = subprocess.Popen(
            [sys.executable, "-m", "tests.worker.hostile_zygote", "serve", str(path), str(MAX_LEARNERS)],
            stdout=subprocess.DEVNULL,
            stderr=log_file,
            env=environment,
            text=True,
        )
    server = Served(path, process, log)
    deadline = time.monotonic() + 120
    while "serving PyTorch" not in server.log():
        assert process.poll() is None and time.monotonic() < deadline, server.log()
        time.sleep(0.1)
    yield server
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=10)
    assert not path.exists()  # the socket is removed on the way out


def _wait_for_log(server: Served, text: str, count: int = 1) -> None:
    deadline = time.monotonic() + 5
    while server.log().count(text) < count and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.log().count(text) >= count, server.log()


def test_the_socket_is_for_the_servers_user_only(served: Served) -> None:
    mode = stat.S_IMODE(os.stat(served.path).st_mode)
    assert mode == 0o600


def test_two_learners_get_their_own_workers_and_a_kill_stays_with_one(served: Served) -> None:
    alice, bob = served.client(), served.client()
    try:
        assert alice.start()["torch"] == bob.start()["torch"]
        assert alice.worker().pid != bob.worker().pid
        assert alice.call("evaluate", source="secret = 41 + 1").outputs[0].text == "42"
        missing = bob.call("evaluate", source="secret")  # nothing of Alice's run reaches Bob's worker
        assert missing.error is not None and "secret" in missing.error.message
        os.kill(alice.worker().pid, signal.SIGKILL)
        assert bob.call("evaluate", source="y = 2 * 3").outputs[0].text == "6"
        _wait_for_log(served, "worker ended")  # the server has closed the dead worker's connection
        assert alice.call("evaluate", source="y = 7").outputs[0].text == "7"  # a fresh worker for Alice
    finally:
        alice.close()
        bob.close()


def test_a_run_past_the_limit_is_killed_by_the_server(served: Served) -> None:
    learner = served.client(time_limit=1.0)
    try:
        learner.start()
        pid = learner.worker().pid
        with pytest.raises(RunTimedOut):
            learner.call("spin")
        deadline = time.monotonic() + 5
        while Path(f"/proc/{pid}").exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not Path(f"/proc/{pid}").exists()  # the server killed the spinning worker
        assert learner.call("evaluate", source="y = 1").outputs[0].text == "1"
    finally:
        learner.close()


def test_garbage_and_a_disconnect_mid_request_leave_the_server_serving(served: Served) -> None:
    with socket.socket(socket.AF_UNIX) as garbage:
        garbage.connect(str(served.path))
        garbage.sendall(b"\xff\xff\xff\xffnot a frame at all")
    with socket.socket(socket.AF_UNIX) as leaving:
        leaving.connect(str(served.path))
        leaving.sendall(b'\x00\x00\x00\x2b{"call":"sleep","arguments":{"seconds":30}}')
    learner = served.client()
    try:
        assert learner.call("evaluate", source="y = 5").outputs[0].text == "5"
    finally:
        learner.close()
    _wait_for_log(served, "disconnected", 2)


async def test_a_full_server_refuses_politely_and_the_app_falls_back_to_its_own_engine(
    served: Served, tmp_path, monkeypatch
) -> None:
    first, second = served.client(), served.client()
    first.start()
    second.start()
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    app = TensorTutorApp(engine=served.client())
    try:
        with pytest.raises(EngineRefused, match="full"):
            served.client().start()
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            assert app.sub_title.endswith("ready")  # not "ready (served)": an engine of its own
            assert app.engine.server is None and app.current_pane.result is not None
    finally:
        app.engine.close()
        first.close()
        second.close()
    _wait_for_log(served, "refused", 2)  # this test's own client, then the app


async def test_a_served_app_says_so_in_its_header(served: Served, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    app = TensorTutorApp(engine=served.client())
    try:
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            assert app.sub_title.endswith("ready (served)") and app.current_pane.result is not None
    finally:
        app.engine.close()


async def test_a_served_app_opens_on_the_saved_values_computed_while_its_pane_was_built(
    served: Served, tmp_path, monkeypatch
) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    lesson = LESSONS[0]
    store = StateStore()
    store.load()
    store.remember_values(lesson.id, {**lesson.defaults(), "seed": "7"})
    store.save()
    app = TensorTutorApp(engine=served.client())
    early_results = []
    early_result = app.early_result

    def spied(*inputs):
        early_results.append(early_result(*inputs))
        return early_results[-1]

    app.early_result = spied
    calls = []
    call = app.engine.call

    def counted(name, /, **arguments):
        calls.append(name)
        return call(name, **arguments)

    app.engine.call = counted
    try:
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            result = app.current_pane.result
    finally:
        app.engine.close()
    assert early_results and early_results[0] is result  # the pane showed the result computed as the app connected
    assert calls == ["lesson"]  # and was built showing it: nothing computed it again
    torch.manual_seed(7)
    columns = next(block for block in result.blocks if isinstance(block, Columns))
    shown = next(block for block in columns.blocks if isinstance(block, Value) and block.title == "t")
    assert shown.text == pane_text(torch.randn(2, 3))


async def test_an_app_whose_server_answered_while_it_imported_starts_with_the_tensor_on_screen(
    served: Served, tmp_path, monkeypatch
) -> None:
    """``tensor-tutor`` reaches the server before importing Textual: the app is built with lesson 1's result."""
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    store = StateStore()
    store.load()
    engine = served.client()
    start = ServedStart(engine, first_request(store.state))
    start.wait()
    assert start.result is not None
    computed = start.result[1]  # the app takes it from the start
    app = TensorTutorApp(store, engine=engine, start=start)
    calls = []
    call = engine.call
    engine.call = lambda name, /, **arguments: calls.append(name) or call(name, **arguments)
    try:
        async with app.run_test(size=SIZE) as pilot:
            pane = app.current_pane  # there as the app comes up, not a frame later
            first = pane.result
            shown = [block.value_text for block in pane.query(ValueBlock)]
            assert not pane.query(".waiting")
            await settle(pilot)
            assert app.sub_title.endswith("ready (served)")
    finally:
        engine.close()
    assert first is computed and calls == []  # shown from the start, and never computed again
    torch.manual_seed(int(LESSONS[0].defaults()["seed"]))
    assert pane_text(torch.randn(2, 3)) in shown


def test_the_app_finds_a_server_by_its_variable(served: Served, monkeypatch) -> None:
    from engine.worker.client import server_socket

    monkeypatch.setenv("TENSOR_TUTOR_ENGINE", str(served.path))
    assert server_socket() == str(served.path)
    monkeypatch.setenv("TENSOR_TUTOR_ENGINE", "")
    assert server_socket() is None
    monkeypatch.delenv("TENSOR_TUTOR_ENGINE")
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(served.path.parent.parent / "nothing-here"))
    assert server_socket() is None  # no server on the default socket: an engine of its own


def test_a_default_socket_another_user_could_have_made_is_not_used(tmp_path, monkeypatch) -> None:
    from engine.worker.client import server_socket

    runtime = tmp_path / "runtime"
    place = runtime / "tensor-tutor"
    place.mkdir(parents=True)
    runtime.chmod(0o700)
    monkeypatch.delenv("TENSOR_TUTOR_ENGINE", raising=False)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(runtime))
    with socket.socket(socket.AF_UNIX) as listener:
        listener.bind(str(place / "engine.sock"))
        assert server_socket() == str(place / "engine.sock")
        place.chmod(0o777)  # anyone could have put it there, or swap it for theirs
        assert server_socket() is None
        place.chmod(0o755)
        runtime.chmod(0o777)  # the directory above, likewise (as a squatted /tmp/tensor-tutor-UID would be)
        assert server_socket() is None
        runtime.chmod(0o700)
        assert server_socket() == str(place / "engine.sock")


def test_serve_refuses_a_socket_directory_others_can_write(tmp_path) -> None:
    open_to_all = tmp_path / "shared"
    open_to_all.mkdir()
    open_to_all.chmod(0o777)
    done = subprocess.run(
        [sys.executable, "-m", "tui", "serve", "--socket", str(open_to_all / "engine.sock")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode != 0 and "can be written by, another user" in done.stderr, done.stderr
    assert not (open_to_all / "engine.sock").exists() and "serving" not in done.stderr
