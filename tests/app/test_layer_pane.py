"""Lesson 5 at 80x24, driven by the keyboard: the tutorial's error, each fix applied, view refusing."""

from __future__ import annotations

import torch
from textual.widgets import Static

from tests.conftest import SIZE, replace_field, settle
from tests.results import lesson5_tensors
from tests.screen import next_step, open_lesson, problem_messages, shown, shown_one, shown_rows, shown_values
from tui.widgets.blocks import FactBlock, FixList, ProblemBlock, ProseBlock
from tui.widgets.fields import FieldRow, choice_label


async def _apply_fix(pilot, pane, label: str) -> None:
    """Tab from the last field to the fix list, move to ``label`` and press enter."""
    for _ in range(50):
        if any(fixes.display and fixes.option_count for fixes in shown(pane, FixList)):
            break
        await pilot.pause(0.05)
    pane.form.row("bias").editor.focus()
    await pilot.pause()
    await pilot.press("tab")
    fixes = pilot.app.focused
    assert isinstance(fixes, FixList)
    labels = [str(fixes.get_option_at_index(i).prompt).split("->")[0].strip(" >") for i in range(fixes.option_count)]
    assert label in labels, labels
    await pilot.press(*["down"] * labels.index(label), "enter")
    await settle(pilot)


def _facts(pane) -> str:
    return " ".join(str(block.content) for block in shown(pane, FactBlock))


async def test_the_defaults_show_the_tutorials_error_and_bad_shapes_keep_it(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        pane = await open_lesson(pilot, "5")
        assert app.focused is pane.form.row("seed").editor
        (message,) = problem_messages(pane)
        assert "mat1 and mat2 shapes cannot be multiplied (1x10 and 1x10)" in message
        explanation = str(shown_one(pane, ProblemBlock).query_one(".problem-explanation", Static).content)
        assert "inputs has 10 columns but w1 has 1 row" in explanation
        assert "y" not in shown_values(pane)
        for name, text, words in (("weight", "ten", "like inputs"), ("inputs", "1000000,2", "limit")):
            await replace_field(pilot, name, text)
            assert words in str(pane.form.row(name).query_one(".field-error", Static).content)
            assert pane.results.has_class("-stale") and problem_messages(pane) == [message]


async def test_applying_each_fix_shows_the_tutorials_answer(app) -> None:
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
            assert not problem_messages(pane) and pane.result.goal_met
            shown = shown_values(pane)
            assert shown["y"] == "tensor([[0.3030]])" and shown["z"] == "tensor([[-0.8331]])"
            assert shown["b1"] == "tensor([[1.7792]])"
            assert f"w = {label}" in pane.result.source
            pane.set_values({"fix": "none"})  # back to the error and its fix list
            await settle(pilot)
            assert problem_messages(pane)


async def test_a_fix_applied_on_the_first_step_is_the_choice_the_next_step_shows(app) -> None:
    """The fix list sets field fix, which only the second step shows: that step opens with the fix picked."""
    async with app.run_test(size=SIZE) as pilot:
        pane = await open_lesson(pilot, "5")
        assert "fix" not in [row.spec.name for row in shown(pane, FieldRow)]
        await _apply_fix(pilot, pane, "w1.view(10, 1)")
        await next_step(pilot, pane)
        (row,) = shown(pane, FieldRow)
        assert row.spec.name == "fix" and row.editor.value == "view"
        assert row.editor.label == choice_label(row.spec, "view")
        assert shown_rows(pane)["w1.view(10, 1)"][0] == "0.3030"


async def test_every_fix_side_by_side_and_the_goal_view(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        pane = await open_lesson(pilot, "5")
        await next_step(pilot, pane)
        rows = shown_rows(pane)
        assert [rows[f][0] for f in ("w1.reshape(10, 1)", "w1.view(10, 1)", "w1.resize_(10, 1)", "w1.T")] == [
            "0.3030"
        ] * 4
        assert "b1 = 1.7792" in _facts(pane) and "-0.8331" in _facts(pane)
        assert "refuse with the same words" in _facts(pane)
        select = pane.form.row("fix").editor
        assert app.focused is select
        await pilot.press("enter", "down", "down", "enter")  # none -> reshape -> view
        await settle(pilot)
        assert pane.form.values()["fix"] == "view" and pane.result.goal_met


async def test_a_non_contiguous_w1_makes_view_refuse(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        pane = await open_lesson(pilot, "5")
        await next_step(pilot, pane, 2)
        torch.manual_seed(7)
        torch.randn((1, 10))
        w1 = torch.randn((5, 2)).T
        try:
            w1.view(10, 1)
        except RuntimeError as error:
            refusal = str(error)
        rows = shown_rows(pane)
        assert rows["w1.view(10, 1)"] == ("fails", "refused (see below)")
        assert refusal[:40] in _facts(pane) and refusal.endswith("Use .reshape(...) instead.")
        assert "Use .reshape(...) instead." in _facts(pane)
        assert rows["w1.reshape(10, 1)"][1] == "copied (w1 is not contiguous)"


async def test_sigmoid_by_hand_and_by_torch(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        pane = await open_lesson(pilot, "5")
        await next_step(pilot, pane, 3)
        formula = str(shown_one(pane, ProseBlock).content)
        assert formula.startswith("z = w₁x₁ + w₂x₂") and "= -0.8331" in formula
        inputs, w1, b1 = lesson5_tensors()
        y = torch.sigmoid(inputs @ w1.T + b1)
        assert f"the same: {y.item():.4f}" in _facts(pane)
        await pilot.press("enter", "up", "enter")  # by hand -> torch.sigmoid
        await settle(pilot)
        assert pane.form.values()["activation"] == "torch.sigmoid" and pane.result.goal_met
