"""Unexpected errors become a message in the lesson's pane; the app stays usable and keeps the last good output."""

from __future__ import annotations

import asyncio
import json

import pytest
from textual.widget import Widget
from textual.widgets import Input, TextArea

from engine import LESSONS
from engine.lesson import Lesson, Step
from engine.worker.client import EngineError
from tests.conftest import SIZE, settle
from tui.errors import describe
from tui.state import FILE_NAME
from tui.widgets.challenge import ChallengeView
from tui.widgets.failure import FailureNotice
from tui.widgets.lesson_list import LessonList
from tui.widgets.lesson_pane import LessonPane
from tui.widgets.results import ResultView

LESSON = LESSONS[0]


def _notice(pane: LessonPane) -> str:
    notice = pane.query_one(FailureNotice)
    return str(notice.content) if notice.display else ""


def _first_typed_editor(pane: LessonPane) -> Input | TextArea | None:
    return next((row.editor for row in pane.form.rows() if isinstance(row.editor, (Input, TextArea))), None)


async def _edit(pilot, pane: LessonPane, text: str = "1") -> dict[str, str]:
    """Type at the end of the pane's first typed field, as a learner; returns the values before."""
    editor = _first_typed_editor(pane)
    assert editor is not None, "the first lesson has a field to type in"
    before = pane.values()
    editor.focus()
    await pilot.pause()
    await pilot.press("end", *text)
    await settle(pilot)
    return before


async def _replaced(app, pane: LessonPane) -> None:
    """Wait until a new pane stands in ``pane``'s place.

    Pilot's waits would wait on the dead widget's queue forever; and the old pane is removed before the
    new one is mounted, so between the two there is no current pane to ask for.
    """
    for _ in range(100):
        if any(other is not pane and other.is_mounted for other in app.query(f"#{pane.id}")):
            return
        await asyncio.sleep(0.02)


async def test_a_failing_computation_keeps_the_last_good_output(app, monkeypatch) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        pane = app.current_pane
        good = pane.result
        assert good is not None and _notice(pane) == ""
        real_call = app.engine.call

        def failing(name, **arguments):
            raise EngineError("RuntimeError", "the engine broke\nover two lines")  # as the worker reports it

        monkeypatch.setattr(app.engine, "call", failing)
        await _edit(pilot, pane)
        assert app.current_pane is pane  # nothing to rebuild: the pane is whole
        assert "✗ Something went wrong: RuntimeError: the engine broke over two lines" in _notice(pane)
        assert pane.result is good and pane.results.has_class("-stale")
        assert app.errors.log == [f"{LESSON.title}: RuntimeError: the engine broke over two lines"]

        monkeypatch.setattr(app.engine, "call", real_call)
        await _edit(pilot, pane, "\b")
        await pilot.press("backspace")
        await settle(pilot)
        assert _notice(pane) == ""
        assert pane.result is not good and not pane.results.has_class("-stale")


async def test_a_result_that_fails_to_show_brings_back_the_previous_one(app, monkeypatch) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        pane = app.current_pane
        good = pane.result
        real_show = ResultView.show

        def show_once_broken(self, result):
            monkeypatch.setattr(ResultView, "show", real_show)
            raise ValueError("cannot draw this")

        monkeypatch.setattr(ResultView, "show", show_once_broken)
        name = next(row.spec.name for row in pane.form.rows() if row.editor is _first_typed_editor(pane))
        before = await _edit(pilot, pane, "2")
        await settle(pilot)
        fresh = app.current_pane
        assert fresh is not pane and fresh.id == pane.id and fresh.lesson is pane.lesson
        assert fresh.values() == {**before, name: before[name] + "2"}  # what was typed is still there
        assert fresh.result is good  # the last output that showed, shown again
        assert "ValueError: cannot draw this" in _notice(fresh)
        assert "reloaded with your values" in _notice(fresh)
        assert isinstance(app.focused, (Input, TextArea)) and fresh in app.focused.ancestors

        await _edit(pilot, fresh, "\b")  # the learner carries on
        await pilot.press("backspace")
        await settle(pilot)
        assert _notice(fresh) == "" and fresh.result is not good


class _Exploding(Widget):
    def on_mount(self) -> None:
        raise KeyError("widget bug")


