"""Lesson 6 at 80x24, driven by the keyboard: by hand, as nn.Module, the layer table, an input that does not fit."""

from __future__ import annotations

from textual.widgets import Static
from torch import nn

from tests.conftest import SIZE, replace_field, settle
from tests.screen import next_step, open_lesson, problem_messages, shown, shown_rows, shown_values
from tui.widgets.blocks import FactBlock, FixList


def _parameters(*sizes: int) -> int:
    return sum(p.numel() for a, b in zip(sizes, sizes[1:]) for p in nn.Linear(a, b).parameters())


def _facts(pane) -> str:
    return " ".join(str(block.content) for block in shown(pane, FactBlock))


async def test_the_tutorials_network_by_hand_then_as_a_module(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        pane = await open_lesson(pilot, "6")
        assert app.focused is pane.form.row("sizes").editor
        assert not problem_messages(pane) and "h3" in shown_values(pane)
        await next_step(pilot, pane)
        assert _parameters(10, 20, 20, 10) == 850
        assert "850 parameters" in _facts(pane) and "fc1.weight is (20, 10)" in _facts(pane)
        await replace_field(pilot, "sizes", "10, 20, 20, 20, 10")
        assert f"{_parameters(10, 20, 20, 20, 10):,} parameters" in _facts(pane) and pane.result.goal_met
        await replace_field(pilot, "sizes", "10")
        error = pane.form.row("sizes").query_one(".field-error", Static)
        assert "at least two numbers" in str(error.content) and pane.results.has_class("-stale")


async def test_a_wrong_input_size_keeps_the_table_and_offers_fixes(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        pane = await open_lesson(pilot, "6")
        await next_step(pilot, pane, 2)
        rows = shown_rows(pane)
        assert list(rows) == ["fc1", "fc2", "fc3"]
        assert rows["fc1"] == ("(20, 10)", "refused (see below)", "220")
        assert rows["fc2"][1] == rows["fc3"][1] == "not reached"
        (message,) = problem_messages(pane)
        assert "mat1 and mat2 shapes cannot be multiplied (1x11 and 10x20)" in message
        pane.form.row("input").editor.focus()
        await pilot.press("tab")
        assert isinstance(app.focused, FixList)
        await pilot.press("enter")  # the first fix: give the network 10 features
        await settle(pilot)
        assert pane.form.values()["input"] == "10"
        assert not problem_messages(pane) and shown_rows(pane)["fc1"][1] == "(20,)"
        assert pane.result.goal_met


async def test_an_activation_breaks_the_one_linear_map(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        pane = await open_lesson(pilot, "6")
        await next_step(pilot, pane, 3)
        assert shown_values(pane)["torch.allclose(one, h3, rtol=1e-4, atol=1e-4)"] == "True"
        assert "collapse" in _facts(pane)
        await pilot.press("enter", "down", "down", "enter")  # none -> sigmoid -> relu
        await settle(pilot)
        assert pane.form.values()["activation"] == "relu"
        assert shown_values(pane)["torch.allclose(one, h3, rtol=1e-4, atol=1e-4)"] == "False"
        assert pane.result.goal_met
