"""One widget per kind of result block (see ``engine.blocks``).

Each widget can ``show`` a new block of its kind in place, so a recompute
updates the screen without tearing widgets down. Text from the engine (code,
tensors, error messages) is never parsed as markup: ``a[0]`` must stay ``a[0]``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from rich.cells import cell_len
from rich.table import Table as RichTable
from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widget import Widget
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from engine.blocks import (
    Block,
    Chart,
    Code,
    Columns,
    Fact,
    FixChoice,
    ProblemView,
    Prose,
    Table,
    Value,
)
from engine.i18n import _
from tui import highlight
from tui.cjk import wrapped
from tui.widgets.chart import ChartView
from tui.widgets.steady import Steady, SteadyStatic


class BlockWidget(Steady):
    """Base of block widgets: ``show`` replaces what the widget displays."""

    DEFAULT_CSS = "BlockWidget { height: auto; }"

    shown: Block | None = None
    """The block on display, as the result view last gave it (``ResultView.show`` skips an equal one)."""

    def show(self, block: Any) -> None:  # pragma: no cover - every subclass overrides
        raise NotImplementedError


class ProseBlock(SteadyStatic, BlockWidget):
    """A paragraph."""

    def __init__(self, block: Prose) -> None:
        super().__init__(wrapped(block.text), markup=False, classes="block prose")

    def show(self, block: Prose) -> None:
        self.update(wrapped(block.text))


class FactBlock(SteadyStatic, BlockWidget):
    """A takeaway, labelled in words as well as colour (NO_COLOR must stay readable)."""

    def __init__(self, block: Fact) -> None:
        super().__init__(classes="block fact")
        self.show(block)

    def show(self, block: Fact) -> None:
        self.set_class(block.tone == "warning", "-warning")
        prefix = _("Careful: ") if block.tone == "warning" else _("Note: ")
        self.update(wrapped(Text.assemble((prefix, "bold"), block.text)))


class CodeBlock(SteadyStatic, BlockWidget):
    """Highlighted Python in the app theme's colours, so it follows the theme and NO_COLOR."""

    def __init__(self, block: Code) -> None:
        super().__init__(classes="block code")
        self.show(block)

    def show(self, block: Code) -> None:
        self.source = block.source
        self.update(highlight.python(self.source.rstrip("\n")))


class ValueBlock(SteadyStatic, BlockWidget):
    """A printed value under its title, shape and dtype: one widget, drawn with the result that mounts it."""

    def __init__(self, block: Value) -> None:
        super().__init__(_shown(block), classes="block value", markup=False)
        self.block = block

    def show(self, block: Value) -> None:
        self.block = block
        self.update(_shown(block))

    @property
    def title_line(self) -> str:
        """The first line on screen: the title, and the caption after two spaces."""
        return str(self.content).split("\n", 1)[0]

    @property
    def value_text(self) -> str:
        """The printed value on screen, under the title."""
        return str(self.content).split("\n", 1)[1]


def _shown(block: Value) -> Text:
    """A value's title in bold, its caption (shape and dtype) dimmed beside it, and the printed value below."""
    title = Text(block.title, style="bold")  # the caption too is bold, under its dim
    if block.caption:
        title.append("  " + block.caption, style="dim")
    return Text.assemble(title, "\n", block.text)


class ColumnsBlock(Horizontal, BlockWidget):
    """Blocks side by side; stacked when the pane is too narrow for them."""

    def __init__(self, block: Columns) -> None:
        super().__init__(classes="block columns")
        self.block = block

    def compose(self) -> ComposeResult:
        for child in self.block.blocks:
            yield make_block_widget(child)

    def show(self, block: Columns) -> None:
        self.block = block
        children = [w for w in self.children if isinstance(w, BlockWidget)]  # every child is one
        if len(children) != len(block.blocks) or any(
            _WIDGETS[type(b)] is not type(w) for b, w in zip(block.blocks, children)
        ):
            self.remove_children()
            self.mount_all(make_block_widget(child) for child in block.blocks)
        else:
            for child, widget in zip(block.blocks, children):
                widget.show(child)
        self.call_after_refresh(self._fit)

    def on_resize(self) -> None:
        self._fit()

    def _fit(self) -> None:
        """Stack the columns when one's widest line would not fit its share (the columns are equally wide)."""
        needed = len(self.block.blocks) * max((_widest_line(b) + 2 for b in self.block.blocks), default=0)
        self.set_class(needed > self.size.width, "-stacked")


