"""A lesson's code as one complete script the learner can run with plain Python.

The script is built from ``LessonResult.source``, the very code that produced
the numbers on screen (plus any ``Code`` block the pane shows beside it): the
imports it needs, the seed ``evaluate`` starts from (only where the numbers
depend on it), the print width the pane uses (only where a tensor or array is
printed), the statements unchanged, and a ``print`` for each value the pane
shows. Which statements show a value is learned by evaluating the code
again, so ``y.backward()`` (which returns None) prints nothing, as in the app.

A lesson may run several programs (torch, then its NumPy twin): its ``Code``
blocks, when they make up its source, mark them, and a block that uses no name
an earlier one made starts a new program. Each program stops at its first
failure, as on screen; in a program that is followed by another, the failing
statement is wrapped in try/except that prints the error, so the rest of the
script still runs.
"""

from __future__ import annotations

import ast
import os
import textwrap
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from engine.blocks import Code, LessonResult
from engine.i18n import _
from engine.positions import Positions
from engine.safe_files import NotARegularFile, open_regular
from engine.sandbox.printing import DISPLAY_WIDTH

if TYPE_CHECKING:  # torch is imported only when a script is built
    from engine.outcomes import Evaluation, Output

START_SEED = 0
"""The seed every evaluation starts from unless the code seeds itself (``evaluate``'s default)."""

IMPORTS = {
    "torch": "import torch",
    "np": "import numpy as np",
    "numpy": "import numpy",
    "nn": "import torch.nn as nn",
    "F": "import torch.nn.functional as F",
}
"""Names the safe subset always binds, and the import that binds each in plain Python."""

SCRIPT_PREFIX = "tensor_tutor_"


def export_result(result: LessonResult, title: str = "") -> str:
    """The script for a lesson's result, one program per independent block of its code."""
    codes = [block.source for block in result.blocks if isinstance(block, Code)]
    return export_script(shown_source(result), title, codes)


def shown_source(result: LessonResult) -> str:
    """The result's source, followed by any code block on screen that it leaves out.

    A ``Code`` block is code that ran, so whatever the pane shows is in the script.
    """
    codes = [block.source for block in result.blocks if isinstance(block, Code)]
    extra = [code for code in codes if code.strip() not in result.source]
    if not extra:
        return result.source
    return "\n".join(part.rstrip("\n") for part in (result.source, *extra) if part.strip()) + "\n"


def export_script(source: str, title: str = "", blocks: Sequence[str] = ()) -> str:
    """``source`` as a runnable script that prints the values tensor-tutor shows for it.

    ``blocks`` are the pieces the source was shown in; see the module docstring.
    """
    header = _header(title)
    try:
        tree = ast.parse(source)
    except SyntaxError as error:
        return f"{header}# This code does not parse yet: {error.msg} (line {error.lineno}).\n\n{source}"
    from engine.sandbox.evaluation import evaluate

    programs = _programs(source, blocks)
    evaluations = [evaluate(program, seed=START_SEED) for program in programs]
    imports, widths = _print_width(_imports(tree), programs, evaluations)
    parts = [header, imports, widths]
    for number, (program, evaluation) in enumerate(zip(programs, evaluations)):
        parts.append(_program(program, evaluation, last=number == len(programs) - 1, first=number == 0))
    script = "".join(parts)
    return script if script.endswith("\n") else script + "\n"


def playground_code(source: str) -> str:
    """``source`` with the imports and seed it relies on, to carry on with in the Playground.

    No prints are added: the Playground shows every statement's value by itself.
    """
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return source
    split = _after_imports(source, tree)
    return _imports(tree) + source[:split] + _seed_lines(source) + source[split:]


def _after_imports(source: str, tree: ast.Module) -> int:
    """Offset just after the import statements the code starts with (seeds go after them)."""
    positions = Positions(source)
    offset = 0
    for statement in tree.body:
        if not isinstance(statement, (ast.Import, ast.ImportFrom)):
            break
        offset = _line_end(source, positions.span(statement)[1])
    return offset


