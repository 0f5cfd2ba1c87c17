"""Lesson 5 at 80x24, driven by the keyboard: the tutorial's error, each fix applied, view refusing."""

from __future__ import annotations

import io

import torch
from rich.console import Console
from textual.widgets import Static

from tests.conftest import SIZE, replace_field, settle
from tests.printing import pane_text
from tests.screen import open_lesson, problem_messages, shown_values
from tui.widgets.blocks import FixList, ProblemBlock, ProseBlock, TableBlock


def _table(pane) -> str:
    """The fixes table as the learner reads it."""
    console = Console(width=200, file=io.StringIO(), no_color=True)
    console.print(pane.query_one(TableBlock).content)
    return console.file.getvalue()


async def _apply_fix(pilot, pane, label: str) -> None:
    """Tab from the last field to the fix list, move to ``label`` and press enter."""
    for _ in range(50):  # the list the learner tabs to is on screen (slow machines take a while)
        if any(fixes.display and fixes.option_count for fixes in pane.query(FixList)):
            break
        await pilot.pause(0.05)
    pane.form.row("activation").editor.focus()
    await pilot.pause()
    await pilot.press("tab")
    fixes = pilot.app.focused
    assert isinstance(fixes, FixList)
    labels = [str(fixes.get_option_at_index(i).prompt).split("->")[0].strip(" >") for i in range(fixes.option_count)]
    assert label in labels, labels
    await pilot.press(*["down"] * labels.index(label), "enter")
    await settle(pilot)


async def _choose(pilot, pane, name: str, value: str) -> None:
    """Pick ``value`` in a list field with the keyboard: open it, move to the value, enter."""
    row = pane.form.row(name)
    choices = row.spec.choices
    moves = choices.index(value) - choices.index(row.value)
    row.editor.focus()
    await pilot.pause()
    await pilot.press("enter", *(["down"] * moves if moves > 0 else ["up"] * -moves), "enter")
    await settle(pilot)


async def test_the_defaults_show_the_tutorials_error_and_bad_shapes_keep_it(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        pane = await open_lesson(pilot, "5")
        assert app.focused is pane.form.row("seed").editor
        (message,) = problem_messages(pane)
        assert "mat1 and mat2 shapes cannot be multiplied (1x10 and 1x10)" in message
        explanation = str(pane.query_one(ProblemBlock).query_one(".problem-explanation", Static).content)
        assert "inputs has 10 columns but w1 has 1 row" in explanation
        assert "y" not in shown_values(pane)
        table = _table(pane)
        for fix in ("w1.reshape(10, 1)", "w1.view(10, 1)", "w1.resize_(10, 1)", "w1.T"):
            assert fix in table
        assert table.count("0.3030") == 4
        for name, text, words in (("weight", "ten", "like inputs"), ("inputs", "1000000,2", "limit")):
            await replace_field(pilot, name, text)
            assert words in str(pane.form.row(name).query_one(".field-error", Static).content)
            assert pane.results.has_class("-stale") and problem_messages(pane) == [message]


async def test_picking_each_fix_shows_the_tutorials_answer(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        pane = await open_lesson(pilot, "5")
        for label, fix in (
            ("w1.reshape(10, 1)", "reshape"),
            ("w1.view(10, 1)", "view"),
            ("w1.resize_(10, 1)", "resize_"),
            ("w1.T", "transpose"),
        ):
            await _apply_fix(pilot, pane, label)
            assert pane.form.values()["fix"] == fix
            assert not problem_messages(pane)
            shown = shown_values(pane)
            assert shown["y"] == "tensor([[0.3030]])" and shown["z"] == "tensor([[-0.8331]])"
            assert shown["b1"] == "tensor([[1.7792]])"
            assert f"w = {label}" in pane.result.source
            formula = str(pane.query_one(ProseBlock).content)
            assert formula.startswith("z = w₁x₁ + w₂x₂") and "= -0.8331" in formula
            assert ("w1.shape" in shown) == (fix == "resize_")
            if fix == "resize_":
                assert shown["w1.shape"] == "torch.Size([10, 1])"
            await _choose(pilot, pane, "fix", "none")  # back to the error and its fix list
            assert problem_messages(pane)


async def test_a_non_contiguous_w1_makes_view_refuse(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        pane = await open_lesson(pilot, "5")
        await _choose(pilot, pane, "memory", "non-contiguous")
        assert "(1x10 and 2x5)" in problem_messages(pane)[0]
        assert shown_values(pane)["w1.is_contiguous()"] == "False"
        assert "view size is not compatible with input tensor's size and stride" in _table(pane)
        await _choose(pilot, pane, "fix", "view")
        assert "view size is not compatible" in problem_messages(pane)[0]
        await _apply_fix(pilot, pane, "w1.reshape(10, 1)")
        torch.manual_seed(7)
        inputs, w1, b1 = torch.randn((1, 10)), torch.randn((5, 2)).T, torch.randn((1, 1))
        assert shown_values(pane)["y"] == pane_text(torch.sigmoid(inputs @ w1.reshape(10, 1) + b1))
