PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint format bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(BIN)/python pyproject.toml tests/browser/package.json
	$(BIN)/pip install --quiet -e '.[test]'
	@# axe-core for the accessibility checks in the browser tests, from the npm registry
	@if command -v npm >/dev/null 2>&1; then \
		npm install --prefix tests/browser --no-audit --no-fund --silent; \
	else echo "npm not found: browser accessibility checks will be skipped"; fi
	touch $@ $(VENV)/.installed

run: $(VENV)/.installed
	$(BIN)/kjk demo
	$(BIN)/kjk serve --host $(HOST) --port $(PORT)

# Two steps: the tests in two processes, then the browser tests on their own, one
# at a time (they share a server and Chromium). Either step failing fails the target,
# and so does a step that selects no test (pytest's exit code 5).
test: $(VENV)/.installed-test
	$(BIN)/python -m pytest -m "not browser" -n 2 $(PYTEST_ARGS)
	$(BIN)/python -m pytest -m browser $(PYTEST_ARGS)

# Style and types: ruff (lint, import order, format) and mypy, as configured in pyproject.toml.
lint: $(VENV)/.installed-test
	$(BIN)/ruff check course tests bench
	$(BIN)/ruff format --check course tests bench
	$(BIN)/mypy

format: $(VENV)/.installed-test
	$(BIN)/ruff check --fix course tests bench
	$(BIN)/ruff format course tests bench

bench: $(VENV)/.installed-test
	$(BIN)/python bench/login.py
	$(BIN)/python bench/talks.py
	$(BIN)/python bench/evaluations.py
	$(BIN)/python bench/documents.py
	$(BIN)/python bench/privacy.py
	$(BIN)/python bench/programme.py

clean:
	rm -rf $(VENV) tests/browser/node_modules
