"""A lesson's editable fields: one row per field, an editor and a line for its error.

Every editor reports edits as one ``FieldsForm.Changed`` message, whatever its
kind, so the lesson pane does not care how a value was typed or picked.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from rich.cells import cell_len
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.css.query import NoMatches
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Input, Label, Select, Static, TextArea

from engine.i18n import _
from engine.lesson import Field

COLUMN_GUTTER = 2
LABEL_MIN = 6
ENTRY_MIN = 8
"""Cells between the two field columns, and the least a label and a typed entry take (see app.tcss)."""

CODE_LANGUAGE = "python"
"""Code fields are highlighted with tree-sitter's Python grammar (a small, declared dependency)."""


class KeysInOrder:
    """Mixin for editors (before the Textual class in the bases): applies every key in the order it arrives, even when a burst of keys is queued at once.

    Textual hands a printable key to the focused widget, which inserts it at once,
    but a bound key (backspace, end, ctrl+u, tab ...) travels up the DOM first,
    one message queue per ancestor, and its action runs only when it reaches the
    App. Keys queued behind it in the widget are handled meanwhile, so a burst
    ``backspace 4 5`` on ``3,3`` gave ``3,34``. Here the binding a key would reach
    runs right away, in this widget's own queue, so order is kept. A key that was
    queued here before an earlier one moved focus away is passed on to the widget
    that has focus now, as the learner meant it.

    (A plain class, not a Widget: Textual stamps ``can_focus`` on every Widget
    subclass, which would shadow the editor's own.)
    """

    async def on_key(self: Any, event: events.Key) -> None:
        focused = self.app.focused  # the active screen's: a burst may have opened another screen
        if focused is not self:
            if focused is not None and self in focused.ancestors:
                return  # bubbling up from a focused part of this widget (a pick-list's menu): the usual route
            event.prevent_default()
            event.stop()
            # To what has focus now; with nothing focused, to a screen opened meanwhile (never to this
            # one, where a letter meant as text could act as an app key).
            target = focused if focused is not None else self.app.screen
            if target is not self.screen:
                target.post_message(events.Key(event.key, event.character))
            return
        if event.is_printable and self.takes_text(event):
            return  # the editor's own handler inserts it
        active = self.screen.active_bindings.get(event.key)
        if active is None or not active.enabled or active.binding.priority:
            return  # unbound keys bubble as usual; priority ones never get here
        event.prevent_default()
        event.stop()
        await self.app.run_action(active.binding.action, active.node)

    def takes_text(self: Any, event: events.Key) -> bool:
        """Whether a printable key is typed as text here (rather than looked up as a binding)."""
        return True


class FieldInput(KeysInOrder, Input):
    """A one-line field: focus puts the cursor at the end and selects nothing, so editing part works.

    (Textual's default selects the whole value on focus: one backspace then wiped it.)
    """

    HELP = _(
        "Keys: **left/right** and **home/end** move the cursor (it starts at the end), **backspace** deletes "
        "one character, **ctrl+u** clears to the start; **tab** goes to the next field."
    )

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(select_on_focus=False, **kwargs)

    def on_focus(self, event: events.Focus) -> None:
        self.cursor_position = len(self.value)


class FieldSelect(KeysInOrder, Select):
    """A pick-list field whose keys apply in order too (tab then a digit lands in the next field)."""


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


