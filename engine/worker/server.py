"""``tensor-tutor serve``: one warm engine for a class; every app that connects gets its own worker.

The server is a zygote that listens on a Unix socket instead of answering one
app. It imports and warms torch once and freezes its heap, so every worker it
forks shares those pages copy-on-write. Each accepted connection is one
learner's worker, locked down exactly like an app's own (``limits``), with
``--memory-per-learner`` as its address-space headroom; the connection is the
worker's channel, and the server keeps only a handle on it to see it close.

When a learner's app closes the connection (quit, hangup, a dropped SSH link, or
its client killing a run that took too long), the server kills that worker. A
worker that dies is logged and its connection closed, so the app sees it. A
connection past ``--max-learners`` is refused with a message and closed. One
log line per connect, disconnect, kill and refusal goes to stderr.

The socket is made with mode 0600 (only the server's own user) unless ``--mode``
says otherwise; see docs/classroom.md for opening it to a group of learners.
"""

from __future__ import annotations

import argparse
import gc
import os
import select
import signal
import socket
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from engine.worker import protocol
from engine.worker.limits import MEMORY_HEADROOM
from engine.worker.place import default_socket, safe_place
from engine.worker.serve import serve
from engine.worker.zygote import THREAD_ENVIRONMENT, warm

DEFAULT_MAX_LEARNERS = 40


@dataclass
class Learner:
    """One connection and the worker serving it."""

    number: int
    connection: socket.socket
    pid: int
    handle: int
    since: float


