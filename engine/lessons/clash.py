"""Where an explanation names the sizes (or dtypes) that clash, so the pane can highlight them.

The shape doctor writes its explanations in a few fixed forms ("A has 2 columns
but B has 3 rows", "... has 2 in A and 3 in B, so they cannot broadcast",
"torch.mm takes 2-D matrices only; A is (2, 3, 3) (3-D) ..."). These patterns
find the clashing parts in those sentences; an explanation of another form
simply gets no highlight. Each form has its Chinese twin, as the zh_CN catalog
writes it ("A 有 2 列，而 B 有 3 行").
"""

from __future__ import annotations

import re

_PAIRS = (
    re.compile(r"has (\d+ (?:columns?|elements?|entry|entries)) but .+? has (\d+ (?:rows?|elements?))"),
    re.compile(r"has (\d+ in .+?) and (\d+ in .+?), so they cannot broadcast"),
    re.compile(r" is (torch\.\w+) and .+? is (torch\.\w+)"),
    re.compile(r"有 (\d+ (?:列|个元素|个条目))，而 .+? 有 (\d+ (?:行|个元素))"),
    re.compile(r"在 (\S+ 中是 \d+)、在 (\S+ 中是 \d+)，所以无法广播"),
    re.compile(r" 是 (torch\.\w+)，而 .+? 是 (torch\.\w+)"),
)
_RANKS = (
    (re.compile(r"takes (\d+)-D "), re.compile(r"\((\d+)-D\)")),
    (re.compile(r"只接受 (\d+) 维"), re.compile(r"（(\d+) 维）")),
)


def clash_spans(explanation: str) -> tuple[tuple[int, int], ...]:
    """Character spans of the clashing sizes, ranks or dtypes in ``explanation``."""
    spans: list[tuple[int, int]] = []
    for pattern in _PAIRS:
        match = pattern.search(explanation)
        if match is not None:
            spans += [match.span(1), match.span(2)]
    for needed_pattern, rank_pattern in _RANKS:
        needed = needed_pattern.search(explanation)
        if needed is not None:
            spans += [m.span() for m in rank_pattern.finditer(explanation) if m.group(1) != needed.group(1)]
    return tuple(sorted(spans))