def _header(title: str) -> str:
    import numpy
    import torch

    first = f"# {title}" if title else _("# Code from tensor-tutor")
    made = _(
        "# Made with PyTorch {torch} and NumPy {numpy}; other versions\n# may draw other random numbers from the same seed.",
        torch=torch.__version__.split("+")[0],
        numpy=numpy.__version__,
    )
    return f"{first}\n{made}\n\n"


def _imports(tree: ast.Module) -> str:
    """Import lines for the always-bound names the code uses but does not import itself."""
    used = {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}
    bound = {
        alias.asname or alias.name.split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, (ast.Import, ast.ImportFrom))
        for alias in node.names
    }
    lines = [line for name, line in IMPORTS.items() if name in used and name not in bound]
    return "\n".join(lines) + "\n\n" if lines else ""


def _print_width(imports: str, programs: Sequence[str], evaluations: Sequence[Evaluation]) -> tuple[str, str]:
    """The import lines (plus any the next lines need) and lines giving the pane's print width.

    ``evaluate`` prints values for ``DISPLAY_WIDTH``; without these lines a script
    would break long rows elsewhere than the pane does. Each library's width is
    set only if the script prints its values: a tensor prints as ``tensor(...)``
    wherever it appears (in a list, a ``print``); an array inside other text has
    no such mark, so any bracket printed by a program that uses NumPy counts.
    """
    torch_printed = numpy_printed = False
    for program, evaluation in zip(programs, evaluations):
        uses_numpy = bool(_names(ast.parse(program), ast.Load) & {"np", "numpy"})
        error = evaluation.error
        shown = [(o.kind, o.text) for o in evaluation.outputs] + ([("text", error.message)] if error else [])
        for kind, text in shown:
            torch_printed |= kind == "tensor" or "tensor(" in text
            numpy_printed |= kind == "ndarray" or (uses_numpy and kind in ("text", "other") and "[" in text)
    have = [line for line in imports.splitlines() if line]
    lines = []
    if torch_printed:
        have += [IMPORTS["torch"]] if IMPORTS["torch"] not in have else []
        lines.append(f"torch.set_printoptions(linewidth={DISPLAY_WIDTH})")
    if numpy_printed:
        numpy = "numpy" if IMPORTS["numpy"] in have else "np"
        have += [IMPORTS[numpy]] if IMPORTS[numpy] not in have else []
        lines.append(f"{numpy}.set_printoptions(linewidth={DISPLAY_WIDTH})")
    if not lines:
        return imports, ""
    comment = _("# Print as tensor-tutor shows it: rows broken for lines of {width} characters.", width=DISPLAY_WIDTH)
    return "\n".join(have) + "\n\n", "\n".join([comment, *lines]) + "\n\n"


def _seed_lines(program: str, evaluation: Evaluation | None = None) -> str:
    """Seed lines, only when a run from another seed shows other numbers (random draws, nn layers).

    ``evaluation`` is the program's run from ``START_SEED``, when the caller has it already.
    """
    from engine.sandbox.evaluation import evaluate

    first = evaluation or evaluate(program, seed=START_SEED)
    if _fingerprint(first) == _fingerprint(evaluate(program, seed=START_SEED + 1)):
        return ""
    used = _names(ast.parse(program), ast.Load)
    comment = f"  # tensor-tutor starts every run from seed {START_SEED}"
    lines = []
    if used & {"torch", "nn", "F"}:
        lines.append(f"torch.manual_seed({START_SEED}){comment}\n")
    for numpy in sorted(used & {"np", "numpy"})[:1]:
        lines.append(f"{numpy}.random.seed({START_SEED}){comment}\n")
    if not lines:
        return ""
    return "".join(lines) + "\n"


