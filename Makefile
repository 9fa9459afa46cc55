# coopmap: every target bootstraps the project's own .venv first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: help venv run serve meeting summary lint test test-load test-fast screenshots lab bench bench-quick clean

help:
	@echo "make run         serve the dashboard on the shipped data at http://127.0.0.1:8866/"
	@echo "make test        lint, then run the whole test suite (browser tests need /usr/bin/chromium)"
	@echo "make test-fast   the suite without browser and slow tests, on 2 workers (under a minute on 2 idle cores)"
	@echo "make lint        ruff check of lib, tests and benchmarks"
	@echo "make meeting     serve the review-meeting slides at http://127.0.0.1:8867/"
	@echo "make summary     print the county summary of the shipped data"
	@echo "make lab         open JupyterLab on notebooks/"
	@echo "make bench       run the benchmarks (make bench-quick: under a minute)"

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

venv: $(STAMP)

run: $(STAMP)
	$(BIN)/coopmap serve

meeting: $(STAMP)
	$(BIN)/coopmap meeting

summary: $(STAMP)
	$(BIN)/coopmap summary

# ruff: the rules in pyproject.toml ([tool.ruff]); the import contracts run in tests/test_architecture.py.
lint: $(STAMP)
	$(BIN)/ruff check lib tests benchmarks

# Two runs: the tests without a browser on two workers (pytest-xdist; ~1.5 min saved on 2 cores),
# then the browser tests in one process (they share servers and time their pages).
test: lint
	$(BIN)/python -m pytest -m "not browser and not load" -n 2
	$(BIN)/python -m pytest -m "browser and not load"

test-load: $(STAMP)
	$(BIN)/python -m pytest -m load

# The README's screenshots: the browser tests that take them, writing to docs/screenshots.
screenshots: $(STAMP)
	COOPMAP_SCREENSHOTS=$(CURDIR)/docs/screenshots $(BIN)/python -m pytest -q tests/browser/test_dashboard.py tests/browser/test_meeting.py

# Two worker processes (pytest-xdist), one per core: the fast selection is about 90 s of
# CPU, most of it building dashboards, charts and reports.
test-fast: $(STAMP)
	$(BIN)/python -m pytest -m "not browser and not slow" -n 2

# Offline-friendly JupyterLab: no news feed, no update check, no PyPI extension manager.
LAB_FLAGS := --ip=127.0.0.1 --notebook-dir=notebooks --LabApp.news_url=None \
	--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate --LabApp.extension_manager=readonly \
	$(if $(filter 0,$(shell id -u)),--allow-root)

lab: $(STAMP)
	$(BIN)/jupyter lab $(LAB_FLAGS)

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

bench-quick: $(STAMP)
	$(BIN)/python benchmarks/run.py --quick

clean:
	rm -rf $(VENV) .pytest_cache build *.egg-info lib/*.egg-info
