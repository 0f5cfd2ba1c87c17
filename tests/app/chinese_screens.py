"""Every step of every lesson in Chinese at 80x24, driven by keyboard; a JSON report on stdout.

Challenge steps are seen as they open and again after a failed check, a hint
and (once the hints are all shown) the reference solution; prediction steps as
they open and after a wrong guess: the screens with the most to read.

Run as a program (``python -m tests.app.chinese_screens``) by ``test_chinese.py``:
the language must be chosen before any lesson is imported, as ``tensor-tutor``
itself does, and the test process has long imported them in English.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import tempfile

from engine.i18n import use_language

use_language("zh")

from textual.widgets import OptionList, Static  # noqa: E402

from engine.catalog import LESSONS  # noqa: E402 - after the language, as in tui/__main__.py
from tests.conftest import SIZE, settle  # noqa: E402
from tests.screen import frame, shown_one  # noqa: E402
from tui.app import TensorTutorApp  # noqa: E402
from tui.cjk import Paragraph  # noqa: E402
from tui.widgets.blocks import FactBlock, ProblemBlock, ProseBlock  # noqa: E402
from tui.widgets.challenge import ChallengeView  # noqa: E402
from tui.widgets.goal_bar import GoalBar  # noqa: E402
from tui.widgets.pick_list import PickList  # noqa: E402
from tui.widgets.prediction import PredictionView  # noqa: E402


def _plain(widget: Static) -> str:
    """A Static's text as it reads on screen (a Chinese paragraph is a ``Paragraph`` around its text)."""
    content = widget.content
    return content.text.plain if isinstance(content, Paragraph) else str(content)


def _practice_texts(pane) -> list[str]:
    """What a challenge or prediction step gives the learner to read, beyond its heading, prose and goal.

    Left out: the code, the library's own error message inside a verdict, and
    what the prediction's code printed (torch's words or values).
    """
    if pane.step.kind == "challenge":
        view = pane.query_one(ChallengeView)
        verdict = _plain(view.query_one(".challenge-verdict", Static))
        if view.verdict is not None and view.verdict.problem is not None:
            verdict = verdict.replace(view.verdict.problem.message, "")
        parts = [".challenge-given", ".challenge-explanation", ".challenge-hints"]
        shown = [_plain(w) for part in parts for w in view.query(part).results(Static) if w.display]
        return [verdict, *shown, *(str(option.prompt) for option in _options(view, ".challenge-fixes"))]
    view = pane.query_one(PredictionView)
    answer = [line for line in _plain(view.query_one(".prediction-answer", Static)).split("\n")]
    return [line for line in answer if not line.startswith("运行结果")]


def _options(widget, selector: str | type = OptionList) -> list:
    options = widget.query_one(selector, OptionList)
    return [options.get_option_at_index(i) for i in range(options.option_count)] if options.display else []


def _choices(pane) -> list[str]:
    """Every pick-list value on screen, as the learner reads it (the field's Select, a prediction's choices)."""
    shown = []
    if pane.step.kind == "predict":
        shown += [str(option.prompt).lstrip("> ") for option in _options(pane.query_one(PredictionView))]
    for row in pane.form.rows() if pane.form.display else ():
        if row.display and isinstance(row.editor, PickList):
            shown += [label for label, _value in row.editor.choices]  # the labels its list shows when opened
    return shown


def _learner_texts(pane) -> list[str]:
    """The prose a learner reads in the pane (code, values and the library's own messages left out)."""
    texts = [pane.lesson.title, pane.step.heading, pane.step.prose]
    if pane.step.goal is not None:
        texts += [pane.step.goal.text, pane.step.goal.done]
    texts += [row.spec.label + " " + row.spec.help for row in pane.form.rows() if row.display]
    result = pane.result
    for block in result.blocks if result is not None else ():
        for kind in ("text", "explanation"):
            if isinstance(getattr(block, kind, None), str):
                texts.append(getattr(block, kind))
        for fix in getattr(block, "fixes", ()):
            texts.append(fix.note)
        if hasattr(block, "headers"):
            texts += list(block.headers)
    return texts


