"""A table is laid out into lines for the width it has, and again when that width changes; one that fits reads as Rich lays it out."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table as RichTable
from rich.text import Text

from engine.blocks import Table
from engine.catalog import LESSONS
from tests.conftest import SIZE, replace_field, settle
from tests.screen import frame, open_lesson, shown_one, steady
from tui.widgets.blocks import TableBlock, table_lines

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


def _tables_at_defaults() -> list[Table]:
    tables = []
    for lesson in LESSONS:
        for step in lesson.steps:
            result = lesson.compute(lesson.defaults(), step=step.id)
            tables += [block for block in result.blocks if isinstance(block, Table)]
    return tables


def _rich_lines(table: Table, width: int) -> list[str]:
    rich = RichTable(*table.headers, box=None, pad_edge=False)
    for row in table.rows:
        rich.add_row(*(Text(cell) for cell in row))
    console = Console(width=width)
    return ["".join(segment.text for segment in line) for line in console.render_lines(rich, pad=False)]


def test_a_table_that_fits_reads_as_rich_would_lay_it_out_with_bold_headers() -> None:
    tables = _tables_at_defaults()
    assert len(tables) >= 5
    fitted = 0
    for table in tables:
        for width in (60, 120):
            lines = table_lines(table, width)
            if lines is None:  # too wide: Rich wraps some cell onto a line of its own
                assert len(_rich_lines(table, width)) > 1 + len(table.rows), table
                continue
            fitted += 1
            assert [line.plain for line in lines] == _rich_lines(table, width)
            header = lines[0]
            for cell in table.headers:
                start = header.plain.index(cell) if cell else 0
                assert all(header.get_style_at_offset(Console(), start + offset).bold for offset in range(len(cell)))
            assert not any(span.style for line in lines[1:] for span in line.spans)
    assert fitted >= len(tables)


def test_a_table_too_wide_or_with_a_cell_of_two_lines_is_left_to_rich() -> None:
    table = Table(("name", "value"), (("t", "tensor([1., 2.])"),))
    assert table_lines(table, 4 + 2 + len("tensor([1., 2.])")) is not None
    assert table_lines(table, 4 + 2 + len("tensor([1., 2.])") - 1) is None
    assert table_lines(Table(("name", "value"), (("t", "tensor([1.,\n 2.])"),)), 80) is None
