"""A result's text that keeps its size is painted in place; text that changes its height is laid out.

Laying the whole screen out again was a third of an edit's work, and most edits change a tensor's
digits, not its size (``tui/widgets/steady.py``). What the screen shows after either kind of update
is what a new widget with that text shows.
"""

from __future__ import annotations

from textual.app import App, ComposeResult

from tests.screen import frame
from tui.widgets.steady import SteadyStatic

WIDTH = 30


class _OneText(App[None]):
    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

    def compose(self) -> ComposeResult:
        yield SteadyStatic(self.text, markup=False)


async def _drawn(text: str) -> str:
    """The screen of a new app showing ``text``."""
    app = _OneText(text)
    async with app.run_test(size=(WIDTH, 8)) as pilot:
        await pilot.pause()
        return frame(app)[0]


async def test_text_of_the_same_height_is_painted_without_a_layout_and_taller_text_is_laid_out() -> None:
    app = _OneText("tensor([1., 2.])")
    async with app.run_test(size=(WIDTH, 8)) as pilot:
        await pilot.pause()
        text = app.query_one(SteadyStatic)
        layouts: list[object] = []
        app.screen.screen_layout_refresh_signal.subscribe(text, layouts.append)

        text.update("tensor([3., 4., 5.])")  # wider, but the same one row
        await pilot.pause()
        assert layouts == [] and text.size.height == 1
        assert frame(app)[0] == await _drawn("tensor([3., 4., 5.])")

        text.update("tensor([[1.],\n        [2.]])")  # a row more
        await pilot.pause()
        assert layouts and text.size.height == 2
        assert frame(app)[0] == await _drawn("tensor([[1.],\n        [2.]])")

        layouts.clear()
        text.update("x" * (WIDTH + 5))  # one line of text, but it wraps onto a second row
        await pilot.pause()
        assert text.size.height == 2 and layouts == []
        text.update("x" * (3 * WIDTH))  # wraps onto a third
        await pilot.pause()
        assert text.size.height == 3 and layouts