def _fingerprint(evaluation: Evaluation) -> tuple[tuple[str, ...], str | None]:
    error = evaluation.error
    return tuple(o.text for o in evaluation.outputs), None if error is None else error.message


def _programs(source: str, blocks: Sequence[str]) -> list[str]:
    """Split ``source`` where a shown block starts that needs no name from the blocks before it."""
    pieces = _tiles(source, blocks)
    if pieces is None:
        return [source]
    pieces = [piece.rstrip() + "\n" for piece in pieces]
    programs = [pieces[0]]
    made = _made(pieces[0])
    for piece in pieces[1:]:
        tree = ast.parse(piece)
        needs = _names(tree, ast.Load) - _made(piece)
        if needs & made:
            programs[-1] += "\n" + piece
            made |= _made(piece)
        else:
            programs.append(piece)
            made = _made(piece)
    return programs


def _tiles(source: str, blocks: Sequence[str]) -> list[str] | None:
    """``source`` cut at the start of each block, when the blocks make it up in order (else None)."""
    starts = []
    cursor = 0
    for block in blocks:
        position = source.find(block.strip(), cursor)
        if position == -1 or source[cursor:position].strip():
            return None
        starts.append(position)
        cursor = position + len(block.strip())
    if not starts or source[cursor:].strip():
        return None
    starts[0] = 0
    pieces = [source[a:b] for a, b in zip(starts, starts[1:] + [len(source)])]
    try:
        for piece in pieces:
            ast.parse(piece)
    except SyntaxError:
        return None
    return pieces


def _names(tree: ast.AST, context: type) -> set[str]:
    return {node.id for node in ast.walk(tree) if isinstance(node, ast.Name) and isinstance(node.ctx, context)}


def _made(piece: str) -> set[str]:
    """Names a piece of code binds: assignments, functions, classes."""
    tree = ast.parse(piece)
    defined = {node.name for node in ast.walk(tree) if isinstance(node, (ast.FunctionDef, ast.ClassDef))}
    return _names(tree, ast.Store) | defined


def _program(program: str, evaluation: Evaluation, last: bool, first: bool) -> str:
    """One program: its seeds if it needs them, its statements and prints, its failure handled.

    ``evaluation`` is the program's run from ``START_SEED``.
    """
    positions = Positions(program)
    tree = ast.parse(program)
    seeds = _seed_lines(program, evaluation)
    body = []
    cursor = 0
    for statement in tree.body:
        start, end = positions.span(statement)
        body.append(_gap(program[cursor:start]))
        if seeds and not isinstance(statement, (ast.Import, ast.ImportFrom)):
            body.append(seeds)
            seeds = ""
        error = evaluation.error
        if error is not None and error.line == statement.lineno:
            message = f"{error.kind}: {_one_line(error.message)}"
            if last:
                body.append(_("# The next statement fails, as on screen: {message}", message=message) + "\n")
                body.append(program[start:])
            else:
                rest = program[start:].rstrip("\n") + "\n"
                body.append(_("# The next statement fails, as on screen: {message}", message=message) + "\n")
                body.append("try:\n" + textwrap.indent(rest, "    "))
                body.append("except Exception as error:  # print the error and go on with the code below\n")
                body.append('    print(f"{type(error).__name__}: {error}")\n')
            cursor = len(program)
            break
        cursor = _line_end(program, end)
        body.append(_shown(statement, program[start:end], program[end:cursor], evaluation.outputs))
    body.append(_gap(program[cursor:]))
    text = "".join(body)
    return text if first else "\n" + text


def _shown(statement: ast.stmt, text: str, trailing: str, outputs: Sequence[Output]) -> str:
    """A top-level statement as the script writes it: printing each value the pane shows for it."""
    own = [o for o in outputs if o.line == statement.lineno and o.source == text]
    line_end = trailing if trailing.endswith("\n") else trailing + "\n"
    if isinstance(statement, ast.Expr):
        prints_itself = any(_is_print(node) for node in ast.walk(statement))
        shows_value = any(o.kind != "text" for o in own) or (own and not prints_itself)
        return f"print({text}){line_end}" if shows_value else text + line_end
    names = dict.fromkeys(o.name for o in own if o.name)
    return text + line_end + "".join(f'print("{name} =", {name})\n' for name in names)


