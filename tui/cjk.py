"""Line breaking for Chinese: between any two characters, never before closing punctuation.

Rich and Textual break lines at spaces only, so a Chinese run after a space
moves whole to the next line (leaving a short line), and ``。`` can start a
line. ``Paragraph`` breaks a text the way Chinese is typeset: a line may end
between any two CJK characters, at a space, or where CJK meets Latin text;
never before a closing mark (``，。、；：？！）」`` ...) nor after an opening one
(``（「“`` ...); a Latin word or a piece of code stays whole unless it is wider
than the line. Widths are counted in terminal cells (a CJK character is two).

``wrapped`` uses it only when the app speaks Chinese, so the English app is
drawn exactly as before.
"""

from __future__ import annotations

import unicodedata

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, RenderResult
from rich.measure import Measurement
from rich.segment import Segment
from rich.text import Text

from engine.i18n import CHINESE, language

NO_LINE_START = frozenset("，。、；：？！）」』》〉】〕”’…·,.;:?!)]}%")
"""Closing punctuation: a line never starts with one."""

NO_LINE_END = frozenset("（「『《〈【〔“‘([{")
"""Opening punctuation: a line never ends with one."""


def _wide(char: str) -> bool:
    return unicodedata.east_asian_width(char) in ("W", "F")


def _may_break_before(text: str, index: int) -> bool:
    """Whether a line may start at ``text[index]`` (``index`` > 0)."""
    before, char = text[index - 1], text[index]
    if char.isspace() or char in NO_LINE_START or before in NO_LINE_END:
        return False
    return before.isspace() or _wide(char) or _wide(before)


def break_offsets(text: str, width: int) -> list[int]:
    """Where to start new lines so that every line of ``text`` (one paragraph) fits ``width`` cells."""
    width = max(width, 2)
    offsets: list[int] = []
    start, used, last_break = 0, 0, -1
    for index, char in enumerate(text):
        if index > start and _may_break_before(text, index):
            last_break = index
        size = cell_len(char)
        if used + size > width and not char.isspace() and index > start:
            if last_break > start:
                cut = last_break
            else:  # one unbreakable run wider than the line: cut it, but not before a closing mark
                cut = index - 1 if char in NO_LINE_START and index - 1 > start else index
            while text[cut].isspace():
                cut += 1
            offsets.append(cut)
            start = cut
            used = cell_len(text[start:index])
            last_break = max((j for j in range(start + 1, index + 1) if _may_break_before(text, j)), default=-1)
        used += size
    return [offset for offset in offsets if offset < len(text)]


class Paragraph:
    """A Rich renderable: ``text`` (with its styles) broken into lines the Chinese way at the width it gets."""

    def __init__(self, text: Text | str) -> None:
        self.text = text if isinstance(text, Text) else Text(text)

    def lines(self, width: int) -> list[Text]:
        """The lines at ``width`` cells, styles kept, trailing spaces dropped."""
        result: list[Text] = []
        for paragraph in self.text.split("\n", allow_blank=True):
            for line in paragraph.divide(break_offsets(paragraph.plain, width)):
                line.rstrip()
                result.append(line)
        return result

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        for line in self.lines(options.max_width):
            yield from line.render(console)
            yield Segment.line()

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        longest = max((cell_len(line) for line in self.text.plain.split("\n")), default=0)
        return Measurement(min(longest, 2), min(longest, options.max_width))


def wrapped(text: Text | str) -> Text | str | Paragraph:
    """``text`` ready for a ``Static``: broken the Chinese way when the app speaks Chinese, else as it is."""
    return Paragraph(text) if language() == CHINESE else text
