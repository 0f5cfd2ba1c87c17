"""Lesson 2 at 80x24, driven by the keyboard: products, their errors, and applying a fix."""

from __future__ import annotations

import numpy as np
import torch
from textual.widgets import Static

from tests.conftest import SIZE, replace_field, settle
from tests.plain_python import run_plain
from tests.printing import pane_text
from tests.screen import open_lesson, problem_messages, shown_code, shown_values
from tui.widgets.blocks import CodeBlock, FixList, ProblemBlock

A = torch.tensor([[1, 2, 3], [4, 5, 6], [7, 8, 9]])
B = torch.tensor([[2, 3], [2, 3], [2, 3]])


async def _choose(pilot, name: str, downs: int) -> None:
    """Pick an operation with the keyboard: open the list, move down, enter."""
    pilot.app.current_pane.form.row(name).editor.focus()
    await pilot.pause()
    await pilot.press("enter", *["down"] * downs, "enter")
    await settle(pilot)


async def test_the_tutorials_product_in_torch_and_numpy(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        pane = await open_lesson(pilot, "2")
        assert app.focused is pane.form.row("a").editor
        shown = shown_values(pane)
        assert shown["C"] == pane_text(torch.matmul(A, B))
        assert shown["c"] == pane_text(np.matmul(A.numpy(), B.numpy()))
        assert "C = torch.matmul(A, B)" in shown_code(pane) and "c = np.matmul(a, b)" in shown_code(pane)
        torch_run, numpy_run = run_plain([block.source for block in pane.query(CodeBlock)])
        assert torch_run.shown["C"] == shown["C"] and numpy_run.shown["c"] == shown["c"]


async def test_editing_b_recomputes_both_sides(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        pane = await open_lesson(pilot, "2")
        await replace_field(pilot, "b", "[[1,0],[0,1],[1,1]]")
        other = torch.tensor([[1, 0], [0, 1], [1, 1]])
        assert shown_values(pane)["C"] == pane_text(A @ other)
        assert shown_values(pane)["c"] == pane_text(A.numpy() @ other.numpy())


async def test_mm_and_numpys_dot_from_the_operation_list(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        pane = await open_lesson(pilot, "2")
        await _choose(pilot, "op", 1)  # matmul -> mm
        assert pane.form.values()["op"] == "mm"
        assert "C = torch.mm(A, B)" in shown_code(pane) and "c = np.dot(a, b)" in shown_code(pane)
        assert shown_values(pane)["C"] == pane_text(torch.mm(A, B))
        assert shown_values(pane)["c"] == pane_text(np.dot(A.numpy(), B.numpy()))


async def test_a_batch_broadcasts_with_matmul_and_mm_refuses_it(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        pane = await open_lesson(pilot, "2")
        pane.form.row("batch").editor.focus()
        await pilot.press("up", "up")
        await settle(pilot)
        assert pane.form.values()["batch"] == "2"
        batch = torch.stack([A, A])
        assert shown_values(pane)["C"] == pane_text(torch.matmul(batch, B))
        await _choose(pilot, "op", 1)  # mm
        try:
            torch.mm(batch, B)
        except RuntimeError as error:
            expected = str(error)
        assert any(expected in message for message in problem_messages(pane))
        assert "C" not in shown_values(pane)
        assert shown_values(pane)["c"] == pane_text(np.dot(batch.numpy(), B.numpy()))


async def test_the_scalar_and_the_broadcasting_error(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        pane = await open_lesson(pilot, "2")
        await _choose(pilot, "op", 4)  # element-wise *
        try:
            A * B
        except RuntimeError as error:
            clash = str(error)
        assert any(clash in message for message in problem_messages(pane))
        await replace_field(pilot, "right", "2")
        assert shown_values(pane)["C"] == pane_text(A * 2)
        assert shown_values(pane)["c"] == pane_text(np.multiply(A.numpy(), 2))
        assert not problem_messages(pane)


async def test_swapping_shows_the_error_and_a_fix_brings_the_output_back(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        pane = await open_lesson(pilot, "2")
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert pane.form.values()["left"] == "B" and pane.form.values()["right"] == "A"
        assert "C = torch.matmul(B, A)" in shown_code(pane)
        problems = problem_messages(pane)
        assert any("mat1 and mat2 shapes cannot be multiplied (3x2 and 3x3)" in m for m in problems)
        problem = pane.query(ProblemBlock).first()
        explanation = problem.query_one(".problem-explanation", Static).content
        assert "B has 2 columns but A has 3 rows" in str(explanation)
        marked = {str(explanation)[span.start : span.end] for span in explanation.spans if "reverse" in str(span.style)}
        assert marked == {"2 columns", "3 rows"}
        fixes = problem.query_one(FixList)
        assert fixes.option_count > 0
        for _ in range(12):
            if app.focused is fixes:
                break
            await pilot.press("tab")
        assert app.focused is fixes
        await pilot.press("down")
        prompts = [str(fixes.get_option_at_index(i).prompt) for i in range(fixes.option_count)]
        assert [p.startswith("> ") for p in prompts] == [i == fixes.highlighted for i in range(fixes.option_count)]
        chosen = problem._block.fixes[fixes.highlighted]
        await pilot.press("enter")
        await settle(pilot)
        values = pane.form.values()
        assert {k: values[k] for k in chosen.values} == dict(chosen.values)
        assert not any("mat1 and mat2" in message for message in problem_messages(pane))
        assert "C" in shown_values(pane)
        assert values["left"] in shown_code(pane) and values["right"] in shown_code(pane)