async def _result_for_step(pilot, pane) -> None:
    for _ in range(300):  # a loaded machine (CI, parallel tests) can take a while
        await settle(pilot)
        if pane.result is not None and pane.result.step == pane.step.id:
            return
    raise AssertionError(f"no result for step {pane.step.id}")


def _seen(lesson, pane, index: int, state: str) -> dict[str, object]:
    """The screen now, its rows and what a learner reads on it."""
    screen, _codes = frame(pane.app)
    texts = _learner_texts(pane) + (_practice_texts(pane) if pane.step.kind != "explore" else [])
    return {
        "lesson": lesson.id,
        "step": index + 1,
        "kind": pane.step.kind,
        "state": state,
        "scroll": pane.max_scroll_y,
        "rows": screen.splitlines(),
        "texts": texts,
        "choices": _choices(pane),
        "keys": [
            binding.description
            for _node, binding, _on, _tip in pane.app.screen.active_bindings.values()
            if binding.show
        ],
    }


async def _until(pilot, ready) -> None:
    for _ in range(300):
        await settle(pilot)
        if ready():
            return
    raise AssertionError("the step never showed what was asked for")


async def _practise(pilot, lesson, pane, index: int) -> list[dict[str, object]]:
    """A challenge or prediction step as it opens, then with the most on screen."""
    await settle(pilot)
    seen = [_seen(lesson, pane, index, "open")]
    if pane.step.kind == "challenge":
        view = pane.query_one(ChallengeView)
        await pilot.press("ctrl+s")
        await _until(pilot, lambda: view.verdict is not None)
        await pilot.press("f3")
        await settle(pilot)
        seen.append(_seen(lesson, pane, index, "checked, one hint"))
        await pilot.press(*["f3"] * len(view.challenge.hints), "f4")
        await settle(pilot)
        seen.append(_seen(lesson, pane, index, "solution"))
    else:
        view = pane.query_one(PredictionView)
        wrong = next(i for i, choice in enumerate(view.prediction.choices) if choice != view.prediction.answer)
        await pilot.press(*["down"] * wrong, "enter")
        await _until(
            pilot,
            lambda: view.has_class("-right") or "运行结果" in _plain(view.query_one(".prediction-answer", Static)),
        )
        seen.append(_seen(lesson, pane, index, "a wrong guess"))
    return seen


async def main() -> dict[str, object]:
    os.environ["XDG_STATE_HOME"] = tempfile.mkdtemp()
    app = TensorTutorApp()
    steps: list[dict[str, object]] = []
    layer_problem: dict[str, str] = {}
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for lesson in LESSONS:
            await pilot.press("escape", str(lesson.number), "enter")
            pane = app.current_pane
            for index in range(len(pane.steps)):
                if pane.step.kind in ("challenge", "predict"):
                    steps += await _practise(pilot, lesson, pane, index)
                else:
                    await _result_for_step(pilot, pane)
                    await pilot.pause()
                    steps.append(_seen(lesson, pane, index, "open"))
                if lesson.id == "layer" and index == 0:
                    problem = shown_one(pane, ProblemBlock)
                    layer_problem = {
                        "message": problem.block.message,
                        "explanation": problem.block.explanation,
                        "shown": str(problem.query_one(".problem-message", Static).content),
                    }
                if index < len(pane.steps) - 1:
                    await pilot.press("pagedown")
                    await settle(pilot)
        widgets = [type(w).__name__ for w in app.query(ProseBlock)] + [type(w).__name__ for w in app.query(FactBlock)]
        goal_bars = len(app.query(GoalBar))
    return {"steps": steps, "layer_problem": layer_problem, "widgets": len(widgets), "goal_bars": goal_bars}


if __name__ == "__main__":
    json.dump(asyncio.run(main()), sys.stdout, ensure_ascii=False)
