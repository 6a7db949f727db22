PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint format bench clean vendor

# uv installs into the venv what pip would, in a third of the time (it resolves and
# downloads in parallel); it is itself installed by pip, from PyPI.
$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip uv

# Bytecode compiled at install: where PYTHONDONTWRITEBYTECODE is set, every process
# (each test worker, each server and command a test starts) would otherwise compile
# the libraries from source, ~1.5 s each.
$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/uv pip install --quiet --compile-bytecode --python $(BIN)/python -e .
	touch $@

$(VENV)/.installed-test: $(BIN)/python pyproject.toml tests/browser/package.json
	$(BIN)/uv pip install --quiet --compile-bytecode --python $(BIN)/python -e '.[test]'
	@# axe-core for the accessibility checks in the browser tests, from the npm registry
	@if command -v npm >/dev/null 2>&1; then \
		npm install --prefix tests/browser --no-audit --no-fund --silent; \
	else echo "npm not found: browser accessibility checks will be skipped"; fi
	touch $@ $(VENV)/.installed

run: $(VENV)/.installed
	$(BIN)/kjk demo
	$(BIN)/kjk serve --host $(HOST) --port $(PORT)

# Two steps at once: the tests in two processes, and beside them the browser tests, one
# at a time (they share a server and Chromium, and wait on it often enough to leave room):
# on two cores 290 s, where one after the other took 330. Either step failing fails the
# target, and so does a step that selects no test (pytest's exit code 5).
test: $(VENV)/.installed-test
	@$(BIN)/python -m compileall -q -j 0 course  # the app's own bytecode, as the libraries'
	@$(BIN)/python -m pytest tests/browser -m browser $(PYTEST_ARGS) > .browser-tests.log 2>&1 & browser=$$!; \
	$(BIN)/python -m pytest -m "not browser" -n 2 $(PYTEST_ARGS); main=$$?; \
	wait $$browser; status=$$?; \
	echo "--- browser tests ---"; cat .browser-tests.log; rm -f .browser-tests.log; \
	[ $$main -eq 0 ] && [ $$status -eq 0 ]

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
	$(BIN)/python bench/scale.py --quick

clean:
	rm -rf $(VENV) tests/browser/node_modules

# NAV's design system, pinned: its stylesheet (less the fonts it would load from NAV's
# CDN), the icons the pages use, and Source Sans 3 cut to the Latin letters as WOFF2.
# The results are committed; run this only to move to another version.
AKSEL := 8.16.2
AKSEL_CSS_SHA256 := 2f274c3945266499b89517abf3982410f8a390e1fed6887f80fe9ff1f55ea05f
AKSEL_ICONS_SHA256 := fb8c2fdba7de55014e6a1109cf141a9cfcc1729461acea1a7477d6d901f16174
ICONS := CheckmarkCircleFill ExclamationmarkTriangleFill XMarkOctagonFill InformationSquareFill MenuHamburger XMark ChevronDown Files Leave PersonCircle
FONTS := Regular Semibold Bold It
vendor: $(VENV)/.installed-test
	rm -rf $(VENV)/aksel && mkdir -p $(VENV)/aksel
	cd $(VENV)/aksel && npm pack --silent @navikt/ds-css@$(AKSEL) @navikt/aksel-icons@$(AKSEL)
	echo "$(AKSEL_CSS_SHA256)  $(VENV)/aksel/navikt-ds-css-$(AKSEL).tgz" | sha256sum -c -
	echo "$(AKSEL_ICONS_SHA256)  $(VENV)/aksel/navikt-aksel-icons-$(AKSEL).tgz" | sha256sum -c -
	mkdir -p $(VENV)/aksel/css $(VENV)/aksel/icons
	tar xzf $(VENV)/aksel/navikt-ds-css-$(AKSEL).tgz -C $(VENV)/aksel/css
	tar xzf $(VENV)/aksel/navikt-aksel-icons-$(AKSEL).tgz -C $(VENV)/aksel/icons
	rm -f course/web/static/vendor/aksel/ds-css-*.min.css
	$(BIN)/python -m course.web.assets $(VENV)/aksel/css/package/dist/index.min.css course/web/static/vendor/aksel/ds-css-$(AKSEL).min.css
	for icon in $(ICONS); do sed 's/<svg width="1em" height="1em"/<svg class="icon" aria-hidden="true" focusable="false" width="1em" height="1em"/' \
		$(VENV)/aksel/icons/package/dist/svg/$$icon.svg > templates/icons/$$icon.svg; done
	for font in $(FONTS); do $(BIN)/pyftsubset course/web/static/fonts/SourceSans3-$$font.ttf --flavor=woff2 --layout-features='*' \
		--unicodes='U+0000-024F,U+02BB-02BC,U+02C6,U+02DA,U+02DC,U+2000-206F,U+20AC,U+2122,U+2190-2199,U+2212,U+2215,U+25B2-25BC,U+2713,U+FEFF,U+FFFD' \
		--output-file=course/web/static/fonts/SourceSans3-$$font.latin.woff2; done
