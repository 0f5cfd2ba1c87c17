"""The app's side of the worker: one call at a time, each under a hard time limit, in a fresh-enough worker.

``Client.call(name, **arguments)`` sends a request to the worker and returns
the decoded result, or raises what the call raised (``InputError``) or what
ended it (``RunFailed`` and its kinds). From outside the worker it enforces:

- a wall-clock limit: a run past ``time_limit`` is killed (SIGKILL through a
  pidfd: no pid can be reused under it) and reported as taking too long;
- replacement: a killed, crashed or grown worker is dropped and the next call
  gets a fresh one, forked from the warm zygote in milliseconds;
- recycling: a worker whose resident memory grew ``RECYCLE_GROWTH`` over its
  warm size, or that used most of its CPU allowance, is replaced after it answers;
- cleanup: ``close`` ends the zygote, and with it every worker; if the app dies
  without closing, the kernel closes the control socket and the zygote ends itself.

With ``server`` (a socket of ``tensor-tutor serve``) the client starts no
zygote: each worker is a connection to the server, which forks it from its own
warm zygote, and killing a worker is closing its connection (the server kills
it). ``shared()`` uses a server named by ``TENSOR_TUTOR_ENGINE``, or one
listening on the default socket; an empty ``TENSOR_TUTOR_ENGINE`` means none.

It is safe to call from several threads; calls take turns. ``stop`` (from any
thread) kills the run in progress. This module never imports torch.
"""

from __future__ import annotations

import atexit
import os
import select
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field

from engine.errors import InputError
from engine.i18n import _, language
from engine.worker import protocol
from engine.worker.limits import CPU_SECONDS
from engine.worker.place import default_socket, safe_place

TIME_LIMIT = 2.0
"""Seconds a call may take, in the worker, before it is killed (``TENSOR_TUTOR_TIME_LIMIT`` overrides it)."""

START_LIMIT = 120.0
"""Seconds the zygote may take to import and warm torch (a cold disk on a loaded server is slow)."""

FORK_LIMIT = 10.0
"""Seconds a new worker may take to be forked and lock itself down."""

RECYCLE_GROWTH = 300 * 1024 * 1024
"""Growth of a worker's resident memory over its warm size that has it replaced."""

RECYCLE_CPU = CPU_SECONDS / 2
"""CPU seconds after which a worker is replaced before the kernel's own limit could end it."""

ZYGOTE_MODULE = "engine.worker.zygote"


class EngineUnavailable(Exception):
    """The zygote could not start (torch missing or broken): no call can run."""


class EngineRefused(EngineUnavailable):
    """The engine server would not take this app (full, or gone)."""


class RunFailed(Exception):
    """A call did not produce a result; the message says why in words a learner can act on."""


class RunTimedOut(RunFailed):
    """The call took longer than the limit and was killed."""


class RunStopped(RunFailed):
    """The learner stopped the call."""


class WorkerDied(RunFailed):
    """The worker ended during the call (the kernel's limits, a crash, a kill from outside)."""


class EngineError(RunFailed):
    """The call raised an unexpected error in the worker: ``kind`` is its type's name."""

    def __init__(self, kind: str, message: str, module: str | None = None) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.module = module


@dataclass
class Worker:
    """One forked worker: its channel, a pidfd to kill it by, and its warm size."""

    channel: socket.socket
    handle: int | None
    """A pidfd of the worker's process; None for a served worker (closing the channel ends it)."""
    pid: int
    warm_rss: int
    layers: dict[str, str] = field(default_factory=dict)
    stopped: type[RunFailed] | None = None
    """Set when this side killed it, and why."""

    def alive(self) -> bool:
        """False once the process has ended (its pidfd turns readable) or its channel has closed."""
        if self.handle is not None:
            return not select.select([self.handle], [], [], 0)[0]
        poller = select.poll()
        poller.register(self.channel, select.POLLRDHUP)
        return not poller.poll(0)

    def kill(self) -> None:
        try:
            if self.handle is not None:
                signal.pidfd_send_signal(self.handle, signal.SIGKILL)
            else:
                self.channel.shutdown(socket.SHUT_RDWR)  # the server kills it when its end closes
        except OSError:
            pass  # it has ended already

    def close(self) -> None:
        self.kill()
        self.channel.close()
        if self.handle is not None:
            os.close(self.handle)


