"""A forked worker's life: lock itself down, then answer one request at a time until its channel closes.

Every answer carries the worker's resident memory and CPU time, so the client
can recycle a worker that has grown. A failure of the call becomes data in the
answer; only the worker's death (a kill, the kernel's limits) ends a run
without one, and the client sees its channel close.
"""

from __future__ import annotations

import os
import resource
import signal
import socket
from collections.abc import Callable, Mapping

from engine.errors import InputError
from engine.i18n import ENGLISH, use_language
from engine.worker import codec, limits, protocol

MAX_FAILURE_CHARS = 2_000


def serve(
    channel: socket.socket,
    calls: Mapping[str, Callable[..., object]],
    memory_headroom: int = limits.MEMORY_HEADROOM,
    versions: Mapping[str, str] | None = None,
) -> None:
    """Run as a worker on ``channel`` until it closes; the caller then exits (it is a fork of a zygote)."""
    limits.die_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the terminal's keys belong to the app
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    _one_thread()
    warm = limits.resident()
    layers = limits.lock_down(memory_headroom)
    hello = {"pid": os.getpid(), "rss": warm, "layers": layers, "versions": dict(versions or {})}
    protocol.send(channel, {"hello": hello})
    while True:
        try:
            request = protocol.receive(channel)
        except (EOFError, OSError, protocol.ProtocolError):
            return
        protocol.send(channel, answer(request, calls))


def _one_thread() -> None:
    """Compute on this thread only: no thread pool was started in the zygote, and none starts here."""
    import torch

    torch.set_num_threads(1)


def answer(request: object, calls: Mapping[str, Callable[..., object]]) -> dict[str, object]:
    """Run one request (``{"call": name, "arguments": {...}, "language": "zh"}``); its outcome as plain data.

    ``language`` (optional, English if absent or unknown) is the learner's: every text the call writes,
    a lesson's prose or the doctor's explanation, is in it. Each request carries it, so one worker (or
    one server's zygote) serves learners of either language.
    """
    reply: dict[str, object]
    try:
        if not isinstance(request, dict) or not isinstance(request.get("arguments"), dict):
            raise ValueError("a request is a call name and an object of arguments")
        language = request.get("language")
        use_language(language if isinstance(language, str) else ENGLISH)
        call = calls.get(str(request.get("call")))
        if call is None:
            raise ValueError(f"there is no call named {request.get('call')!r}")
        arguments = codec.decode(request["arguments"])
        assert isinstance(arguments, dict)  # an object decodes to a dict (checked above)
        reply = {"value": codec.encode(call(**arguments))}
    except InputError as error:
        reply = {"error": codec.encode(error)}
    except Exception as error:  # noqa: BLE001 - every failure is reported, the worker carries on
        reply = {"failed": failure(error)}
    usage = resource.getrusage(resource.RUSAGE_SELF)
    reply["rss"] = limits.resident()
    reply["cpu"] = usage.ru_utime + usage.ru_stime
    return reply


def failure(error: BaseException) -> dict[str, object]:
    """An unexpected error as data: its type's name, its message, and the module a failed import named."""
    return {
        "kind": type(error).__name__,
        "message": str(error)[:MAX_FAILURE_CHARS],
        "module": error.name if isinstance(error, ImportError) else None,
    }
