"""The tensor-tutor app: a sidebar of lessons and one pane per lesson.

The app never imports torch: every lesson computes in a worker process
(``engine.worker``). The app paints first, then starts the worker's zygote in a
thread worker (importing torch there takes a second or more); the panes compute
once it is ready.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable, Sequence
from functools import partial
from typing import TYPE_CHECKING

from textual import work
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.css.query import NoMatches
from textual.events import Resize
from textual.filter import LineFilter
from textual.reactive import var
from textual.screen import Screen
from textual.timer import Timer
from textual.widget import AwaitMount
from textual.widgets import ContentSwitcher, Static

from engine.catalog import LESSONS, lesson_by_id
from engine.i18n import CHINESE, ENGLISH, _, language
from engine.lesson import Field, Lesson
from engine.practice import steps
from engine.worker.client import Client, EngineRefused, EngineUnavailable, shared
from tui import glyphs, heap
from tui.engine_status import EngineStatus
from tui.errors import ErrorHandler
from tui.screens.too_small import guard_size
from tui.served_start import ServedStart, first_lesson, first_request
from tui.state import StateStore
from tui.textual_hooks import RecoveringApp
from tui.widgets.footer import Footer
from tui.widgets.lesson_list import LessonList

if TYPE_CHECKING:  # the lesson's widgets load after the first frame, which shows the sidebar alone
    from engine.blocks import LessonResult
    from tui.widgets.challenge import ChallengeView
    from tui.widgets.lesson_pane import LessonPane

LANGUAGE_NAMES = {ENGLISH: "English", CHINESE: "中文"}
"""Each language by its own name, as a learner who reads it looks for it."""


class TensorTutorApp(RecoveringApp[None]):
    """Learn PyTorch basics by editing real tensors."""

    TITLE = "tensor-tutor"
    CSS_PATH = ["app.tcss", "steps.tcss", "practice.tcss"]
    BINDINGS = [
        Binding("q", "quit", _("quit")),
        Binding("f1,question_mark", "help", _("help")),
        Binding("escape", "focus_lessons", _("lessons")),
        Binding("c,f2", "show_code", _("code"), key_display="c/f2"),
        Binding("pagedown", "move_step(1)", _("next step"), key_display="PgDn", priority=True),
        Binding("pageup", "move_step(-1)", _("back"), key_display="PgUp", show=False, priority=True),
        Binding("ctrl+down", "scroll_step(1)", _("scroll"), key_display="^↓", priority=True),
        Binding("ctrl+up", "scroll_step(-1)", _("scroll up"), show=False, priority=True),
        # Out of the footer (help and the sidebar's own help name it): at 80 columns the lesson's keys come first.
        Binding("ctrl+b", "toggle_sidebar", _("sidebar"), key_display="^b", show=False, priority=True),
        # Textual's own palette key, declared here so the footer names it in the learner's language.
        Binding(
            "ctrl+p", "command_palette", _("palette"), show=False, priority=True, tooltip=_("Open the command palette")
        ),
        # Each lesson's own keys, enabled only on the steps that offer them (see check_action). One with a button
        # stays out of the footer: the button beside the goal names its key, and the footer keeps room at 80 columns.
        *(
            Binding(
                action.key,
                f"lesson_action('{lesson.id}', '{action.name}')",
                action.description,
                show=not action.button,
                priority=True,
            )
            for lesson in LESSONS
            for action in lesson.actions
        ),
    ]

    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (72, "-wide")]
    """Below 72 columns the screen is ``-narrow`` (app.tcss stacks what would be cut there)."""

    SAVE_DELAY = 0.5
    """Seconds of quiet before field edits are written to the state file."""

    FIRST_RESULT_WAIT = 0.2
    """Seconds a served app waits for its first result before building the first pane without it."""

    engine_status: var[EngineStatus] = var(EngineStatus.LOADING)
    """Whether PyTorch has loaded in the engine's process: the lesson panes watch it."""

    def __init__(
        self, store: StateStore | None = None, engine: Client | None = None, start: ServedStart | None = None
    ) -> None:
        """``start``: the served ``engine``'s connection, begun before the app was imported (else begun here)."""
        super().__init__()
        self.engine = engine or shared()
        """Runs every computation, in a worker process."""
        self.store = store or StateStore()
        if not self.store.loaded:
            self.store.load()
        if start is None and self.engine.server is not None:
            start = ServedStart(self.engine, first_request(self.store.state))
        self._start = start
        self.errors = ErrorHandler(self)
        self._save_timer: Timer | None = None
        self._glyph_filters: list[LineFilter] = []
        if glyphs.plain():
            self._glyph_filters.append(glyphs.PlainGlyphs())
        elif language() == CHINESE:
            self._glyph_filters.append(glyphs.WideSafeGlyphs())
        self.relaunch: str | None = None
        """The language to start again in, once the app has exited (the palette's language command)."""
        self._lesson_shown = False
        """True once the first lesson's pane is mounted (the frame after the sidebar's)."""
        self._scroll_key_shown = False
        """Whether the footer was last refreshed with the pane taller than the screen (its scroll key shown)."""
        self._settled: set[str] = set()
        """The lessons whose pane has shown a result: what they built is frozen out of the collector's way."""

    def get_line_filters(self) -> Sequence[LineFilter]:
        """Textual's filters, plus the plain glyph set where the terminal's font needs it (``tui/glyphs.py``)."""
        return [*super().get_line_filters(), *self._glyph_filters]

    def watch_sub_title(self, sub_title: str) -> None:
        """The engine's state (loading, ready, failed) under the lessons: every row above is the lesson's."""
        for status in self.query(".engine-status").results(Static):
            status.update(sub_title)

    def _first_lesson(self) -> Lesson:
        """The lesson the learner was on last time (the first one on a fresh start)."""
        return first_lesson(self.store.state)

    def _new_pane(self, lesson: Lesson) -> LessonPane:
        from tui.widgets.lesson_pane import LessonPane

        pane_class: type[LessonPane] = LessonPane
        if lesson.id == "playground":
            from tui.widgets.playground import PlaygroundPane  # its editor loads when it is first opened

            pane_class = PlaygroundPane
        state = self.store.state
        first = first_request(self.store.state) if lesson is self._first_lesson() else None
        return pane_class(
            lesson,
            state.values.get(lesson.id),
            step=state.step_of(lesson.id),
            met=state.goals_of(lesson.id),
            challenges=state.challenges_of(lesson.id),
            result=None if first is None else self.early_result(lesson.id, first[1], first[2]),
            id=f"pane-{lesson.id}",
        )

    def progress(self) -> dict[str, tuple[int, int]]:
        """Each lesson with steps: goals met (challenges solved among them) and steps, as the sidebar shows them."""
        state = self.store.state
        every = {lesson.id: steps(lesson) for lesson in LESSONS}
        return {
            lesson.id: (
                len(set(state.goals_of(lesson.id)) & {s.id for s in every[lesson.id] if s.goal}),
                sum(1 for s in every[lesson.id] if s.goal),
            )
            for lesson in LESSONS
            if any(step.goal for step in every[lesson.id])
        }

    def compose(self) -> ComposeResult:
        first = self._first_lesson()
        # A server reached while the app imported: its first frame is the whole screen, lesson 1's tensor and all.
        built = self._start is not None and self._start.ready()
        if built:
            self.engine_status = EngineStatus.READY
        with Horizontal(id="main"):
            with Vertical(id="sidebar"):
                yield LessonList(LESSONS, self.progress(), first.id, id="lessons")
                yield Static(classes="engine-status", markup=False)
            with ContentSwitcher(id="panes", initial=f"pane-{first.id}" if built else None):
                if built:
                    yield self._new_pane(first)
        yield Footer()

    def on_mount(self) -> None:
        if self._start is not None and self.engine_status is EngineStatus.READY:  # built with its result (compose)
            self._engine_loaded(self._start.versions["torch"])
        else:
            self.sub_title = _("loading PyTorch…")
        self._show_notices()
        guard_size(self, self.size)
        # The pane may have grown past the screen (a learner's big shape): the footer then says how to scroll.
        # Checked after every layout, as the pane ends up: the blocks a result replaces go a refresh or more
        # after it shows, and a pane's sizes can be stale in the middle of a layout.
        self.screen.screen_layout_refresh_signal.subscribe(self, self._show_scroll_key)
        # With an engine of the app's own, the first frame is the sidebar alone; the lesson's pane
        # (its fields, pick-lists and result area) is built after it, and then the engine starts
        # importing PyTorch. A served engine is only a connection (the server forks the worker),
        # made as the app starts (``ServedStart``), with the first lesson computed: the pane is
        # built once that result is in, result and all, in one frame (in the first frame if it was
        # in before the app was built); it waits at most FIRST_RESULT_WAIT for it.
        if self.engine.server is None:
            self.call_after_refresh(self._mount_first_pane)
        elif self.engine_status is not EngineStatus.READY:
            self._load_engine()
            self.set_timer(self.FIRST_RESULT_WAIT, self._mount_first_pane)

    async def _mount_first_pane(self) -> None:
        if self._lesson_shown:
            return
        self._lesson_shown = True
        # One frame for the whole pane: drawn while it mounted, it first showed in two or three
        # partial frames (10-20 ms each), and its result only in the frame after those.
        with self.batch_update():
            # Typing on a fresh start edits the first field: no key on the sidebar jumps lessons or quits.
            mounted = self.show_lesson(self._first_lesson().id, enter=True)
            if mounted is not None:
                await mounted
        if self.engine.server is None:
            self.call_after_refresh(self._load_engine)

    @work(thread=True, exclusive=True, group="engine")
    def _load_engine(self) -> None:
        """Start the engine (a served one: wait for the start begun with the app, see ``early_result``)."""
        try:
            try:
                versions = self.engine.start() if self._start is None else self._start.wait()
            except EngineRefused as refused:  # the class's server is full or gone: this app has its own
                self.call_from_thread(
                    self.notify,
                    _("{refused}.\nStarting an engine of this app's own instead.", refused=refused),
                    severity="warning",
                    timeout=10,
                )
                self.engine = Client()
                versions = self.engine.start()
        except (EngineUnavailable, OSError) as error:  # a broken install is reported, not a crash
            self.call_from_thread(self._engine_failed, error)
            return
        self.call_from_thread(self._engine_loaded, versions["torch"])

    def _engine_failed(self, error: Exception) -> None:
        self.sub_title = _("PyTorch failed to load")
        self.notify(
            _("{error}\nCheck the install (make run sets one up).", error=error),
            title=_("PyTorch could not be loaded"),
            severity="error",
            timeout=30,
        )
        self.engine_status = EngineStatus.FAILED
        self.call_later(self._mount_first_pane)

    def _engine_loaded(self, version: str) -> None:
        version = version.split("+")[0]
        served = self.engine.server is not None
        self.sub_title = (
            _("PyTorch {version} ready (served)", version=version)
            if served
            else _("PyTorch {version} ready", version=version)
        )
        self.engine_status = EngineStatus.READY
        self.call_later(self._mount_first_pane)

    def early_result(self, lesson_id: str, step: str, values: dict[str, str]) -> LessonResult | None:
        """The first result the served start computed (``ServedStart``), if it is for exactly these inputs; given once."""
        start = self._start
        if start is None or not start.ready() or start.result is None:
            return None
        (inputs, result), start.result = start.result, None
        return result if inputs == (lesson_id, step, values) else None

    @property
    def current_pane(self) -> LessonPane:
        """The lesson on screen."""
        from tui.widgets.lesson_pane import LessonPane

        switcher = self.query_one(ContentSwitcher)
        return switcher.query_one(f"#{switcher.current}", LessonPane)

    def show_lesson(self, lesson_id: str, enter: bool = False) -> AwaitMount | None:
        """Show lesson ``lesson_id`` (mounting its pane the first time); ``enter`` focuses its fields.

        Mounting a pane answers its mount, which can be awaited (see ``_mount_first_pane``).
        """
        switcher = self.query_one(ContentSwitcher)
        pane_id = f"pane-{lesson_id}"
        mounted = None
        if not switcher.query(f"#{pane_id}"):
            mounted = switcher.mount(self._new_pane(lesson_by_id(lesson_id)))
        switcher.current = pane_id
        self.query_one(LessonList).select_lesson(lesson_id)
        self.refresh_bindings()
        if self.store.remember_lesson(lesson_id):
            self._save_soon()
        if enter:
            # Through the pane's own queue: a pane mounted just now has no fields until it runs.
            pane = self.current_pane
            pane.call_later(self._focus_first_field, pane)
        return mounted

    def _focus_first_field(self, pane: LessonPane) -> None:
        if pane is self.current_pane and not pane.focus_first_field():
            self.query_one(LessonList).focus()

    def on_lesson_pane_step_shown(self, event: LessonPane.StepShown) -> None:
        if self.store.remember_step(event.lesson_id, event.index):
            self._save_soon()
        self.refresh_bindings()

    def on_lesson_pane_goal_met(self, event: LessonPane.GoalMet) -> None:
        if self.store.remember_goal(event.lesson_id, event.step_id):
            self._save_soon()
        self.query_one(LessonList).show_progress(self.progress())

    def _show_scroll_key(self, _screen: Screen | None = None) -> None:
        """After a layout: refresh the bindings only when the scroll key comes or goes (this runs after every one)."""
        pane = self._pane_or_none()
        scrolls = pane is not None and pane.max_scroll_y > 0
        if scrolls != self._scroll_key_shown:
            self._scroll_key_shown = scrolls
            self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Lesson keys only on the steps that offer them; step keys only where there are steps."""
        if action == "lesson_action":
            lesson_id, name = parameters
            pane = self._pane_or_none()
            return pane is not None and pane.lesson.id == lesson_id and pane.can_run_action(str(name))
        if action == "move_step":
            pane = self._pane_or_none()
            if pane is None or not pane.has_steps:
                return False
            return True
        if action == "show_code":
            pane = self._pane_or_none()
            return pane is None or pane.step.kind == "explore"  # a challenge's code is the editor's own
        if action == "quit":
            return self._lesson_shown  # not before the lesson is there to type into
        if action == "scroll_step":
            pane = self._pane_or_none()
            return pane is not None and pane.max_scroll_y > 0
        return True

    def _pane_or_none(self) -> LessonPane | None:
        if len(self.screen_stack) > 1:
            return None
        try:
            return self.current_pane
        except Exception:  # noqa: BLE001 - while the screen is being built there is no pane yet
            return None

    def action_lesson_action(self, lesson_id: str, name: str) -> None:
        """A lesson key, wherever focus is: the pane on screen runs it."""
        self._after_queued_keys(self._run_lesson_action, lesson_id, name)

    def _run_lesson_action(self, lesson_id: str, name: str) -> None:
        pane = self._pane_or_none()
        if pane is not None and pane.lesson.id == lesson_id:
            pane.action_lesson_action(name)

    def action_move_step(self, offset: int) -> None:
        """PageDown / PageUp: the next or previous step of the lesson on screen, from anywhere."""
        self._after_queued_keys(self._move_step, offset)

    def _move_step(self, offset: int) -> None:
        pane = self._pane_or_none()  # none if a key ahead of this one opened a screen over the lesson
        if pane is not None and not pane.move(offset):
            self.bell()

    def _after_queued_keys(self, callback: Callable[..., None], *args: object) -> None:
        """Run a priority key's action once the focused widget has handled the keys that came before it.

        A priority binding runs as its key reaches the app, while keys ahead of it in the same burst may
        still wait in the focused widget's queue: enter then PageDown on a pick-list moved to the next step
        and then opened that step's choices. Queued on the focused widget, the action comes after them; and
        the keys behind it there wait until the app has applied the focus the action moved (``Widget.focus``
        is applied from the app's queue), so that they are passed on to the new step's field.
        """

        async def in_order() -> None:
            callback(*args)
            focus_applied = asyncio.Event()
            self.call_later(focus_applied.set)
            await focus_applied.wait()

        focused = self.focused
        if focused is None or not focused.call_later(in_order):
            callback(*args)  # no widget holds keys ahead of it (or the focused one is closing): now

    def action_go_to_step(self, index: int) -> None:
        """Show step ``index`` (0-based; -1 is the last) of the lesson on screen."""
        pane = self._pane_or_none()
        if pane is not None:
            pane.go_to_step(index % len(pane.steps))

    def action_scroll_step(self, direction: int) -> None:
        """Scroll a step taller than the screen (the footer shows the key only then)."""
        pane = self._pane_or_none()
        if pane is not None:
            pane.scroll_relative(y=direction * max(1, pane.size.height - 2), animate=False)

    def action_toggle_sidebar(self) -> None:
        """Collapse the sidebar to a strip of lesson numbers (or widen it again), so a step can use the width."""
        lessons = self.query_one(LessonList)
        lessons.collapsed = not lessons.collapsed
        self.query_one("#sidebar").set_class(lessons.collapsed, "-collapsed")

    def on_challenge_view_changed(self, event: ChallengeView.Changed) -> None:
        if self.store.remember_challenge(event.challenge.lesson, event.challenge.id, event.record):
            self._save_soon()

    def on_lesson_pane_computed(self, event: LessonPane.Computed) -> None:
        """A pane's first result is on screen: the objects built so far stay, and are frozen (``tui/heap.py``)."""
        if event.lesson_id not in self._settled:
            self._settled.add(event.lesson_id)
            self.call_after_refresh(heap.settle)

    def on_lesson_pane_values_changed(self, event: LessonPane.ValuesChanged) -> None:
        if self.store.remember_values(event.lesson_id, event.values):
            self._save_soon()

    def on_lesson_pane_failed(self, event: LessonPane.Failed) -> None:
        self.errors.failed(event.pane, event.error, event.broken)

    def recover(self, error: Exception) -> bool:
        """Errors inside a lesson become a message in its pane; anything else ends the app, place saved."""
        if self.errors.recover(error):
            return True
        self.store.save()
        return False

    def _save_soon(self) -> None:
        if self._save_timer is not None:
            self._save_timer.stop()
        self._save_timer = self.set_timer(self.SAVE_DELAY, self._save)

    def _save(self) -> None:
        self.store.save()
        self._show_notices()

    def _show_notices(self) -> None:
        for notice in self.store.take_notices():
            self.notify(notice, severity="warning", timeout=15)

    def on_unmount(self) -> None:
        self.store.save()
        heap.release()

    def on_resize(self, event: Resize) -> None:
        guard_size(self, event.size)  # self.size is still the old size here

    def on_lesson_list_picked(self, event: LessonList.Picked) -> None:
        highlighted = self.query_one(LessonList).highlighted_option
        if highlighted is not None and highlighted.id != event.lesson_id:
            return  # the highlight has moved on since (e.g. to the lesson resumed at start)
        self.show_lesson(event.lesson_id, enter=event.enter)

    def action_focus_lessons(self) -> None:
        """Escape: to the sidebar, and from the sidebar back into the lesson."""
        lessons = self.query_one(LessonList)
        if not lessons.has_focus:
            lessons.focus()
        elif (pane := self._pane_or_none()) is not None:  # none for the moment before the first pane is up
            self._focus_first_field(pane)

    def action_help(self) -> None:
        from tui.screens.help import HelpScreen  # Markdown is ~18 ms of imports: not before first paint

        self.push_screen(HelpScreen("\n\n".join(part for part in (self._focused_help(), self._lesson_keys()) if part)))

    def switch_language(self, language: str) -> None:
        """Remember ``language`` and start again in it.

        A restart rather than a repaint: lessons translate their texts when they are
        imported, key bindings when the app class is made, so a new process is the one
        way no old text stays on screen. The state file keeps the place and every field.
        """
        self.store.remember_language(language)
        self.store.save()
        self.relaunch = language
        self.exit()

    def _lesson_keys(self) -> str:
        """The keys of the lesson on screen beyond the usual ones (a descent step, a swap ...)."""
        try:
            lesson = self.current_pane.lesson
        except NoMatches:  # asked for before the first lesson's pane is up
            return ""
        if not lesson.actions:
            return ""
        rows = "\n".join(f"| {action.key} | {action.description} |" for action in lesson.actions)
        return _("## Keys in {title}\n\n| key | does |\n| --- | --- |\n{rows}", title=lesson.title, rows=rows)

    def action_show_code(self) -> None:
        """The lesson's code as a runnable script (c, or f2 from inside a text field)."""
        if len(self.screen_stack) > 1:
            return
        pane = self._pane_or_none()
        if pane is None or pane.result is None:
            self.notify(_("The code appears once PyTorch has loaded and the lesson has run."), timeout=4)
            return
        stale = pane.results.has_class("-stale")
        from tui.screens.code import CodeScreen

        self.push_screen(CodeScreen(pane.lesson, pane.result, stale), self._code_screen_closed)

    def _code_screen_closed(self, code: str | None) -> None:
        if code is not None:
            self.open_in_playground(code)

    def open_in_playground(self, code: str) -> None:
        """Show the Playground with ``code`` in its editor (ctrl+z there brings back what it held)."""
        self.show_lesson("playground", enter=True)
        # Through the pane's own queue: a Playground mounted just now has no editor until it runs.
        from tui.widgets.playground import PlaygroundPane

        pane = self.query_one("#pane-playground", PlaygroundPane)
        pane.call_later(pane.put_code, code)

    def _focused_help(self) -> str:
        """Help text for the widget with focus: a field's own help, or the widget's HELP."""
        focused = self.focused
        if focused is None:
            return ""
        from tui.widgets.fields import FieldRow

        row = next((a for a in focused.ancestors_with_self if isinstance(a, FieldRow)), None)
        if row is not None:
            spec: Field = row.spec
            keys = getattr(row.editor, "HELP", "")  # how this kind of field edits (tui/widgets/fields.py)
            about = spec.help or _("Edit the value; the output follows.")
            return _("## Field: {label}\n\n{help}\n\n{keys}", label=spec.label, help=about, keys=keys).rstrip()
        for widget in focused.ancestors_with_self:
            help_text = getattr(widget, "HELP", None)
            if help_text:
                return help_text
        return ""

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        other = ENGLISH if language() == CHINESE else CHINESE
        yield SystemCommand(
            _("Language: {name}", name=LANGUAGE_NAMES[other]),
            _(
                "Show the app in {name}: it starts again at the same place, with everything you typed.",
                name=LANGUAGE_NAMES[other],
            ),
            partial(self.switch_language, other),
        )
        for lesson in LESSONS:
            yield SystemCommand(
                _("Lesson {number}: {title}", number=lesson.number, title=lesson.title),
                lesson.summary,
                partial(self.show_lesson, lesson.id, True),
            )
