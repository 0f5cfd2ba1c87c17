"""A challenge step: the learner writes the code in the editor, and the engine checks it by running it.

The check runs in the engine's worker process (``engine.practice.checking``):
the learner's code on the challenge's inputs and on others, compared with the
reference's results. The verdict, the failing statement's explanation and its
fixes show under the editor. Hints come one at a time, only after a first
check, then the reference solution. Each change of the record (code, hints,
outcome) goes up as ``Changed`` for the app to save.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import work
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from engine.blocks import shape_text
from engine.i18n import _
from engine.outcomes import Fix, Problem
from engine.practice.model import CHECK_SECONDS, Challenge, Verdict
from tui.cjk import wrapped
from tui.engine_status import expect, tutor_app

if TYPE_CHECKING:
    from textual.widgets import TextArea

    from tui.widgets.code_editor import CodeEditor


class ChallengeView(Vertical):
    """The inputs given, the editor with the learner's code, and what the last check said."""

    BINDINGS = [
        Binding("ctrl+s,f5", "check", _("check"), key_display="^s"),
        Binding("f3", "hint", _("hint")),
        Binding("f4", "solution", _("solution")),
    ]

    HELP = _(
        "## Challenge\n\nWrite the code in the editor. **ctrl+s** (or **f5**) checks it: it runs on the inputs "
        "shown and on others, and is compared with a reference. After a check, **f3** shows a hint, one at a "
        "time, and after the hints **f4** shows the reference solution. **up/down** then **enter** on a fix "
        "puts it in your code."
    )

    @dataclass
    class Changed(Message):
        """The challenge's record changed (``record`` as ``tui.state`` keeps it); ``solved``: a check passed."""

        challenge: Challenge
        record: dict[str, Any]
        solved: bool

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.challenge: Challenge | None = None
        self.record: dict[str, Any] = {}
        self.verdict: Verdict | None = None
        self._fixes: tuple[Fix, ...] = ()

    def _build(self) -> None:
        """The view's widgets, mounted the first time a challenge is shown.

        Every lesson pane holds a challenge view, hidden on the lesson's own steps, where
        a pane usually opens: built there, the editor's syntax highlighting alone would
        delay the pane's first result by some 20 ms.
        """
        if self.children:
            return
        from tui.widgets.code_editor import CodeEditor  # TextArea's imports, only once a challenge is shown

        self.mount_all(
            [
                Static(classes="challenge-given", markup=False),
                CodeEditor("", classes="challenge-editor"),
                Static(classes="challenge-verdict", markup=False),
                Static(classes="challenge-explanation", markup=False),
                OptionList(classes="challenge-fixes"),
                Static(classes="challenge-hints", markup=False),
            ]
        )

    @property
    def editor(self) -> CodeEditor:
        from tui.widgets.code_editor import CodeEditor

        return self.query_one(CodeEditor)

    def show(self, challenge: Challenge, record: dict[str, Any]) -> None:
        """Lay out ``challenge`` with what the learner did on it before (``record``: code, hints, outcome)."""
        self._build()
        if challenge is not self.challenge:
            self.challenge = challenge
            self.record = dict(record)
            self.verdict = None
            self.query_one(".challenge-given", Static).update(wrapped(_("Given: {inputs}", inputs=challenge.given)))
            self.editor.load_text(self.record.get("code", challenge.starter))
            self._show_verdict()
        self._show_hints()

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        event.stop()
        if self.challenge is not None and event.text_area.text != self.record.get("code", self.challenge.starter):
            self._changed({"code": event.text_area.text})

    def _changed(self, update: dict[str, Any], solved: bool = False) -> None:
        assert self.challenge is not None
        self.record.update(update)
        self.post_message(self.Changed(self.challenge, dict(self.record), solved))

    # ------------------------------------------------------------ keys

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Hints only after a check, one at a time; the solution after the last hint."""
        if self.challenge is None:
            return False
        hints = self.record.get("hints", 0)
        if action == "hint":
            return bool(self.record.get("tried")) and hints < len(self.challenge.hints)
        if action == "solution":
            return (
                bool(self.record.get("tried"))
                and hints >= len(self.challenge.hints)
                and not self.record.get("solution")
            )
        return True

    def action_check(self) -> None:
        """Check the editor's code in the worker."""
        if self.challenge is not None:
            self.query_one(".challenge-verdict", Static).update(wrapped(_("Checking…")))
            self._check(self.challenge, self.editor.text)

    def action_hint(self) -> None:
        if self.check_action("hint", ()):
            self._changed({"hints": self.record.get("hints", 0) + 1})
            self._show_hints()

    def action_solution(self) -> None:
        if self.check_action("solution", ()):
            self._changed({"solution": True, "outcome": "shown"})
            self._show_hints()

    @work(thread=True, exclusive=True, group="check")
    def _check(self, challenge: Challenge, source: str) -> None:
        try:
            answer = tutor_app(self).engine.call(
                "check", time_limit=CHECK_SECONDS, lesson=challenge.lesson, challenge=challenge.id, source=source
            )
            verdict = expect(answer, Verdict)
        except Exception as error:  # noqa: BLE001 - a worker that failed is a verdict in words, never a crash
            verdict = Verdict(False, str(error) or type(error).__name__)
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._checked, challenge, verdict)

    def _checked(self, challenge: Challenge, verdict: Verdict) -> None:
        if challenge is not self.challenge:
            return  # the learner moved to another challenge meanwhile
        self.verdict = verdict
        update: dict[str, Any] = {"tried": True}
        if verdict.passed:
            hinted = self.record.get("hints", 0) > 0
            update["outcome"] = "shown" if self.record.get("solution") else "hinted" if hinted else "solved"
        self._changed(update, solved=verdict.passed)
        self._show_verdict()
        self._show_hints()

    # ------------------------------------------------------------ showing

    def _show_verdict(self) -> None:
        verdict = self.verdict
        line = self.query_one(".challenge-verdict", Static)
        explanation = self.query_one(".challenge-explanation", Static)
        fixes = self.query_one(".challenge-fixes", OptionList)
        self.set_class(verdict is not None and verdict.passed, "-passed")
        if verdict is None:
            line.update(wrapped(_("ctrl+s checks your code.")))
            explanation.display = False
            fixes.display = False
            return
        mark = _("Passed. ") if verdict.passed else _("Not yet: ")
        line.update(wrapped(Text.assemble((mark, "bold"), verdict.feedback)))
        problem: Problem | None = verdict.problem
        explanation.display = bool(problem and problem.explanation)
        explanation.update(wrapped(problem.explanation if problem else ""))
        self._fixes = problem.fixes if problem and problem.span is not None else ()
        fixes.clear_options()
        fixes.add_options(Option(_fix_prompt(fix, index == 0)) for index, fix in enumerate(self._fixes[:2]))
        fixes.display = bool(self._fixes)
        if self._fixes:
            fixes.highlighted = 0

    def _show_hints(self) -> None:
        challenge = self.challenge
        if challenge is None:
            return
        shown = min(self.record.get("hints", 0), len(challenge.hints))
        lines = [
            _("Hint {number} of {count}: {hint}", number=i + 1, count=len(challenge.hints), hint=challenge.hints[i])
            for i in range(shown)
        ]
        if self.record.get("solution"):
            lines = [_("Solution:"), challenge.solution.rstrip()]
        elif self.record.get("tried") and shown < len(challenge.hints):
            lines.append(_("f3: a hint ({left} left).", left=len(challenge.hints) - shown))
        elif self.record.get("tried"):
            lines.append(_("f4: the reference solution."))
        hints = self.query_one(".challenge-hints", Static)
        hints.update(wrapped("\n".join(lines)))
        hints.display = bool(lines)
        self.set_class(shown >= 2, "-many-hints")  # the editor gives up rows to them (practice.tcss)
        self.set_class(bool(self.record.get("solution")), "-solution")
        self.refresh_bindings()

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        """Mark the highlighted fix with an arrow too, so it stands out without colour (NO_COLOR)."""
        event.stop()
        fixes = self.query_one(".challenge-fixes", OptionList)
        for index, fix in enumerate(self._fixes[:2]):
            fixes.replace_option_prompt_at_index(index, _fix_prompt(fix, index == event.option_index))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        """A fix chosen: the failing statement in the editor becomes the fix's code."""
        event.stop()
        verdict = self.verdict
        if verdict is None or verdict.problem is None or verdict.problem.span is None:
            return
        fix = self._fixes[event.option_index]
        start, end = verdict.problem.span
        text = self.editor.text
        if text[start:end] != verdict.problem.source:
            self.app.bell()  # the code was edited since the check
            return
        self.editor.load_text(text[:start] + fix.code + text[end:])
        self._changed({"code": self.editor.text})
        self.editor.focus()
        self.action_check()


def _fix_prompt(fix: Fix, highlighted: bool) -> Text:
    """A fix on one line: what changes (its label, not the whole statement), the shape it gives, its note."""
    shape = f" -> {shape_text(fix.shape)}" if fix.shape is not None else ""
    return Text.assemble(
        "> " if highlighted else "  ", _("fix: {code}", code=fix.label or fix.code), shape, "  ", (fix.note, "dim")
    )