def _widest_line(block: Block) -> int:
    if isinstance(block, Code):
        return max((len(line) for line in block.source.splitlines()), default=0)
    if isinstance(block, Value):
        lines = block.text.splitlines() + [block.title + "  " + block.caption]
        return max(len(line) for line in lines)
    return 30


class FixList(OptionList):
    """The verified fixes of a problem; enter applies the highlighted one."""

    HELP = _("""\
## Fixes

Each fix here was run on your code and works.

- **up/down** choose a fix
- **enter** applies it: the fields and the code change, and the output appears
""")

    _fixes: tuple[FixChoice, ...] = ()
    _drawn_width: int | None = None
    """The width OptionList last drew the options for (on_resize)."""

    @dataclass
    class Applied(Message):
        """The learner chose a fix."""

        fix: FixChoice

    def set_fixes(self, fixes: tuple[FixChoice, ...]) -> None:
        """Replace the listed fixes, in place when there are as many as before.

        Options that read the same are left alone, and new wording for the same number of fixes
        only repaints the list: clearing and adding options lays the whole screen out again.
        """
        same = [_fix_prompt(fix, False) for fix in fixes] == [_fix_prompt(fix, False) for fix in self._fixes]
        self._fixes = fixes
        if self.option_count == len(fixes):
            if not same:
                for index, fix in enumerate(fixes):
                    self.replace_option_prompt_at_index(index, _fix_prompt(fix, index == self.highlighted))
            return
        self.clear_options()
        self.add_options(Option(_fix_prompt(fix, index == 0)) for index, fix in enumerate(fixes))
        if fixes:
            self.highlighted = 0

    def on_resize(self, event: events.Resize) -> None:
        """Keep the drawn options when only the height changed, or the list comes back at its old size.

        OptionList forgets its drawn lines on every Resize and paints again a frame later; its lines
        depend on the width alone. An error shown again (its problem block was kept, hidden) would
        otherwise settle a frame after the rest of the result.
        """
        if event.size.width == self._drawn_width:
            event.prevent_default()
        self._drawn_width = event.size.width

    def on_show(self) -> None:
        """A fix list that comes back with its error starts at the first fix again."""
        if self.highlighted not in (None, 0):
            self.highlighted = 0

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        """Mark the highlighted fix with an arrow too, so it stands out without colour (NO_COLOR)."""
        event.stop()
        for index, fix in enumerate(self._fixes):
            self.replace_option_prompt_at_index(index, _fix_prompt(fix, index == event.option_index))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.post_message(self.Applied(self._fixes[event.option_index]))


def _fix_prompt(fix: FixChoice, chosen: bool) -> Text:
    prompt = Text("> " if chosen else "  ")
    prompt.append(fix.label, style="bold")
    if fix.shape is not None:
        # Whose shape it is: the fixed statement's result (z), not the rewritten part (the reshape).
        shape = "(" + ", ".join(map(str, fix.shape)) + ("," if len(fix.shape) == 1 else "") + ")"
        prompt.append(f" -> {fix.of or _('result')} {shape}")
    if fix.note:
        prompt.append("  " + fix.note, style="dim")
    return prompt


class ProblemBlock(Vertical, BlockWidget):
    """An error: the library's words, the line that failed, why, and the fixes."""

    def __init__(self, block: ProblemView) -> None:
        super().__init__(classes="block problem")
        self.block = block

    def compose(self) -> ComposeResult:
        yield SteadyStatic(classes="problem-message", markup=False)
        yield SteadyStatic(classes="problem-explanation", markup=False)
        yield SteadyStatic(_("Fixes (enter applies one):"), classes="problem-fixes-title", markup=False)
        yield FixList(classes="problem-fixes")

    def on_mount(self) -> None:
        self.show(self.block)

    def show(self, block: ProblemView) -> None:
        self.block = block
        # An error the lesson sets out to show is the lesson, not a mistake: say so.
        heading = _("✗ The error this lesson shows: ") if block.expected else _("✗ Error ")
        message = Text.assemble((heading, "bold"), (f"{block.kind}: ", "bold"), block.message)
        if block.source:
            message.append(_("\n  in: "), style="dim")
            message.append(block.source)
        self.query_one(".problem-message", Static).update(message)
        explanation = self.query_one(".problem-explanation", Static)
        explanation.update(wrapped(_explanation(block)))
        explanation.display = bool(block.explanation)
        self.query_one(".problem-fixes-title").display = bool(block.fixes)
        fixes = self.query_one(FixList)
        fixes.display = bool(block.fixes)
        fixes.set_fixes(block.fixes)