class StepperInput(FieldInput):
    """A number field: type it, or nudge it with up/down (shift for ten steps); left/right move the cursor."""

    HELP = FieldInput.HELP + _(" **up/down** nudge the number by one step, **shift+up/down** by ten.")

    BINDINGS = [
        Binding("up", "nudge(1)", "larger", show=False),
        Binding("down", "nudge(-1)", "smaller", show=False),
        Binding("shift+up", "nudge(10)", "much larger", show=False),
        Binding("shift+down", "nudge(-10)", "much smaller", show=False),
    ]

    def __init__(self, step: float, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.step = step

    def action_nudge(self, steps: int) -> None:
        """Move the value by ``steps`` steps; text that is not a number is left alone."""
        try:
            current = float(self.value)
        except ValueError:
            self.app.bell()
            return
        value = round(current + steps * self.step, 10)
        self.value = f"{value:g}"
        self.cursor_position = len(self.value)


def choice_label(spec: Field, choice: str) -> str:
    """A pick-list value as the learner reads it: a word in their language, code as it is typed."""
    return _(choice) if choice in spec.words else choice


class FieldRow(Vertical):
    """One field: its label and editor on a line, its error message under them."""

    def __init__(self, spec: Field, value: str) -> None:
        super().__init__(classes="field-row")
        self.spec = spec
        self._value = value
        self._error = ""
        """The message under the field now ("" when there is none)."""
        if spec.multiline:
            self.add_class("-multiline")

    def compose(self) -> ComposeResult:
        spec = self.spec
        editor_id = f"field-{spec.name}"
        with Horizontal(classes="field-line"):
            yield Label(spec.label, classes="field-label", markup=False)
            if spec.choices:
                yield FieldSelect(
                    [(choice_label(spec, choice), choice) for choice in spec.choices],
                    value=self._value if self._value in spec.choices else spec.default,
                    allow_blank=False,
                    compact=True,
                    id=editor_id,
                )
            elif spec.multiline:
                yield CodeEditor(self._value, id=editor_id)
            elif spec.step is not None:
                yield StepperInput(spec.step, value=self._value, compact=True, id=editor_id)
            else:
                yield FieldInput(value=self._value, compact=True, id=editor_id)
        yield Static("", classes="field-error", markup=False)

    @property
    def editor(self) -> Widget:
        """The widget that holds the value."""
        return self.query_one(f"#field-{self.spec.name}")

    @property
    def value(self) -> str:
        """The field's current text."""
        editor = self.editor
        if isinstance(editor, Select):
            return str(editor.value)
        if isinstance(editor, TextArea):
            return editor.text
        assert isinstance(editor, Input)
        return editor.value

    def set_value(self, value: str) -> None:
        """Show ``value`` in the editor without reporting it as an edit."""
        editor = self.editor
        with editor.prevent(Input.Changed, Select.Changed, TextArea.Changed):
            if isinstance(editor, Select):
                editor.value = value
            elif isinstance(editor, TextArea):
                editor.load_text(value)
            else:
                assert isinstance(editor, Input)
                editor.value = value
                editor.cursor_position = len(value) if editor.has_focus else 0

    def show_error(self, message: str) -> None:
        """Show ``message`` under the field (an empty message hides the line)."""
        error = self.query_one(".field-error", Static)
        if message == self._error and error.has_class("-visible") == bool(message):
            return  # unchanged: an update would lay the pane out again
        self._error = message
        error.update(message)
        error.set_class(bool(message), "-visible")
        self.set_class(bool(message), "-invalid")


class FieldsForm(Vertical):
    """All of a lesson's fields."""

    @dataclass
    class Changed(Message):
        """A field was edited by the learner."""

        name: str
        value: str

    def __init__(self, fields: tuple[Field, ...], values: Mapping[str, str]) -> None:
        super().__init__(classes="fields")
        self._fields = fields
        self._values = values
        self._known = {spec.name: values.get(spec.name, spec.default) for spec in fields}
        """Each field's text as last reported or set (an editor announcing its first value is no edit)."""

    def compose(self) -> ComposeResult:
        for spec in self._fields:
            yield FieldRow(spec, self._values.get(spec.name, spec.default))

    def rows(self) -> list[FieldRow]:
        """The field rows, in order (the form's children: a query would walk every editor's widgets, twice)."""
        return [child for child in self.children if isinstance(child, FieldRow)]

    def row(self, name: str) -> FieldRow:
        """The row of field ``name``."""
        return next(row for row in self.rows() if row.spec.name == name)

    def values(self) -> dict[str, str]:
        """Every field's current text."""
        return {row.spec.name: row.value for row in self.rows()}

    def values_kept(self) -> dict[str, str]:
        """Every field's text, as far as it can be read: a row that never finished building gives its last known."""
        values = dict(self._known)
        for row in self.rows():
            try:
                values[row.spec.name] = row.value
            except NoMatches:
                pass  # its editor was never mounted: nothing newer was typed there
        return values

    def set_values(self, values: Mapping[str, str]) -> None:
        """Show new values (from a fix or an action) without reporting edits."""
        for row in self.rows():
            if row.spec.name in values and values[row.spec.name] != row.value:
                row.set_value(values[row.spec.name])
                self._known[row.spec.name] = values[row.spec.name]

    def show_errors(self, errors: Mapping[str, str]) -> None:
        """Show each field's error, clearing the others."""
        for row in self.rows():
            row.show_error(errors.get(row.spec.name, ""))

    def _report(self, widget: Widget | None, value: str) -> None:
        row = next((a for a in (widget.ancestors if widget else []) if isinstance(a, FieldRow)), None)
        if row is not None and self._known.get(row.spec.name) != value:
            self._known[row.spec.name] = value
            self.post_message(self.Changed(row.spec.name, value))

    def on_mount(self) -> None:
        self._show_starts()

    def on_resize(self, event: events.Resize) -> None:
        """One column of fields when two would cut a pick-list's value (a 60-column window)."""
        self.set_class(event.size.width < 2 * self._column_width() + COLUMN_GUTTER, "-single")

    def _column_width(self) -> int:
        """Cells the widest field needs: its label, then its longest choice and arrow (or a short entry)."""
        widths = [
            max(cell_len(spec.label), LABEL_MIN)
            + 1
            + (max(cell_len(choice_label(spec, choice)) for choice in spec.choices) + 3 if spec.choices else ENTRY_MIN)
            for spec in self._fields
            if not spec.multiline
        ]
        return max(widths, default=0)

    def on_input_blurred(self, event: Input.Blurred) -> None:
        self._show_starts()

    def _show_starts(self) -> None:
        """Scroll fields without focus to their start: ``[[1,2,3],...`` reads better than ``...,9]]``."""
        for editor in self.query(Input):
            if not editor.has_focus:
                editor.cursor_position = 0

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self._report(event.input, event.value)

    def on_select_changed(self, event: Select.Changed) -> None:
        event.stop()
        self._report(event.select, str(event.value))

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        event.stop()
        self._report(event.text_area, event.text_area.text)
