"""A lesson on screen, one step at a time: heading, prose, the step's fields, the live result, the goal.

Every edit recomputes the step on screen in a thread worker (exclusive per pane,
after a short debounce) that asks the app's engine worker process for the result,
so typing never waits for PyTorch and a burst of keys
yields one result. Bad input shows its message under the field and keeps the
last good output, dimmed; any other failure is reported to the app's error
handler (``tui/errors.py``), which shows it above that output.

All of a lesson's fields live in one form (so nothing typed is lost between
steps); a step shows only the rows it names, and a row is built when a step
first shows it. Adding a step or a lesson needs nothing here: it is data in
``engine/lessons/<name>/spec.py``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from textual import work
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Button, Static
from textual.worker import get_current_worker

from engine.blocks import LessonResult
from engine.errors import InputError
from engine.i18n import _
from engine.lesson import Lesson, Step
from engine.practice import Challenge, Prediction, for_step, steps
from tui.cjk import wrapped
from tui.engine_status import EngineStatus, compute_step, tutor_app
from tui.widgets.challenge import ChallengeView
from tui.widgets.failure import FailureNotice
from tui.widgets.fields import FieldsForm
from tui.widgets.goal_bar import GoalBar
from tui.widgets.prediction import PredictionView
from tui.widgets.results import ResultView

if TYPE_CHECKING:
    from tui.widgets.blocks import FixList

DEBOUNCE_SECONDS = 0.1


class LessonPane(VerticalScroll):
    """One lesson, kept alive while others are shown so nothing typed is lost."""

    @dataclass
    class ValuesChanged(Message):
        """The lesson's field values changed (for saving them)."""

        lesson_id: str
        values: dict[str, str]

    @dataclass
    class Failed(Message):
        """Something the learner did not cause failed here; ``broken``: the widgets may be half-updated."""

        pane: LessonPane
        error: BaseException
        broken: bool

    @dataclass
    class Computed(Message):
        """A new result is on screen."""

        lesson_id: str
        result: LessonResult

    @dataclass
    class StepShown(Message):
        """The pane moved to another step (for saving the place and the sidebar's progress)."""

        lesson_id: str
        index: int

    @dataclass
    class GoalMet(Message):
        """A step's goal was met for the first time in this pane."""

        lesson_id: str
        step_id: str

    def __init__(
        self,
        lesson: Lesson,
        values: Mapping[str, str] | None = None,
        step: int = 0,
        met: Iterable[str] = (),
        challenges: Mapping[str, dict] | None = None,
        restored: bool = False,
        result: LessonResult | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(classes="lesson-pane", **kwargs)
        self.lesson = lesson
        self.steps = steps(lesson)
        """The lesson's own steps, then its predictions and challenges (``engine.practice.steps``)."""
        self.challenge_records: dict[str, dict] = {k: dict(v) for k, v in (challenges or {}).items()}
        """What the learner did on each challenge (code, hints, outcome), by challenge id."""
        self._initial = {**lesson.defaults(), **(values or {})}
        self._debounce: Timer | None = None
        self.step_index = min(max(step, 0), len(self.steps) - 1)
        self.met: set[str] = set(met)
        """Ids of the steps whose goal the learner has met (once met, a goal stays met)."""
        self._results: dict[str, LessonResult] = {}
        """The last result of each step visited, shown at once when the learner comes back to it."""
        self._previous_result: LessonResult | None = None
        """The result shown before the current one: the last good output if showing the current one fails."""
        self.restored = restored
        """True for a pane that replaces one that failed (``successor``), until the learner edits a field."""
        self._first_result = result
        """The first step's result for these values, computed before the pane was built: it is built showing it."""

    @property
    def step(self) -> Step:
        """The step on screen."""
        return self.steps[self.step_index]

    @property
    def has_steps(self) -> bool:
        """Whether the lesson is worked through in steps (the Playground is one free screen)."""
        return len(self.steps) > 1 or any(step.goal for step in self.steps)

    def compose(self) -> ComposeResult:
        yield Static(classes="lesson-title", markup=False)
        yield Static(classes="lesson-summary", markup=False)
        yield FieldsForm(self.lesson.fields, self._initial, shown=self.step.fields)
        yield FailureNotice()
        yield ResultView(self._first_result, classes="results")
        yield ChallengeView(classes="challenge")
        yield PredictionView(classes="prediction")
        yield GoalBar(self.lesson, classes="goal-bar")

    def on_mount(self) -> None:
        self._lay_out_step()
        if self._first_result is not None:
            self._results[self.step.id] = self._first_result
            self._shown(self._first_result, self.step.id)
        self.watch(self.app, "engine_status", self._engine_changed)

    def _engine_changed(self, before: EngineStatus, status: EngineStatus) -> None:
        """PyTorch is ready (now, or before this pane was mounted: then ``before`` is ``status``): compute.

        Deferred to the pane's own queue, which runs only once its fields are built. A pane built
        with its first result has nothing to compute yet; one that replaces a failed one after
        PyTorch loaded keeps the last good output until the learner's next edit (``restore``).
        """
        mounted_ready = before is status
        if status is EngineStatus.READY and not (mounted_ready and (self.restored or self._first_result is not None)):
            self.call_later(self.recompute)

    @property
    def engine_ready(self) -> bool:
        """Whether PyTorch has loaded, so that the pane can compute."""
        return tutor_app(self).engine_status is EngineStatus.READY

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

    # ------------------------------------------------------------ steps

    def _lay_out_step(self) -> None:
        """Show the step's heading, prose, fields, actions and goal; the result follows from the worker."""
        lesson, step = self.lesson, self.step
        title = f"{lesson.number} {lesson.title}"
        if self.has_steps:
            title += _(
                ", step {number} of {count}: {heading}",
                number=self.step_index + 1,
                count=len(self.steps),
                heading=step.heading,
            )
        self.query_one(".lesson-title", Static).update(title)
        prose = self.query_one(".lesson-summary", Static)
        prose.update(wrapped(step.prose if self.has_steps else lesson.summary))
        self.form.show_only(step.fields)
        self.form.set_class(len(step.fields) == 0, "-empty")
        self._lay_out_practice(step)
        self.query_one(GoalBar).display = self.has_steps
        self._show_goal()
        self.scroll_home(animate=False)

    def _show_goal(self) -> None:
        if self.has_steps:
            self.query_one(GoalBar).show(self.lesson, self.step_index, self.step.id in self.met, self.steps)

    def go_to_step(self, index: int) -> bool:
        """Show step ``index`` (0-based); False if there is no such step."""
        if not 0 <= index < len(self.steps) or index == self.step_index:
            return False
        focused_here = self.app.focused is not None and self in self.app.focused.ancestors
        self.step_index = index
        self._lay_out_step()
        cached = self._results.get(self.step.id)
        if cached is not None:
            self._display(cached)
        elif self.results.result is not None:
            self.results.clear()
        self.post_message(self.StepShown(self.lesson.id, index))
        if self._debounce is not None:
            self._debounce.stop()
        self.recompute()
        if focused_here:
            self.focus_first_field()
        return True

    def move(self, offset: int) -> bool:
        """Go ``offset`` steps forward (or back); False at either end."""
        return self.go_to_step(self.step_index + offset)

    def on_goal_bar_action(self, event: GoalBar.Action) -> None:
        event.stop()
        self.action_lesson_action(event.name)

    def on_goal_bar_move(self, event: GoalBar.Move) -> None:
        event.stop()
        if not self.move(event.offset):
            self.app.bell()

    def _lay_out_practice(self, step: Step) -> None:
        """A challenge or prediction step shows its own view in place of the fields and the result."""
        item = for_step(self.lesson.id, step)
        challenge, prediction = self.query_one(ChallengeView), self.query_one(PredictionView)
        challenge.display = isinstance(item, Challenge)
        prediction.display = isinstance(item, Prediction)
        self.form.set_class(item is not None, "-practice")  # a class, so the form's "-empty" rule still applies
        if item is not None:
            self.results.display = False
            self.query_one(FailureNotice).show_message("", "")
        if isinstance(item, Challenge):
            challenge.show(item, self.challenge_records.get(item.id, {}))
        elif isinstance(item, Prediction):
            prediction.show(item)

    def on_challenge_view_changed(self, event: ChallengeView.Changed) -> None:
        """Keep the record (the app saves it: the message goes on up); a pass meets the step's goal."""
        self.challenge_records[event.challenge.id] = dict(event.record)
        if event.solved:
            self._goal_met(self.step.id)

    def on_prediction_view_answered(self, event: PredictionView.Answered) -> None:
        event.stop()
        self._goal_met(self.step.id)

    def _goal_met(self, step: str) -> None:
        if step not in self.met:
            self.met.add(step)
            self._show_goal()
            self.post_message(self.GoalMet(self.lesson.id, step))

    def focus_first_field(self) -> bool:
        """Focus the step's first field (or its first control); False if it has none."""
        if self.step.kind == "challenge":
            self.query_one(ChallengeView).editor.focus()
            return True
        if self.step.kind == "predict":
            self.query_one(PredictionView).choices.focus()
            return True
        rows = {row.spec.name: row for row in self.form.rows() if row.display}
        first = next((name for name in self.step.fields if name in rows), None)
        if first is not None:
            rows[first].focus_editor()
            return True
        buttons = [b for b in self.query(Button) if b.display and b.parent is not None and b.parent.display]
        if buttons:
            buttons[-1].focus()
            return True
        return False

    # ------------------------------------------------------------ computing

    def set_values(self, values: Mapping[str, str]) -> None:
        """Put new values in the fields (a fix, an action) and recompute at once."""
        self.form.set_values(values)
        self._changed()
        self.recompute()

    def can_run_action(self, name: str) -> bool:
        """Whether the step on screen offers lesson action ``name``."""
        return name in self.step.actions

    def apply_action(self, name: str) -> bool:
        """Apply a lesson action whose result was precomputed; False if it is not available now."""
        result = self.result
        if not self.can_run_action(name) or result is None or name not in result.actions:
            return False
        self.set_values(result.actions[name])
        return True

    def action_lesson_action(self, name: str) -> None:
        """A lesson action was asked for (its key, or its button)."""
        if not self.apply_action(name):
            self.app.bell()

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
        self.focus_first_field()

    def _changed(self) -> None:
        self.post_message(self.ValuesChanged(self.lesson.id, self.values()))

    def recompute(self) -> None:
        """Compute the step on screen for the fields' current values, in a worker.

        The first lesson's result may be in hand already: a served app computes it while this pane is built.
        """
        if self.engine_ready and self.step.kind == "explore":
            values = self.values()
            early = tutor_app(self).early_result(self.lesson.id, self.step.id, values)
            if early is None:
                self._compute(values, self.step.id)
            else:
                self._show(early, self.step.id)

    @work(thread=True, exclusive=True, group="compute")
    def _compute(self, values: dict[str, str], step: str) -> None:
        try:
            outcome: LessonResult | Exception = compute_step(tutor_app(self).engine, self.lesson, step, values)
        except InputError as error:
            outcome = error
        except Exception as error:  # noqa: BLE001 - any failure becomes a message, never a crash
            outcome = error
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._show, outcome, step)

    def _show(self, outcome: LessonResult | Exception, step: str) -> None:
        if step != self.step.id:
            return  # the learner moved on while it ran; the new step computes its own
        if isinstance(outcome, LessonResult):
            self.form.show_errors({})
            self.form.show_only(self.step.fields)
            self.query_one(FailureNotice).show_message("", "")
            self._previous_result = self.result
            self._results[step] = outcome
            if self._display(outcome):
                self._shown(outcome, step)
        elif isinstance(outcome, InputError) and (outcome.field or self.lesson.fields):
            field = outcome.field or (self.step.fields[0] if self.step.fields else self.lesson.fields[0].name)
            self.form.show_errors({field: outcome.message})
            self.form.reveal(field)  # a value from another step is wrong: show it here to be fixed
            self.results.set_stale(True)
            if self.result is None:
                self.results.wait_for_valid_input()
        else:
            self.post_message(self.Failed(self, outcome, broken=False))

    def _shown(self, result: LessonResult, step: str) -> None:
        """``result`` is on screen for ``step``: mark its goal and tell the app."""
        if result.goal_met:
            self._goal_met(step)
        self.post_message(self.Computed(self.lesson.id, result))

    def _display(self, result: LessonResult) -> bool:
        """Put ``result`` on screen; False (and a report to the error handler) if that failed."""
        self.results.display = True
        try:
            self.results.show(result)
        except Exception as error:  # noqa: BLE001 - the app's error handler rebuilds the pane
            self.post_message(self.Failed(self, error, broken=True))
            return False
        return True

    def show_failure(self, message: str) -> None:
        """Show an unexpected failure above the last good output, which stays (dimmed)."""
        if self.result is None:
            self.results.display = False  # nothing good to keep: drop the "loading" line
            hint = _("The other lessons still work: escape returns to the list.")
        else:
            hint = _("The output below is the last that worked; change a field to try again.")
        self.query_one(FailureNotice).show_message(message, hint)
        self.results.set_stale(True)

    def successor(self, rendering: bool) -> tuple[LessonPane, LessonResult | None]:
        """A fresh pane to take this one's place after a failure, and the last good output for it to show.

        The fresh pane holds the same lesson, step, goals, challenge records and field text (an
        editor that never finished building gives its last known text). ``rendering`` says the
        failure came from showing the latest result, so the good output is the one before it. A
        pane that was itself restored hands on no output: the one it came back with failed too.
        """
        output = None if self.restored else self._previous_result if rendering else self.result
        fresh = type(self)(
            self.lesson,
            self.form.values(),
            step=self.step_index,
            met=self.met,
            challenges=self.challenge_records,
            restored=True,
            id=self.id,
        )
        return fresh, output

    def restore(self, result: LessonResult | None, message: str) -> None:
        """Come back after the pane this one replaces failed: its last good output and what went wrong."""
        if result is not None:
            self.results.show(result)
        else:
            self.results.display = False
        hint = _("The lesson was reloaded with your values; change a field to run it again.")
        self.query_one(FailureNotice).show_message(message, hint)
        self.results.set_stale(True)
