"""The zygote: one process that has imported and warmed torch, forking a fresh worker on request.

Started by the client as ``python -m engine.worker.zygote FD`` (a new program,
never a fork of the app, whose threads a fork would copy half-way). It imports
torch, NumPy and every lesson, runs each lesson once so lazy loads (BLAS
kernels, the meta device) happen here, freezes the heap (``gc.freeze()``) so
forked workers share its pages copy-on-write, says it is ready on its control
socket, and then forks one worker per request. No thread pool is started
before a fork (``OMP_NUM_THREADS=1``; each worker sets one thread itself).

The zygote ends when its control socket closes, which the kernel does when the
app ends for any reason; each worker is killed by the kernel when the zygote
ends (``PR_SET_PDEATHSIG``), and the zygote never leaves a zombie
(``SIGCHLD`` ignored).
"""

from __future__ import annotations

import gc
import os
import signal
import socket
import sys
from collections.abc import Callable, Mapping

from engine.worker import protocol
from engine.worker.serve import serve

THREAD_ENVIRONMENT = {"OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}
"""Set for the zygote so no library starts a thread pool that a fork would break."""


def warm() -> dict[str, str]:
    """Import and exercise everything a worker runs; the versions that answered."""
    import numpy
    import torch

    from engine.catalog import LESSONS
    from engine.i18n import CHINESE, ENGLISH, use_language
    from engine.practice import checking

    torch.set_num_threads(1)
    _ = (torch.ones(2, 3, device="meta") @ torch.ones(3, 2, device="meta")).shape
    use_language(CHINESE)  # read every catalog before the fork: the workers share it
    use_language(ENGLISH)
    for lesson in LESSONS:
        lesson.compute({})
    checking.warm()  # every challenge's reference runs, so a worker's first check runs only the learner's code
    for dtype in (torch.float32, torch.float64):
        square = torch.eye(3, dtype=dtype) + 1
        torch.linalg.svd(square), torch.linalg.inv(square), torch.linalg.eigvals(square)
        numpy.linalg.svd(square.numpy()), square.numpy() @ square.numpy()
    return {"torch": torch.__version__, "numpy": numpy.__version__}


def main(calls: Mapping[str, Callable[..., object]] | None = None) -> int:
    """Warm up, say so on the control socket (``sys.argv[1]``), then fork workers until it closes."""
    control = socket.socket(fileno=int(sys.argv[1]))
    try:
        versions = warm()
        if calls is None:
            from engine.worker.calls import CALLS

            calls = CALLS
    except Exception as error:  # noqa: BLE001 - a broken install is reported to the app, in words
        protocol.send_control(control, {"failed": f"{type(error).__name__}: {error}"})
        return 1
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # the kernel reaps the workers: no zombies
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    gc.collect()
    gc.freeze()
    protocol.send_control(control, {"ready": {"versions": versions, "pid": os.getpid()}})
    while True:
        try:
            request, _ = protocol.receive_control(control)
        except (EOFError, OSError, protocol.ProtocolError):
            return 0
        if request == {"fork": {}}:
            _fork(control, calls, versions)
        else:
            protocol.send_control(control, {"failed": "unknown request"})


def _fork(control: socket.socket, calls: Mapping[str, Callable[..., object]], versions: dict[str, str]) -> None:
    """Fork a worker and hand its channel and a handle on the process (pidfd) to the client."""
    ours, theirs = socket.socketpair()
    pid = os.fork()
    if pid == 0:
        try:
            control.close()
            ours.close()
            serve(theirs, calls, versions=versions)
        finally:
            os._exit(0)
    theirs.close()
    handle = os.pidfd_open(pid)
    try:
        protocol.send_control(control, {"worker": {"pid": pid}}, (ours.fileno(), handle))
    finally:
        ours.close()
        os.close(handle)


if __name__ == "__main__":
    sys.exit(main())
