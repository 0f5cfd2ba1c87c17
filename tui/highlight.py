"""Python code in the theme's colours, from the standard library's tokenizer.

Textual's ``highlight`` goes through Pygments, whose Python lexer compiles some
hundred regular expressions the first time it runs: 50-70 ms on a slow server,
in the middle of the first result's frame. ``tokenize`` needs about 5 ms the
first time and a tenth of a millisecond after that, and Python is the only
language a lesson shows. The styles are the same theme variables Textual's
highlighting uses, so code follows the theme, and NO_COLOR, as before.
"""

from __future__ import annotations

import builtins
import io
import keyword
import token
import tokenize

from textual.content import Content, Span

KEYWORD = "$text-accent"
STYLES = {
    token.NUMBER: "$text-warning",
    token.STRING: "$text-success 90%",
    token.COMMENT: "$text 60%",
    token.OP: "bold",
    token.NAME: "$text-primary",
}
"""Token kind -> style, as Textual's HighlightTheme gives Pygments' tokens of the same kind."""
PUNCTUATION = frozenset(
    (token.LPAR, token.RPAR, token.LSQB, token.RSQB, token.LBRACE, token.RBRACE, token.COMMA, token.SEMI, token.COLON)
)
"""Operators to tokenize, punctuation to Pygments: unstyled, as Textual's theme leaves them."""
WORDS = {
    **dict.fromkeys((name for name in dir(builtins) if not name.startswith("_")), "$text-accent"),
    **dict.fromkeys(keyword.kwlist, KEYWORD),
    **dict.fromkeys(("True", "False", "None"), "bold $text-success 80%"),
    **dict.fromkeys(("import", "from"), "$text-error"),
    **dict.fromkeys(("and", "or", "not", "in", "is"), "bold $text-error"),
}
"""Names styled by what they are rather than as names: keywords, constants and builtins."""


def python(code: str) -> Content:
    """``code`` as Content with its tokens styled; code that stops tokenizing is plain from there on."""
    code = "\n".join(code.splitlines())
    starts = [0]
    for line in code.split("\n"):
        starts.append(starts[-1] + len(line) + 1)
    spans: list[Span] = []
    try:
        for item in tokenize.generate_tokens(io.StringIO(code).readline):
            if item.exact_type in PUNCTUATION:
                continue
            style = (WORDS.get(item.string) if item.type == token.NAME else None) or STYLES.get(item.type)
            start, end = starts[item.start[0] - 1] + item.start[1], starts[item.end[0] - 1] + item.end[1]
            if not style or end <= start:
                continue
            if spans and spans[-1].end == start and spans[-1].style == style:
                spans[-1] = Span(spans[-1].start, end, style)  # one span for both: each costs its share of every paint
            else:
                spans.append(Span(start, end, style))
    except (tokenize.TokenError, SyntaxError):  # an unclosed bracket or string, a bad dedent: the rest stays plain
        pass
    return Content(code, spans=spans).stylize_before("$text")
