"""A session's engine clients: the app's own (shared) and one with test-only calls (``hostile_zygote``)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from engine.worker.client import Client, shared

ROOT = Path(__file__).resolve().parents[2]

HOSTILE_TIME_LIMIT = 1.0


@pytest.fixture(scope="session", autouse=True)
def _engine_started() -> None:
    """Start the session's shared engine before any test times a call (its first start imports torch)."""
    shared().start()


@pytest.fixture(scope="session")
def hostile() -> Iterator[Client]:
    """A client whose zygote adds calls that attack the lockdown directly, as a broken interpreter might."""
    path = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    client = Client(
        time_limit=HOSTILE_TIME_LIMIT,
        module="tests.worker.hostile_zygote",
        environment={**os.environ, "PYTHONPATH": path},
    )
    client.start()
    yield client
    client.close()
