"""The code screen: the lesson's code as one script to copy, save, or carry on with in the Playground.

The script is built from the result on screen (its ``source`` is the code that
produced those numbers), in a thread worker because building it runs the code
once more to learn which statements show a value.
"""

from __future__ import annotations

from pathlib import Path

from rich.syntax import Syntax
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from engine.blocks import LessonResult
from engine.i18n import _
from engine.lesson import Lesson
from tui.engine_status import expect, tutor_app
from tui.errors import describe
from tui.widgets.footer import Footer

PLAYGROUND = "playground"


class CodeScreen(Screen[str | None]):
    """Shows the script; dismisses with Playground code when the learner presses e."""

    BINDINGS = [
        Binding("y", "copy", _("copy")),
        Binding("s", "save", _("save")),
        Binding("e", "playground", _("Playground")),
        Binding("escape,q,c,f2", "close", _("back"), key_display="esc"),
    ]

    HELP = _("""\
## The code as a script

This is the code that produced the numbers on screen, as one Python script:
the imports, the seed, your current values, and a `print` for every value the
lesson shows. Run it with `python` wherever PyTorch is installed.

- **y** copies it to the clipboard (OSC 52: works over SSH where the terminal allows it)
- **s** saves it as a .py file (the path is shown)
- **e** opens it in the Playground to keep experimenting
- **up/down, page up/down** scroll
- **escape** goes back to the lesson
""")

    DEFAULT_CSS = """
    CodeScreen {
        layout: vertical;
    }
    CodeScreen #code-title {
        text-style: bold;
        color: $accent;
        padding: 0 1;
    }
    CodeScreen #code-where {
        color: $text-muted;
        padding: 0 1;
    }
    CodeScreen #code-scroll {
        height: 1fr;
        border-top: hkey $foreground 20%;
        border-bottom: hkey $foreground 20%;
    }
    CodeScreen #code-scroll:focus {
        border-top: hkey $accent;
        border-bottom: hkey $accent;
    }
    CodeScreen #code-status {
        height: auto;
        padding: 0 1;
    }
    """

    def __init__(
        self, lesson: Lesson, result: LessonResult, stale: bool = False, directory: Path | None = None
    ) -> None:
        super().__init__()
        self.lesson = lesson
        self.result = result
        self.stale = stale
        self.directory = directory
        self.script: str | None = None
        self.playground_code: str | None = None
        self.saved_to: Path | None = None

    def compose(self) -> ComposeResult:
        lesson = self.lesson
        yield Static(
            _("{number} {title}: the code as a script you can run", number=lesson.number, title=lesson.title),
            id="code-title",
            markup=False,
        )
        yield Static(id="code-where", markup=False)
        with VerticalScroll(id="code-scroll"):
            yield Static(_("Preparing the script…"), id="code-text", markup=False)
        yield Static(id="code-status", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#code-scroll").focus()
        if self.stale and self.result.source.strip():
            self._status(
                _("The fields hold an error: this is the code of the dimmed output, the last values that ran.")
            )
        if not self.result.source.strip():
            # No code has run yet: either there is none, or what the fields hold does not run yet.
            self.query_one("#code-text", Static).update(
                _(
                    "The code in the editor does not run yet (its message is under it): the script appears here once it does."
                )
                if self.stale
                else _("There is no code yet: type some in the Playground.")
            )
            return
        self._build()

    @work(thread=True, exclusive=True, group="export")
    def _build(self) -> None:
        from engine.export import script_directory, shown_source

        lesson = self.lesson
        title = _("tensor-tutor, lesson {number} ({title}), with your values", number=lesson.number, title=lesson.title)
        engine = tutor_app(self).engine  # the script's values are computed again, in the worker
        try:
            script = expect(engine.call("export_result", result=self.result, title=title), str)
            code = expect(engine.call("playground_code", source=shown_source(self.result)), str)
            directory = self.directory or script_directory()
        except Exception as error:  # noqa: BLE001 - a failure to build the script is shown, never a crash
            self.app.call_from_thread(self._failed, error)
            return
        self.app.call_from_thread(self._ready, script, code, directory)

    def _failed(self, error: Exception) -> None:
        if self._gone():
            return
        self.query_one("#code-text", Static).update(
            _(
                "The script could not be built: {reason}\nThe code in the lesson pane is still the code that ran.",
                reason=describe(error),
            )
        )

    def _ready(self, script: str, code: str, directory: Path) -> None:
        from engine.export import script_path

        if self._gone():
            return
        self.script = script
        self.playground_code = code
        self.directory = directory
        self.query_one("#code-text", Static).update(
            Syntax(
                script.rstrip("\n"),
                "python",
                theme="ansi_dark",
                background_color="default",
                line_numbers=True,
                word_wrap=True,
            )
        )
        try:
            target = str(script_path(directory, lesson_id=self.lesson.id, script=script))
        except OSError:
            target = str(directory)
        where = _("y copies it · s saves it as {target}", target=target)
        if self.lesson.id != PLAYGROUND:
            where += _(" · e opens it in the Playground")
        self.query_one("#code-where", Static).update(where)
        self.refresh_bindings()

    def _gone(self) -> bool:
        """Closed while the script was being built: off the screen stack at once, its widgets removed a moment later."""
        return not self.is_attached or self not in self.app.screen_stack

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "playground" and self.lesson.id == PLAYGROUND:
            return False  # already there
        if action in ("copy", "save", "playground") and self.script is None:
            return None  # shown, greyed, until the script is ready
        return True

    def action_copy(self) -> None:
        """Copy the script with OSC 52 (the terminal puts it on the clipboard, also over SSH)."""
        assert self.script is not None
        self.app.copy_to_clipboard(self.script)
        lines = self.script.count("\n")
        self._status(
            _(
                "Copied {lines} lines (through the terminal, OSC 52). Clipboard still empty? "
                "Your terminal does not allow OSC 52: press s to save a file instead.",
                lines=lines,
            )
        )

    def action_save(self) -> None:
        """Save the script as a new .py file and say where."""
        from engine.export import save_script

        assert self.script is not None
        try:
            saved = save_script(self.script, self.lesson.id, self.directory)
        except OSError as error:
            self._status(_("Could not save the script: {reason}", reason=error.strerror or error))
            return
        path = self.saved_to = saved.path
        passed = "".join(
            _("{name} is a symbolic link, not followed, so left alone. ", name=name)
            if what == "a symbolic link"
            else _("{name} is {what}, so left alone. ", name=name, what=what)
            for name, what in saved.passed_over
        )
        done = _("Already saved in {path}", path=path) if saved.reused else _("Saved to {path}", path=path)
        self._status(_("{passed}{done}  (run it with: python {file})", passed=passed, done=done, file=path.name))

    def action_playground(self) -> None:
        self.dismiss(self.playground_code)

    def action_close(self) -> None:
        self.dismiss(None)

    def _status(self, message: str) -> None:
        self.query_one("#code-status", Static).update(message)
