"""The Playground as a learner uses it at 80x24: type code, read each value, apply a fix, pick a snippet."""

from __future__ import annotations

import torch
from textual.widgets import Select, Static

from engine.lessons.playground.snippets import SNIPPETS
from tests.conftest import SIZE, settle
from tests.printing import pane_text
from tests.screen import shown, shown_one
from tui.widgets.blocks import FixList, ProblemBlock, ValueBlock
from tui.widgets.playground import PlaygroundPane

PLAYGROUND_NUMBER = "7"


def _values(pane) -> list[tuple[str, str]]:
    """(title, text) of every value block on screen, in order."""
    return [(b.title_line, b.value_text) for b in shown(pane, ValueBlock)]


def _problem_text(pane) -> str:
    return " ".join(str(s.content) for block in shown(pane, ProblemBlock) for s in block.query(Static))


def _keys(text: str) -> list[str]:
    return ["enter" if char == "\n" else char for char in text]


async def _open_playground(pilot) -> PlaygroundPane:
    await settle(pilot)
    await pilot.press("escape", PLAYGROUND_NUMBER, "enter")
    await settle(pilot)
    pane = pilot.app.current_pane
    assert isinstance(pane, PlaygroundPane)
    assert pilot.app.focused is pane.editor
    return pane


async def _type_code(pilot, pane: PlaygroundPane, code: str) -> None:
    """Clear the editor with its delete-line key, then type ``code`` key by key."""
    for _ in range(50):
        if not pane.editor.text:
            break
        await pilot.press("ctrl+shift+k")
    assert pane.editor.text == ""
    await pilot.press(*_keys(code))
    await settle(pilot)


async def test_typing_a_snippet_shows_each_statements_value(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        pane = await _open_playground(pilot)
        await _type_code(pilot, pane, "a = torch.ones(2, 3)\nb = a * 4\nb.sum()")
        assert pane.editor.text == "a = torch.ones(2, 3)\nb = a * 4\nb.sum()"
        a = torch.ones(2, 3)
        assert _values(pane) == [
            ("line 1: a  (2, 3)  torch.float32", pane_text(a)),
            ("line 2: b  (2, 3)  torch.float32", pane_text(a * 4)),
            ("line 3: b.sum()  ()  torch.float32", pane_text((a * 4).sum())),
        ]


async def test_a_failing_matmul_shows_the_error_and_a_fix_makes_it_run(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        pane = await _open_playground(pilot)
        await _type_code(pilot, pane, "x = torch.ones(1, 10)\nw = x\ny = x @ w")
        with_error = _problem_text(pane)
        assert "RuntimeError" in with_error
        assert "mat1 and mat2 shapes cannot be multiplied (1x10 and 1x10)" in with_error
        fixes = shown_one(pane, FixList)
        assert fixes.option_count > 0
        fixes.focus()
        await pilot.pause()
        chosen = shown_one(pane, ProblemBlock).block.fixes[fixes.highlighted]
        await pilot.press("enter")
        await settle(pilot)
        assert not shown(pane, ProblemBlock)
        assert pane.editor.text == chosen.values["code"]
        assert app.focused is pane.editor
        title, text = _values(pane)[-1]
        assert title.startswith("line 3: y") and "(1, 1)" in title
        assert text == pane_text(torch.ones(1, 10) @ torch.ones(10, 1))
        # The fix was an edit in the editor: ctrl+z brings the failing line back.
        await pilot.press("ctrl+z")
        await settle(pilot)
        assert pane.editor.text.endswith("y = x @ w")
        assert "RuntimeError" in _problem_text(pane)


async def test_a_refused_construct_says_what_is_allowed(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        pane = await _open_playground(pilot)
        await _type_code(pilot, pane, "import os")
        text = _problem_text(pane)
        assert "Refused" in text and "import os is not available here" in text
        assert "safe subset" in text


async def test_code_that_does_not_parse_yet_keeps_the_last_results_dimmed(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        pane = await _open_playground(pilot)
        await _type_code(pilot, pane, "t = torch.zeros(2)")
        before = _values(pane)
        await pilot.press("enter", *_keys("u = (t"))
        await settle(pilot)
        error = pane.form.row("code").query_one(".field-error", Static)
        assert "Line 2: '(' was never closed" in str(error.content)
        assert _values(pane) == before
        assert pane.results.has_class("-stale")
        await pilot.press(*_keys(" + 1)"))
        await settle(pilot)
        assert not pane.results.has_class("-stale")
        assert _values(pane)[-1][1] == pane_text(torch.zeros(2) + 1)


async def test_a_starter_snippet_is_picked_with_the_keyboard_and_undone(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        pane = await _open_playground(pilot)
        mine = pane.editor.text
        await pilot.press("shift+tab")  # from the editor back to the examples list
        picker = pane.query_one("#snippets", Select)
        assert app.focused is picker
        await pilot.press("enter", "down", "down", "down", "down", "enter")  # 4th example: derivatives
        await settle(pilot)
        snippet = SNIPPETS[3]
        assert pane.editor.text == snippet.code
        x = torch.tensor(2.0, requires_grad=True)
        (x**3).backward()
        assert _values(pane)[-1] == ("line 4: x.grad  ()  torch.float32", pane_text(x.grad))
        pane.editor.focus()
        await pilot.press("ctrl+z")
        await settle(pilot)
        assert pane.editor.text == mine


async def test_every_keystroke_is_answered_while_results_are_computed(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        pane = await _open_playground(pilot)
        code = "m = torch.randn(300, 300)\nm @ m @ m @ m"
        await _type_code(pilot, pane, code)
        assert pane.editor.text == code  # no key was lost while workers ran
        assert _values(pane)[-1][0].startswith("line 2: m @ m @ m @ m  (300, 300)")
