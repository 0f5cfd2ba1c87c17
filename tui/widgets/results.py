"""The lower half of a lesson pane: the result blocks, updated in place."""

from __future__ import annotations

from textual.containers import Vertical
from textual.widgets import Static

from engine.blocks import LessonResult
from tui.widgets.blocks import BlockWidget, make_block_widget, widget_matches


class ResultView(Vertical):
    """Shows a ``LessonResult``; ``stale`` dims it while the fields hold bad input."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.result: LessonResult | None = None

    def compose(self):
        yield Static("Loading PyTorch… the first screen is ready; numbers follow in a moment.", classes="waiting", markup=False)

    def show(self, result: LessonResult) -> None:
        """Show ``result``, reusing widgets whose kind has not changed."""
        self.result = result
        self.set_stale(False)
        for waiting in self.query(".waiting"):
            waiting.remove()
        widgets = [w for w in self.children if isinstance(w, BlockWidget)]
        for index, block in enumerate(result.blocks):
            if index < len(widgets) and widget_matches(widgets[index], block):
                widgets[index].show(block)
                continue
            for old in widgets[index:]:
                old.remove()
            widgets = widgets[:index]
            self.mount_all(make_block_widget(b) for b in result.blocks[index:])
            return
        for old in widgets[len(result.blocks):]:
            old.remove()

    def set_stale(self, stale: bool) -> None:
        """Dim the last good output while the input is invalid."""
        self.set_class(stale, "-stale")