class Server:
    """Accepts learners and forks a worker for each; see the module docstring."""

    def __init__(
        self,
        path: Path,
        *,
        max_learners: int = DEFAULT_MAX_LEARNERS,
        memory_per_learner: int = MEMORY_HEADROOM,
        mode: int = 0o600,
        calls: Mapping[str, Callable[..., object]] | None = None,
        log: TextIO = sys.stderr,
    ) -> None:
        self.path = path
        self.max_learners = max_learners
        self.memory_per_learner = memory_per_learner
        self.mode = mode
        self.calls = calls
        self.log_file = log
        self.learners: dict[int, Learner] = {}
        self.versions: dict[str, str] = {}
        self._count = 0

    def log(self, text: str) -> None:
        print(f"{time.strftime('%Y-%m-%d %H:%M:%S')} {text}", file=self.log_file, flush=True)

    def run(self) -> int:
        """Warm up, listen, and serve until SIGTERM or SIGINT."""
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o755)
        if not safe_place(self.path):  # before the warm-up: a teacher hears of it at once
            raise SystemExit(f"{self.path}: its directory belongs to, or can be written by, another user")
        os.environ.update(THREAD_ENVIRONMENT)
        self.versions = warm()
        if self.calls is None:
            from engine.worker.calls import CALLS

            self.calls = CALLS
        gc.collect()
        gc.freeze()
        listener = self._listen()
        stop = [False]

        def ask_to_stop(signum: int, frame: object) -> None:
            stop[0] = True

        signal.signal(signal.SIGTERM, ask_to_stop)
        signal.signal(signal.SIGINT, ask_to_stop)
        signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # workers are reaped by the kernel
        self.log(
            f"serving PyTorch {self.versions['torch']} on {self.path} "
            f"(at most {self.max_learners} learners, {self.memory_per_learner // 2**20} MB each)"
        )
        try:
            while not stop[0]:
                self._step(listener)
        finally:
            for learner in list(self.learners.values()):
                self._end(learner, "the server stopped")
            listener.close()
            self.path.unlink(missing_ok=True)
            self.log("stopped")
        return 0

    def _listen(self) -> socket.socket:
        if self.path.exists():
            probe = socket.socket(socket.AF_UNIX)
            try:
                probe.connect(str(self.path))
            except OSError:
                self.path.unlink()  # left by a server that is gone
            else:
                probe.close()
                raise SystemExit(f"another engine server is already listening on {self.path}")
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        old_mask = os.umask(0o777 & ~self.mode)
        try:
            listener.bind(str(self.path))
        finally:
            os.umask(old_mask)
        os.chmod(self.path, self.mode)
        listener.listen(64)
        return listener

    def _step(self, listener: socket.socket) -> None:
        """Wait for a connection or an ending; end learners before accepting, so a reconnect finds its place."""
        events = self._poll(listener, 1000)
        self._end_learners(events)
        if any(fd == listener.fileno() for fd, _ in events):
            self._end_learners(self._poll(None, 0))  # a client that closed and reconnected at once
            self._accept(listener)

    def _poll(self, listener: socket.socket | None, timeout_ms: int) -> list[tuple[int, int]]:
        poller = select.poll()
        if listener is not None:
            poller.register(listener, select.POLLIN)
        for learner in self.learners.values():
            poller.register(learner.connection, select.POLLRDHUP)  # never POLLIN: the data is the worker's
            poller.register(learner.handle, select.POLLIN)  # readable once the worker has ended
        try:
            return poller.poll(timeout_ms)
        except InterruptedError:
            return []

    def _end_learners(self, events: list[tuple[int, int]]) -> None:
        ready = {fd for fd, _ in events}
        for learner in list(self.learners.values()):
            if learner.handle in ready:
                self._end(learner, "its worker ended (a limit, a crash)")
            elif learner.connection.fileno() in ready:
                self._end(learner, "disconnected")

    def _accept(self, listener: socket.socket) -> None:
        try:
            connection, _ = listener.accept()
        except OSError:
            return
        self._count += 1
        number = self._count
        if len(self.learners) >= self.max_learners:
            self.log(f"learner {number} refused: {len(self.learners)} learners already, the most allowed")
            try:
                connection.settimeout(1)
                protocol.send(connection, {"refused": f"the engine server is full ({self.max_learners} learners)"})
            except OSError:
                pass
            connection.close()
            return
        pid = os.fork()
        if pid == 0:
            try:
                self._become_worker(listener, connection)
            finally:
                os._exit(0)
        handle = os.pidfd_open(pid)
        self.learners[number] = Learner(number, connection, pid, handle, time.monotonic())
        self.log(f"learner {number} connected: worker {pid} ({len(self.learners)} of {self.max_learners})")

    def _become_worker(self, listener: socket.socket, connection: socket.socket) -> None:
        """In the fork: keep only this learner's connection (not the log, nor another's), then serve it."""
        listener.close()
        for other in self.learners.values():
            other.connection.close()
            os.close(other.handle)
        quiet = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(quiet, fd)
        os.close(quiet)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        assert self.calls is not None
        serve(connection, self.calls, self.memory_per_learner, self.versions)

    def _end(self, learner: Learner, why: str) -> None:
        """Kill ``learner``'s worker (if it still runs) and close its connection."""
        del self.learners[learner.number]
        try:
            signal.pidfd_send_signal(learner.handle, signal.SIGKILL)
            killed = " (worker killed)"
        except OSError:
            killed = ""
        learner.connection.close()
        os.close(learner.handle)
        seconds = time.monotonic() - learner.since
        self.log(f"learner {learner.number} {why}{killed} after {seconds:.0f} s")


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="tensor-tutor serve",
        description="Serve one warm PyTorch engine to every tensor-tutor on this machine.",
    )
    parser.add_argument("--socket", type=Path, default=default_socket(), help="the Unix socket to listen on")
    parser.add_argument("--max-learners", type=int, default=DEFAULT_MAX_LEARNERS, help="refuse connections past this")
    parser.add_argument(
        "--memory-per-learner",
        type=int,
        default=MEMORY_HEADROOM // 2**20,
        metavar="MB",
        help="address space each learner's worker may add to its warm size",
    )
    parser.add_argument(
        "--mode",
        type=lambda text: int(text, 8),
        default=0o600,
        help="permissions of the socket, in octal (0600: only this user; 0660: also its group)",
    )
    return parser.parse_args(argv)


def main(argv: list[str]) -> int:
    """``tensor-tutor serve ...``"""
    args = parse_args(argv)
    server = Server(
        args.socket, max_learners=args.max_learners, memory_per_learner=args.memory_per_learner * 2**20, mode=args.mode
    )
    return server.run()
