PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test bench clean

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

test: $(VENV)/.installed-test
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bench: $(VENV)/.installed-test
	$(BIN)/python bench/login.py
	$(BIN)/python bench/talks.py
	$(BIN)/python bench/evaluations.py
	$(BIN)/python bench/documents.py

clean:
	rm -rf $(VENV) tests/browser/node_modules
