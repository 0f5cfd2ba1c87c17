"""The help screen: the keys, and help for whatever had focus when it was opened."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Markdown

from engine.i18n import N_, _
from tui.widgets.footer import Footer

KEYS = N_("""\
## Keys

| key | does |
| --- | --- |
| up/down, enter | pick a lesson in the sidebar (enter steps into it) |
| 1-9 | jump to a lesson (while the sidebar has focus) |
| tab / shift+tab | move between fields |
| left/right, home/end | move the cursor in a field (focus puts it at the end, with nothing selected) |
| up/down in a number field | nudge the number (shift: ten steps) |
| enter | apply the highlighted fix |
| escape | back to the sidebar |
| c, or f2 in a field | the lesson's code as a script: y copies, s saves, e opens it in the Playground |
| ctrl+t | stop a long Playground run |
| ctrl+p | command palette: every lesson is a command |
| f1 or ? | this help |
| q or ctrl+q | quit (q works outside text fields) |
""")


class HelpScreen(ModalScreen[None]):
    """Keys and focused-widget help; any of escape, q, f1 or ? closes it, as its footer says."""

    BINDINGS = [
        Binding("escape,q,f1,question_mark", "dismiss", _("close help"), key_display="esc/q"),
    ]

    def __init__(self, topic: str = "") -> None:
        super().__init__()
        self._topic = topic

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-body"):
            if self._topic:
                yield Markdown(self._topic)
            yield Markdown(_(KEYS))
        yield Footer()  # its own: the lesson's footer below would list keys that do not work here
