"""A fix's shape says whose shape it is: the rewritten statement's result (z), not the reshape."""

from __future__ import annotations

import torch

from tests.conftest import SIZE, settle
from tests.screen import open_lesson, shown
from tui.widgets.blocks import FixList


def _prompts(pane) -> list[str]:
    fixes = next(f for f in shown(pane, FixList) if f.display)
    return [str(fixes.get_option_at_index(i).prompt) for i in range(fixes.option_count)]


async def _playground_running(pilot, code: str):
    """The Playground's pane, once ``code`` has run in it."""
    await settle(pilot)
    pilot.app.show_lesson("playground", enter=True)
    await settle(pilot)
    pane = pilot.app.current_pane
    pane.put_code(code)
    await settle(pilot)
    return pane


async def test_lesson_5s_fixes_give_the_shape_of_z(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        pane = await open_lesson(pilot, "5")
        prompts = _prompts(pane)
    z = torch.randn(1, 10) @ torch.randn(10, 1) + torch.randn(1, 1)
    assert prompts and all(f"-> z {tuple(z.shape)}" in p for p in prompts), prompts
    assert any(p.strip("> ").startswith("w1.reshape(10, 1) -> z (1, 1)") for p in prompts), prompts


async def test_a_fix_on_a_non_contiguous_w1_names_w_whose_shape_it_gives(app) -> None:
    # Lesson 5's steps show view on a non-contiguous w1 as a table of outcomes; the Playground lists the fixes.
    async with app.run_test(size=SIZE) as pilot:
        pane = await _playground_running(pilot, "w1 = torch.randn(3, 4).T\nw = w1.view(12)\n")  # a real transpose
        prompts = _prompts(pane)
    assert prompts and all("-> w (12,)" in p for p in prompts), prompts


async def test_the_playgrounds_fixes_name_the_statements_result(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        pane = await _playground_running(pilot, "x = torch.ones(2, 3)\ny = torch.ones(2, 3)\nz = x @ y\n")
        prompts = _prompts(pane)
    assert any(p.strip("> ").startswith("y.reshape(3, 2) -> z (2, 2)") for p in prompts), prompts


async def test_fixes_worded_anew_for_a_new_error_keep_the_learners_place_in_the_list(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        pane = await _playground_running(pilot, "x = torch.ones(2, 3)\ny = torch.ones(2, 3)\nz = x @ y\n")
        before = _prompts(pane)
        fixes = next(f for f in shown(pane, FixList) if f.display)
        fixes.focus()
        await pilot.press("down")
        await settle(pilot)
        pane.put_code("x = torch.ones(4, 3)\ny = torch.ones(4, 3)\nz = x @ y\n")
        await settle(pilot)
        after = _prompts(pane)
        highlighted = fixes.highlighted
    assert len(after) == len(before) > 1 and after != before
    assert any("y.reshape(3, 4) -> z (4, 4)" in p for p in after), after
    assert highlighted == 1 and after[1].startswith("> ") and not after[0].startswith("> "), after
