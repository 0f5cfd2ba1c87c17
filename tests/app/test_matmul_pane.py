"""Lesson 2 at 80x24, driven by the keyboard: products, their errors, and applying a fix."""

from __future__ import annotations

import numpy as np
import torch
from textual.widgets import Static

from tests.conftest import SIZE, replace_field, settle
from tests.printing import pane_text
from tests.screen import next_step, open_lesson, problem_messages, shown, shown_code, shown_rows, shown_values
from tui.widgets.blocks import FixList, ProblemBlock

A = torch.tensor([[1, 2, 3], [4, 5, 6], [7, 8, 9]])
B = torch.tensor([[2, 3], [2, 3], [2, 3]])


def _one_line(value) -> str:
    text = " ".join(part.strip() for part in str(value).splitlines())
    return text.removeprefix("tensor(").removesuffix(")")


async def _choose(pilot, name: str, downs: int) -> None:
    """Pick from a list with the keyboard: open it, move down, enter."""
    pilot.app.current_pane.form.row(name).editor.focus()
    await pilot.pause()
    await pilot.press("enter", *["down"] * downs, "enter")
    await settle(pilot)


async def test_the_tutorials_product_five_ways(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        pane = await open_lesson(pilot, "2")
        assert app.focused is pane.form.row("a").editor
        rows = shown_rows(pane)
        assert rows["torch.matmul(A, B)"] == rows["torch.mm(A, B)"] == rows["A @ B"] == (_one_line(A @ B),)
        assert rows["np.dot(a, b)"] == rows["np.matmul(a, b)"] == (_one_line(np.dot(A.numpy(), B.numpy())),)


async def test_editing_b_recomputes_every_way(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        pane = await open_lesson(pilot, "2")
        await replace_field(pilot, "b", "[[1,0],[0,1],[1,1]]")
        other = torch.tensor([[1, 0], [0, 1], [1, 1]])
        assert shown_rows(pane)["torch.mm(A, B)"] == (_one_line(A @ other),)
        assert pane.result.goal_met


async def test_the_scalar_and_the_broadcasting_error(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        pane = await open_lesson(pilot, "2")
        await next_step(pilot, pane)
        assert shown_values(pane)["torch: C"] == pane_text(A * 2)
        assert shown_values(pane)["np.multiply(a, ...)"] == pane_text(np.multiply(A.numpy(), 2))
        await replace_field(pilot, "times", "B")
        try:
            A * B
        except RuntimeError as error:
            clash = str(error)
        assert any(clash in message for message in problem_messages(pane))
        assert pane.result.goal_met


async def test_b_at_a_shows_the_error_and_a_fix_brings_the_output_back(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        pane = await open_lesson(pilot, "2")
        await next_step(pilot, pane, 2)
        assert "C = B @ A" in shown_code(pane)
        problems = problem_messages(pane)
        assert any("mat1 and mat2 shapes cannot be multiplied (3x2 and 3x3)" in m for m in problems)
        problem = shown(pane, ProblemBlock)[0]
        explanation = problem.query_one(".problem-explanation", Static).content
        assert "B has 2 columns but A has 3 rows" in str(explanation)
        marked = {str(explanation)[span.start : span.end] for span in explanation.spans if "reverse" in str(span.style)}
        assert marked == {"2 columns", "3 rows"}
        fixes = problem.query_one(FixList)
        for _ in range(12):
            if app.focused is fixes:
                break
            await pilot.press("tab")
        assert app.focused is fixes
        await pilot.press("down")
        prompts = [str(fixes.get_option_at_index(i).prompt) for i in range(fixes.option_count)]
        assert [p.startswith("> ") for p in prompts] == [i == fixes.highlighted for i in range(fixes.option_count)]
        chosen = problem.block.fixes[fixes.highlighted]
        await pilot.press("enter")
        await settle(pilot)
        values = pane.form.values()
        assert {k: values[k] for k in chosen.values} == dict(chosen.values)
        assert not any("mat1 and mat2" in message for message in problem_messages(pane))
        assert "C" in shown_values(pane) and pane.result.goal_met


async def test_swap_key_from_a_field(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        pane = await open_lesson(pilot, "2")
        await next_step(pilot, pane, 2)
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert pane.form.values()["left"] == "A" and pane.form.values()["right"] == "B"
        assert shown_values(pane)["C"] == pane_text(A @ B)


async def test_a_batch_mm_refuses_and_matmul_broadcasts(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        pane = await open_lesson(pilot, "2")
        await next_step(pilot, pane, 3)
        batch = torch.stack([A, A])
        try:
            torch.mm(batch, B)
        except RuntimeError as error:
            expected = str(error)
        assert any(expected in message for message in problem_messages(pane))
        await _choose(pilot, "batched", 1)  # mm -> matmul
        assert pane.form.values()["batched"] == "matmul"
        assert not problem_messages(pane) and pane.result.goal_met
        pane.form.row("batch").editor.focus()
        await pilot.press("up")
        await settle(pilot)
        assert pane.form.values()["batch"] == "3"
        assert "A = torch.stack([A, A, A])" in shown_code(pane)
