"""Every step of every lesson in Chinese at 80x24, driven by keyboard; a JSON report on stdout.

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

from textual.widgets import Static  # noqa: E402

from engine.catalog import LESSONS  # noqa: E402 - after the language, as in tui/__main__.py
from tests.conftest import SIZE, settle  # noqa: E402
from tests.screen import frame  # noqa: E402
from tui.app import TensorTutorApp  # noqa: E402
from tui.widgets.blocks import FactBlock, ProblemBlock, ProseBlock  # noqa: E402
from tui.widgets.goal_bar import GoalBar  # noqa: E402


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
            for index in range(len(lesson.steps)):
                await _result_for_step(pilot, pane)
                await pilot.pause()
                screen, _codes = frame(app)
                steps.append(
                    {
                        "lesson": lesson.id,
                        "step": index + 1,
                        "scroll": pane.max_scroll_y,
                        "rows": screen.splitlines(),
                        "texts": _learner_texts(pane),
                    }
                )
                if lesson.id == "layer" and index == 0:
                    problem = pane.query_one(ProblemBlock)
                    layer_problem = {
                        "message": problem.block.message,
                        "explanation": problem.block.explanation,
                        "shown": str(problem.query_one(".problem-message", Static).content),
                    }
                if index < len(lesson.steps) - 1:
                    await pilot.press("pagedown")
        widgets = [type(w).__name__ for w in app.query(ProseBlock)] + [type(w).__name__ for w in app.query(FactBlock)]
        goal_bars = len(app.query(GoalBar))
    return {"steps": steps, "layer_problem": layer_problem, "widgets": len(widgets), "goal_bars": goal_bars}


if __name__ == "__main__":
    json.dump(asyncio.run(main()), sys.stdout, ensure_ascii=False)
