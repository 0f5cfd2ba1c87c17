"""The exported script is the code behind the pane: run by plain Python, it prints the pane's numbers.

Every lesson in ``engine.LESSONS`` is covered, with its default values and with
edited ones (each other choice of a pick-list field, another seed, each action
and each fix the pane offers), so lessons are checked as they are added.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest

from engine import LESSONS, InputError, Lesson, lesson_by_id
from engine.blocks import Block, Code, Columns, LessonResult, ProblemView, Value
from engine.export import (
    export_result,
    export_script,
    playground_code,
    save_script,
    script_directory,
    script_path,
    shown_source,
)
from engine.lessons.playground.snippets import SNIPPETS
from engine.sandbox.evaluation import evaluate
from engine.sandbox.printing import DISPLAY_WIDTH

RUNNER = """\
import contextlib, io, json, runpy, sys
results = []
for path in sys.argv[1:]:
    out = io.StringIO()
    error = None
    with contextlib.redirect_stdout(out):
        try:
            runpy.run_path(path, run_name="__main__")
        except Exception as exc:
            error = f"{type(exc).__name__}: {exc}"
    results.append({"stdout": out.getvalue(), "error": error})
print(json.dumps(results))
"""


def _walk(blocks: tuple[Block, ...]):
    for block in blocks:
        yield block
        if isinstance(block, Columns):
            yield from _walk(block.blocks)


def _computes(lesson: Lesson) -> bool:
    try:
        lesson.compute(lesson.defaults())
    except ModuleNotFoundError:
        return False
    return True


def _variants(lesson: Lesson) -> list[tuple[str, str, dict[str, str]]]:
    """For each step: default values, then edits a learner makes there (other choices, another seed, actions, fixes)."""
    defaults = lesson.defaults()
    variants: list[tuple[str, str, dict[str, str]]] = []
    for step in lesson.steps:
        mine = [("defaults", defaults)]
        for field in lesson.fields:
            if field.name not in step.fields:
                continue
            mine += [(f"{field.name}={c}", {**defaults, field.name: c}) for c in field.choices if c != field.default]
            if field.name == "seed":
                mine.append(("seed=3", {**defaults, "seed": "3"}))
        if lesson.id == "playground":
            mine += [(snippet.title, {"code": snippet.code}) for snippet in SNIPPETS]
        first = lesson.compute(defaults, step=step.id)
        mine += [(f"action {name}", {**defaults, **values}) for name, values in first.actions.items()]
        for name, values in list(mine):
            try:
                result = lesson.compute(values, step=step.id)
            except InputError:
                continue
            for block in _walk(result.blocks):
                if isinstance(block, ProblemView):
                    mine += [(f"{name}, fix {fix.label}", {**values, **fix.values}) for fix in block.fixes]
        variants += [(step.id, name, values) for name, values in mine]
    return variants


def _run_scripts(scripts: list[str], directory: Path) -> list[dict]:
    paths = []
    for number, script in enumerate(scripts):
        path = directory / f"script_{number}.py"
        path.write_text(script, encoding="utf-8")
        paths.append(str(path))
    done = subprocess.run(
        [sys.executable, "-c", RUNNER, *paths], capture_output=True, text=True, timeout=240, cwd=directory
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.fixture(scope="module")
def exported(tmp_path_factory) -> dict[str, list[tuple[str, LessonResult, str, dict]]]:
    """Every variant of every lesson that exists: its result, its script, and what the script did."""
    cases = []
    for lesson in LESSONS:
        if not _computes(lesson):
            continue
        for step, name, values in _variants(lesson):
            try:
                result = lesson.compute(values, step=step)
            except InputError:
                continue
            title = f"lesson {lesson.number}"
            cases.append((lesson.id, f"{step}: {name}", result, export_result(result, title)))
    runs = _run_scripts([case[3] for case in cases], tmp_path_factory.mktemp("scripts"))
    by_lesson: dict[str, list] = {}
    for (lesson_id, name, result, script), run in zip(cases, runs):
        by_lesson.setdefault(lesson_id, []).append((name, result, script, run))
    return by_lesson


@pytest.mark.parametrize("lesson_id", [lesson.id for lesson in LESSONS])
def test_exported_script_prints_what_the_pane_shows(lesson_id: str, exported) -> None:
    if lesson_id not in exported:
        pytest.skip(f"lesson {lesson_id} has no engine module yet")
    for name, result, script, run in exported[lesson_id]:
        where = f"{lesson_id} ({name})"
        for block in _walk(result.blocks):
            if isinstance(block, Value):
                assert block.text in run["stdout"], f"{where}: {block.title} is not printed\n{script}"
        problems = [b for b in _walk(result.blocks) if isinstance(b, ProblemView)]
        reported = run["stdout"] + (run["error"] or "")
        for problem in problems:
            if problem.source and problem.source in result.source:
                assert problem.message in reported, f"{where}: the script does not report {problem.message}"
        if run["error"] is not None:
            assert any(p.message in run["error"] for p in problems), f"{where}: {run['error']}\n{script}"


@pytest.mark.parametrize("lesson_id", [lesson.id for lesson in LESSONS])
def test_code_on_screen_is_in_the_script(lesson_id: str, exported) -> None:
    if lesson_id not in exported:
        pytest.skip(f"lesson {lesson_id} has no engine module yet")
    for name, result, script, _run in exported[lesson_id]:
        lines = set(script.splitlines())
        for block in _walk(result.blocks):
            if isinstance(block, Code):
                missing = [line for line in block.source.splitlines() if line.strip() and not _written(line, lines)]
                assert not missing, f"{lesson_id} ({name}): {block.title or 'code'} lacks {missing}"


def _written(line: str, script_lines: set[str]) -> bool:
    """A line of shown code is in the script as is, printed, or inside a try block.

    A comment line is not code; statements that share a line (``y.backward(); g = x.grad``)
    may stand on lines of their own in the script.
    """
    if line.lstrip().startswith("#"):
        return True
    if ";" in line and "#" not in line:
        return all(_written(part.strip(), script_lines) for part in line.split(";"))
    return bool({line, f"print({line})", f"    {line}"} & script_lines)


def test_lessons_are_covered_with_edits(exported) -> None:
    assert "tensors" in exported and "playground" in exported
    assert len(exported["tensors"]) >= 8  # every step, the other choices of its fields, another seed
    assert {name.split(":")[0] for name, *_ in exported["tensors"]} == {
        step.id for step in lesson_by_id("tensors").steps
    }
    names = [name.split(": ", 1)[1] for name, *_ in exported["playground"]]
    assert all(snippet.title in names for snippet in SNIPPETS)
    assert any(", fix " in name for name in names)  # a fix the doctor offered, applied and exported


REPL_CASES = [
    "a = 1; b = 2  # two on one line\nb\n",
    "x = torch.ones(2, 3)\ny = (x * 2).sum()\ny\nx.shape\n",
    "x = torch.tensor(2.0, requires_grad=True)\ny = x ** 3\ny.backward()\nx.grad\n",
    "a = np.zeros((2, 2))\na[0, 0] = 5.0\nq, r = divmod(7, 2)\n",
    "for i in range(3): print(i, i * i)\ntotal = sum([1, 2, 3])  # 中文 comment\n",
    "def double(t):\n    return t * 2\n\ndouble(torch.arange(3))\n[print(n) for n in range(2)]\n",
    "m = torch.tensor(\n    [[1, 2],\n     [3, 4]]\n)\nm @ m\n",
    "import torch\nimport numpy as np\nt = torch.randn(2)\nn = np.random.rand(2)\n",
    "import numpy\nb = numpy.zeros(2)\na = np.random.rand(2)\n",
    "import torch\nx = torch.randn(1, 10)\nprint(x)\nprint([np.ones(30)])\n",  # rows broken for the pane
    "w = nn.Linear(12, 2).weight\na = np.random.randn(2, 10)\n",
]


def _transcript(source: str) -> str:
    """What the pane lists, as print would write it: ``name = value`` or the value alone."""
    lines = []
    for output in evaluate(source).outputs:
        lines.append(f"{output.name} = {output.text}" if output.name else output.text)
    return "".join(line + "\n" for line in lines)


def test_scripts_print_exactly_the_values_the_pane_lists(tmp_path) -> None:
    runs = _run_scripts([export_script(source) for source in REPL_CASES], tmp_path)
    for source, run in zip(REPL_CASES, runs):
        assert run["error"] is None, (source, run["error"])
        assert run["stdout"] == _transcript(source), source


def test_seeds_appear_only_when_the_numbers_depend_on_them() -> None:
    assert "manual_seed" not in export_script("x = torch.zeros(2)\nx + 1\n")
    assert "torch.manual_seed(0)" in export_script("x = torch.randn(2)\n")
    numpy_only = export_script("a = np.random.rand(2)\n")
    assert "np.random.seed(0)" in numpy_only and "manual_seed" not in numpy_only
    seeded = export_script("torch.manual_seed(5)\nx = torch.randn(2)\n")
    assert seeded.count("manual_seed") == 1


def test_print_width_is_set_only_for_the_libraries_whose_values_are_printed() -> None:
    width = f"set_printoptions(linewidth={DISPLAY_WIDTH})"
    assert width not in export_script("n = 3 + 4\n")
    assert width not in export_script("n = np.ones(3).sum()\nt = torch.ones(2).sum().item()\n")
    torch_only = export_script("x = torch.ones(3)\n")
    assert "import torch\n\n# Print as tensor-tutor shows it" in torch_only
    assert f"torch.{width}" in torch_only and f"np.{width}" not in torch_only
    numpy_only = export_script("a = np.ones(3)\n")
    assert f"np.{width}" in numpy_only and f"torch.{width}" not in numpy_only


def test_a_failing_statement_ends_the_script_with_the_same_error(tmp_path) -> None:
    source = "x = torch.ones(1, 10)\nw = torch.ones(1, 10)\ny = x @ w\nz = y + 1\n"
    script = export_script(source)
    assert "# The next statement fails, as on screen: RuntimeError: mat1 and mat2" in script
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    expected = evaluate(source).error
    assert done.returncode != 0
    assert f"RuntimeError: {expected.message}" in done.stderr
    assert done.stdout.startswith("x = tensor([[1., 1.,")


def test_code_that_does_not_parse_is_exported_as_it_stands() -> None:
    script = export_script("x = torch.ones(2\n")
    assert "does not parse yet" in script and script.endswith("x = torch.ones(2\n")


@pytest.mark.parametrize("snippet", SNIPPETS, ids=[s.title for s in SNIPPETS])
def test_playground_code_runs_the_same_as_the_lesson_code(snippet) -> None:
    code = playground_code(snippet.code)
    assert _texts(evaluate(code, seed=1)) == _texts(evaluate(snippet.code))
    assert code.endswith(snippet.code)


def test_playground_code_carries_the_seed_of_unseeded_random_code() -> None:
    lesson = lesson_by_id("tensors")
    result = lesson.compute({**lesson.defaults(), "seed": "4"})
    code = playground_code(result.source)
    assert _texts(evaluate(code, seed=123)) == _texts(evaluate(result.source, seed=4))
    random_code = "import torch\nx = torch.randn(3)\n"
    code = playground_code(random_code)
    assert code.startswith("import torch\ntorch.manual_seed(0)")
    assert _texts(evaluate(code, seed=9)) == _texts(evaluate(random_code))


def _texts(evaluation) -> list[str]:
    return [output.text for output in evaluation.outputs]


def test_saving_never_overwrites_and_reuses_an_identical_file(tmp_path) -> None:
    first = save_script("print(1)\n", "layer", tmp_path)
    assert first.path.name == "tensor_tutor_layer.py" and first.path.read_text() == "print(1)\n"
    assert not first.reused and first.passed_over == ()
    again = save_script("print(1)\n", "layer", tmp_path)
    assert again.path == first.path and again.reused
    second = save_script("print(2)\n", "layer", tmp_path)
    assert second.path.name == "tensor_tutor_layer_2.py"
    assert second.passed_over == (("tensor_tutor_layer.py", "another file"),)
    assert first.path.read_text() == "print(1)\n" and second.path.read_text() == "print(2)\n"


def test_saving_never_follows_a_link_even_a_dangling_one(tmp_path) -> None:
    """A link named like the script could point anywhere the learner can write (another user's trap)."""
    target = tmp_path / "elsewhere" / "victim.py"
    target.parent.mkdir()
    (tmp_path / "tensor_tutor_layer.py").symlink_to(target)
    (tmp_path / "tensor_tutor_layer_2.py").symlink_to(tmp_path / "real.py")
    (tmp_path / "real.py").write_text("print(1)\n")
    saved = save_script("print(1)\n", "layer", tmp_path)
    assert not target.exists()  # the dangling link's target was not created
    assert saved.path.name == "tensor_tutor_layer_3.py" and not saved.path.is_symlink()
    assert saved.path.read_text() == "print(1)\n" and not saved.reused  # a link to the same text is no reuse
    assert saved.passed_over == (
        ("tensor_tutor_layer.py", "a symbolic link"),
        ("tensor_tutor_layer_2.py", "a symbolic link"),
    )
    assert script_path(tmp_path, "layer", "print(1)\n") == saved.path


def test_a_fifo_named_like_the_script_does_not_block_saving(tmp_path) -> None:
    os.mkfifo(tmp_path / "tensor_tutor_layer.py")
    assert script_path(tmp_path, "layer", "print(1)\n").name == "tensor_tutor_layer_2.py"
    saved = save_script("print(1)\n", "layer", tmp_path)
    assert saved.path.name == "tensor_tutor_layer_2.py"
    assert saved.passed_over == (("tensor_tutor_layer.py", "a FIFO (named pipe)"),)


def test_scripts_go_to_the_data_folder_when_the_current_one_is_read_only(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert script_directory() == tmp_path
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setattr(os, "access", lambda path, mode: False)
    assert script_directory() == tmp_path / "data" / "tensor-tutor"


def test_code_shown_beside_the_source_is_in_the_script_too(tmp_path) -> None:
    main = "x = torch.tensor([1.0, 2.0])\n"
    aside = "y = torch.tensor([3.0])\ny * 2\n"
    result = LessonResult(blocks=(Code(main), Code(aside)), source=main)
    (run,) = _run_scripts([export_result(result)], tmp_path)
    assert run["error"] is None
    assert run["stdout"] == _transcript(main) + _transcript(aside)


@pytest.mark.parametrize("lesson_id", [lesson.id for lesson in LESSONS])
def test_e_continues_in_the_playground_with_the_panes_numbers(lesson_id: str, exported) -> None:
    """The code e puts in the Playground shows the same values there (for code that runs through)."""
    if lesson_id not in exported:
        pytest.skip(f"lesson {lesson_id} has no engine module yet")
    playground = lesson_by_id("playground")
    for name, result, _script, _run in exported[lesson_id]:
        if any(isinstance(b, ProblemView) for b in _walk(result.blocks)) or not result.source.strip():
            continue
        continued = playground.compute({"code": playground_code(shown_source(result))})
        shown = {b.text for b in continued.blocks if isinstance(b, Value)}
        for block in _walk(result.blocks):
            if isinstance(block, Value):
                assert block.text in shown, f"{lesson_id} ({name}): {block.title}"


SETUP = "x = torch.randn(2, 3)\nw = torch.ones(3, 1)  # a column\na = np.arange(6).reshape(2, 3)\n"
POOL = [
    "y = x.T @ x",
    "x.shape",
    "z = x * 2; z.sum()",
    "x @ w",
    "w @ x",
    "a.T @ a",
    "a @ a",
    "print(a.sum())",
    "for i in range(2): print(i)",
    "t = torch.tensor(2.0, requires_grad=True)",
    "u = t ** 2\nu.backward()",
    "t.grad",
    "b = np.random.rand(2)",
    "x[0, 0] = 7.0",
    "q, r = 7 // 2, 7 % 2",
    "x.view(3, 2)",
    "x.T.view(6)",
    "w.numpy()",
    "x + w",
]


def test_scripts_of_mixed_statements_print_the_pane_and_stop_where_it_stops(tmp_path) -> None:
    """Programs made of statements drawn at random (some fail): the script agrees with the pane every time."""
    chooser = random.Random(7)
    sources = [SETUP + "\n".join(chooser.choices(POOL, k=chooser.randint(1, 6))) + "\n" for _ in range(40)]
    runs = _run_scripts([export_script(source) for source in sources], tmp_path)
    for source, run in zip(sources, runs):
        evaluation = evaluate(source)
        assert run["stdout"] == _transcript(source), source
        if evaluation.error is None:
            assert run["error"] is None, source
        else:
            assert run["error"] is not None and evaluation.error.message in run["error"], source
