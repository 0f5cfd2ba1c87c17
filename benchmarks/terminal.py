"""Run a program in a real pseudo-terminal and read what it has drawn.

Timing "the sidebar is visible" means knowing what is on the screen, not just
which bytes went by, so the output is fed to ``ScreenModel``: a tiny terminal
that understands what Textual writes (absolute cursor moves, text, CR/LF) and
ignores colours and modes. Peak memory comes from ``os.wait4``, which reports
the child's own rusage (``ru_maxrss``), not the sum over every child.
"""

from __future__ import annotations

import codecs
import fcntl
import os
import pty
import re
import select
import signal
import struct
import subprocess
import termios
import time
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from benchmarks.processes import cpu_seconds

_CSI = re.compile(r"\x1b\[([0-9;?<=>$]*)([ -/]*)([@-~])")
_OSC = re.compile(r"\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)")
_STRING = re.compile(r"\x1b[P_^][^\x1b]*\x1b\\")
_TEXT = re.compile(r"[^\x1b\r\n\x08\x07]+")


class ScreenModel:
    """The characters on a ``columns`` x ``rows`` screen, kept up to date as output arrives."""

    def __init__(self, columns: int, rows: int) -> None:
        self.columns = columns
        self.rows = rows
        self._cells = [[" "] * columns for _ in range(rows)]
        self._row = 0
        self._column = 0
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self._pending = ""

    def feed(self, data: bytes) -> None:
        """Apply terminal output (which may stop in the middle of a character or escape sequence)."""
        text = self._pending + self._decoder.decode(data)
        self._pending = ""
        index = 0
        while index < len(text):
            char = text[index]
            if char == "\x1b":
                consumed = self._escape(text, index)
                if consumed == 0:
                    self._pending = text[index:]
                    return
                index += consumed
            elif char in "\r\n\x08\x07":
                self._control(char)
                index += 1
            else:
                match = _TEXT.match(text, index)
                assert match is not None
                self._write(match.group())
                index = match.end()

    def _escape(self, text: str, index: int) -> int:
        """Length of the escape sequence at ``index``, after applying it; 0 if it is not complete yet."""
        match = _CSI.match(text, index)
        if match:
            self._csi(match.group(1), match.group(3))
            return match.end() - index
        for pattern in (_OSC, _STRING):
            match = pattern.match(text, index)
            if match:
                return match.end() - index
        if index + 1 >= len(text) or text[index + 1] in "[]P_^":
            return 0  # an unfinished sequence: wait for the rest
        return 2  # a two-character escape (ESC 7, ESC =, ...): nothing to draw

    def _csi(self, params: str, final: str) -> None:
        if final not in ("H", "f") or params[:1] in ("?", ">", "<", "="):
            return
        parts = [int(p) if p else 1 for p in params.split(";")] if params else [1, 1]
        row, column = (parts + [1, 1])[:2]
        self._row = min(max(row, 1), self.rows) - 1
        self._column = min(max(column, 1), self.columns) - 1

    def _control(self, char: str) -> None:
        if char == "\r":
            self._column = 0
        elif char == "\n":
            self._row = min(self._row + 1, self.rows - 1)
        elif char == "\x08":
            self._column = max(self._column - 1, 0)

    def _write(self, text: str) -> None:
        for char in text:
            if self._column >= self.columns:
                continue  # Textual turns auto-wrap off: text past the edge is dropped
            self._cells[self._row][self._column] = char
            self._column += 1
            if unicodedata.east_asian_width(char) in ("W", "F") and self._column < self.columns:
                self._cells[self._row][self._column] = ""
                self._column += 1

    def lines(self) -> list[str]:
        """The screen, one string per row."""
        return ["".join(row) for row in self._cells]

    def text(self) -> str:
        """The screen as one string, rows separated by newlines."""
        return "\n".join(self.lines())


@dataclass(frozen=True)
class Finished:
    """How a program in the pseudo-terminal ended."""

    seconds: float
    """From start to exit."""
    max_rss_mb: float
    """Peak resident memory of the process itself, in MiB."""
    status: int


class PtySession:
    """A program started in a fresh pseudo-terminal of ``size`` (columns, rows).

    ``started`` is taken just before the fork, so every time reported is
    "since process start" as a learner at a terminal would count it.
    """

    def __init__(
        self, argv: Sequence[str], size: tuple[int, int] = (80, 24), env: dict[str, str] | None = None
    ) -> None:
        columns, rows = size
        self.screen = ScreenModel(columns, rows)
        self._master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
        self.started = time.perf_counter()
        self.process = subprocess.Popen(
            list(argv),
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=env,
            start_new_session=True,
            close_fds=True,
        )
        os.close(slave)
        self._closed = False
        self.last_output = self.started

    def elapsed(self) -> float:
        """Seconds since the process was started."""
        return time.perf_counter() - self.started

    def fileno(self) -> int:
        """The terminal's side of this process, for ``select`` over many sessions at once."""
        return self._master

    def read(self, timeout: float) -> bool:
        """Read what is there (waiting up to ``timeout``); False once the program has closed the terminal."""
        if self._closed:
            return False
        ready, _, _ = select.select([self._master], [], [], max(timeout, 0))
        if not ready:
            return True
        try:
            data = os.read(self._master, 1 << 16)
        except OSError:
            data = b""
        if not data:
            self._closed = True
            return False
        self.last_output = time.perf_counter()
        self.screen.feed(data)
        return True

    def wait_for(self, condition: Callable[[ScreenModel], bool], timeout: float) -> float | None:
        """Seconds since start at which ``condition(screen)`` first held; None if it never did in time."""
        deadline = time.perf_counter() + timeout
        while True:
            if condition(self.screen):
                return self.last_output - self.started
            remaining = deadline - time.perf_counter()
            if remaining <= 0 or not self.read(min(remaining, 0.05)):
                return None if not condition(self.screen) else self.last_output - self.started

    def cpu_seconds(self) -> float:
        """CPU time (user + system, all threads) the program has used so far; NaN if it cannot be read."""
        return cpu_seconds(self.process.pid)

    def wait_quiet(self, quiet: float, timeout: float) -> None:
        """Read until nothing has been drawn for ``quiet`` seconds (or ``timeout`` passes)."""
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            if time.perf_counter() - self.last_output >= quiet:
                return
            if not self.read(0.02):
                return

    def send(self, data: bytes) -> None:
        """Type ``data`` at the terminal."""
        os.write(self._master, data)

    def finish(self, keys: bytes = b"", timeout: float = 10.0) -> Finished:
        """Send ``keys`` (e.g. a quit key), drain the output and reap the process with its own rusage.

        The child is reaped with ``os.wait4`` rather than ``Popen.wait``: only
        wait4 hands back the rusage of that one process.
        """
        if keys:
            self.send(keys)
        deadline = time.perf_counter() + timeout
        while True:
            pid, status, usage = os.wait4(self.process.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                os.killpg(self.process.pid, signal.SIGKILL)
                pid, status, usage = os.wait4(self.process.pid, 0)
                break
            if not self.read(0.05):
                time.sleep(0.01)  # terminal closed: the process is about to exit
        seconds = self.elapsed()
        self.process.returncode = os.waitstatus_to_exitcode(status)
        os.close(self._master)
        return Finished(seconds, usage.ru_maxrss / 1024, self.process.returncode)
