"""Assume the interpreter is broken: raw file writes, processes, sockets and huge allocations fail inside the worker.

The calls come from ``hostile_zygote`` (a test-only zygote) and run in a worker
locked down exactly as the app's are; the caller carries on after each.
"""

from __future__ import annotations

import os
import signal
import socket
import threading
import time
from pathlib import Path

import pytest

from benchmarks.processes import MIB, descendants, memory
from engine.worker.client import Client, RunTimedOut, WorkerDied
from tests.worker.conftest import HOSTILE_TIME_LIMIT

MAX_TREE_BYTES = 1.5 * 1024**3


def _layer_on(client: Client, name: str) -> bool:
    return client.worker().layers.get(name, "").startswith("on")


def _still_answers(client: Client) -> None:
    assert client.call("evaluate", source="y = 2 * 3").outputs[0].text == "6"


def test_every_layer_is_on_or_says_why_not(hostile: Client) -> None:
    layers = hostile.worker().layers
    assert set(layers) >= {"address space", "cpu time", "file size", "processes", "open files", "seccomp", "landlock"}
    for name, state in layers.items():
        assert state.startswith("on") or state.startswith("off: "), (name, state)
    assert layers["address space"] == "on" and layers["file size"] == "on"


def test_opening_a_file_for_writing_fails(hostile: Client, tmp_path: Path) -> None:
    target = tmp_path / "written"
    outcome = hostile.call("write_file", path=str(target))
    assert outcome.startswith("failed: PermissionError"), outcome
    assert not target.exists()
    _still_answers(hostile)


def test_starting_a_process_fails(hostile: Client, tmp_path: Path) -> None:
    if os.geteuid() == 0 and not _layer_on(hostile, "seccomp"):
        pytest.skip("as root only seccomp stops new processes, and it is off here")
    target = tmp_path / "touched"
    outcome = hostile.call("run_process", path=str(target))
    assert outcome.startswith("failed: "), outcome
    assert not target.exists()
    _still_answers(hostile)


def test_connecting_to_a_local_server_fails(hostile: Client) -> None:
    if not (_layer_on(hostile, "seccomp") or _layer_on(hostile, "landlock")):
        pytest.skip("neither seccomp nor Landlock is available to stop sockets")
    accepted = []
    with socket.create_server(("127.0.0.1", 0)) as server:
        server.settimeout(0.5)
        port = server.getsockname()[1]
        outcome = hostile.call("connect", port=port)
        try:
            accepted.append(server.accept())
        except TimeoutError:
            pass
    assert outcome.startswith("failed: PermissionError"), outcome
    assert accepted == []
    _still_answers(hostile)


def test_a_3_gb_allocation_fails_and_the_worker_carries_on(hostile: Client) -> None:
    outcome = hostile.call("allocate", megabytes=3 * 1024)
    assert outcome.startswith("failed: MemoryError"), outcome
    _still_answers(hostile)


def test_a_memory_bomb_stays_under_the_limit_for_the_whole_tree(hostile: Client, monkeypatch) -> None:
    monkeypatch.setattr(hostile, "time_limit", 60.0)  # filling a gigabyte takes a while on a busy machine
    zygote = hostile.zygote_pid
    peak = 0
    done = threading.Event()

    def watch() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, tree_memory(zygote))
            time.sleep(0.01)

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        outcome = hostile.call("memory_bomb")
    finally:
        done.set()
        watcher.join()
    assert outcome.startswith("failed: MemoryError"), outcome
    taken = int(outcome.split(" after ")[1].split()[0])
    assert taken >= 512  # the bomb really took memory before the limit stopped it
    assert peak < MAX_TREE_BYTES, f"peak {peak / 2**20:.0f} MB"
    _still_answers(hostile)


def test_a_run_that_never_returns_is_killed_in_time_and_the_next_answers(hostile: Client) -> None:
    started = time.monotonic()
    with pytest.raises(RunTimedOut, match=f"longer than {HOSTILE_TIME_LIMIT:g} s"):
        hostile.call("spin")
    assert time.monotonic() - started < HOSTILE_TIME_LIMIT + 0.5
    _still_answers(hostile)


def test_a_worker_killed_mid_run_is_replaced(hostile: Client) -> None:
    pid = hostile.worker().pid
    threading.Timer(0.2, os.kill, (pid, signal.SIGKILL)).start()
    with pytest.raises(WorkerDied, match="a fresh one has taken over"):
        hostile.call("sleep", seconds=5)
    assert hostile.worker().pid != pid
    _still_answers(hostile)


def test_a_worker_that_died_between_runs_is_replaced_quietly(hostile: Client) -> None:
    pid = hostile.worker().pid
    os.kill(pid, signal.SIGKILL)
    time.sleep(0.1)
    _still_answers(hostile)
    assert hostile.worker().pid != pid


def test_stop_kills_the_run_in_progress(hostile: Client) -> None:
    threading.Timer(0.2, hostile.stop).start()
    started = time.monotonic()
    with pytest.raises(Exception, match="You stopped this run"):
        hostile.call("sleep", seconds=5)
    assert time.monotonic() - started < 1.0
    assert hostile.stop() is False  # nothing is running now
    _still_answers(hostile)


def tree_memory(root: int) -> int:
    """Proportional set size (PSS) of ``root`` and its descendants, in bytes: shared pages counted once."""
    figures = [memory(pid) for pid in [root, *descendants(root)]]
    return int(sum(figure.pss for figure in figures if figure is not None) * MIB)
