"""No engine process outlives the app: quitting, the terminal hanging up, or a kill ends the zygote and its workers.

The real app runs in tmux, as a learner's would in a terminal. This process is
made a child subreaper for the test, so whatever the app leaves behind comes
to it and can be counted (and reaped) instead of vanishing into PID 1.
"""

from __future__ import annotations

import ctypes
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from benchmarks.processes import descendants, parents

PR_SET_CHILD_SUBREAPER = 36

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed (apt install tmux)")


def _command(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def _descendants(root: int) -> dict[int, str]:
    return {pid: _command(pid) for pid in descendants(root)}


def _engine_processes(tmux: list[str]) -> dict[int, str]:
    pane = int(subprocess.run([*tmux, "display", "-p", "#{pane_pid}"], capture_output=True, text=True).stdout)
    return {pane: "the app's terminal process", **_descendants(pane)}


def _gone(pid: int) -> bool:
    """True once ``pid`` has ended and been reaped (a zombie still counts as left behind)."""
    try:
        os.waitpid(pid, os.WNOHANG)  # reap it if it came to this process
    except ChildProcessError:
        pass
    return not Path(f"/proc/{pid}").exists()


@pytest.mark.parametrize("ending", ["quit", "hangup", "killed"])
def test_no_engine_process_outlives_the_app(tmp_path, ending: str) -> None:
    libc = ctypes.CDLL(None)
    libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
    tmux = ["tmux", "-L", f"tensor-tutor-test-{os.getpid()}-{ending}"]
    app = str(Path(sys.executable).with_name("tensor-tutor"))
    environment = {**os.environ, "XDG_STATE_HOME": str(tmp_path / "state"), "TERM": "xterm-256color"}
    try:
        subprocess.run([*tmux, "new-session", "-d", "-x", "80", "-y", "24", app], env=environment, check=True)
        subprocess.run([*tmux, "set", "-s", "escape-time", "0"], check=True)
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            screen = subprocess.run([*tmux, "capture-pane", "-p"], capture_output=True, text=True).stdout
            engine = _engine_processes(tmux)
            zygotes = [pid for pid, command in engine.items() if "engine.worker.zygote" in command]
            workers = [pid for pid in zygotes for pid in _descendants(pid)]
            if "ready" in screen and zygotes and workers:
                break
            time.sleep(0.2)
        else:
            pytest.fail(f"the app did not get ready: {screen!r} {engine}")
        if ending == "quit":
            subprocess.run([*tmux, "send-keys", "C-q"], check=True)  # q would be typed into the first field
        elif ending == "killed":  # no atexit, no signal handler: only the kernel closing its sockets
            os.kill(parents()[zygotes[0]], signal.SIGKILL)  # the zygote's parent: the app
        else:
            subprocess.run([*tmux, "kill-server"], check=True)  # the terminal goes away: SIGHUP
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and not all(_gone(pid) for pid in engine):
            time.sleep(0.1)
        left = {pid: command for pid, command in engine.items() if not _gone(pid)}
        assert left == {}, f"left behind after {ending}: {left}"
    finally:
        subprocess.run([*tmux, "kill-server"], capture_output=True)
        libc.prctl(PR_SET_CHILD_SUBREAPER, 0, 0, 0, 0)