def _is_print(node: ast.AST) -> bool:
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "print"


def _gap(text: str) -> str:
    """Text between statements; a ``;`` that joined two statements becomes a line break."""
    stripped = text.lstrip(" \t")
    return stripped[1:].lstrip(" \t") if stripped.startswith(";") else text


def _line_end(source: str, offset: int) -> int:
    """Extend a statement's end over a trailing comment and the line break (not over a ``;``)."""
    newline = source.find("\n", offset)
    stop = len(source) if newline == -1 else newline + 1
    rest = source[offset:stop].strip()
    return stop if not rest or rest.startswith("#") else offset


def _one_line(message: str) -> str:
    first = message.strip().splitlines()[0] if message.strip() else ""
    return first if len(first) <= 200 else first[:199] + "…"


def script_directory() -> Path:
    """Where saved scripts go: the current directory if it can be written, else the data folder."""
    here = Path.cwd()
    if os.access(here, os.W_OK):
        return here
    data = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return data / "tensor-tutor"


@dataclass(frozen=True)
class SavedScript:
    """Where a script was saved, and the names passed over on the way (``(name, what it is)``)."""

    path: Path
    reused: bool
    """True when ``path`` already held this very script, so nothing was written."""
    passed_over: tuple[tuple[str, str], ...] = ()


def _script_names(directory: Path, lesson_id: str) -> Iterator[Path]:
    stem = SCRIPT_PREFIX + lesson_id.replace("-", "_")
    for number in range(1, 1000):
        yield directory / (f"{stem}.py" if number == 1 else f"{stem}_{number}.py")


def _existing(path: Path, script: str) -> str | None:
    """What is at ``path``: None if nothing, "" if a regular file holding ``script``, else what it is.

    Never follows a link and never blocks (a FIFO named like a script would wait for a writer forever).
    """
    try:
        descriptor = open_regular(path, follow_links=False)
    except FileNotFoundError:
        return None
    except NotARegularFile as error:
        return str(error)
    except OSError:
        return "a symbolic link" if path.is_symlink() else "a file that cannot be read"
    with os.fdopen(descriptor, "rb") as file:
        wanted = script.encode("utf-8")
        return "" if file.read(len(wanted) + 1) == wanted else "another file"


def script_path(directory: Path, lesson_id: str, script: str) -> Path:
    """The file a script would be saved to: the same file if it already holds this script, else a new name."""
    for path in _script_names(directory, lesson_id):
        if _existing(path, script) in (None, ""):
            return path
    raise OSError(f"too many saved scripts named {path.stem}_N.py in {directory}")


def save_script(script: str, lesson_id: str, directory: Path | None = None) -> SavedScript:
    """Write ``script`` to a new .py file and say where.

    The file is created exclusively (``O_EXCL``) and never through a link
    (``O_NOFOLLOW``): a name that exists in any form, a dangling link included, is
    passed over, so no other file is ever written or created by following one.
    """
    directory = directory or script_directory()
    directory.mkdir(parents=True, exist_ok=True)
    passed_over: list[tuple[str, str]] = []
    data = script.encode("utf-8")
    for path in _script_names(directory, lesson_id):
        try:
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
        except FileExistsError:
            found = _existing(path, script)
            if found == "":
                return SavedScript(path, reused=True, passed_over=tuple(passed_over))
            passed_over.append((path.name, found or "a file"))
            continue
        with os.fdopen(descriptor, "wb") as file:
            file.write(data)
        return SavedScript(path, reused=False, passed_over=tuple(passed_over))
    raise OSError(f"too many saved scripts named {path.stem}_N.py in {directory}")
