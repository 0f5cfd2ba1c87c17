"""The sidebar: the lessons in order with their progress, picked with arrows, enter, or their number."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rich.cells import cell_len, set_cell_size
from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from engine.i18n import _
from engine.lesson import Lesson

DONE_MARK = "✓"
"""Shown for a lesson whose every goal is met (its counts say the same in words: 3/3)."""

WIDTH = 18
"""Cells of a lesson's line in the open sidebar (its border takes one more column)."""


class LessonList(OptionList):
    """Lists lessons; moving the highlight opens a lesson, enter steps into it.

    The highlight stops at either end (no wrapping round); home and end go to
    the first and last step of the lesson on screen, as PageUp/PageDown move
    between its steps.
    """

    BINDINGS = [
        *(Binding(str(n), f"pick({n})", f"lesson {n}", show=False) for n in range(1, 10)),
        Binding("down", "cursor_down", show=False),
        Binding("up", "cursor_up", show=False),
        Binding("home", "app.go_to_step(0)", show=False),
        Binding("end", "app.go_to_step(-1)", show=False),
    ]

    HELP = _(
        """\
## Lessons

- **up/down** move between lessons (the pane follows)
- **enter** steps into the lesson's fields; **escape** comes back here
- **1-9** jump straight to a lesson
- **PageDown/PageUp** next or previous step (from anywhere); **home/end** the first or last step
- **ctrl+b** folds the sidebar to a strip of numbers (and back)

Each lesson shows its goals met out of its steps, and a mark when all are met.
"""
    )

    collapsed: reactive[bool] = reactive(False)
    """Folded to a strip of lesson numbers."""

    @dataclass
    class Picked(Message):
        """A lesson was chosen; ``enter`` is True when the learner wants to step into it."""

        lesson_id: str
        enter: bool

    def __init__(
        self, lessons: tuple[Lesson, ...], progress: dict[str, tuple[int, int]], current: str, **kwargs: Any
    ) -> None:
        self._lessons = lessons
        self._progress = dict(progress)
        super().__init__(**kwargs)
        self.add_options(Option(self._prompt(lesson), id=lesson.id) for lesson in lessons)
        self._ids = [lesson.id for lesson in lessons]
        self._current = current

    def on_mount(self) -> None:
        # Highlighted without a Picked message: the app mounts the first lesson's pane after the first
        # frame, which shows the sidebar alone (a Picked now would build the pane before that frame).
        self.select_lesson(self._current)

    def _prompt(self, lesson: Lesson) -> Text:
        """A lesson's line: number and title, then its goals met out of steps (or the done mark)."""
        met, total = self._progress.get(lesson.id, (0, 0))
        done = total > 0 and met >= total
        if self.collapsed:
            return Text(f"{lesson.number}" + (DONE_MARK if done else ""))
        counts = DONE_MARK if done else (f"{met}/{total}" if total else "")
        title = f"{lesson.number} {lesson.title}"
        room = WIDTH - cell_len(counts) - 1
        if cell_len(title) > room and cell_len(title) <= WIDTH:
            # a long title (in Chinese: 5 神经网络的单层) keeps every character; its counts go below it, aligned
            line = Text(set_cell_size(title, WIDTH) + "\n" + " " * (room + 1))
        else:
            if cell_len(title) > room:
                title = set_cell_size(title, room - 1).rstrip() + "."
            line = Text(set_cell_size(title, room + 1))  # widths in cells: a CJK character takes two
        line.append(counts, style="bold" if done else "dim")
        return line

    def show_progress(self, progress: dict[str, tuple[int, int]]) -> None:
        """Show new progress counts."""
        self._progress = dict(progress)
        self._refresh_prompts()

    def _refresh_prompts(self) -> None:
        for index, lesson in enumerate(self._lessons):
            self.replace_option_prompt_at_index(index, self._prompt(lesson))

    def watch_collapsed(self, collapsed: bool) -> None:
        self.set_class(collapsed, "-collapsed")
        if self.option_count == len(self._lessons):
            self._refresh_prompts()

    def select_lesson(self, lesson_id: str) -> None:
        """Move the highlight to ``lesson_id`` without announcing it."""
        with self.prevent(OptionList.OptionHighlighted):
            self.highlighted = self._ids.index(lesson_id)

    def action_pick(self, number: int) -> None:
        """Jump to lesson ``number`` (1-based), if there is one."""
        if number <= len(self._ids):
            self.highlighted = number - 1

    def action_cursor_down(self) -> None:
        """The next lesson; on the last one, stay (no wrapping round to the first)."""
        if self.highlighted is None or self.highlighted < len(self._ids) - 1:
            super().action_cursor_down()

    def action_cursor_up(self) -> None:
        """The previous lesson; on the first one, stay."""
        if self.highlighted is None or self.highlighted > 0:
            super().action_cursor_up()

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        if event.option.id is not None:
            self.post_message(self.Picked(event.option.id, enter=False))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id is not None:
            self.post_message(self.Picked(event.option.id, enter=True))
