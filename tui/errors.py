"""The one place where an unexpected error becomes a message in a lesson pane.

Two kinds of failure reach it:

- a lesson's computation (or any worker of a pane) failed: the pane is whole,
  so it shows the message above its last good output, dimmed;
- showing a result, or a handler of a widget inside a pane, raised: Textual
  stops that widget's message loop, so the pane is replaced by a fresh one with
  the same field values and the last good output, the message on top.

An error anywhere else (the sidebar, the app itself) leaves nothing safe to
keep running: the app saves the learner's place and exits with Textual's own
report. A budget of recoveries stops an error that repeats on every frame from
looping forever.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.app import App
from textual.dom import DOMNode
from textual.widgets import ContentSwitcher
from textual.worker import NoActiveWorker, WorkerFailed, get_current_worker

from engine.i18n import _
from engine.lesson import Lesson
from engine.worker.client import EngineError, RunFailed
from tui.textual_hooks import failing_node

if TYPE_CHECKING:
    from tui.widgets.lesson_pane import LessonPane

MAX_RECOVERIES = 50
"""Panes rebuilt in one session before an error is treated as fatal."""

MAX_MESSAGE_CHARS = 300


def describe(error: BaseException, lesson: Lesson | None = None) -> str:
    """One readable line for ``error``: what failed, in words a learner can pass on."""
    if isinstance(error, WorkerFailed):
        error = error.error
    kind = type(error).__name__
    module = error.name if isinstance(error, ModuleNotFoundError) else None
    if isinstance(error, EngineError):  # raised in the worker: its own type's name
        kind, module = error.kind, error.module
    if kind == "ModuleNotFoundError" and lesson is not None and module == lesson.module:
        return _(
            "This lesson is not available in this version: its engine module {module} is missing.", module=lesson.module
        )
    detail = " ".join(str(error).split())
    if isinstance(error, RunFailed) and not isinstance(error, EngineError):
        kind = ""  # a time limit, a stop, a worker's end: the message says it in words
    text = f"{kind}: {detail}" if kind and detail else kind or detail
    if len(text) > MAX_MESSAGE_CHARS:
        text = text[: MAX_MESSAGE_CHARS - 1] + "…"
    return text


def pane_of(node: DOMNode | None) -> LessonPane | None:
    """The lesson pane that holds ``node``, if any."""
    from tui.widgets.lesson_pane import LessonPane  # loaded with the first pane, after the first frame

    if node is None:
        return None
    return next((n for n in node.ancestors_with_self if isinstance(n, LessonPane)), None)


def _worker_node() -> DOMNode | None:
    """The node that started the worker running now, if a worker is running."""
    try:
        return get_current_worker().node
    except NoActiveWorker:
        return None


class ErrorHandler:
    """Routes every unexpected error to the pane it happened in and keeps a log of them."""

    def __init__(self, app: App[Any]) -> None:
        self.app = app
        self.log: list[str] = []
        """Every message shown this session, oldest first."""
        self._recoveries = 0
        self._renewing: set[LessonPane] = set()

    def _note(self, error: BaseException, pane: LessonPane) -> str:
        """Describe ``error`` and keep it in the log (and Textual's devtools log)."""
        text = describe(error, pane.lesson)
        self.log.append(f"{pane.lesson.title}: {text}")
        self.app.log.error(f"{pane.lesson.id}: {text}")
        return text

    def report(self, error: BaseException, pane: LessonPane) -> None:
        """Show ``error`` in ``pane``, above its last good output."""
        pane.show_failure(self._note(error, pane))

    def recover(self, error: Exception) -> bool:
        """Handle an error Textual caught (``RecoveringApp.recover``); False if it is fatal."""
        if self._recoveries >= MAX_RECOVERIES:
            return False
        if isinstance(error, WorkerFailed):
            # A worker runs apart from every message loop: its pane is still whole.
            pane = pane_of(_worker_node())
            if pane is None:
                return False
            if not pane.is_attached:
                return True  # its pane is gone, and the result with it
            self._recoveries += 1
            self.report(error, pane)
            return True
        failed = failing_node()
        pane = pane_of(failed)
        if failed is None or pane is None:
            return False
        self._recoveries += 1
        from tui.widgets.results import ResultView  # loaded with the first pane, after the first frame

        rendering = any(isinstance(node, ResultView) for node in failed.ancestors_with_self)
        self.renew(pane, error, rendering)
        return True

    def failed(self, pane: LessonPane, error: BaseException, broken: bool) -> None:
        """A pane reported a failure (``LessonPane.Failed``); ``broken`` panes are rebuilt."""
        if broken and self._recoveries < MAX_RECOVERIES:
            self._recoveries += 1
            self.renew(pane, error, rendering=True)
        else:
            self.report(error, pane)

    def renew(self, pane: LessonPane, error: BaseException, rendering: bool) -> None:
        """Replace ``pane`` with a fresh one, keeping its values and its last good output.

        ``rendering`` says the error came from showing the latest result, so the
        one before it is the last good output.
        """
        text = self._note(error, pane)
        if pane in self._renewing:
            return  # one replacement per pane, however many of its widgets failed
        self._renewing.add(pane)
        self.app.call_later(self._replace, pane, rendering, text)

    async def _replace(self, old: LessonPane, rendering: bool, text: str) -> None:
        switcher = old.parent
        if not isinstance(switcher, ContentSwitcher):
            return  # already gone
        fresh, output = old.successor(rendering)
        showing = switcher.current == old.id
        had_focus = self.app.focused is not None and pane_of(self.app.focused) is old
        await old.remove()
        self._renewing.discard(old)
        fresh.display = showing
        await switcher.mount(fresh)
        try:
            fresh.restore(output, text)
        except Exception as error:  # noqa: BLE001 - the kept output fails to show too: show none
            fresh.restore(None, _("{text} (then, showing the last output: {error})", text=text, error=describe(error)))
        if had_focus:
            if not fresh.focus_first_field():
                self.app.query_one("#lessons").focus()
