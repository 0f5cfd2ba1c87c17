"""The engine stays UI-free and the app paints before torch loads (checked in fresh interpreters)."""

from __future__ import annotations

import os
import subprocess
import sys

import tui


def _modules_after(statement: str) -> set[str]:
    code = f"{statement}\nimport sys\nprint('\\n'.join(sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    return set(out.split())


def _printed(code: str, **environment: str) -> str:
    env = {k: v for k, v in os.environ.items() if k != "TEXTUAL_FPS"} | environment
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env).stdout


def test_engine_never_imports_textual() -> None:
    modules = _modules_after("import engine, engine.sandbox.evaluation, engine.lessons.tensors.compute")
    assert "torch" in modules  # the torch-backed parts really were imported
    assert not any(name == "textual" or name.startswith("textual.") for name in modules)


def test_app_module_leaves_torch_out() -> None:
    modules = _modules_after("import tui.app, tui.__main__")
    assert "textual" in modules
    assert "torch" not in modules
    assert "numpy" not in modules


def test_the_first_frame_loads_no_lesson_widgets() -> None:
    """The first frame is the sidebar alone; the pane's widgets (and TextArea's) load on the frame after it."""
    modules = _modules_after("import tui.app, tui.__main__")
    assert "tui.widgets.lesson_list" in modules
    early = {"tui.widgets.lesson_pane", "tui.widgets.fields", "tui.widgets.challenge", "tui.widgets.results"}
    assert not early & modules


def test_the_first_frame_loads_no_result_types_codec_or_server() -> None:
    """Finding the engine and listing the lessons need none of what results are made of (some 17 ms)."""
    modules = _modules_after("import tui.app, tui.__main__\nfrom engine.worker.client import shared\nshared()")
    assert "engine.worker.client" in modules and "engine.catalog" in modules
    assert not {"engine.blocks", "engine.outcomes", "engine.worker.codec", "engine.worker.server"} & modules


def test_the_app_runs_at_its_frame_rate_unless_the_learner_set_one() -> None:
    code = "import tui.__main__, tui.app\nfrom textual import constants\nprint(constants.MAX_FPS)"
    assert _printed(code).strip() == str(tui.FRAME_RATE) != "60"  # Textual's own default
    assert _printed(code, TEXTUAL_FPS="30").strip() == "30"


def test_lesson_catalog_is_torch_free() -> None:
    modules = _modules_after("from engine import LESSONS, parse_shape, InputError")
    assert "torch" not in modules


def test_version_and_help_answer_without_torch() -> None:
    for flag in ("--version", "--help"):
        done = subprocess.run(
            [sys.executable, "-X", "importtime", "-m", "tui", flag], capture_output=True, text=True, timeout=60
        )
        assert done.returncode == 0, done.stderr
        assert "tensor-tutor" in done.stdout
        assert "| torch" not in done.stderr and "| textual" not in done.stderr
