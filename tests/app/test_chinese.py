"""The app in Chinese as a learner sees it at 80x24, and switching languages from the palette."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from engine.catalog import LESSONS
from engine.i18n import CHINESE, ENGLISH, language, use_language
from engine.practice import challenges, predictions
from tests.conftest import SIZE, settle
from tui import heap
from tui.__main__ import relaunch_arguments
from tui.app import TensorTutorApp
from tui.cjk import NO_LINE_START, Paragraph, break_offsets
from tui.state import StateStore

ROOT = Path(__file__).resolve().parents[2]
ENGLISH_PROSE = re.compile(r"\b[A-Za-z]{2,}(?: [A-Za-z]{2,}){3,}\b")
"""Four English words in a row: prose, not an API name or a shape."""


@pytest.fixture(scope="module")
def report() -> dict:
    """Every step of every lesson visited in Chinese at 80x24 (tests/app/chinese_screens.py)."""
    env = {**os.environ, "TENSOR_TUTOR_ENGINE": "", "LANG": "zh_CN.UTF-8"}
    done = subprocess.run(
        [sys.executable, "-m", "tests.app.chinese_screens"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=280,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout)


def _is_code(value: str) -> bool:
    """A shape, a number, an operator, a label like f1, or a name PyTorch has (torch.float32, view, t.numpy())."""
    if re.fullmatch(r"[-+0-9.,() ]+|[@*]|f[0-9]", value):
        return True
    import torch

    name = value.removesuffix("()").split(".")[-1]
    return any(hasattr(home, name) for home in (torch, torch.Tensor, torch.nn.functional, torch.nn))


def _pane_rows(step: dict) -> list[str]:
    """The screen's rows right of the sidebar's border (a plain | in Chinese: no ambiguous-width ▕)."""
    return [row.split("|", 1)[1] if "|" in row else row for row in step["rows"][:-1]]


def test_every_step_fits_80x24_in_chinese(report) -> None:
    steps = report["steps"]
    assert len(steps) >= 20
    scrolling = [(s["lesson"], s["step"], s["state"], s["scroll"]) for s in steps if s["scroll"]]
    assert not scrolling, f"steps that scroll in Chinese: {scrolling}"


def test_every_challenge_and_prediction_is_seen_at_its_fullest(report) -> None:
    """Each one as it opens, and a challenge after a check, a hint and its solution; a prediction after a guess."""
    seen = {(s["lesson"], s["step"]): set() for s in report["steps"] if s["kind"] != "explore"}
    for step in report["steps"]:
        if step["kind"] != "explore":
            seen[(step["lesson"], step["step"])].add(step["state"])
    expected = sum(len(challenges(lesson.id)) + len(predictions(lesson.id)) for lesson in LESSONS)
    assert len(seen) == expected
    for place, states in seen.items():
        assert states in ({"open", "checked, one hint", "solution"}, {"open", "a wrong guess"}), place


def test_the_footer_shows_every_key_whole(report) -> None:
    """The footer crops what does not fit at 80 columns: every key it lists must be there in full."""
    for step in report["steps"]:
        footer = step["rows"][-1]
        cut = [label for label in step["keys"] if label not in footer]
        assert not cut, f"{step['lesson']} step {step['step']} ({step['state']}): {cut} cut from {footer!r}"


def test_pick_lists_read_chinese_or_code(report) -> None:
    """A value that is a word (none, default, by hand) reads Chinese; one that is code (eye, float32, @) stays."""
    for step in report["steps"]:
        for value in step["choices"]:
            assert re.search(r"[\u4e00-\u9fff]", value) or _is_code(value), f"{step['lesson']}: {value!r}"


def test_no_line_starts_with_closing_punctuation(report) -> None:
    for step in report["steps"]:
        for row in _pane_rows(step):
            text = row.lstrip(" |")
            assert not text or text[0] not in NO_LINE_START, f"{step['lesson']} step {step['step']}: {row!r}"


def test_no_english_prose_on_a_chinese_screen(report) -> None:
    """What a learner reads is Chinese; code, values and the library's own messages are not in these texts."""
    for step in report["steps"]:
        for text in step["texts"]:
            library = ("view size is not compatible",)  # torch's words, quoted inside a Chinese sentence
            english = [m for m in ENGLISH_PROSE.findall(text) if not any(m.startswith(q) for q in library)]
            assert not english, f"{step['lesson']} step {step['step']}: {english} in {text!r}"
    assert all(not re.search(r"[•…×·▕●\u2080-\u2089]", row) for step in report["steps"] for row in step["rows"]), (
        "ambiguous-width marks are swapped in Chinese"
    )


