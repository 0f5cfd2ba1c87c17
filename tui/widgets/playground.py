"""The Playground's pane: a lesson pane whose one field is a code editor, plus starter snippets.

Snippets and fixes are typed into the editor as edits (not loaded over it), so
ctrl+z in the editor brings back what the learner had before. A run that takes
longer than ``RUNNING_NOTE_AFTER`` says so, and ctrl+t stops it (the engine
kills its worker; the next edit gets a fresh one).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Label, Select, Static, TextArea

from engine.blocks import LessonResult
from engine.i18n import _
from engine.lessons.playground.snippets import SNIPPETS, Snippet
from tui.engine_status import tutor_app
from tui.widgets.blocks import FixList
from tui.widgets.lesson_pane import LessonPane


class SnippetPicker(Horizontal):
    """A pick-list of the tutorial's examples; choosing one puts its code in the editor."""

    DEFAULT_CSS = """
    SnippetPicker {
        height: auto;
        margin-bottom: 1;
    }
    SnippetPicker > Label {
        width: auto;
        padding-right: 1;
        color: $text-muted;
    }
    SnippetPicker > Select {
        width: 1fr;
    }
    """

    HELP = _("""\
## Starter examples

One example per section of the tutorial. **enter** opens the list, **up/down** and
**enter** pick one: it replaces the code in the editor (ctrl+z in the editor brings
yours back).
""")

    @dataclass
    class Picked(Message):
        """The learner chose a snippet."""

        snippet: Snippet

    def compose(self) -> ComposeResult:
        yield Label(_("examples"))
        yield Select(
            [(f"{number}. {_(snippet.title)}", number - 1) for number, snippet in enumerate(SNIPPETS, 1)],
            prompt=_("pick a starter example"),
            compact=True,
            id="snippets",
        )

    def on_select_changed(self, event: Select.Changed) -> None:
        event.stop()
        if isinstance(event.value, int):
            self.post_message(self.Picked(SNIPPETS[event.value]))


RUNNING_NOTE_AFTER = 0.5
"""Seconds a run takes before the pane says it is running and how to stop it."""

STOP_KEY = "ctrl+t"


class PlaygroundPane(LessonPane):
    """The Playground: free code, its results as it is typed, and starter snippets above it."""

    BINDINGS = [Binding(STOP_KEY, "stop_run", "stop the run", show=False)]  # the running note shows it

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._running_timer: Timer | None = None

    def on_mount(self) -> None:
        self.mount(SnippetPicker(), before=self.form)
        note = Static(_("running… {key} stops it", key=STOP_KEY), classes="running", markup=False)
        note.display = False
        self.mount(note, before=self.results)

    @property
    def running_note(self) -> Static:
        """The line that says a long run is going on."""
        return self.query_one(".running", Static)

    def recompute(self) -> None:
        super().recompute()
        if self.engine_ready:
            if self._running_timer is not None:
                self._running_timer.stop()
            self._running_timer = self.set_timer(RUNNING_NOTE_AFTER, self._show_running)

    def _show_running(self) -> None:
        self.running_note.display = True

    def _show(self, outcome: LessonResult | Exception, step: str) -> None:
        if self._running_timer is not None:
            self._running_timer.stop()
        self.running_note.display = False
        super()._show(outcome, step)

    def action_stop_run(self) -> None:
        """Kill the run in progress (its worker is replaced for the next one)."""
        if not tutor_app(self).engine.stop():
            self.app.bell()

    @property
    def editor(self) -> TextArea:
        """The code editor."""
        return self.form.row("code").query_one(TextArea)

    def put_code(self, code: str) -> None:
        """Replace the editor's code as one undoable edit, cursor on the first changed line.

        The pane recomputes as it does after typing.
        """
        editor = self.editor
        old = editor.text
        if old == code:
            return
        editor.replace(code, (0, 0), editor.document.end)
        changed = next(
            (n for n, (a, b) in enumerate(zip(old.splitlines(), code.splitlines())) if a != b),
            0,
        )
        editor.move_cursor((changed, 0))

    def on_snippet_picker_picked(self, event: SnippetPicker.Picked) -> None:
        event.stop()
        self.put_code(event.snippet.code)

    def on_fix_list_applied(self, event: FixList.Applied) -> None:
        event.stop()
        event.prevent_default()  # not LessonPane's handler: it would load the text, losing ctrl+z
        self.put_code(event.fix.values["code"])
        self.editor.focus()
