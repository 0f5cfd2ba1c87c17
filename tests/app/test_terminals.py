"""The app in the terminals learners really have: 80x24, too small, NO_COLOR, 16 colours.

Screens are checked as the terminal would receive them: the compositor's full
frame rendered through the app's own console (its colour system, its filters).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest
from textual.geometry import Region
from textual.widgets import Input

from engine import LESSONS, InputError
from engine.lesson import Lesson
from engine.worker.client import EngineError
from tests.conftest import SIZE, settle
from tests.screen import frame as _frame
from tui.app import TensorTutorApp
from tui.screens.help import HelpScreen
from tui.screens.too_small import MIN_HEIGHT, MIN_WIDTH, TooSmallScreen

COLOUR = re.compile(r"\x1b\[([0-9;]*)m")


def _words_in(text: str, region: Region) -> str:
    """The words shown inside ``region`` of a frame, in reading order, without borders."""
    rows = text.splitlines()[region.y : region.bottom]
    cropped = " ".join(row[region.x : region.right] for row in rows)
    return " ".join(word for word in cropped.split() if word not in ("▌", "▐", "▕", "▎"))


def _colours(ansi: str) -> set[str]:
    """Every SGR colour parameter in ``ansi`` (e.g. ``31``, ``38;5;208``, ``48;2;10;10;10``)."""
    found: set[str] = set()
    for match in COLOUR.finditer(ansi):
        params = match.group(1).split(";")
        i = 0
        while i < len(params):
            p = params[i]
            if p in ("38", "48"):
                size = 3 if params[i + 1] == "5" else 5
                found.add(";".join(params[i : i + size]))
                i += size
                continue
            if p and (30 <= int(p) <= 49 or 90 <= int(p) <= 107):
                found.add(p)
            i += 1
    return found


def _typed_field_lesson() -> tuple[Lesson, str] | None:
    """A lesson and the name of a one-line text field in it (whatever lessons exist)."""
    for lesson in LESSONS:
        for field in lesson.fields:
            if not field.choices and not field.multiline:
                return lesson, field.name
    return None


async def _type_over(pilot, editor: Input, text: str) -> None:
    editor.focus()
    await pilot.pause()
    await pilot.press("end", *["backspace"] * len(editor.value), *text)
    await settle(pilot)


async def test_every_lesson_fits_80x24_without_horizontal_scrolling(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        text, _ = _frame(app)
        for lesson in LESSONS:
            assert f"{lesson.number} {lesson.title}" in text  # the whole sidebar, unclipped
        for lesson in LESSONS:
            app.show_lesson(lesson.id)
            await settle(pilot)
            pane = app.current_pane
            assert pane.lesson.id == lesson.id
            assert pane.max_scroll_x == 0, f"{lesson.id} scrolls sideways"
            right = pane.content_region.right
            for widget in pane.query("*"):
                if widget.display and widget.region:
                    assert widget.region.right <= right, f"{lesson.id}: {widget!r} runs past the edge"
            text, _ = _frame(app)
            assert f"{lesson.number} {lesson.title}" in text
            assert "help" in text.splitlines()[-1]  # the footer names the keys


async def test_too_small_asks_politely_and_recovers_on_resize(app) -> None:
    small = (MIN_WIDTH - 10, MIN_HEIGHT - 4)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        found = _typed_field_lesson()
        if found:
            lesson, name = found
            app.show_lesson(lesson.id)
            await settle(pilot)
            await _type_over(pilot, app.current_pane.form.row(name).editor, "5")
        pane, values = app.current_pane, app.current_pane.values()

        await pilot.resize_terminal(*small)
        await pilot.pause(0.2)
        assert isinstance(app.screen, TooSmallScreen)
        text, _ = _frame(app)
        flat = " ".join(text.split())
        assert f"at least {MIN_WIDTH}x{MIN_HEIGHT}" in flat
        assert f"this one is {small[0]}x{small[1]}" in flat
        await pilot.press("escape", "f1", "tab", "x", "1")  # nothing here reacts but quitting
        assert isinstance(app.screen, TooSmallScreen)

        await pilot.resize_terminal(*SIZE)
        await pilot.pause(0.2)
        assert not isinstance(app.screen, TooSmallScreen)
        assert app.current_pane is pane and pane.values() == values
        text, _ = _frame(app)
        assert pane.lesson.title in text


async def test_starting_too_small_then_growing(app) -> None:
    async with app.run_test(size=(40, 10)) as pilot:
        await pilot.pause(0.2)
        assert isinstance(app.screen, TooSmallScreen)
        assert "this one is 40x10" in " ".join(_frame(app)[0].split())
        await pilot.resize_terminal(*SIZE)
        await pilot.pause(0.2)
        assert not isinstance(app.screen, TooSmallScreen)
        await settle(pilot)
        assert app.focused is app.current_pane.form.row("shape").editor
        assert app.current_pane.result is not None or app.current_pane.lesson.fields == ()


async def test_q_quits_from_the_too_small_screen(app) -> None:
    async with app.run_test(size=(40, 10)) as pilot:
        await pilot.pause(0.2)
        await pilot.press("q")
        await pilot.pause(0.2)
        assert not app.is_running
    assert app.return_code == 0


async def test_no_color_is_monochrome_and_errors_read_as_words(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path))
    monkeypatch.setenv("NO_COLOR", "1")
    app = TensorTutorApp()
    assert app.no_color
    found = _typed_field_lesson()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        text, ansi = _frame(app)
        assert "1 Tensors" in text or f"1 {LESSONS[0].title}" in text
        for colour in _colours(ansi):
            if colour.startswith(("38;2;", "48;2;")):
                r, g, b = colour.split(";")[2:]
                assert r == g == b, f"colour {colour} under NO_COLOR"
        if found:
            lesson, name = found
            app.show_lesson(lesson.id)
            await settle(pilot)
            await _type_over(pilot, app.current_pane.form.row(name).editor, "?!")
            row = app.current_pane.form.row(name)
            message = str(row.query_one(".field-error").content)
            assert message  # the problem is spelt out in words under the field
            assert " ".join(message.split()) in _words_in(_frame(app)[0], row.region)


async def test_an_unexpected_failure_is_marked_in_words(app, monkeypatch) -> None:
    lesson = LESSONS[0]

    def broken(name, **arguments):
        if arguments.get("lesson") == lesson.id:
            raise EngineError("ZeroDivisionError", "division by zero")  # as the worker reports it
        raise InputError("unused")

    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        monkeypatch.setattr(app.engine, "call", broken)
        app.current_pane.recompute()
        await settle(pilot)
        shown = _words_in(_frame(app)[0], app.current_pane.region)
        assert "✗ Something went wrong: ZeroDivisionError: division by zero" in shown
        assert "the last that worked" in shown


@pytest.mark.parametrize("term", ["linux", "xterm-256color"])
async def test_terminal_colour_depth_is_respected(tmp_path, monkeypatch, term: str) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path))
    monkeypatch.setenv("TERM", term)
    monkeypatch.delenv("COLORTERM", raising=False)
    monkeypatch.delenv("NO_COLOR", raising=False)
    app = TensorTutorApp()
    expected = {"linux": "standard", "xterm-256color": "256"}[term]
    assert app.console.color_system == expected
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("escape")  # the sidebar, where q quits (the footer says so)
        screens = [_frame(app)]
        await pilot.press("f1")
        await pilot.pause(0.2)
        assert isinstance(app.screen, HelpScreen)
        screens.append(_frame(app))
        await pilot.press("escape")
        await pilot.resize_terminal(40, 10)
        await pilot.pause(0.2)
        screens.append(_frame(app))
    lesson_text, help_text, small_text = (" ".join(text.split()) for text, _ in screens)
    assert LESSONS[0].title in lesson_text and "quit" in lesson_text
    assert "enter steps into" in help_text and "close help" in help_text
    assert "at least" in small_text
    for _, ansi in screens:
        colours = _colours(ansi)
        assert colours, "nothing was coloured at all"
        deep = {c for c in colours if c.startswith(("38;2;", "48;2;"))}
        assert not deep, f"truecolour sent to a {term} terminal: {sorted(deep)[:5]}"
        if term == "linux":
            assert not {c for c in colours if ";" in c}, "256-colour codes sent to a 16-colour terminal"


def test_without_a_terminal_it_says_so_instead_of_hanging(tmp_path) -> None:
    """ssh host tensor-tutor without -t gives no terminal: a one-line answer, not a frozen session."""
    done = subprocess.run(
        [sys.executable, "-m", "tui"],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "XDG_STATE_HOME": str(tmp_path)},
    )
    assert done.returncode == 2
    assert "needs a terminal" in done.stderr and "ssh -t" in done.stderr
