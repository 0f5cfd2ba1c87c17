"""engine's public calls give the same data as the in-process engine, computed in the worker."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
import torch

import engine
from engine import LESSONS, InputError
from engine.calculus import curve, derivative
from engine.sandbox.evaluation import apply_fix, evaluate


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.id)
def test_compute_matches_the_lesson_run_in_process(lesson) -> None:
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # as in the worker: sums over many threads round differently in the last digits
    try:
        local = lesson.compute({})
    finally:
        torch.set_num_threads(threads)
    assert engine.compute(lesson.id, {}) == local


def test_evaluate_and_apply_fix_match_in_process() -> None:
    source = "torch.manual_seed(7)\nx = torch.randn(1, 10)\nw = torch.randn(1, 10)\ny = x @ w"
    remote, local = engine.evaluate(source), evaluate(source)
    assert remote.outputs == local.outputs and remote.error == local.error
    fix = remote.error.fixes[0]
    assert engine.apply_fix(source, remote.error, fix) == apply_fix(source, local.error, fix)


def test_derivative_and_curve_match_in_process() -> None:
    assert engine.derivative("x**3", 2.0) == derivative("x**3", 2.0) == 12.0
    assert engine.curve("torch.sin(x)", -1.0, 1.0, 21) == curve("torch.sin(x)", -1.0, 1.0, 21)


def test_bad_input_raises_the_same_input_error() -> None:
    with pytest.raises(InputError, match='"y" is not known here'):
        engine.derivative("y + 1", 1.0)
    with pytest.raises(InputError) as raised:
        engine.compute("tensors", {"shape": "2,,3"})
    assert raised.value.field == "shape"


def test_a_process_that_calls_evaluate_never_imports_torch() -> None:
    code = (
        "import sys, engine\n"
        "e = engine.evaluate('y = torch.ones(2) * 3')\n"
        "print(e.outputs[0].text)\n"
        "print('torch' in sys.modules, 'numpy' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True).stdout
    assert out.split("\n")[:2] == ["tensor([3., 3.])", "False False"]


APP_RUN = """
import asyncio, sys
from tui.app import TensorTutorApp
from engine.catalog import LESSONS

async def main():
    app = TensorTutorApp()
    async with app.run_test(size=(80, 24)) as pilot:
        for lesson in LESSONS:
            app.show_lesson(lesson.id)
            for _ in range(400):
                await pilot.pause(0.05)
                if app.current_pane.result is not None:
                    break
            print(lesson.id, app.current_pane.result is not None)
        await pilot.press("c")  # the code screen builds its script in the worker too
        for _ in range(400):
            await pilot.pause(0.05)
            if getattr(app.screen, "script", None):
                break
        print("script", bool(getattr(app.screen, "script", None)))
    print("torch", "torch" in sys.modules, "numpy", "numpy" in sys.modules)

asyncio.run(main())
"""


def test_the_app_shows_every_lesson_and_a_script_without_importing_torch(tmp_path) -> None:
    environment = {**os.environ, "XDG_STATE_HOME": str(tmp_path)}
    done = subprocess.run([sys.executable, "-c", APP_RUN], capture_output=True, text=True, timeout=240, env=environment)
    assert done.returncode == 0, done.stderr[-2000:]
    lines = done.stdout.split("\n")
    assert [line for line in lines if line.endswith(" True")][: len(LESSONS)] == [
        f"{lesson.id} True" for lesson in LESSONS
    ]
    assert "script True" in lines
    assert "torch False numpy False" in lines
