"""Highlights that survive translation: the doctor marks the clashing sizes as it writes a sentence.

An explanation is written with ``_()`` from a translated template and values.
A value wrapped in ``mark()`` carries two private-use characters into the text,
wherever a translation puts it; ``unmark()`` takes them out again and returns
where the marked values ended up, for the pane to highlight. No text is ever
searched for words, so a reworded or translated sentence keeps its highlights.
"""

from __future__ import annotations

Span = tuple[int, int]

START = "\ue000"
END = "\ue001"


def mark(value: object) -> str:
    """``value`` as text, marked as a part of the sentence to highlight."""
    return f"{START}{value}{END}"


def plain(text: str) -> str:
    """``text`` with any marks taken out: for learner text (their code) that goes into a sentence."""
    return text.replace(START, "").replace(END, "")


def unmark(text: str) -> tuple[str, tuple[Span, ...]]:
    """``text`` without its marks, and the character spans the marked values cover in it."""
    kept: list[str] = []
    spans: list[Span] = []
    start: int | None = None
    for character in text:
        if character == START:
            start = len(kept)
        elif character == END:
            if start is not None and start < len(kept):
                spans.append((start, len(kept)))
            start = None
        else:
            kept.append(character)
    return "".join(kept), tuple(spans)
