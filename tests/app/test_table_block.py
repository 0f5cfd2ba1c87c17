"""A table is laid out into lines for the width it has, and again when that width changes."""

from __future__ import annotations

from tests.conftest import SIZE, replace_field, settle
from tests.screen import frame, open_lesson, shown_one, steady
from tui.widgets.blocks import TableBlock

WIDE = (120, 24)


def _table_lines(app, table: TableBlock) -> list[str]:
    region = table.content_region
    lines = frame(app)[0].splitlines()
    return [line[region.x : region.right].rstrip() for line in lines[region.y : region.bottom]]


async def test_lesson_3s_table_wraps_at_80_columns_and_unwraps_when_the_window_widens(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        pane = await open_lesson(pilot, "3")
        await replace_field(pilot, "values", "[1.0, 2.0, 4.0]")  # a table shown again, now that its width is known
        await steady(pilot)
        table = shown_one(pane, TableBlock)
        narrow = _table_lines(app, table)
        assert any(line.strip() == "dtype=torch.float64)" for line in narrow), narrow  # t's value wraps
        assert any("tensor([1., 2., 4.]," in line for line in narrow), narrow

        await pilot.resize_terminal(*WIDE)
        await settle(pilot)
        await steady(pilot)
        wide = _table_lines(app, table)
        assert any("tensor([1., 2., 4.], dtype=torch.float64)" in line for line in wide), wide
        assert len(wide) < len(narrow)
        assert all(len(line) <= table.content_region.width for line in wide)

        await pilot.resize_terminal(*SIZE)
        await settle(pilot)
        await steady(pilot)
        assert _table_lines(app, table) == narrow
