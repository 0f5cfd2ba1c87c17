"""A field's pick-list: its choice on one line, and its choices in a list that opens under it.

Textual's ``Select`` is six widgets (its line, label, two arrows and a hidden
list), and a new choice rewrites its label, which lays the whole screen out
again (10-13 ms) before the change is announced. Here the line is one widget of
a width the layout gives it, so a new choice repaints one row and is announced
at once; the list is built only when it is opened, on a screen of its own over
the lesson.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.cells import cell_len
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.geometry import Region
from textual.message import Message
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from engine.i18n import _

ARROW = "▼"
SHOWN_CHOICES = 10
"""Rows of choices an open list shows at most; it scrolls past them."""


class PickList(Widget, can_focus=True):
    """One choice of a few, shown as its label; enter, space, up or down opens the choices."""

    DEFAULT_CSS = """
    PickList {
        height: 1;
        background: $surface;
        color: $foreground;
    }
    PickList:focus {
        background-tint: $foreground 5%;
    }
    """

    BINDINGS = [Binding("enter,space,up,down", "open", _("choose"), show=False)]

    @dataclass
    class Changed(Message):
        """The learner picked another choice."""

        pick_list: PickList
        value: str

        @property
        def control(self) -> PickList:
            return self.pick_list

    def __init__(self, choices: Sequence[tuple[str, str]], value: str, *, id: str | None = None) -> None:
        """``choices``: (label as the learner reads it, value) pairs; ``value`` is one of the values."""
        super().__init__(id=id)
        self.choices = tuple(choices)
        self._value = value

    @property
    def value(self) -> str:
        """The value picked."""
        return self._value

    @value.setter
    def value(self, value: str) -> None:
        """Pick ``value`` (one of the choices' values) and announce it, if it is another."""
        if value != self._value:
            self._value = value
            self.refresh()
            self.post_message(self.Changed(self, value))

    def put_value(self, value: str) -> None:
        """Pick ``value`` without announcing it (the form sets it from a fix, a resumed state)."""
        self._value = value
        self.refresh()

    @property
    def label(self) -> str:
        """The picked choice as the learner reads it."""
        return next((label for label, value in self.choices if value == self._value), self._value)

    def render(self) -> Content:
        # The arrow is reversed while the list has focus: the mark that it does, without colour too.
        arrow = Content.styled(ARROW, "reverse" if self.has_focus else "dim")
        room = max(self.size.width - cell_len(ARROW) - 1, 1)
        return Content(self.label).truncate(room, ellipsis=True, pad=True) + " " + arrow

    def on_focus(self, event: events.Focus) -> None:
        self.refresh()

    def on_blur(self, event: events.Blur) -> None:
        self.refresh()

    def on_click(self, event: events.Click) -> None:
        event.stop()
        self.action_open()

    def action_open(self) -> None:
        """Open the choices under the line, the picked one highlighted."""
        self.app.push_screen(Choices(self.choices, self._value, self.region), self._picked)

    def _picked(self, value: str | None) -> None:
        if value is not None:
            self.value = value
        self.focus()


class Choices(ModalScreen[str | None]):
    """A pick-list's choices, over the lesson under its line: enter picks one, escape (or a click outside) none."""

    DEFAULT_CSS = """
    Choices {
        background: transparent;
        align: left top;
    }
    Choices > OptionList {
        width: auto;
        height: auto;
        border: tall $border;
        background: $surface;
        & > .option-list--option {
            padding: 0 1;
        }
    }
    """

    BINDINGS = [Binding("escape", "dismiss", _("close"))]

    def __init__(self, choices: Sequence[tuple[str, str]], value: str, under: Region) -> None:
        super().__init__()
        self._choices = choices
        self._value = value
        self._under = under

    def compose(self) -> ComposeResult:
        yield OptionList(*(Option(label, id=value) for label, value in self._choices))

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        values = [value for _label, value in self._choices]
        options.highlighted = values.index(self._value) if self._value in values else 0
        options.styles.min_width = self._under.width
        height = min(len(values), SHOWN_CHOICES) + 2  # the list's rows and its border
        options.styles.max_height = height
        below = self._under.bottom
        top = below if below + height <= self.size.height else max(self._under.y - height, 0)
        options.styles.offset = (max(self._under.x - 1, 0), top)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)

    def on_click(self, event: events.Click) -> None:
        if self.get_widget_at(event.screen_x, event.screen_y)[0] is self:
            self.dismiss(None)
