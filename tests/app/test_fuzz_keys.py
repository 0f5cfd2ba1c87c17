"""Hundreds of random keys in every lesson and field: the app keeps running and answering.

The keys come from a fixed seed, so a failure can be replayed; the failure
message lists the keys that led to it. Quitting keys and the command palette
(whose commands include quitting) are left out: everything else a learner can
press is fair game, including typing garbage into every field, tabbing through
buttons and fixes, opening help, and shrinking the window below the minimum.
"""

from __future__ import annotations

import asyncio
import random

from textual.widgets import Input, TextArea

from engine import LESSONS
from tests.conftest import SIZE, settle
from tui.screens.too_small import MIN_HEIGHT, MIN_WIDTH
from tui.widgets.lesson_list import LessonList

SEED = 20240607
KEYS_PER_LESSON = 45

CHARACTERS = list("abcxyz0123456789,.()[]-+*/@=_:'\" ") + ["ü", "∞"]
EDITING = ["backspace", "delete", "home", "end", "left", "right", "ctrl+a", "ctrl+e", "ctrl+k", "ctrl+u", "ctrl+w"]
MOVING = ["tab", "shift+tab", "up", "down", "enter", "escape", "shift+left", "shift+right", "pageup", "pagedown"]
OTHER = ["f1", "question_mark", "space", "ctrl+z", "ctrl+y", "ctrl+end", "ctrl+home", "shift+up", "shift+down"]
RESIZE = "resize"
"""Not a key: shrink the terminal below the minimum, then restore it."""

PRESS_TIMEOUT = 15.0
"""Seconds a single key may take before the app counts as hung."""


def _next_key(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.45:
        return rng.choice(CHARACTERS)
    if roll < 0.65:
        return rng.choice(EDITING)
    if roll < 0.88:
        return rng.choice(MOVING)
    if roll < 0.995:
        return rng.choice(OTHER)
    return RESIZE


async def _press(pilot, key: str) -> None:
    if key == RESIZE:
        await pilot.resize_terminal(MIN_WIDTH - 5, MIN_HEIGHT - 3)
        await pilot.pause(0.05)
        await pilot.resize_terminal(*SIZE)
        await pilot.pause(0.05)
    else:
        await asyncio.wait_for(pilot.press(key), PRESS_TIMEOUT)


async def test_random_keys_in_every_lesson_never_crash(app) -> None:
    rng = random.Random(SEED)
    pressed: list[str] = []
    app.animation_level = "none"  # scrolling by home/end/page keys would animate for a second each
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for lesson in LESSONS:
            # Back to the sidebar (closing help if it is open), into the lesson, then anything goes.
            for key in ("escape", "escape", "escape"):
                await _press(pilot, key)
            app.query_one(LessonList).focus()
            await pilot.pause()
            app.show_lesson(lesson.id, enter=True)
            await pilot.pause(0.05)
            pressed.append(f"<lesson {lesson.id}>")
            for _ in range(KEYS_PER_LESSON):
                key = _next_key(rng)
                pressed.append(key)
                await _press(pilot, key)
                assert app.is_running, f"app stopped after keys: {pressed[-40:]}"
        await settle(pilot)
        assert app.is_running, f"app stopped after keys: {pressed[-40:]}"
        assert app.errors.log == [], f"unexpected errors after keys {pressed}: {app.errors.log}"

        # Still answering: back to the first lesson and edit its first typed field.
        for key in ("escape", "escape", "escape"):
            await _press(pilot, key)
        app.query_one(LessonList).focus()
        await pilot.pause()
        await pilot.press("1")
        await settle(pilot)
        pane = app.current_pane
        assert pane.lesson.id == LESSONS[0].id
        editors = [row.editor for row in pane.form.rows() if isinstance(row.editor, (Input, TextArea))]
        if editors:
            editors[0].focus()
            await pilot.pause()
            before = pane.values()
            await pilot.press("end", "7")
            await settle(pilot)
            assert pane.values() != before
        app.query_one(LessonList).focus()
        await pilot.pause()
        await pilot.press("q")
    assert app.return_code == 0
