"""What the worker process costs: the round trip of an engine call, replacing a killed worker, forking one.

Each figure is taken beside its baseline in the same run: the same call made
in this process (the in-process engine, one thread as in the worker), or an
ordinary call to a live worker.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from benchmarks.processes import cpu_seconds
from engine.worker.client import Client

SOURCE = "y = torch.ones(2, 3) * 2"
LESSON = "layer"


@dataclass
class WorkerTimes:
    """Milliseconds, one entry per call."""

    evaluate_worker: list[float] = field(default_factory=list)
    evaluate_local: list[float] = field(default_factory=list)
    evaluate_overhead: list[float] = field(default_factory=list)
    """Worker minus in-process, call by call (they alternate)."""
    lesson_worker: list[float] = field(default_factory=list)
    lesson_local: list[float] = field(default_factory=list)
    lesson_overhead: list[float] = field(default_factory=list)
    replaced_call: list[float] = field(default_factory=list)
    """A call right after its worker was killed: replacing it included."""
    ordinary_call: list[float] = field(default_factory=list)
    cpu_worker_side: float = float("nan")
    """CPU milliseconds per evaluate call, worker and app together (the load on the machine does not stretch it)."""
    cpu_local: float = float("nan")
    """CPU milliseconds per evaluate call in process."""
    fork: list[float] = field(default_factory=list)
    """Forking a worker from the zygote until it has locked itself down and said hello."""
    zygote_start_s: float = float("nan")
    layers: dict[str, str] = field(default_factory=dict)


def _ms(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return (time.perf_counter() - started) * 1000


def measure(calls: int, kills: int, progress: Callable[[str], None] = print) -> WorkerTimes:
    """``calls`` paired round trips of each kind and ``kills`` killed workers replaced."""
    import torch

    from engine.catalog import lesson_by_id
    from engine.sandbox.evaluation import evaluate

    torch.set_num_threads(1)  # as in the worker
    times = WorkerTimes()
    client = Client()
    started = time.perf_counter()
    client.start()
    times.zygote_start_s = time.perf_counter() - started
    lesson = lesson_by_id(LESSON)
    try:
        times.layers = client.worker().layers
        for _ in range(10):  # warm both sides
            client.call("evaluate", source=SOURCE)
            evaluate(SOURCE)
        for _ in range(calls):
            remote = _ms(lambda: client.call("evaluate", source=SOURCE))
            local = _ms(lambda: evaluate(SOURCE))
            times.evaluate_worker.append(remote)
            times.evaluate_local.append(local)
            times.evaluate_overhead.append(remote - local)
            remote = _ms(lambda: client.call("lesson", lesson=LESSON, values={}))
            local = _ms(lambda: lesson.compute({}))
            times.lesson_worker.append(remote)
            times.lesson_local.append(local)
            times.lesson_overhead.append(remote - local)
        progress(f"  {calls} paired calls done")
        worker_pid = client.worker().pid
        worker_cpu, app_cpu = cpu_seconds(worker_pid), time.process_time()
        for _ in range(calls):
            client.call("evaluate", source=SOURCE)
        spent = cpu_seconds(worker_pid) - worker_cpu + time.process_time() - app_cpu
        times.cpu_worker_side = spent / calls * 1000
        local_cpu = time.process_time()
        for _ in range(calls):
            evaluate(SOURCE)
        times.cpu_local = (time.process_time() - local_cpu) / calls * 1000
        for _ in range(kills):
            times.ordinary_call.append(_ms(lambda: client.call("evaluate", source=SOURCE)))
            worker = client.worker()
            worker.kill()
            while worker.alive():
                time.sleep(0.001)
            times.replaced_call.append(_ms(lambda: client.call("evaluate", source=SOURCE)))
            client.recycle()
            times.fork.append(_ms(client.worker))
        progress(f"  {kills} workers killed and replaced")
    finally:
        client.close()
    return times
