# Two commands set everything up on a machine with only python3 and make:
#   make run   install into .venv and start the app
#   make test  install (with the test extra) and run the tests
#   make check lint, format, layer and type checks (the check extra)
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# A pinned CPU build of torch keeps installs small and offline-friendly; the
# project itself accepts any torch >= 2.3.
TORCH_PIN ?= torch==2.13.0

.PHONY: run test check bench clean bytecode

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Stamps make the second run quick: pip runs again only when pyproject.toml changes.
$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet "$(TORCH_PIN)"
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(BIN)/pip install --quiet -e ".[test]"
	touch $@

# The app's own modules compiled to bytecode, as pip does when it installs a package: an editable
# install has none, so where PYTHONDONTWRITEBYTECODE is set (as on some servers and CI machines)
# every start compiled some 50 modules from source, 50-60 ms before the first paint. Only
# modules changed since the last run are compiled again.
bytecode: $(VENV)/.installed
	$(BIN)/python -m compileall -q engine tui

run: $(VENV)/.installed bytecode
	$(BIN)/tensor-tutor

# Two test processes per core (at most eight): the app's tests spend about two thirds of their time
# waiting, for the app to go idle between keys and for the engine's worker process, so one process
# per core left the cores idle a third of the time. Files go out in the order pytest collects them,
# the app's long ones first: xdist's default, most tests first, left the one-test files (the key
# fuzzer, 40-50 s) for the end, when the other processes had nothing left to do.
TEST_PROCESSES ?= $(shell $(PYTHON) -c 'import os; print(min(8, 2 * len(os.sched_getaffinity(0))))')

test: $(VENV)/.installed-test bytecode
	$(BIN)/python -m pytest -n $(TEST_PROCESSES) --dist loadfile --no-loadscope-reorder

$(VENV)/.installed-check: $(VENV)/.installed
	$(BIN)/pip install --quiet -e ".[check]"
	touch $@

# Lint and format (ruff), the layers (import-linter) and types (mypy: strict on engine/, checked on
# tui/, as pyproject.toml's [tool.mypy] sections say).
check: $(VENV)/.installed-check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy engine tui

bench: $(VENV)/.installed-test bytecode
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) build *.egg-info
