"""Lesson 3 at 80x24, driven by the keyboard: shared memory live, and the requires-grad error's fix."""

from __future__ import annotations

import numpy as np
import torch
from textual.widgets import Button

from tests.conftest import SIZE, replace_field, settle
from tests.plain_python import run_plain
from tests.printing import pane_text
from tests.screen import open_lesson, problem_messages, shown_code, shown_values
from tui.widgets.blocks import CodeBlock, FixList, ProblemBlock


async def test_the_array_the_shared_tensor_and_the_copy(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        pane = await open_lesson(pilot, "3")
        a = np.array([1.0, 2.0, 3.0])
        shown = shown_values(pane)
        assert shown["a"] == pane_text(a)
        assert shown["t"] == pane_text(torch.from_numpy(a)) and "float64" in shown["t"]
        assert shown["c"] == pane_text(torch.tensor(a))
        assert shown["n"] == pane_text(torch.from_numpy(a).numpy())
        assert shown["np.shares_memory(n, a)"] == "True"


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
            shown = shown_values(pane)
            assert pane.form.values()["write"] == str(expected_write)
            assert f"a[0] = {expected_write}" in shown_code(pane)
            assert shown["a"] == pane_text(a) and shown["t"] == pane_text(t) and shown["c"] == pane_text(c)
            assert shown["t"] != shown["c"]
        (printed,) = run_plain(["".join(block.source for block in pane.query(CodeBlock))])
        assert {name: printed.shown[name] for name in "atcn"} == {name: shown[name] for name in "atcn"}


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
        await replace_field(pilot, "values", "[[1,2],[3,4]]")
        select = pane.form.row("dtype").editor
        select.focus()
        await pilot.pause()
        await pilot.press("enter", "down", "down", "enter")  # default -> float64 -> float32
        await settle(pilot)
        a = np.array([[1, 2], [3, 4]], dtype=np.float32)
        shown = shown_values(pane)
        assert shown["a"] == pane_text(a) and shown["t"] == pane_text(torch.from_numpy(a))
        assert "dtype=np.float32" in shown_code(pane)


async def test_numpy_on_a_tensor_that_requires_grad_and_applying_the_fix(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        pane = await open_lesson(pilot, "3")
        select = pane.form.row("back").editor
        select.focus()
        await pilot.pause()
        await pilot.press("enter", "down", "enter")  # t.numpy() -> w.numpy()
        await settle(pilot)
        w = torch.tensor(np.array([1.0, 2.0, 3.0]), requires_grad=True)
        try:
            w.numpy()
        except RuntimeError as error:
            expected = str(error)
        assert any(expected in message for message in problem_messages(pane))
        fixes = pane.query_one(ProblemBlock).query_one(FixList)
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
