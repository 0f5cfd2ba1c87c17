"""The footer of keys, rebuilt only when the keys it would show change."""

from __future__ import annotations

from textual.binding import Binding
from textual.widgets import Footer as TextualFooter


class Footer(TextualFooter):
    """Textual's footer, without the rebuilds that would show the same keys again.

    Textual's footer rebuilds all its keys on every bindings refresh: every
    ``refresh_bindings`` and every move of focus asks for a rebuild after the next
    refresh, one per call, even when the keys stay the same (focus moving between two
    fields, a pane mounting its fields). At start-up that was six rebuilds, each
    restyling a dozen keys, before lesson 1's first tensor was drawn.
    """

    _shown: tuple[tuple[str, Binding, bool, str], ...] | None = None
    """The bindings the keys on display were built from (None: not built yet)."""

    async def recompose(self) -> None:
        if not self.is_attached:
            return
        bindings = tuple(
            (key, active.binding, active.enabled, active.tooltip) for key, active in self.screen.active_bindings.items()
        )
        if bindings == self._shown:
            return
        self._shown = bindings
        await super().recompose()
