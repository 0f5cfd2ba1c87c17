"""Shown instead of a squashed layout when the terminal is smaller than the app needs."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.events import Resize, ScreenResume
from textual.geometry import Size
from textual.screen import Screen
from textual.widgets import Static

from engine.i18n import _

MIN_WIDTH = 60
MIN_HEIGHT = 16
"""The smallest terminal in which the sidebar, the fields and some output all fit."""


def fits(size: Size) -> bool:
    """Whether the app's layout fits in ``size``."""
    return size.width >= MIN_WIDTH and size.height >= MIN_HEIGHT


def guard_size(app: App, size: Size) -> None:
    """Cover the app with the too-small screen when ``size`` is below the minimum.

    The screen removes itself once the terminal is big enough again.
    """
    if not fits(size) and not any(isinstance(screen, TooSmallScreen) for screen in app.screen_stack):
        app.push_screen(TooSmallScreen())


class TooSmallScreen(Screen[None]):
    """Asks for a bigger window and goes away by itself once the window is big enough.

    Everything the learner typed stays in the screen below; only quitting
    works from here.
    """

    DEFAULT_CSS = """
    TooSmallScreen {
        align: center middle;
    }
    TooSmallScreen Static {
        width: auto;
        max-width: 100%;
        height: auto;
        text-align: center;
    }
    """

    BINDINGS = [Binding("q,ctrl+q", "app.quit", _("quit"), priority=True)]

    def check_consume_key(self, key: str, character: str | None) -> bool:
        """Swallow every key but quitting: the app's own keys would act on a screen that is hidden."""
        return key not in ("q", "ctrl+q")

    def compose(self) -> ComposeResult:
        yield Static(markup=False)

    def on_mount(self) -> None:
        self._describe(self.app.size)

    def on_resize(self, event: Resize) -> None:
        self._check(event.size)

    def on_screen_resume(self, event: ScreenResume) -> None:
        self._check(self.app.size)

    def _check(self, size: Size) -> None:
        if fits(size) and self.is_current:
            self.dismiss(None)
        else:
            self._describe(size)

    def _describe(self, size: Size) -> None:
        self.query_one(Static).update(
            _(
                "tensor-tutor needs a window of at least {min_width}x{min_height}; this one is {width}x{height}.\n"
                "Make the window bigger (or the font smaller) and the lesson comes back as you left it.\n"
                "q quits.",
                min_width=MIN_WIDTH,
                min_height=MIN_HEIGHT,
                width=size.width,
                height=size.height,
            )
        )
