"""The help screen's footer lists the help screen's own keys, not the lesson's underneath."""

from __future__ import annotations

from tests.conftest import SIZE, settle
from tests.screen import frame
from tui.screens.help import HelpScreen


async def test_the_help_footer_shows_how_to_close_help_not_the_lessons_keys(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("escape", "question_mark")  # ? is help outside a text field
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        footer = frame(app)[0].splitlines()[-1]
        assert "close" in footer and "esc" in footer
        assert "quit" not in footer and "lessons" not in footer and "code" not in footer
        await pilot.press("q")
        await pilot.pause()
        assert not isinstance(app.screen, HelpScreen)
        assert app.is_running  # q closed the help, it did not quit
