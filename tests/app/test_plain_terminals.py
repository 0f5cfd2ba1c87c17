"""NO_COLOR and the Linux console: what matters stands out without colour, and every glyph exists there."""

from __future__ import annotations

import re

import pytest

from tests.conftest import SIZE
from tests.screen import frame, open_lesson
from tui.app import TensorTutorApp

SGR = re.compile(r"\x1b\[([0-9;]*)m([^\x1b]*)")


def _styles_of(ansi: str, text: str) -> set[str]:
    """The SGR parameters in force where ``text`` starts in the frame."""
    for match in SGR.finditer(ansi):
        if match.group(2).startswith(text):
            return set(match.group(1).split(";"))
    raise AssertionError(f"{text!r} is not on screen")


async def test_under_no_color_the_error_headline_is_bold_and_bright(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path))
    monkeypatch.setenv("NO_COLOR", "1")
    app = TensorTutorApp()
    async with app.run_test(size=SIZE) as pilot:
        await open_lesson(pilot, "5")
        text, ansi = frame(app)
    assert "The error this lesson shows" in text
    headline = _styles_of(ansi, "✗ The error")
    assert "1" in headline, headline  # bold
    assert not headline & {"2", "90", "30"}, headline  # neither dim nor dark grey: the brightest there is
    prose = _styles_of(ansi, "w1 = randn_like")  # the step's prose
    assert "1" not in prose  # the headline stands out from ordinary text


async def test_under_no_color_a_field_error_is_bold_and_bright(tmp_path, monkeypatch) -> None:
    from tests.conftest import replace_field

    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path))
    monkeypatch.setenv("NO_COLOR", "1")
    app = TensorTutorApp()
    async with app.run_test(size=SIZE) as pilot:
        await open_lesson(pilot, "1")
        await replace_field(pilot, "shape", "2,,3")
        text, ansi = frame(app)
    assert 'Shape "2,,3"' in text
    styles = _styles_of(ansi, 'Shape "2,,3"')
    assert "1" in styles and not styles & {"2", "90", "30"}, styles


CONSOLE_BOX = {chr(c) for c in range(0x2500, 0x2550)} | set("═║╒╓╔╕╖╗╘╙╚╛╜╝╞╟╠╡╢╣╤╥╦╧╨╩╪╫╬▲▼")
"""Box drawing (single and double lines) and the arrows a Linux console font has, beside ASCII and Latin-1."""


def _not_in_a_console_font(text: str) -> set[str]:
    return {ch for ch in text if ord(ch) > 0xFF and ch not in CONSOLE_BOX}


@pytest.mark.parametrize("switch", [{"TERM": "linux"}, {"TENSOR_TUTOR_ASCII": "1", "TERM": "xterm"}])
async def test_a_plain_terminal_gets_only_characters_its_font_has(tmp_path, monkeypatch, switch) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path))
    monkeypatch.delenv("TENSOR_TUTOR_ASCII", raising=False)
    monkeypatch.delenv("COLORTERM", raising=False)
    for name, value in switch.items():
        monkeypatch.setenv(name, value)
    app = TensorTutorApp()
    seen: dict[str, set[str]] = {}
    async with app.run_test(size=SIZE) as pilot:
        for lesson in ("4", "5", "7"):
            await pilot.press("escape")
            await open_lesson(pilot, lesson)
            seen[lesson] = _not_in_a_console_font(frame(app)[0])
            if lesson == "4":
                app.current_pane.scroll_end(animate=False)  # the charts, lower down
                await pilot.pause(0.3)
                seen["4, charts"] = _not_in_a_console_font(frame(app)[0])
        await pilot.press("f1")
        await pilot.pause(0.3)
        seen["help"] = _not_in_a_console_font(frame(app)[0])
    assert not any(seen.values()), seen


async def test_a_unicode_terminal_keeps_braille_charts_and_marks(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path))
    # Plain xterm, not xterm-256color: Rich caches a style's codes for the first colour depth it meets,
    # so a 256-colour app here would leak its codes into a later 16-colour test in this process.
    monkeypatch.setenv("TERM", "xterm")
    monkeypatch.delenv("COLORTERM", raising=False)
    monkeypatch.delenv("TENSOR_TUTOR_ASCII", raising=False)
    app = TensorTutorApp()
    async with app.run_test(size=SIZE) as pilot:
        await open_lesson(pilot, "5")
        assert "✗" in frame(app)[0]
