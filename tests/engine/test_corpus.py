"""Beginner programs in the style of PyTorch's own tutorials print in the Playground exactly what Python prints.

Each program in ``corpus/`` runs through ``evaluate`` and, in a subprocess, as a
plain Python script from the same seeds at the same print width; the printed
text must be the same, line for line. Memory addresses (``<AddBackward0 object
at 0x7f...>``) differ between any two Python runs and are left out of both.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from engine.sandbox import limits
from engine.sandbox.evaluation import evaluate
from engine.sandbox.printing import DISPLAY_WIDTH

CORPUS = Path(__file__).parent / "corpus"
PROGRAMS = sorted(CORPUS.glob("*.py"))

_RUNNER = f"""
import contextlib, io, json, runpy, sys
import numpy as np
import torch
torch.set_printoptions(linewidth={DISPLAY_WIDTH})
np.set_printoptions(linewidth={DISPLAY_WIDTH})
printed = {{}}
for path in sys.argv[1:]:
    torch.manual_seed(0)
    np.random.seed(0)
    out = io.StringIO()
    try:
        with contextlib.redirect_stdout(out):
            runpy.run_path(path, run_name="__main__")
    except Exception as error:
        out.write(f"{{type(error).__name__}}: {{error}}\\n")
    printed[path] = out.getvalue()
print(json.dumps(printed))
"""


def _without_addresses(text: str) -> str:
    return re.sub(r" at 0x[0-9a-fA-F]+", "", text)


@pytest.fixture(scope="module")
def plain_output() -> dict[str, str]:
    done = subprocess.run(
        [sys.executable, "-c", _RUNNER, *map(str, PROGRAMS)], capture_output=True, text=True, timeout=240
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.mark.parametrize("program", PROGRAMS, ids=lambda path: path.stem)
def test_program_prints_what_python_prints(
    program: Path, plain_output: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(limits, "MAX_SECONDS", 120.0)  # about output, not time (make bench times them)
    evaluation = evaluate(program.read_text())
    assert evaluation.error is None, (evaluation.error.line, evaluation.error.source, evaluation.error.message)
    printed = "".join(o.text + "\n" for o in evaluation.outputs if o.kind == "text" and o.name is None)
    expected = plain_output[str(program)]
    assert "Error" not in expected.splitlines()[-1] if expected else True, expected
    assert _without_addresses(printed).splitlines() == _without_addresses(expected).splitlines()
