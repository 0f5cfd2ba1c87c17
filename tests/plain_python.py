"""Run the code a pane shows in plain Python, as a learner pasting it would, and collect what it prints.

Each source runs in its own function of one subprocess (torch is imported once),
with the print width an exported script sets, so tensors print as on screen.
After every statement the value it made is printed the way ``print`` shows it:
an assignment's target, the array a subscript assignment changed, or an
expression statement's value. A failure records ``Kind: message`` and ends
that source, as it would end a script.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
import textwrap
from dataclasses import dataclass, field

from engine.sandbox.printing import DISPLAY_WIDTH

_PRELUDE = (
    f"""\
import json
import numpy as np
import torch

torch.set_printoptions(linewidth={DISPLAY_WIDTH})
np.set_printoptions(linewidth={DISPLAY_WIDTH})
"""
    + """


def _show(case, key, value):
    if value is not None:
        print(json.dumps({"case": case, "key": key, "text": str(value)}))


def _fail(case, error):
    print(json.dumps({"case": case, "error": f"{type(error).__name__}: {error}"}))
"""
)


@dataclass
class PlainRun:
    """What one source printed: ``shown`` maps a name (or an expression's text) to its last printed value."""

    shown: dict[str, str] = field(default_factory=dict)
    error: str | None = None


def _key(statement: ast.stmt, source: str) -> tuple[str, str] | None:
    """The printed name of a statement and the expression that reads its value back."""
    if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
        target = statement.targets[0]
        while isinstance(target, ast.Subscript):
            target = target.value
        if isinstance(target, ast.Name):
            return target.id, target.id
    if isinstance(statement, ast.Expr):
        text = ast.get_source_segment(source, statement) or ""
        return text, text
    return None


def _function(case: int, source: str) -> str:
    body = []
    for statement in ast.parse(source).body:
        body.append(ast.get_source_segment(source, statement) or "")
        key = _key(statement, source)
        if key is not None:
            name, reader = key
            if isinstance(statement, ast.Expr):
                body[-1] = f"_value = {reader}"
                reader = "_value"
            body.append(f"_show({case}, {name!r}, {reader})")
    inner = textwrap.indent("\n".join(body) or "pass", " " * 8)
    return f"def case_{case}():\n    try:\n{inner}\n    except Exception as error:\n        _fail({case}, error)\n"


def run_plain(sources: list[str]) -> list[PlainRun]:
    """Run each source in plain Python (one subprocess for all) and return what each printed."""
    functions = [_function(case, source) for case, source in enumerate(sources)]
    calls = [f"case_{case}()" for case in range(len(sources))]
    script = "\n\n".join([_PRELUDE, *functions, "\n".join(calls)]) + "\n"
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr
    runs = [PlainRun() for _ in sources]
    for line in done.stdout.splitlines():
        record = json.loads(line)
        run = runs[record["case"]]
        if "error" in record:
            run.error = record["error"]
        else:
            run.shown[record["key"]] = record["text"]
    return runs
