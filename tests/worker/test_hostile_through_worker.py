"""The hostile-input tests of the engine, run again with ``evaluate`` going through the worker.

Each test function of ``tests/engine/test_hostile.py`` is collected here a
second time, with the ``evaluate`` it calls replaced by ``engine.evaluate``;
those that inspect live values (which stay in the worker) are left out.
"""

from __future__ import annotations

import pytest

import engine
from tests.engine import test_hostile
from tests.engine.test_hostile import short_run_limit  # noqa: F401 - the interpreter's short limit, here too

IN_PROCESS_ONLY = {
    "test_sizes_just_under_the_limit_are_fine",
    "test_limit_message_keeps_the_time_bound_for_calls_after_the_run",
    "test_a_growing_resize_is_refused_so_no_uninitialised_memory_shows",
}
"""Tests that read the run's live names or the calling process's state: only meaningful in process."""

for _name, _test in vars(test_hostile).items():
    if _name.startswith("test_") and callable(_test) and _name not in IN_PROCESS_ONLY:
        globals()[_name] = _test


@pytest.fixture(autouse=True)
def _through_the_worker(monkeypatch) -> None:
    monkeypatch.setitem(vars(test_hostile), "evaluate", engine.evaluate)
