"""The code editor of the Playground's code field and of challenges: Textual's TextArea, made to edit like code.

A module of its own, imported when the first code field or challenge is built:
TextArea, its documents and its tree-sitter highlighting are some 15 ms of
imports that a lesson's first screen does not need.
"""

from __future__ import annotations

from typing import Any

from textual import events
from textual.binding import Binding
from textual.widgets import TextArea

from engine.i18n import _
from tui.widgets.fields import KeysInOrder

CODE_LANGUAGE = "python"
"""Code fields are highlighted with tree-sitter's Python grammar (a small, declared dependency)."""


class CodeEditor(KeysInOrder, TextArea):
    """A code field that edits like a code editor.

    tab indents (it does not leave), enter keeps the line's indentation and
    deepens it after a ``:``, every printable key is text (so c, q and ? never
    reach the app), and escape, shown in the footer, leaves for the sidebar.
    """

    BINDINGS = [Binding("escape", "app.focus_lessons", _("leave editor"), key_display="esc")]

    HELP = _(
        "Keys: **tab** indents, **enter** keeps the indentation (one level deeper after a `:`), "
        "**ctrl+z** undoes, **f2** shows the code as a script, **escape** leaves the editor."
    )

    INDENT = "    "

    def __init__(self, text: str, **kwargs: Any) -> None:
        super().__init__(
            text, language=CODE_LANGUAGE, soft_wrap=False, show_line_numbers=True, tab_behavior="indent", **kwargs
        )

    def takes_text(self, event: events.Key) -> bool:
        return event.key in ("enter", "tab") or super().takes_text(event)

    async def on_key(self, event: events.Key) -> None:
        if event.key != "enter" or self.read_only or self.app.focused is not self:
            return
        event.prevent_default()
        event.stop()
        start, end = sorted(self.selection)
        row, column = start
        before = self.document[row][:column]
        indent = before[: len(before) - len(before.lstrip())]
        if before.split("#")[0].rstrip().endswith(":"):
            indent += self.INDENT
        self.replace("\n" + indent, start, end)

    @property
    def field_value(self) -> str:
        return self.text

    def put_value(self, value: str) -> None:
        with self.prevent(TextArea.Changed):
            self.load_text(value)