class Client:
    """Runs engine calls in a worker process forked from a zygote this client starts."""

    def __init__(
        self,
        *,
        time_limit: float | None = None,
        module: str = ZYGOTE_MODULE,
        environment: dict[str, str] | None = None,
        server: str | None = None,
    ) -> None:
        self.time_limit = time_limit or configured_time_limit()
        self.module = module
        self.server = server
        """The socket of a ``tensor-tutor serve`` to get workers from, instead of a zygote of our own."""
        self.environment = environment
        self.versions: dict[str, str] = {}
        """What the engine runs, e.g. ``{"torch": "2.13.0+cpu", "numpy": ...}``."""
        self.zygote_pid: int | None = None
        self._zygote: subprocess.Popen[bytes] | None = None
        self._control: socket.socket | None = None
        self._worker: Worker | None = None
        self._running: Worker | None = None
        self._lock = threading.Lock()
        """Held by the call in progress (and by starting and closing)."""
        self._guard = threading.Lock()
        """Held briefly while the running worker is set, killed from another thread, or closed."""

    # Starting and stopping

    def start(self) -> dict[str, str]:
        """Start the zygote if it is not running; the versions it reports (``torch``, ``numpy``)."""
        with self._lock:
            if self.server is not None:
                self._current()  # a served worker says the versions in its hello
            else:
                self._ensure_zygote()
            return self.versions

    def _ensure_zygote(self) -> None:
        if self._zygote is not None and self._zygote.poll() is None:
            return
        self._end_zygote()
        from engine.worker.zygote import THREAD_ENVIRONMENT

        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        environment = {**(self.environment or os.environ), **THREAD_ENVIRONMENT}
        try:
            self._zygote = subprocess.Popen(
                [sys.executable, "-m", self.module, str(theirs.fileno())],
                pass_fds=(theirs.fileno(),),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,  # the app draws on the terminal: nothing else may write there
                env=environment,
            )
        finally:
            theirs.close()
        self._control = ours
        ours.settimeout(START_LIMIT)
        try:
            message, _ = protocol.receive_control(ours)
        except (EOFError, OSError, protocol.ProtocolError) as error:
            self._end_zygote()
            raise EngineUnavailable(f"the engine process did not start ({error or 'it exited'})") from None
        if not isinstance(message, dict) or "ready" not in message:
            self._end_zygote()
            reason = message.get("failed") if isinstance(message, dict) else None
            raise EngineUnavailable(str(reason or "the engine process sent no ready message"))
        try:
            self.versions = {str(k): str(v) for k, v in message["ready"]["versions"].items()}
            self.zygote_pid = int(message["ready"]["pid"])
        except (KeyError, TypeError, ValueError, AttributeError):
            self._end_zygote()
            raise EngineUnavailable("the engine process sent a malformed ready message") from None

    def close(self) -> None:
        """End the worker and the zygote; waits for the zygote so no zombie is left."""
        self.stop()
        with self._lock:
            self._end_zygote()

    def _end_zygote(self) -> None:
        self._drop_worker()
        if self._control is not None:
            self._control.close()  # the zygote ends on this, and its workers with it
            self._control = None
        if self._zygote is not None:
            try:
                self._zygote.wait(timeout=2)
            except subprocess.TimeoutExpired:
                self._zygote.kill()
                self._zygote.wait()
            self._zygote = None

    # Workers

    def _connect(self) -> Worker:
        """A new worker from the engine server: a new connection to it."""
        assert self.server is not None
        channel = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            channel.settimeout(FORK_LIMIT)
            channel.connect(self.server)
            hello = protocol.receive(channel, time.monotonic() + FORK_LIMIT)
        except (OSError, EOFError, protocol.ProtocolError, protocol.Timeout) as error:
            channel.close()
            raise EngineRefused(f"the engine server at {self.server} did not answer ({error or 'it closed'})") from None
        if isinstance(hello, dict) and "refused" in hello:
            channel.close()
            raise EngineRefused(f"the engine server refused: {hello['refused']}")
        return self._greeted(Worker(channel, None, 0, 0), hello)

    def _greeted(self, worker: Worker, hello: object) -> Worker:
        """``worker`` with what its hello says (pid, warm size, limits, versions)."""
        try:
            if not isinstance(hello, dict):
                raise TypeError("a hello is an object")
            details = hello["hello"]
            worker.pid = int(details["pid"])
            worker.warm_rss = int(details["rss"])
            worker.layers = {str(k): str(v) for k, v in details["layers"].items()}
            if details.get("versions"):
                self.versions = {str(k): str(v) for k, v in details["versions"].items()}
        except (KeyError, TypeError, ValueError, AttributeError):
            worker.close()
            raise EngineUnavailable("a new worker did not start") from None
        return worker

    def _fork(self) -> Worker:
        """A new worker from the zygote (restarted first if it has gone), or from the server."""
        if self.server is not None:
            return self._connect()
        for attempt in (1, 2):
            self._ensure_zygote()
            assert self._control is not None
            try:
                self._control.settimeout(FORK_LIMIT)
                protocol.send_control(self._control, {"fork": {}})
                message, fds = protocol.receive_control(self._control, max_fds=2)
            except (EOFError, OSError, protocol.ProtocolError):
                self._end_zygote()
                if attempt == 2:
                    raise EngineUnavailable("the engine process ended and could not be restarted") from None
                continue
            if len(fds) != 2 or not isinstance(message, dict) or "worker" not in message:
                for fd in fds:
                    os.close(fd)
                raise EngineUnavailable("the engine process could not start a worker")
            channel = socket.socket(fileno=fds[0])
            worker = Worker(channel, fds[1], 0, 0)
            try:
                hello = protocol.receive(channel, time.monotonic() + FORK_LIMIT)
            except (EOFError, OSError, protocol.ProtocolError, protocol.Timeout):
                worker.close()
                raise EngineUnavailable("a new worker did not start") from None
            return self._greeted(worker, hello)
        raise AssertionError("unreachable")

    def worker(self) -> Worker:
        """The current worker, forked now if there is none (for tests and benchmarks)."""
        with self._lock:
            return self._current()

    def _current(self) -> Worker:
        if self._worker is not None and not self._worker.alive():
            self._drop_worker()  # it ended between calls (the OOM killer, a kill from outside)
        if self._worker is None:
            self._worker = self._fork()
        return self._worker

    def recycle(self) -> None:
        """Replace the worker before the next call, so nothing of the runs so far survives (a new session)."""
        with self._lock:
            self._drop_worker()

    def _drop_worker(self) -> None:
        with self._guard:
            if self._worker is not None:
                self._worker.close()
                self._worker = None

    def worker_pid(self) -> int | None:
        """The process id of the worker running a call now, if any."""
        running = self._running
        return None if running is None else running.pid

    def stop(self) -> bool:
        """Kill the run in progress, from any thread; False if none was running."""
        with self._guard:
            running = self._running
            if running is None:
                return False
            running.stopped = RunStopped
            running.kill()
            return True

    # Calls

    def call(self, name: str, /, *, time_limit: float | None = None, **arguments: object) -> object:
        """Run ``name`` in the worker with ``arguments``; its result, decoded.

        ``time_limit`` replaces the client's own limit for this call (the Playground's
        code may run longer than a lesson's, in view of a stop key).
        """
        from engine.worker import codec  # with the first call (and the result types): a first frame needs none

        limit = self.time_limit if time_limit is None else time_limit
        request = {"call": name, "arguments": codec.encode(arguments), "language": language()}
        with self._lock:
            worker = self._current()
            with self._guard:
                self._running = worker
            try:
                reply = self._exchange(worker, request, limit)
            finally:
                with self._guard:
                    self._running = None
            if _grown(worker, reply):
                self._drop_worker()
        return _outcome(reply)

    def _exchange(self, worker: Worker, request: dict[str, object], limit: float) -> dict[str, object]:
        deadline = time.monotonic() + limit
        try:
            protocol.send(worker.channel, request)
            reply = protocol.receive(worker.channel, deadline)
        except protocol.Timeout:
            worker.stopped = worker.stopped or RunTimedOut
            self._drop_worker()
            raise self._ended(worker, limit) from None
        except (EOFError, OSError, protocol.ProtocolError):
            self._drop_worker()
            raise self._ended(worker, limit) from None
        if not isinstance(reply, dict):
            self._drop_worker()
            raise WorkerDied(_("The engine's worker sent a malformed answer; a fresh one has taken over."))
        return reply

    def _ended(self, worker: Worker, limit: float) -> RunFailed:
        if worker.stopped is RunTimedOut:
            return RunTimedOut(_("This run took longer than {seconds} s, so it was stopped.", seconds=f"{limit:g}"))
        if worker.stopped is RunStopped:
            return RunStopped(_("You stopped this run."))
        return WorkerDied(
            _(
                "The engine's worker process ended during this run (out of memory, or killed); a fresh one has taken over."
            )
        )


