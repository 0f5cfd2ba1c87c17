"""The layer contracts in pyproject.toml (import-linter) hold, and break when one import crosses a layer.

Each case copies ``engine/``, ``tui/`` and ``pyproject.toml`` to a temporary
folder, adds one import that crosses a layer, and runs ``lint-imports`` there:
the contract that forbids it must report it and fail the run.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")

pytestmark = pytest.mark.skipif(
    not LINT_IMPORTS.exists(), reason="lint-imports is not installed (make .venv/.installed-check installs it)"
)


def lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "PYTHONPATH": str(root)}
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--config", str(root / "pyproject.toml")],
        cwd=root,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def copy_of_the_project(destination: Path) -> Path:
    ignore = shutil.ignore_patterns("__pycache__", "*.po", "*.mo")
    for package in ("engine", "tui"):
        shutil.copytree(ROOT / package, destination / package, ignore=ignore)
    shutil.copy(ROOT / "pyproject.toml", destination / "pyproject.toml")
    return destination


def test_the_contracts_hold_on_the_code_as_it_is(tmp_path: Path) -> None:
    result = lint_imports(copy_of_the_project(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "4 kept, 0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "bad_import", "contract"),
    [
        ("tui/widgets/crossing.py", "from engine.sandbox import interpreter", "tui never imports engine.sandbox"),
        (
            "tui/widgets/crossing.py",
            "from engine.worker import codec",
            "tui never imports engine.sandbox, nor engine.worker past its client",
        ),
        ("engine/sandbox/crossing.py", "from engine.blocks import Code", "engine.sandbox never imports lessons"),
        ("engine/sandbox/crossing.py", "import engine.lessons.common", "engine.sandbox never imports lessons"),
        ("engine/lessons/tensors/spec.py", "import torch", "lesson specs never import torch"),
        ("engine/lessons/matmul/spec.py", "from engine.sandbox import sizing", "lesson specs never import torch"),
        ("engine/crossing.py", "import textual", "engine never imports textual"),
    ],
)
def test_one_import_across_a_layer_breaks_its_contract(
    tmp_path: Path, module: str, bad_import: str, contract: str
) -> None:
    root = copy_of_the_project(tmp_path)
    path = root / module
    text = path.read_text(encoding="utf-8") if path.exists() else '"""An import across a layer."""\n'
    path.write_text(text + f"\n{bad_import}  # crossing a layer\n", encoding="utf-8")
    result = lint_imports(root)
    assert result.returncode != 0, result.stdout
    report = " ".join(result.stdout.split())  # long contract names wrap
    assert "Contracts: 3 kept, 1 broken." in report, result.stdout
    assert re.search(re.escape(contract) + r"(?:(?!KEPT).)*? BROKEN", report), result.stdout
