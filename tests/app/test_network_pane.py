"""Lesson 6 at 80x24, driven by the keyboard: the layer table, editing the layers, an input that does not fit."""

from __future__ import annotations

import io
import re

from rich.console import Console
from textual.widgets import Static
from torch import nn

from tests.screen import open_lesson, problem_messages, shown_values
from tests.conftest import SIZE, replace_field, settle
from tui.widgets.blocks import FixList, TableBlock

COUNT = "sum(p.numel() for p in net.parameters())"


def _table(pane) -> list[list[str]]:
    """The layer table's rows as the learner reads them (cells split on runs of spaces)."""
    console = Console(width=200, file=io.StringIO(), no_color=True)
    console.print(pane.query_one(TableBlock).content)
    lines = console.file.getvalue().splitlines()
    assert lines[0].strip() == "Layer by layer (nn.Linear)"
    return [re.split(r"\s{2,}", line.strip()) for line in lines[2:]]


def _parameters(*sizes: int) -> int:
    return sum(p.numel() for a, b in zip(sizes, sizes[1:]) for p in nn.Linear(a, b).parameters())


async def test_the_tutorials_network_and_its_layer_table(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        pane = await open_lesson(pilot, "6")
        assert app.focused is pane.form.row("sizes").editor
        assert not problem_messages(pane)
        assert _table(pane) == [
            ["fc1", "(20, 10)", "(20,)", "220"],
            ["fc2", "(20, 20)", "(20,)", "420"],
            ["fc3", "(10, 20)", "(10,)", "210"],
            ["total", "850"],
        ]
        shown = shown_values(pane)
        assert shown[COUNT] == str(_parameters(10, 20, 20, 10)) == "850"
        assert shown["net.fc1.weight.shape"] == "torch.Size([20, 10])"
        assert shown["torch.allclose(one, h3, rtol=1e-4, atol=1e-4)"] == "True"


async def test_editing_the_layers_changes_the_table_and_the_count(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        pane = await open_lesson(pilot, "6")
        await replace_field(pilot, "sizes", "10, 5, 3")
        assert [row[0] for row in _table(pane)] == ["fc1", "fc2", "total"]
        assert _table(pane)[-1] == ["total", str(_parameters(10, 5, 3))]
        assert shown_values(pane)[COUNT] == "73"
        await replace_field(pilot, "sizes", "10, 30, 30, 30, 2")
        assert [row[0] for row in _table(pane)] == ["fc1", "fc2", "fc3", "fc4", "total"]
        assert shown_values(pane)[COUNT] == str(_parameters(10, 30, 30, 30, 2))
        await replace_field(pilot, "sizes", "10")
        error = pane.form.row("sizes").query_one(".field-error", Static)
        assert "at least two numbers" in str(error.content) and pane.results.has_class("-stale")


async def test_a_wrong_input_size_keeps_the_table_and_offers_fixes(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        pane = await open_lesson(pilot, "6")
        await replace_field(pilot, "input", "11")
        rows = _table(pane)
        assert [row[0] for row in rows] == ["fc1", "fc2", "fc3", "total"]
        assert "✗ mat1 and mat2 shapes cannot be multiplied (1x11 and 10x20)" in " ".join(rows[0])
        assert "not reached" in " ".join(rows[1]) and "not reached" in " ".join(rows[2])
        hand, module = problem_messages(pane)
        assert "size mismatch, got input (20), mat (20x10), vec (11)" in hand
        assert "mat1 and mat2 shapes cannot be multiplied (1x11 and 10x20)" in module
        pane.form.rows()[-1].editor.focus()
        await pilot.press("tab")
        assert isinstance(app.focused, FixList)
        await pilot.press("enter")  # the first fix: give the network 10 features
        await settle(pilot)
        assert pane.form.values()["input"] == "10"
        assert not problem_messages(pane) and _table(pane)[0][2] == "(20,)"
