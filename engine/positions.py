"""Character offsets of syntax nodes, so statements can be shown and rewritten exactly.

``ast`` reports columns in UTF-8 bytes; learner code may hold non-ASCII text
(comments, strings), so offsets are converted to characters here.
"""

from __future__ import annotations

import ast


class Positions:
    """Maps node positions in one source text to character offsets."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.lines = _split_lines(source)
        self.starts: list[int] = []
        offset = 0
        for line in self.lines:
            self.starts.append(offset)
            offset += len(line)
        self.starts.append(offset)

    def offset(self, line: int, byte_column: int) -> int:
        """Character offset of a 1-based line and a UTF-8 byte column."""
        if line - 1 >= len(self.lines):
            return len(self.source)
        text = self.lines[line - 1]
        column = len(text.encode("utf-8")[:byte_column].decode("utf-8", errors="ignore"))
        return self.starts[line - 1] + column

    def span(self, node: ast.AST) -> tuple[int, int]:
        """Character offsets [start, end) of a node."""
        # ast.AST declares no positions, though every node a span is asked of (statement, expression,
        # keyword, argument) has them.
        start = self.offset(node.lineno, node.col_offset)  # type: ignore[attr-defined]
        end = self.offset(node.end_lineno, node.end_col_offset)  # type: ignore[attr-defined]
        return start, end

    def text(self, node: ast.AST) -> str:
        """The node's source text."""
        start, end = self.span(node)
        return self.source[start:end]

    def line(self, number: int) -> str:
        """The text of a 1-based line, without its line break."""
        if 1 <= number <= len(self.lines):
            return self.lines[number - 1].rstrip("\r\n")
        return ""


def _split_lines(source: str) -> list[str]:
    """Lines as the parser counts them: only \\n, \\r\\n and \\r end a line."""
    lines: list[str] = []
    start = 0
    i = 0
    while i < len(source):
        char = source[i]
        if char == "\n" or char == "\r":
            end = i + 2 if source.startswith("\r\n", i) else i + 1
            lines.append(source[start:end])
            start = i = end
            continue
        i += 1
    if start < len(source):
        lines.append(source[start:])
    return lines
