"""A zygote for tests only: the real zygote and lockdown, plus calls that act as if the interpreter were broken.

Started by the tests as ``python -m tests.worker.hostile_zygote`` (or with
``serve SOCKET MAX_LEARNERS``, as an engine server with these calls); the app's
zygote (``engine.worker.zygote``) has none of these calls, so nothing a learner
types can reach them. Each attack reports what happened as text, from inside
the locked-down worker.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable

from engine.worker import zygote
from engine.worker.calls import CALLS, compute_lesson

SLEEP_MARKER = "# sleep"
"""Playground code that makes this zygote's lesson call sleep (for the pane's running and kill tests)."""


def _outcome(action: Callable[[], object]) -> str:
    try:
        action()
    except BaseException as error:  # noqa: BLE001 - what stopped it is the answer
        return f"failed: {type(error).__name__}: {error}"
    return "succeeded"


def write_file(path: str) -> str:
    return _outcome(lambda: os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o644)))


def run_process(path: str) -> str:
    return _outcome(lambda: subprocess.run(["touch", path], check=True))


def connect(port: int) -> str:
    return _outcome(lambda: socket.create_connection(("127.0.0.1", port), timeout=1).close())


def allocate(megabytes: int) -> str:
    return _outcome(lambda: bytearray(megabytes * 1024 * 1024))


def memory_bomb(step_megabytes: int = 64) -> str:
    """Take memory (touched, so it is really resident) until the address-space limit stops it."""
    held = []

    def grow() -> None:
        while True:
            held.append(bytearray(step_megabytes * 1024 * 1024))

    outcome = _outcome(grow)
    taken = len(held) * step_megabytes
    held.clear()
    return f"{outcome} after {taken} MB"


def sleep(seconds: float) -> str:
    time.sleep(seconds)
    return "woke"


def spin() -> str:
    while True:
        pass


def lesson(lesson: str, values: dict[str, str], **arguments: object) -> object:
    if values.get("code", "").startswith(SLEEP_MARKER):
        time.sleep(30)
    return compute_lesson(lesson, values, **arguments)


HOSTILE_CALLS = {
    **CALLS,
    "lesson": lesson,
    "write_file": write_file,
    "run_process": run_process,
    "connect": connect,
    "allocate": allocate,
    "memory_bomb": memory_bomb,
    "sleep": sleep,
    "spin": spin,
}

if __name__ == "__main__":
    if sys.argv[1] == "serve":
        from pathlib import Path

        from engine.worker.server import Server

        sys.exit(Server(Path(sys.argv[2]), max_learners=int(sys.argv[3]), calls=HOSTILE_CALLS).run())
    sys.exit(zygote.main(HOSTILE_CALLS))
