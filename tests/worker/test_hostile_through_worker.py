"""The hostile-input tests of the engine, run again with ``evaluate`` going through the worker.

Each test function of ``tests/engine/test_hostile.py`` is collected here a
second time, with the ``evaluate`` it calls replaced by ``engine.evaluate``;
those below are left out, each for its reason.
"""

from __future__ import annotations

import pytest

import engine
from tests.engine import test_hostile
from tests.engine.test_hostile import short_run_limit  # noqa: F401 - the interpreter's short limit, here too

LEFT_OUT = {
    "test_sizes_just_under_the_limit_are_fine": "reads the run's live tensors, which stay in the worker",
    "test_limit_message_keeps_the_time_bound_for_calls_after_the_run": "calls a live module from the run",
    "test_a_growing_resize_is_refused_so_no_uninitialised_memory_shows": "reads the run's live tensors",
}

RACING_THE_CLOCK = "for i in range(24)"
"""A case that fills 24 large tensors and expects the memory budget to stop it before the 1 s time limit:
on the worker's one thread, on a loaded machine, the time limit can come first."""

for _name, _test in vars(test_hostile).items():
    if _name.startswith("test_") and callable(_test) and _name not in LEFT_OUT:
        globals()[_name] = _test


@pytest.fixture(autouse=True)
def _through_the_worker(monkeypatch, request) -> None:
    callspec = getattr(request.node, "callspec", None)
    if callspec is not None and RACING_THE_CLOCK in str(callspec.params.get("source", "")):
        pytest.skip("races the time limit on the worker's one thread (see RACING_THE_CLOCK)")
    monkeypatch.setitem(vars(test_hostile), "evaluate", engine.evaluate)
