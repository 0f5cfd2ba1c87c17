"""Which characters the terminal can draw: the one place that decides the glyph set.

A Linux console (``TERM=linux``) has ASCII, Latin-1 and the box-drawing set in
its font, but no Braille, no eighth blocks and no marks such as ``✗ ● ₁``:
Textual's borders and scrollbars, plotext's Braille lines and the lessons'
own text would show as blanks or diamonds. ``TENSOR_TUTOR_ASCII=1`` asks for
the same plain set anywhere (a font without them, a screen reader, a log).

In the plain set, charts draw with ASCII markers (chosen here), and every other
character is swapped, one cell for one cell, as the app writes its output.

In Chinese the app avoids East Asian *ambiguous-width* characters (``• … × · ▕ ●``
and the like): many CJK terminal set-ups draw them two cells wide, which pushes
every column after them out of line. ``WideSafeGlyphs`` swaps them for their
plain twins (the same table); box-drawing lines stay, as Textual's borders need
them (``TENSOR_TUTOR_ASCII=1`` swaps those too).
"""

from __future__ import annotations

import os
import unicodedata
from collections.abc import Mapping

from rich.segment import Segment
from textual.color import Color
from textual.filter import LineFilter

ASCII_SWITCH = "TENSOR_TUTOR_ASCII"
"""Set to 1 for the plain glyph set whatever the terminal."""

UNICODE_MARKERS = ("braille", "•", "+", "·", "x", "*")
"""Chart markers, one per legend entry, when colour cannot tell entries apart."""

PLAIN_MARKERS = ("*", "+", "o", "x", "#", "%")
"""Chart markers in the plain set: ASCII, distinct with or without colour."""

UNICODE_POINT = "●"
PLAIN_POINT = "@"

_SUBSTITUTES = {
    **{chr(0x2800 + i): "." for i in range(1, 256)},  # Braille dots: a faint trace at worst
    "\u2800": " ",
    **dict(zip("₀₁₂₃₄₅₆₇₈₉", "0123456789")),
    **dict(zip("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")),
    "✗": "x",
    "✓": "v",
    "●": "@",
    "•": "*",
    "○": "o",
    "⭘": "*",
    "…": "~",
    "—": "-",
    "–": "-",
    "←": "<",
    "→": ">",
    "↑": "^",
    "↓": "v",
    "≈": "~",
    "≤": "<",
    "≥": ">",
    "≠": "#",
    "‘": "'",
    "’": "'",
    "“": '"',
    "”": '"',
    # Eighth blocks and half blocks (Textual's borders and scrollbars): lines and a solid mark.
    "▏": "|",
    "▎": "|",
    "▍": "|",
    "▌": "|",
    "▋": "|",
    "▊": "|",
    "▉": "|",
    "▐": "|",
    "▕": "|",
    "▔": "-",
    "▀": "-",
    "▁": "_",
    **{block: "#" for block in "▂▃▄▅▆▇█▓▒░"},
    # Rounded and heavy box corners and lines: the console's plain box set.
    "╭": "┌",
    "╮": "┐",
    "╰": "└",
    "╯": "┘",
    "━": "─",
    "┃": "│",
    "┏": "┌",
    "┓": "┐",
    "┗": "└",
    "┛": "┘",
    "╴": "─",
    "╶": "─",
    "╵": "│",
    "╷": "│",
    "╸": "─",
    "╺": "─",
    "╹": "│",
    "╻": "│",
}
_TABLE = str.maketrans(_SUBSTITUTES)
_AMBIGUOUS = {
    char: plain_char
    for char, plain_char in {**_SUBSTITUTES, "×": "x", "·": ".", "°": "o", "‐": "-"}.items()
    if unicodedata.east_asian_width(char) == "A" and not "\u2500" <= char <= "\u257f"
}
# Subscript and superscript digits go as a family: ₁-₄ are ambiguous but ₅-₉ are not, and w₁₀ swapped by
# halves would read w1₀. All of them, then (w10).
_AMBIGUOUS.update(
    {
        char: _SUBSTITUTES[char]
        for family in ("₀₁₂₃₄₅₆₇₈₉", "⁰¹²³⁴⁵⁶⁷⁸⁹")
        if set(family) & set(_AMBIGUOUS)
        for char in family
    }
)
_WIDE_SAFE_TABLE = str.maketrans(_AMBIGUOUS)


def plain(environ: Mapping[str, str] | None = None) -> bool:
    """Whether to draw with the plain set: a Linux console, or ``TENSOR_TUTOR_ASCII=1``."""
    environ = os.environ if environ is None else environ
    return environ.get("TERM") == "linux" or environ.get(ASCII_SWITCH, "") not in ("", "0")


def chart_markers(no_color: bool, plain_set: bool) -> tuple[str, ...] | None:
    """The markers legend entries cycle through, or None to keep each series' own marker."""
    if plain_set:
        return PLAIN_MARKERS
    return UNICODE_MARKERS if no_color else None


def point_marker(plain_set: bool) -> str:
    """How a chart's highlighted points are drawn."""
    return PLAIN_POINT if plain_set else UNICODE_POINT


def ambiguous(text: str) -> set[str]:
    """The characters of ``text`` that ``WideSafeGlyphs`` would swap."""
    return {char for char in text if char in _AMBIGUOUS}


class WideSafeGlyphs(LineFilter):
    """Swaps East Asian ambiguous-width marks for one-cell ones, so columns line up in CJK terminals."""

    def apply(self, segments: list[Segment], background: Color) -> list[Segment]:
        return [Segment(text.translate(_WIDE_SAFE_TABLE), style, control) for text, style, control in segments]


class PlainGlyphs(LineFilter):
    """Swaps characters a console font lacks in everything the app draws, its own and Textual's."""

    def apply(self, segments: list[Segment], background: Color) -> list[Segment]:
        return [Segment(text.translate(_TABLE), style, control) for text, style, control in segments]
