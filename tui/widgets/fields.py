"""A lesson's editable fields: one row per field, an editor and a line for its error.

Every editor reports edits as one ``FieldsForm.Changed`` message, whatever its
kind, so the lesson pane does not care how a value was typed or picked.

A row is built when a step first shows it: a pane starts with its first step's
rows only, and the form keeps the text of the fields it has not built yet.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, cast

from rich.cells import cell_len
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.css.query import NoMatches
from textual.message import Message
from textual.widget import AwaitMount, Widget
from textual.widgets import Input, Label, Static

from engine.i18n import _
from engine.lesson import Field
from tui.widgets.pick_list import PickList

if TYPE_CHECKING:
    from textual.widgets import TextArea

COLUMN_GUTTER = 2
LABEL_MIN = 6
ENTRY_MIN = 8
"""Cells between the two field columns, and the least a label and a typed entry take (see app.tcss)."""


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

    @property
    def field_value(self) -> str:
        return self.value

    def put_value(self, value: str) -> None:
        with self.prevent(Input.Changed):
            self.value = value
        self.cursor_position = len(value) if self.has_focus else 0


class FieldPickList(KeysInOrder, PickList):
    """A pick-list field whose keys apply in order too (tab then a digit lands in the next field)."""

    @property
    def field_value(self) -> str:
        return self.value


class FieldEditor(Protocol):
    """What a field's row asks of its editor, whatever its kind (line, pick-list or code)."""

    @property
    def field_value(self) -> str:
        """The text the field holds."""

    def put_value(self, value: str) -> None:
        """Hold ``value``, without announcing it as an edit."""


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


def shown_value(spec: Field, value: str) -> str:
    """The value a field's editor holds for ``value``: a pick-list has its default for one it does not offer."""
    return value if not spec.choices or value in spec.choices else spec.default


class FieldRow(Vertical):
    """One field: its label and editor on a line, its error message under them."""

    def __init__(self, spec: Field, value: str) -> None:
        super().__init__(classes="field-row")
        self.spec = spec
        self._value = shown_value(spec, value)
        """The field's value until the row is mounted (the editor is built with it), then the last one set."""
        self._built = False
        """Whether the editor is mounted, so that it holds the value (until then, ``_value`` does)."""
        self._built_with = self._value
        """The value the editor was made with: one set since is given to it once it is mounted."""
        self._mounting: AwaitMount | None = None
        """The mount of the editor, when ``mount_parts`` put it in the DOM rather than ``compose``."""
        self._error = ""
        """The message under the field now ("" when there is none)."""
        if spec.multiline:
            self.add_class("-multiline")

    def compose(self) -> ComposeResult:
        if self._mounting is None:
            with Horizontal(classes="field-line"):
                yield self._label()
                yield self._new_editor()
            yield self._error_line()

    def mount_parts(self) -> None:
        """Put the widgets in the DOM now, not from the row's queue (which would add the editor two queues later).

        A row built as the learner steps can then take the focus at once, as a built one does, so
        keys typed right after PageDown reach it rather than the field of the step left behind.
        """
        line = Horizontal(classes="field-line")
        self.mount(line, self._error_line())
        self._mounting = line.mount(self._label(), self._new_editor())

    def _label(self) -> Label:
        return Label(self.spec.label, classes="field-label", markup=False)

    def _new_editor(self) -> Widget:
        spec, editor_id = self.spec, f"field-{self.spec.name}"
        self._built_with = self._value
        if spec.choices:
            return FieldPickList(
                [(choice_label(spec, choice), choice) for choice in spec.choices], self._value, id=editor_id
            )
        if spec.multiline:
            from tui.widgets.code_editor import CodeEditor  # TextArea's imports, only for a code field

            return CodeEditor(self._value, id=editor_id)
        if spec.step is not None:
            return StepperInput(spec.step, value=self._value, compact=True, id=editor_id)
        return FieldInput(value=self._value, compact=True, id=editor_id)

    def _error_line(self) -> Static:
        return Static(self._error, classes="field-error -visible" if self._error else "field-error", markup=False)

    async def on_mount(self) -> None:
        """The editor is mounted now (or once ``mount_parts``' mount is done): give it a value set meanwhile."""
        if self._mounting is not None:
            await self._mounting
        self._built = True
        if self._value != self._built_with:
            self.set_value(self._value)
        self.show_start()

    @property
    def editor(self) -> Widget:
        """The widget that holds the value (none until the row has been composed, on its own queue)."""
        return self.query_one(f"#field-{self.spec.name}")

    def _editor_if_built(self) -> FieldEditor | None:
        """The editor, or None while the row is being built (its value is then ``_value``)."""
        return cast("FieldEditor", self.editor) if self._built else None

    @property
    def value(self) -> str:
        """The field's current text."""
        editor = self._editor_if_built()
        return self._value if editor is None else editor.field_value

    def set_value(self, value: str) -> None:
        """Show ``value`` in the editor without reporting it as an edit (a row being built gets it once mounted)."""
        self._value = value
        editor = self._editor_if_built()
        if editor is not None:
            editor.put_value(value)

    def show_error(self, message: str) -> None:
        """Show ``message`` under the field (an empty message hides the line); a row not composed yet gets it in compose."""
        if message == self._error:
            return  # unchanged: an update would lay the pane out again
        self._error = message
        self.set_class(bool(message), "-invalid")
        for error in self.query(".field-error").results(Static):
            error.update(message)
            error.set_class(bool(message), "-visible")

    def focus_editor(self) -> None:
        """Focus the editor; one that ``compose`` has yet to make is focused from the row's queue, after it."""
        try:
            self.editor.focus()
        except NoMatches:
            self.call_later(lambda: self.editor.focus())

    def show_start(self) -> None:
        """Scroll a one-line editor without focus to its start: ``[[1,2,3],...`` reads better than ``...,9]]``."""
        for editor in self.query(Input):
            if not editor.has_focus:
                editor.cursor_position = 0


