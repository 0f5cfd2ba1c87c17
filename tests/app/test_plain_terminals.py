"""NO_COLOR and the Linux console: what matters stands out without colour, and every glyph exists there."""

from __future__ import annotations

import re

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
    prose = _styles_of(ansi, "y = sigmoid")
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
