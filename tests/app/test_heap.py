"""The app's long-lived objects are kept out of the cycle collector's way, and handed back when it ends.

A full collection walked every widget, style and module object (65 ms, every few dozen keystrokes);
``tui/heap.py`` freezes them once a lesson has shown its first result.
"""

from __future__ import annotations

import gc

from tests.conftest import SIZE
from tests.screen import open_lesson


async def test_a_lessons_first_result_freezes_the_app_and_its_end_releases_it(app) -> None:
    gc.unfreeze()  # whatever an earlier test left
    async with app.run_test(size=SIZE) as pilot:
        pane = await open_lesson(pilot, "1")
        await pilot.pause()
        assert pane.result is not None
        frozen = gc.get_freeze_count()
        tracked = len(gc.get_objects())
        assert frozen > tracked, (frozen, tracked)  # the collector now walks a small part of the heap
    assert gc.get_freeze_count() == 0
