"""The line under a step: its goal (open or done) and the controls that move between steps."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.message import Message
from textual.widgets import Button, Static

from engine.i18n import _
from engine.lesson import Lesson, Step
from tui.cjk import wrapped


class GoalBar(Horizontal):
    """A step's goal in words ("Goal:" or "Done:", readable without colour), with a next button beside it.

    PageUp goes back; the footer and the help say so.
    """

    @dataclass
    class Move(Message):
        """The learner asked for the step ``offset`` away (+1: the next one)."""

        offset: int

    @dataclass
    class Action(Message):
        """The learner pressed a lesson action's button (the same as its key)."""

        name: str

    def __init__(self, lesson: Lesson, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._lesson = lesson

    def compose(self) -> ComposeResult:
        yield Static("", classes="goal-text", markup=False)
        with Horizontal(classes="step-buttons"):
            for action in self._lesson.actions:
                label = f"{action.key.replace('ctrl+', '^')} {action.button or action.description}"
                yield Button(Content(label), id=f"action-{action.name}", compact=True, classes="step-move action")
            yield Button(Content(_("next >")), id="step-next", compact=True, classes="step-move")

    def show(self, lesson: Lesson, index: int, done: bool, steps: tuple[Step, ...] | None = None) -> None:
        """Show step ``index`` of ``steps`` (the lesson's own by default): its goal, open or ``done``, and the way on."""
        steps = lesson.steps if steps is None else steps
        step = steps[index]
        last = index == len(steps) - 1
        for action in lesson.actions:
            self.query_one(f"#action-{action.name}").display = action.name in step.actions
        self.query_one("#step-next").display = not last
        self.set_class(done, "-done")
        self.query_one(".goal-text", Static).update(wrapped(goal_text(step, done, None if last else steps[index + 1])))

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        name = event.button.id or ""
        if name.startswith("action-"):
            self.post_message(self.Action(name.removeprefix("action-")))
        else:
            self.post_message(self.Move(1))


def goal_text(step: Step, done: bool, following: Step | None) -> Text:
    """The goal as the learner reads it: what to do, or that it is done and what comes next."""
    if step.goal is None:
        return Text("")
    if not done:
        return Text.assemble((_("Goal: "), "bold"), step.goal.text)
    if following is None:
        after = _("That was the lesson's last step: escape, then pick the next lesson.")
    else:
        after = _("PageDown: {heading}.", heading=following.heading)
    return Text.assemble((_("Done: "), "bold"), step.goal.done, " ", (after, "italic"))