def _explanation(block: ProblemView) -> Text:
    """The explanation with its clashing sizes in bold reverse video (visible in 16 colours and NO_COLOR)."""
    text = Text(block.explanation)
    for start, end in block.highlights:
        if 0 <= start < end <= len(block.explanation):
            text.stylize("bold reverse", start, end)
    return text


class TableBlock(SteadyStatic, BlockWidget):
    """Rows under headers, laid out into lines of text once per width.

    Given a Rich table, Textual would lay it out twice in every frame that shows it (once to
    measure its height, once to draw it); lines of text cost little to draw. A table that fits
    its width is laid out here, columns two spaces apart as Rich would; one that does not is
    left to Rich, which wraps its cells.
    """

    _laid_out_at: int | None = None
    """The width the table's lines were laid out for (None: not yet, the table itself is shown)."""

    def __init__(self, block: Table) -> None:
        super().__init__(classes="block table")
        self.show(block)

    def show(self, block: Table) -> None:
        self.block = block
        self._lay_out()

    def on_resize(self) -> None:
        if self.content_size.width != self._laid_out_at:
            self._lay_out()

    def _lay_out(self) -> None:
        block = self.block
        width = self.content_size.width
        if not width:  # before the first layout: Textual measures the table itself, then on_resize comes
            self._laid_out_at = None
            self.update(_rich_table(block))
            return
        self._laid_out_at = width
        lines = table_lines(block, width)
        if lines is None:
            console = self.app.console
            rendered = console.render_lines(_rich_table(block), console.options.update_width(width), pad=False)
            lines = [Text.assemble(*((s.text, s.style or "") for s in line)) for line in rendered]
        self.update(Text("\n").join(lines))


COLUMN_GAP = 2
"""Spaces between a table's columns: Rich's padding of one on each side, none at the edges."""


def table_lines(block: Table, width: int) -> list[Text] | None:
    """``block``'s lines, headers in bold and every cell padded to its column; None if it needs more than ``width``.

    A cell of several lines also goes to Rich, which stacks them.
    """
    rows = (block.headers, *block.rows)
    if any("\n" in cell for row in rows for cell in row):
        return None
    widths = [max(max(cell_len(cell) for cell in column), 1) for column in zip(*rows)]
    if sum(widths) + COLUMN_GAP * (len(widths) - 1) > width:
        return None
    gap = " " * COLUMN_GAP
    header = Text()
    for index, (cell, size) in enumerate(zip(block.headers, widths)):
        header.append(gap if index else "")
        header.append(_padded(cell, size), style="bold")
    return [header, *(Text(gap.join(map(_padded, row, widths))) for row in block.rows)]


def _padded(cell: str, width: int) -> str:
    return cell + " " * (width - cell_len(cell))


def _rich_table(block: Table) -> RichTable:
    table = RichTable(*block.headers, box=None, pad_edge=False)
    for row in block.rows:
        table.add_row(*(Text(cell) for cell in row))
    return table


class ChartBlock(ChartView, BlockWidget):
    """A line chart (drawn by ``tui.widgets.chart``), its plot as many rows high as the block asks."""

    def show(self, block: Chart) -> None:
        self.plot.styles.height = block.height
        super().show(block)


_WIDGETS: dict[type, Callable[[Any], BlockWidget]] = {
    Prose: ProseBlock,
    Fact: FactBlock,
    Code: CodeBlock,
    Value: ValueBlock,
    Columns: ColumnsBlock,
    ProblemView: ProblemBlock,
    Table: TableBlock,
    Chart: ChartBlock,
}


def register_block_widget(block_type: type, factory: Callable[[Any], BlockWidget]) -> None:
    """Teach the pane to render a new kind of block."""
    _WIDGETS[block_type] = factory


def make_block_widget(block: Block) -> BlockWidget:
    """A new widget showing ``block`` (its ``shown``, so that an equal block later is left alone)."""
    widget = _WIDGETS[type(block)](block)
    widget.shown = block
    return widget


def widget_matches(widget: Widget, block: Block) -> bool:
    """Whether ``widget`` can show ``block`` in place."""
    return type(widget) is _WIDGETS[type(block)]
