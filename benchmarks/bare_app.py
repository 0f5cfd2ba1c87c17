"""The first-paint baseline: a bare Textual app laid out like tensor-tutor, with nothing behind it.

Header, a sidebar ``OptionList`` of the same titles (passed as arguments so this
file imports nothing of the project), a ``ContentSwitcher`` with a few lines of
text, and a Footer. Whatever tensor-tutor's first paint costs beyond this is
the project's own doing.

    python benchmarks/bare_app.py "1 Tensors" "2 Matmul" ...
"""

from __future__ import annotations

import sys

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import ContentSwitcher, Footer, Header, OptionList, Static


class BareApp(App[None]):
    """Sidebar and one pane of text: the least an app of this shape can paint."""

    TITLE = "bare"
    CSS = """
    #lessons { width: 18; height: 1fr; border: none; border-right: vkey $foreground 20%; padding: 0; }
    #lessons:focus { border-right: vkey $accent; }
    #panes { width: 1fr; height: 1fr; }
    #pane { padding: 0 1; }
    """
    BINDINGS = [Binding("q", "quit", "quit"), Binding("escape", "focus_sidebar", "lessons")]

    def __init__(self, titles: list[str]) -> None:
        super().__init__()
        self.titles = titles

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="main"):
            yield OptionList(*self.titles, id="lessons")
            with ContentSwitcher(id="panes", initial="pane"):
                with VerticalScroll(id="pane"):
                    yield Static(self.titles[0] if self.titles else "", markup=False)
                    yield Static("A few lines of prose where the lesson goes.", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "ready"
        self.query_one(OptionList).focus()

    def action_focus_sidebar(self) -> None:
        self.query_one(OptionList).focus()


def main() -> None:
    """Run the bare app with the sidebar titles given on the command line."""
    app = BareApp(sys.argv[1:])
    app.run()
    sys.exit(app.return_code or 0)


if __name__ == "__main__":
    main()
