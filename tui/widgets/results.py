"""The lower half of a lesson pane: the result blocks, updated in place."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from engine.blocks import Block, LessonResult
from engine.i18n import _
from tui.cjk import wrapped
from tui.engine_status import EngineStatus
from tui.widgets.steady import Steady

if TYPE_CHECKING:
    from tui.widgets.blocks import BlockWidget

SPARE_WIDGETS = 6
"""Hidden block widgets a result view keeps for later results; more than that are removed."""


class ResultView(Vertical, Steady):
    """Shows a ``LessonResult``; ``stale`` dims it while the fields hold bad input."""

    def __init__(self, result: LessonResult | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.result = result
        """The result on screen; one given here is built with the view, so it shows in the view's first frame."""

    def compose(self) -> ComposeResult:
        if self.result is not None:
            from tui.widgets.blocks import make_block_widget

            yield from map(make_block_widget, self.result.blocks)
            return
        yield Static(
            wrapped(_("Loading PyTorch… the first screen is ready; numbers follow in a moment.")),
            classes="waiting",
            markup=False,
        )

    def on_mount(self) -> None:
        self.watch(self.app, "engine_status", self._engine_changed)

    def _engine_changed(self, status: EngineStatus) -> None:
        """No numbers will come if PyTorch failed to load: the waiting line says so."""
        if status is EngineStatus.FAILED:
            for waiting in self.query(".waiting").results(Static):
                waiting.update(
                    wrapped(
                        _("PyTorch could not be loaded, so there are no numbers to show. Quit and check the install.")
                    )
                )

    def wait_for_valid_input(self) -> None:
        """No result yet, and the fields hold a value that cannot be computed: say so, not "loading"."""
        for waiting in self.query(".waiting").results(Static):
            waiting.update(wrapped(_("No numbers yet: the field marked above needs a value that works.")))

    def show(self, result: LessonResult) -> None:
        """Show ``result``, reusing every widget that can show one of its blocks, in order.

        A block that comes or goes (a note that holds only for some inputs, an error in
        place of a value) neither rebuilds the widgets after it nor mounts a widget of its
        own each time: the widgets of blocks that went stay, hidden, for a later result to
        show again. Mounting costs a frame or two before the result is on screen, and a
        chart a plotext drawing.
        """
        # The block widgets (code highlighting, charts) load with the first result, not before first paint.
        from tui.widgets.blocks import BlockWidget, make_block_widget

        self.result = result
        self.set_stale(False)
        for waiting in self.query(".waiting"):
            waiting.remove()
        widgets = [w for w in self.children if isinstance(w, BlockWidget)]
        pairs = _pair_up(widgets, result.blocks)
        kept = set(pairs.values())
        spares = [widget for index, widget in enumerate(widgets) if index not in kept]
        for widget in spares[:SPARE_WIDGETS]:
            widget.display = False
        for widget in spares[SPARE_WIDGETS:]:
            widget.remove()
        new: list[BlockWidget] = []
        for index, block in enumerate(result.blocks):
            if index not in pairs:
                new.append(make_block_widget(block))
                continue
            widget = widgets[pairs[index]]
            if new:
                self.mount_all(new, before=widget)
                new = []
            widget.display = True
            if widget.shown != block:  # an unchanged block is left alone: showing it again costs a layout
                widget.show(block)
                widget.shown = block
        if new:
            self.mount_all(new)

    def clear(self) -> None:
        """Show nothing until the next result: another step's result must not stand in for this one's.

        The block widgets stay (hidden) for the next ``show`` to reuse.
        """
        self.result = None
        self.set_stale(False)
        self.display = False

    def set_stale(self, stale: bool) -> None:
        """Dim the last good output while the input is invalid."""
        self.set_class(stale, "-stale")


def _pair_up(widgets: Sequence[BlockWidget], blocks: Sequence[Block]) -> dict[int, int]:
    """Block index -> widget index: the most widgets that can show blocks without changing their order."""
    from tui.widgets.blocks import widget_matches

    rows, columns = len(widgets), len(blocks)
    longest = [[0] * (columns + 1) for _ in range(rows + 1)]
    for i in range(rows - 1, -1, -1):
        for j in range(columns - 1, -1, -1):
            if widget_matches(widgets[i], blocks[j]):
                longest[i][j] = longest[i + 1][j + 1] + 1
            else:
                longest[i][j] = max(longest[i + 1][j], longest[i][j + 1])
    pairs: dict[int, int] = {}
    i = j = 0
    while i < rows and j < columns:
        if widget_matches(widgets[i], blocks[j]) and longest[i][j] == longest[i + 1][j + 1] + 1:
            pairs[j] = i
            i, j = i + 1, j + 1
        elif longest[i + 1][j] >= longest[i][j + 1]:
            i += 1
        else:
            j += 1
    return pairs
