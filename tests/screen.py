"""Reading a lesson pane as a learner sees it, and stepping into a lesson, for Pilot tests."""

from __future__ import annotations

from textual.widgets import Static

from tests.conftest import settle
from tui.widgets.blocks import CodeBlock, ProblemBlock, TableBlock, ValueBlock


def shown(pane, kind: type) -> list:
    """The ``kind`` widgets on display in ``pane``.

    A result view keeps the widgets of blocks that went, hidden, for later results: those are not on screen.
    """
    return [widget for widget in pane.query(kind) if _displayed(widget, pane)]


def shown_one(pane, kind: type):
    """The one ``kind`` widget on display in ``pane``."""
    (widget,) = shown(pane, kind)
    return widget


def _displayed(widget, top) -> bool:
    node = widget
    while node is not None and node is not top:
        if not node.display:
            return False
        node = node.parent
    return True


def shown_values(pane) -> dict[str, str]:
    """Each value's text on screen, by its title (the caption after two spaces left out)."""
    shown_now = {}
    for block in shown(pane, ValueBlock):
        shown_now[block.title_line.split("  ")[0]] = block.value_text
    return shown_now


def shown_rows(pane) -> dict[str, tuple[str, ...]]:
    """The rows of the tables on screen, by their first cell (a marker like "> " left out)."""
    rows = {}
    for table in shown(pane, TableBlock):
        for row in table.block.rows:
            rows[row[0].lstrip("> ").strip()] = tuple(row[1:])
    return rows


async def next_step(pilot, pane, presses: int = 1):
    """PageDown ``presses`` times, then wait for the new step's result."""
    await pilot.press(*["pagedown"] * presses)
    for _ in range(100):
        await settle(pilot)
        if pane.result is not None and pane.result.step == pane.step.id:
            await pilot.pause(0.1)  # the step's first field has focus before the next key
            return pane
    raise AssertionError("the step has no result")


def problem_messages(pane) -> list[str]:
    """The error lines on screen."""
    return [str(b.query_one(".problem-message", Static).content) for b in shown(pane, ProblemBlock)]


def shown_code(pane) -> str:
    """All the code blocks on screen, in order."""
    return "".join(block.source for block in shown(pane, CodeBlock))


def frame(app) -> tuple[str, str]:
    """The screen as plain text (one line per row) and as the escape sequences sent to the terminal."""
    # Textual's one way to the whole screen's lines (as export_screenshot does) is the screen's private
    # compositor; the public screenshot is an SVG, without the escape codes the NO_COLOR tests read.
    # tests/app/test_textual_hooks.py checks this still works.
    update = app.screen._compositor.render_update(full=True, screen_stack=app._background_screens)
    text = "\n".join("".join(segment.text for segment in strip) for strip in update.strips)
    return text, update.render_segments(app.console)


async def open_lesson(pilot, key: str):
    """Step into a lesson from the sidebar (escape reaches it) by its number key, and wait for its first result."""
    await settle(pilot)
    await pilot.press("escape", key, "enter")
    pane = pilot.app.current_pane
    for _ in range(100):
        await settle(pilot)
        if pane.result is not None:
            break
    assert pane.result is not None
    return pane


async def steady(pilot, passes: int = 3) -> None:
    """Wait until the screen reads the same over ``passes`` idle passes in a row.

    A chart, a fix list and the footer's keys settle a refresh or two after the result
    that changed them, later on a loaded machine: this waits for that, however long it takes.
    """
    last, same = None, 0
    for _ in range(200):
        await pilot.pause()
        await pilot.pause(0.02)  # a refresh or two: Textual draws at most 60 times a second
        now = frame(pilot.app)
        same = same + 1 if now == last else 0
        if same >= passes:
            return
        last = now
    raise AssertionError("the screen kept changing")
