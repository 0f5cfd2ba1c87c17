"""A lesson on screen: its title and summary, its fields, and the live result.

Every edit recomputes in a thread worker (exclusive per pane, after a short
debounce) that asks the app's engine worker process for the result, so typing
never waits for PyTorch and a burst of keys yields one result. Bad input shows its message under the field and keeps the last good
output, dimmed; any other failure is reported to the app's error handler
(``tui/errors.py``), which shows it above that output.
"""

from __future__ import annotations

from typing import Mapping

from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Button, Static
from textual.worker import get_current_worker

from engine.blocks import LessonResult
from engine.errors import InputError
from engine.lesson import Lesson
from tui.widgets.blocks import FixList
from tui.widgets.failure import FailureNotice
from tui.widgets.fields import FieldsForm
from tui.widgets.results import ResultView

DEBOUNCE_SECONDS = 0.1


class LessonPane(VerticalScroll):
    """One lesson, kept alive while others are shown so nothing typed is lost."""

    class ValuesChanged(Message):
        """The lesson's field values changed (for saving them)."""

        def __init__(self, lesson_id: str, values: dict[str, str]) -> None:
            super().__init__()
            self.lesson_id = lesson_id
            self.values = values

    class Failed(Message):
        """Something the learner did not cause failed here; ``broken``: the widgets may be half-updated."""

        def __init__(self, pane: "LessonPane", error: BaseException, broken: bool) -> None:
            super().__init__()
            self.pane = pane
            self.error = error
            self.broken = broken

    class Computed(Message):
        """A new result is on screen."""

        def __init__(self, lesson_id: str, result: LessonResult) -> None:
            super().__init__()
            self.lesson_id = lesson_id
            self.result = result

    def __init__(self, lesson: Lesson, values: Mapping[str, str] | None = None, **kwargs) -> None:
        super().__init__(classes="lesson-pane", **kwargs)
        self.lesson = lesson
        self._initial = {**lesson.defaults(), **(values or {})}
        self._debounce: Timer | None = None
        self.engine_ready = False
        self.previous_result: LessonResult | None = None
        """The result shown before the current one: the last good output if showing the current one fails."""
        self.restored = False
        """True from ``restore`` until the learner edits a field."""
        for action in lesson.actions:
            # Not in the footer: the buttons show these keys, and the footer has no room for them at 80x24.
            self._bindings.bind(action.key, f"lesson_action('{action.name}')", action.description, show=False)

    def compose(self) -> ComposeResult:
        lesson = self.lesson
        yield Static(f"{lesson.number} {lesson.title}", classes="lesson-title", markup=False)
        yield Static(lesson.summary, classes="lesson-summary", markup=False)
        yield FieldsForm(lesson.fields, self._initial)
        if lesson.actions:
            with Horizontal(classes="actions"):
                for action in lesson.actions:
                    yield Button(
                        Content(f"{action.description} ({action.key})"),
                        id=f"action-{action.name}",
                        compact=True,
                        classes="action",
                    )
        yield FailureNotice()
        yield ResultView(classes="results")

    @property
    def form(self) -> FieldsForm:
        return self.query_one(FieldsForm)

    @property
    def results(self) -> ResultView:
        return self.query_one(ResultView)

    @property
    def result(self) -> LessonResult | None:
        """The result on screen, if any."""
        return self.results.result

    def values(self) -> dict[str, str]:
        """The fields' current text."""
        return self.form.values()

    def start(self) -> None:
        """PyTorch is ready: compute the first result.

        Deferred to the pane's own queue, which runs only once its fields are
        built: PyTorch may finish loading while this pane is still being mounted.
        """
        self.engine_ready = True
        self.call_later(self.recompute)

    def set_values(self, values: Mapping[str, str]) -> None:
        """Put new values in the fields (a fix, an action) and recompute at once."""
        self.form.set_values(values)
        self._changed()
        self.recompute()

    def run_action(self, name: str) -> bool:
        """Apply a lesson action whose result was precomputed; False if it is not available now."""
        result = self.result
        if result is None or name not in result.actions:
            return False
        self.set_values(result.actions[name])
        return True

    def action_lesson_action(self, name: str) -> None:
        """A lesson action's key was pressed."""
        if not self.run_action(name):
            self.app.bell()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id and event.button.id.startswith("action-"):
            event.stop()
            self.action_lesson_action(event.button.id.removeprefix("action-"))

    def on_fields_form_changed(self, event: FieldsForm.Changed) -> None:
        event.stop()
        self.restored = False
        self._changed()
        if self._debounce is not None:
            self._debounce.stop()
        self._debounce = self.set_timer(DEBOUNCE_SECONDS, self.recompute)

    def on_fix_list_applied(self, event: FixList.Applied) -> None:
        event.stop()
        self.set_values(event.fix.values)
        # The fix list goes away with the error; keep the keyboard in the lesson.
        rows = self.form.rows()
        if rows:
            rows[0].editor.focus()

    def _changed(self) -> None:
        self.post_message(self.ValuesChanged(self.lesson.id, self.values()))

    def recompute(self) -> None:
        """Compute the lesson for the fields' current values, in a worker."""
        if self.engine_ready:
            self._compute(self.values())

    @work(thread=True, exclusive=True, group="compute")
    def _compute(self, values: dict[str, str]) -> None:
        try:
            outcome: LessonResult | InputError | Exception = self.app.engine.call(
                "lesson", lesson=self.lesson.id, values=values
            )
        except InputError as error:
            outcome = error
        except Exception as error:  # noqa: BLE001 - any failure becomes a message, never a crash
            outcome = error
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._show, outcome)

    def _show(self, outcome: LessonResult | Exception) -> None:
        if isinstance(outcome, LessonResult):
            self.form.show_errors({})
            self.query_one(FailureNotice).show_message("", "")
            self.previous_result = self.result
            self.results.display = True
            try:
                self.results.show(outcome)
            except Exception as error:  # noqa: BLE001 - the app's error handler rebuilds the pane
                self.post_message(self.Failed(self, error, broken=True))
                return
            self.post_message(self.Computed(self.lesson.id, outcome))
        elif isinstance(outcome, InputError) and (outcome.field or self.lesson.fields):
            self.form.show_errors({outcome.field or self.lesson.fields[0].name: outcome.message})
            self.results.set_stale(True)
        else:
            self.post_message(self.Failed(self, outcome, broken=False))

    def show_failure(self, message: str) -> None:
        """Show an unexpected failure above the last good output, which stays (dimmed)."""
        if self.result is None:
            self.results.display = False  # nothing good to keep: drop the "loading" line
            hint = "The other lessons still work: escape returns to the list."
        else:
            hint = "The output below is the last that worked; change a field to try again."
        self.query_one(FailureNotice).show_message(message, hint)
        self.results.set_stale(True)

    def restore(self, result: LessonResult | None, message: str, engine_ready: bool) -> None:
        """Come back after the pane this one replaces failed: its last good output and what went wrong."""
        self.engine_ready = engine_ready
        self.restored = True
        if result is not None:
            self.results.show(result)
        else:
            self.results.display = False
        hint = "The lesson was reloaded with your values; change a field to run it again."
        self.query_one(FailureNotice).show_message(message, hint)
        self.results.set_stale(True)
