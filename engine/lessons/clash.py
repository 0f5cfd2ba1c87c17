"""Where an explanation names the sizes (or dtypes) that clash, so the pane can highlight them.

The shape doctor writes its explanations in a few fixed forms ("A has 2 columns
but B has 3 rows", "... has 2 in A and 3 in B, so they cannot broadcast",
"torch.mm takes 2-D matrices only; A is (2, 3, 3) (3-D) ..."). These patterns
find the clashing parts in those sentences; an explanation of another form
simply gets no highlight.
"""

from __future__ import annotations

import re

_PAIRS = (
    re.compile(r"has (\d+ (?:columns?|elements?|entry|entries)) but .+? has (\d+ (?:rows?|elements?))"),
    re.compile(r"has (\d+ in .+?) and (\d+ in .+?), so they cannot broadcast"),
    re.compile(r" is (torch\.\w+) and .+? is (torch\.\w+)"),
)
_RANK_NEEDED = re.compile(r"takes (\d+)-D ")
_RANK = re.compile(r"\((\d+)-D\)")


def clash_spans(explanation: str) -> tuple[tuple[int, int], ...]:
    """Character spans of the clashing sizes, ranks or dtypes in ``explanation``."""
    spans: list[tuple[int, int]] = []
    for pattern in _PAIRS:
        match = pattern.search(explanation)
        if match is not None:
            spans += [match.span(1), match.span(2)]
    needed = _RANK_NEEDED.search(explanation)
    if needed is not None:
        spans += [m.span() for m in _RANK.finditer(explanation) if m.group(1) != needed.group(1)]
    return tuple(sorted(spans))