def test_the_layer_lesson_explains_in_chinese_under_torchs_own_words(report) -> None:
    problem = report["layer_problem"]
    assert problem["message"] == "mat1 and mat2 shapes cannot be multiplied (1x10 and 1x10)", "torch's words, verbatim"
    assert "RuntimeError: mat1 and mat2 shapes cannot be multiplied (1x10 and 1x10)" in problem["shown"]
    assert (
        problem["explanation"]
        == "inputs 是 (1, 10)，w1 是 (1, 10)：inputs 有 10 列，而 w1 有 1 行；矩阵乘法要求两者相等。"
    )


def test_chinese_breaks_between_characters_and_never_before_closing_marks() -> None:
    text = "张量是 PyTorch 的 n 维数组，很像 NumPy 的 ndarray。矩阵乘法需要内侧大小一致。"
    for width in range(8, 40):
        lines = [line.plain for line in Paragraph(text).lines(width)]
        assert "".join(lines).replace(" ", "") == text.replace(" ", ""), "nothing lost or added"
        for line in lines:
            assert Paragraph(line).text.cell_len <= width, (width, line)
            assert line[0] not in NO_LINE_START, (width, lines)
        assert not any(
            word in "".join(lines[i][-3:] + "|" + lines[i + 1][:3])
            for i in range(len(lines) - 1)
            for word in ("Py|Torch", "nd|array")
        )
    assert [line.plain for line in Paragraph(text).lines(30)][0] == "张量是 PyTorch 的 n 维数组，很", (
        "a CJK run is not pushed whole to the next line"
    )
    english = "English words only wrap at spaces, as textwrap does it"
    for width in (12, 20):
        cuts = [0, *break_offsets(english, width), len(english)]
        assert [english[a:b].strip() for a, b in zip(cuts, cuts[1:])] == textwrap.wrap(english, width)


async def test_the_palette_switches_the_language_and_remembers_it(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    assert language() == ENGLISH
    app = TensorTutorApp()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause(0.3)
        await pilot.press(*"中文")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await pilot.pause(0.3)
    assert app.relaunch == CHINESE, "the app ends to start again in Chinese"
    saved = json.loads((tmp_path / "state" / "tensor-tutor" / "state.json").read_text())
    assert saved["language"] == CHINESE
    store = StateStore(tmp_path / "state" / "tensor-tutor" / "state.json")
    assert store.load().language == CHINESE, "the next start reads it back"


def test_starting_again_keeps_every_switch_but_the_language_and_a_reset() -> None:
    assert relaunch_arguments(["--no-mouse", "--lang", "en", "--reset", "--engine", "/s"], "zh") == [
        "--no-mouse",
        "--engine",
        "/s",
        "--lang",
        "zh",
    ]
    assert relaunch_arguments(["--lang=zh"], "en") == ["--lang", "en"]


def test_a_relaunch_runs_the_same_command_in_the_new_language(tmp_path, monkeypatch) -> None:
    """main() execs itself once the palette has asked for another language (the terminal is restored by then)."""
    import tui.__main__ as command

    ran: list[list[str]] = []

    class Stub:
        relaunch = CHINESE
        return_code = 0

        def __init__(self, store, engine=None, start=None) -> None:
            pass

        def run(self, mouse: bool) -> None:
            pass

    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path))
    monkeypatch.setattr(command, "_has_terminal", lambda: True)
    monkeypatch.setattr("tui.app.TensorTutorApp", Stub)
    monkeypatch.setattr(command.os, "execv", lambda path, argv: ran.append(argv))
    try:
        with pytest.raises(SystemExit):
            command.main(["--no-mouse"])
    finally:
        use_language(ENGLISH)
        heap.release()  # main() froze the heap for an app that, stubbed, never ends to hand it back
    assert ran == [[sys.executable, "-m", "tui", "--no-mouse", "--lang", "zh"]]
