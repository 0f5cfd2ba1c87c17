"""Code blocks' highlighting: every token of the code keeps its place and gets its kind's style."""

from __future__ import annotations

from tui.highlight import python


def styles(code: str) -> dict[str, set[str]]:
    """Text of each styled span -> the styles it got (the whole code's base style left out)."""
    content = python(code)
    found: dict[str, set[str]] = {}
    for span in content.spans:
        if (span.start, span.end) != (0, len(content.plain)):
            found.setdefault(content.plain[span.start : span.end], set()).add(str(span.style))
    return found


def test_each_kind_of_token_gets_the_theme_style_of_its_kind() -> None:
    found = styles(
        'import torch\nx = torch.ones(2, 3)  # two rows\nprint(x, True, "s")\nfor i in range(2):\n    pass\n'
    )
    assert found["import"] == {"$text-error"}
    assert found["torch"] == {"$text-primary"}
    assert found["2"] == {"$text-warning"}
    assert found["# two rows"] == {"$text 60%"}
    assert found['"s"'] == {"$text-success 90%"}
    assert found["True"] == {"bold $text-success 80%"}
    assert found["print"] == found["range"] == found["for"] == {"$text-accent"}
    assert found["in"] == {"bold $text-error"}
    assert found["="] == {"bold"}
    assert not {"(", ")", ",", ":"} & set(found)  # punctuation stays plain, as Pygments leaves it


def test_touching_tokens_of_one_style_are_one_span() -> None:
    """``**`` after ``=`` is one bold run: every span costs its share of each paint of the block."""
    found = styles("y = x **-2")
    assert found["**-"] == {"bold"}
    assert found["x"] == {"$text-primary"}


def test_the_text_is_the_code_and_spans_cover_tokens_on_later_lines() -> None:
    code = "a = 1\nb = a @ a.T\n"
    content = python(code)
    assert content.plain == code.rstrip("\n")
    assert {content.plain[s.start : s.end] for s in content.spans} >= {"b", "@", "T", "1"}


def test_code_that_stops_tokenizing_is_shown_whole() -> None:
    for broken in ("x = (1,\ny = 2", 'print("open', "  if x:\n pass\n y"):
        content = python(broken)
        assert content.plain == broken
