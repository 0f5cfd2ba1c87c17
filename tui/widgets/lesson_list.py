"""The sidebar: the lessons in order, picked with arrows, enter, or their number."""

from __future__ import annotations

from textual.binding import Binding
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from engine.lesson import Lesson


class LessonList(OptionList):
    """Lists lessons; moving the highlight opens a lesson, enter steps into it."""

    BINDINGS = [
        Binding(str(n), f"pick({n})", f"lesson {n}", show=False) for n in range(1, 10)
    ]

    HELP = """\
## Lessons

- **up/down** move between lessons (the pane follows)
- **enter** steps into the lesson's fields
- **1-9** jump straight to a lesson
"""

    class Picked(Message):
        """A lesson was chosen; ``enter`` is True when the learner wants to step into it."""

        def __init__(self, lesson_id: str, enter: bool) -> None:
            super().__init__()
            self.lesson_id = lesson_id
            self.enter = enter

    def __init__(self, lessons: tuple[Lesson, ...], **kwargs) -> None:
        super().__init__(
            *(Option(f"{lesson.number} {lesson.title}", id=lesson.id) for lesson in lessons),
            **kwargs,
        )
        self._ids = [lesson.id for lesson in lessons]

    def select_lesson(self, lesson_id: str) -> None:
        """Move the highlight to ``lesson_id`` without announcing it."""
        with self.prevent(OptionList.OptionHighlighted):
            self.highlighted = self._ids.index(lesson_id)

    def action_pick(self, number: int) -> None:
        """Jump to lesson ``number`` (1-based), if there is one."""
        if number <= len(self._ids):
            self.highlighted = number - 1

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        if event.option.id is not None:
            self.post_message(self.Picked(event.option.id, enter=False))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id is not None:
            self.post_message(self.Picked(event.option.id, enter=True))