class FieldsForm(Vertical):
    """All of a lesson's fields, a row for each field a step has shown so far.

    Building every row up front made each pane's start pay for rows that most of its steps hide.
    """

    @dataclass
    class Changed(Message):
        """A field was edited by the learner."""

        name: str
        value: str

    def __init__(self, fields: tuple[Field, ...], values: Mapping[str, str], shown: Collection[str] = ()) -> None:
        super().__init__(classes="fields")
        self._fields = fields
        self._known = {spec.name: shown_value(spec, values.get(spec.name, spec.default)) for spec in fields}
        """Each field's text as last reported or set (an editor announcing its first value is no edit).

        A field without a row keeps its value here alone, and its row is built with it."""
        self._rows: dict[str, FieldRow] = {}
        """The rows built so far, by field name."""
        self._shown = set(shown)
        """The fields on screen: the rows built with the form, and the only ones a row built later shows."""

    def compose(self) -> ComposeResult:
        for spec in self._fields:
            if spec.name in self._shown:
                yield self._new_row(spec)

    def _new_row(self, spec: Field) -> FieldRow:
        row = FieldRow(spec, self._known[spec.name])
        self._rows[spec.name] = row
        return row

    def rows(self) -> list[FieldRow]:
        """The rows built so far, in field order (those of every step laid out, and any asked for by name)."""
        return [self._rows[spec.name] for spec in self._fields if spec.name in self._rows]

    def row(self, name: str) -> FieldRow:
        """The row of field ``name``, built now if no step has shown it yet (hidden unless its field is on screen)."""
        row = self._rows.get(name)
        if row is None:
            row = self._build(name)
        return row

    def _build(self, name: str) -> FieldRow:
        """Mount a new row for field ``name`` before the next built one, so that rows stay in the lesson's order."""
        names = [spec.name for spec in self._fields]
        index = names.index(name)
        later = next((self._rows[each] for each in names[index + 1 :] if each in self._rows), None)
        row = self._new_row(self._fields[index])
        row.display = name in self._shown
        self.mount(row, before=later)
        row.mount_parts()
        return row

    def show_only(self, names: Collection[str]) -> None:
        """Show the rows of fields ``names`` (a step's), building those not built yet, and hide the others."""
        self._shown = {name for name in names if name in self._known}
        for name in self._shown:
            self.row(name)
        for name, row in self._rows.items():
            row.display = name in self._shown

    def reveal(self, name: str) -> None:
        """Show field ``name``'s row too, built if need be: an error names a field of another step, to be fixed here."""
        if name in self._known:
            self.row(name).display = True

    def values(self) -> dict[str, str]:
        """Every field's current text: a built row's from its editor, any other as last known."""
        return {**self._known, **{name: row.value for name, row in self._rows.items()}}

    def set_values(self, values: Mapping[str, str]) -> None:
        """Show new values (from a fix or an action) without reporting edits; a field without a row keeps its value."""
        for name, value in values.items():
            row = self._rows.get(name)
            if row is None and name in self._known:
                self._known[name] = value
            elif row is not None and value != row.value:
                row.set_value(value)
                self._known[name] = value

    def show_errors(self, errors: Mapping[str, str]) -> None:
        """Show each field's error, clearing the others; a field with an error gets its row, to show it in."""
        for name in errors:
            if errors[name] and name in self._known:
                self.row(name)
        for row in self.rows():
            row.show_error(errors.get(row.spec.name, ""))

    def _report(self, widget: Widget | None, value: str) -> None:
        row = next((a for a in (widget.ancestors if widget else []) if isinstance(a, FieldRow)), None)
        if row is not None and self._known.get(row.spec.name) != value:
            self._known[row.spec.name] = value
            self.post_message(self.Changed(row.spec.name, value))

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
        for row in self.rows():
            row.show_start()

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self._report(event.input, event.value)

    def on_pick_list_changed(self, event: PickList.Changed) -> None:
        event.stop()
        self._report(event.pick_list, event.value)

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        event.stop()
        self._report(event.text_area, event.text_area.text)
