"""Lesson 3 at 80x24, driven by the keyboard: shared memory live, and the requires-grad error's fix."""

from __future__ import annotations

import numpy as np
import torch
from textual.widgets import Button

from tests.conftest import SIZE, settle
from tests.printing import pane_text
from tests.screen import next_step, open_lesson, problem_messages, shown_code, shown_one, shown_rows, shown_values
from tui.widgets.blocks import FixList, ProblemBlock


async def test_the_array_the_shared_tensor_and_the_copy(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        pane = await open_lesson(pilot, "3")
        a = np.array([1.0, 2.0, 3.0])
        rows = shown_rows(pane)
        assert rows["a"][0] == str(a)
        assert rows["t"][0] == str(torch.from_numpy(a)) and "float64" in rows["t"][0]
        assert rows["c"][0] == str(torch.tensor(a))
        await next_step(pilot, pane)
        assert shown_rows(pane)["n"][0] == str(torch.from_numpy(a).numpy())
        assert shown_values(pane)["np.shares_memory(n, a)"] == "True"


async def test_the_action_key_changes_a_and_the_shared_tensor_follows(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        pane = await open_lesson(pilot, "3")
        assert app.focused is pane.form.row("values").editor  # typing goes to the field, ctrl+n still works
        for expected_write in (99, 100):
            await pilot.press("ctrl+n")
            await settle(pilot)
            a = np.array([1.0, 2.0, 3.0])
            t, c = torch.from_numpy(a), torch.tensor(a)
            a[0] = expected_write
            rows = shown_rows(pane)
            assert pane.form.values()["write"] == str(expected_write)
            assert f"a[0] = {expected_write}" in shown_code(pane)
            assert (rows["a"][0], rows["t"][0], rows["c"][0]) == (str(a), str(t), str(c))
            assert rows["t"][0] != rows["c"][0]


async def test_the_action_button_works_from_the_keyboard(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        pane = await open_lesson(pilot, "3")
        button = pane.query_one("#action-change", Button)
        for _ in range(8):
            if app.focused is button:
                break
            await pilot.press("tab")
        assert app.focused is button
        await pilot.press("enter")
        await settle(pilot)
        assert pane.form.values()["write"] == "99"
        assert "a[0] = 99" in shown_code(pane)


async def test_a_typed_array_and_dtype(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        pane = await open_lesson(pilot, "3")
        pane.form.row("values").editor.value = "[[1,2],[3,4]]"
        await next_step(pilot, pane)
        select = pane.form.row("dtype").editor
        assert app.focused is select
        await pilot.press("enter", "down", "down", "enter")  # default -> float64 -> float32
        await settle(pilot)
        a = np.array([[1, 2], [3, 4]], dtype=np.float32)
        rows = shown_rows(pane)
        assert rows["a"] == (str(a), "float32") and rows["t"] == (str(torch.from_numpy(a)), "torch.float32")
        assert "dtype=np.float32" in shown_code(pane)
        assert pane.result.goal_met


async def test_numpy_on_a_tensor_that_requires_grad_and_applying_the_fix(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        pane = await open_lesson(pilot, "3")
        await next_step(pilot, pane, 2)
        w = torch.tensor(np.array([1.0, 2.0, 3.0]), requires_grad=True)
        try:
            w.numpy()
        except RuntimeError as error:
            expected = str(error)
        assert any(expected in message for message in problem_messages(pane))
        fixes = shown_one(pane, ProblemBlock).query_one(FixList)
        for _ in range(12):
            if app.focused is fixes:
                break
            await pilot.press("tab")
        assert app.focused is fixes
        assert str(fixes.get_option_at_index(0).prompt).startswith("> w.detach().numpy() -> n (3,)")
        await pilot.press("enter")
        await settle(pilot)
        assert pane.form.values()["back"] == "w.detach().numpy()"
        assert "n = w.detach().numpy()" in shown_code(pane)
        assert not problem_messages(pane)
        assert shown_values(pane)["n"] == pane_text(w.detach().numpy())
        assert pane.result.goal_met