async def test_a_widget_that_raises_inside_a_pane_rebuilds_the_pane(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        pane = app.current_pane
        good = pane.result
        await _edit(pilot, pane, "0")
        assert pane.result is not good
        # A widget of the latest result fails: the result before it is the last good output.
        await pane.results.mount(_Exploding())
        await _replaced(app, pane)
        await settle(pilot)
        fresh = app.current_pane
        assert fresh is not pane and fresh.result is good
        assert "KeyError: 'widget bug'" in _notice(fresh)
        assert app.is_running
        await pilot.press("escape", "2")
        await settle(pilot)
        assert app.current_pane.lesson.id == LESSONS[1].id


async def test_a_handler_that_raises_in_a_pane_keeps_the_values(app, monkeypatch) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        pane = app.current_pane
        real = LessonPane.on_fields_form_changed

        def broken(self, event):
            monkeypatch.setattr(LessonPane, "on_fields_form_changed", real)
            raise AttributeError("handler bug")

        monkeypatch.setattr(LessonPane, "on_fields_form_changed", broken)
        await _edit(pilot, pane, "5")
        await settle(pilot)
        fresh = app.current_pane
        assert fresh is not pane
        assert "AttributeError: handler bug" in _notice(fresh)
        typed = _first_typed_editor(fresh)
        assert typed is not None and str(getattr(typed, "value", getattr(typed, "text", ""))).endswith("5")
        # It computes again as soon as the learner edits.
        await _edit(pilot, fresh, "\b")
        await pilot.press("backspace")
        await settle(pilot)
        assert _notice(fresh) == ""


async def test_a_failing_worker_is_reported_in_its_pane(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        pane = app.current_pane

        def crash() -> None:
            raise OSError(5, "Input/output error")

        pane.run_worker(crash, thread=True)
        await settle(pilot)
        assert app.is_running and app.current_pane is pane
        assert "OSError: [Errno 5] Input/output error" in _notice(pane)


async def test_an_error_outside_the_lessons_saves_the_place_then_exits(app, tmp_path, monkeypatch) -> None:
    def broken(self, number):
        raise RuntimeError("sidebar bug")

    with pytest.raises(RuntimeError, match="sidebar bug"):
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await pilot.press("escape", "2")
            await settle(pilot)
            monkeypatch.setattr(LessonList, "action_pick", broken)
            await pilot.press("3")
            await pilot.pause(0.2)
    assert app.return_code == 1
    saved = json.loads((tmp_path / "state" / "tensor-tutor" / FILE_NAME).read_text())
    assert saved["lesson"] == LESSONS[1].id


def test_describe_names_a_missing_lesson_module() -> None:
    lesson = Lesson("x", 9, "X", "", (), "engine.lessons.not_written_yet", steps=(Step("s", "heading", "prose", ()),))
    try:
        lesson.compute({})
    except ModuleNotFoundError as error:
        assert describe(error, lesson) == (
            "This lesson is not available in this version: its engine module engine.lessons.not_written_yet is missing."
        )
    else:  # pragma: no cover
        pytest.fail("importing a missing module should fail")
    long = describe(ValueError("x" * 1000))
    assert len(long) == 300 and long.endswith("…")


async def test_a_pane_rebuilt_on_a_challenge_step_keeps_the_code_typed_there(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("escape", str(LESSON.number), "enter")
        await settle(pilot)
        pane = app.current_pane
        target = [step.id for step in pane.steps].index("challenge-ones")
        await pilot.press(*["pagedown"] * (target - pane.step_index))
        await settle(pilot)
        await pilot.pause(0.1)
        view = pane.query_one(ChallengeView)
        assert app.focused is view.editor
        await pilot.press("end", "#", "space", "m", "i", "n", "e")
        typed = view.editor.text
        assert "# mine" in typed
        await view.mount(_Exploding())  # a widget of the challenge fails: the pane is rebuilt
        await _replaced(app, pane)
        await settle(pilot)
        fresh = app.current_pane
        assert fresh is not pane and fresh.step.id == "challenge-ones"
        assert "KeyError: 'widget bug'" in _notice(fresh)
        assert fresh.query_one(ChallengeView).editor.text == typed
