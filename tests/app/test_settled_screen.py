"""What an edit leaves on screen is what a fresh pane at the same values shows.

To put a result on screen in one frame, a result view reuses its block widgets, keeps those of blocks
that went (hidden) for later results, and lays a result out once (``tui/widgets/steady.py``). None of
that may leave the screen different from a pane built anew at the same values and step.
"""

from __future__ import annotations

import pytest

from tests.conftest import SIZE, replace_field, settle
from tests.screen import frame, next_step, open_lesson, problem_messages, shown_values


async def _fresh_frame(pilot, pane) -> str:
    """The screen once ``pane`` is replaced by a new one, built from the saved values, step and goals."""
    app = pilot.app
    lesson_id = pane.lesson.id
    await pane.remove()
    app.show_lesson(lesson_id)
    await settle(pilot)
    fresh = app.current_pane
    assert fresh is not pane and fresh.result is not None and fresh.result.step == fresh.step.id
    return _pane_rows(app)


def _pane_rows(app) -> str:
    """The screen without its footer, whose keys follow the focus (which differs between the two panes)."""
    app.set_focus(None)
    return "\n".join(frame(app)[0].splitlines()[:-1])


@pytest.mark.parametrize(
    ("lesson", "step", "field", "edits"),
    [
        ("1", 3, "size", ("6", "3")),  # the identity grows by three rows, then shrinks back
        ("1", 1, "shape", ("2,4", "2,3")),  # the tensors widen and narrow: new text, the same height, no layout
        ("2", 3, "right", ("A.T", "A")),  # the same number of fixes, worded anew in place
        ("4", 1, "functions", ("x**2; x**4", "x**2; x**3")),  # a note comes and goes with the function
    ],
)
async def test_an_edit_draws_what_a_fresh_pane_draws(app, lesson, step, field, edits) -> None:
    async with app.run_test(size=SIZE) as pilot:
        pane = await open_lesson(pilot, lesson)
        if step > 1:
            await next_step(pilot, pane, step - 1)
        for text in edits:
            await replace_field(pilot, field, text)
            await pilot.pause(0.1)
            after_edit = _pane_rows(app)
            assert after_edit == await _fresh_frame(pilot, pane), f"{field} = {text}"
            pane = app.current_pane


async def test_an_error_in_place_of_a_value_and_back_draws_what_a_fresh_pane_draws(app) -> None:
    """Lesson 3's third step: w.numpy() fails where t.numpy() gives n; the error's widgets are kept between."""
    async with app.run_test(size=SIZE) as pilot:
        pane = await open_lesson(pilot, "3")
        await next_step(pilot, pane, 2)
        for shows_error in (False, True):
            pane.form.row("back").editor.focus()
            await pilot.pause()
            await pilot.press("enter", "down" if shows_error else "up", "enter")
            await settle(pilot)
            assert bool(problem_messages(pane)) is shows_error and ("n" in shown_values(pane)) is not shows_error
            after_edit = _pane_rows(app)
            assert after_edit == await _fresh_frame(pilot, pane)
            pane = app.current_pane
