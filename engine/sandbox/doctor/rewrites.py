"""Candidate fixes: the failing statement with one part of it rewritten."""

from __future__ import annotations

import ast
from dataclasses import dataclass

from engine.positions import Positions


@dataclass(frozen=True)
class Candidate:
    """A proposed rewrite of the failing statement, not yet tried."""

    label: str
    code: str
    note: str
    context: str = ""
    """The failing expression rewritten, used as the label when two labels would read alike."""


class Rewriter:
    """Builds the failing statement's text with one part of it replaced."""

    def __init__(self, positions: Positions, statement: ast.stmt) -> None:
        self.positions = positions
        self.start, self.end = positions.span(statement)
        self.code = positions.source[self.start : self.end]

    def text(self, node: ast.AST) -> str:
        return self.positions.text(node)

    def replace(self, node: ast.AST, new_text: str) -> str:
        start, end = self.positions.span(node)
        return self.code[: start - self.start] + new_text + self.code[end - self.start :]

    def replace_within(self, outer: ast.AST, node: ast.AST, new_text: str) -> str:
        """``outer``'s text with ``node`` (inside it) replaced."""
        outer_start, outer_end = self.positions.span(outer)
        start, end = self.positions.span(node)
        text = self.positions.source[outer_start:outer_end]
        return text[: start - outer_start] + new_text + text[end - outer_start :]

    def operand(self, node: ast.AST) -> str:
        """The node's text, bracketed when a method call after it would bind wrongly."""
        text = self.text(node)
        if isinstance(node, (ast.Name, ast.Attribute, ast.Call, ast.Subscript)):
            return text
        return f"({text})"