def _grown(worker: Worker, reply: dict[str, object]) -> bool:
    rss, cpu = reply.get("rss"), reply.get("cpu")
    return (isinstance(rss, int) and rss > worker.warm_rss + RECYCLE_GROWTH) or (
        isinstance(cpu, (int, float)) and cpu > RECYCLE_CPU
    )


def _outcome(reply: dict[str, object]) -> object:
    """The value of a reply, or the exception it describes."""
    from engine.worker import codec

    try:
        if "value" in reply:
            return codec.decode(reply["value"])
        if "error" in reply:
            error = codec.decode(reply["error"])
            if isinstance(error, InputError):
                raise error
        elif isinstance(failed := reply.get("failed"), dict):
            kind, message, module = failed.get("kind"), failed.get("message"), failed.get("module")
            raise EngineError(str(kind), str(message), module if isinstance(module, str) else None)
    except codec.CodecError as error:
        raise EngineError("CodecError", f"the worker's answer could not be read: {error}") from None
    raise EngineError("ProtocolError", "the worker's answer holds no result")


_shared: Client | None = None
_shared_lock = threading.Lock()


def shared() -> Client:
    """The process's own client, made on first use and closed when the process exits."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = Client(server=server_socket())
            atexit.register(_shared.close)
        return _shared


def configured_time_limit() -> float:
    """``TENSOR_TUTOR_TIME_LIMIT`` in seconds (a busy server may want more), else ``TIME_LIMIT``."""
    try:
        seconds = float(os.environ.get("TENSOR_TUTOR_TIME_LIMIT", TIME_LIMIT))
    except ValueError:
        return TIME_LIMIT
    return seconds if 0 < seconds < 3600 else TIME_LIMIT


def server_socket() -> str | None:
    """The engine server to use: ``TENSOR_TUTOR_ENGINE`` if set (empty: none), else the default socket if it exists
    where only this user (or root) could have made it."""
    named = os.environ.get("TENSOR_TUTOR_ENGINE")
    if named is not None:
        return named or None
    path = default_socket()
    return str(path) if path.exists() and safe_place(path) else None
