# Two commands do everything from a fresh clone: `make run` and `make test`.
PYTHON   ?= $(shell command -v python3.12 2>/dev/null || echo python3)
VENV     := .venv
BIN      := $(VENV)/bin
CHROMIUM := /usr/lib/chromium/chromium
SUDO     := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run class test lint fmt table bench screenshot chromium clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

# The batch engine is compiled once here (cached on disk), not in the middle of a lesson.
PREPARE := $(BIN)/python -c "from sim.engine import cache; cache.ready()"

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e .
	$(PREPARE)
	touch $@

$(VENV)/.test-installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[test]'
	$(PREPARE)
	touch $@ $(VENV)/.installed

# The browser tests drive Debian's Chromium (Playwright's own download is not used).
chromium:
	@test -x $(CHROMIUM) || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq chromium; }

run: $(VENV)/.installed
	$(BIN)/streamlit run app.py

# A class game: the same app, listening on the school network so the teams' laptops can join.
# The teacher's PIN is printed here when the class page is first opened (or set TIGHTROPE_PIN).
class: $(VENV)/.installed
	$(BIN)/streamlit run app.py --server.address 0.0.0.0

test: $(VENV)/.test-installed chromium lint
	$(BIN)/python -m pytest -q

# ruff, configured in pyproject.toml: `make lint` checks (make test runs it), `make fmt` rewrites.
LINTED := sim app.py app_pages benchmarks tests

lint: $(VENV)/.test-installed
	$(BIN)/ruff check $(LINTED)
	$(BIN)/ruff format --check $(LINTED)

fmt: $(VENV)/.test-installed
	$(BIN)/ruff check --fix $(LINTED)
	$(BIN)/ruff format $(LINTED)

table: $(VENV)/.installed
	$(BIN)/tightrope run baseline

bench: $(VENV)/.test-installed
	$(BIN)/python benchmarks/bench_run.py
	$(BIN)/python benchmarks/app_rerun.py
	$(BIN)/python benchmarks/ensemble.py
	$(BIN)/python benchmarks/startup.py
	$(BIN)/python benchmarks/big_files.py
	$(BIN)/python benchmarks/classroom_load.py
	$(BIN)/python benchmarks/app_load.py

screenshot: $(VENV)/.test-installed chromium
	TIGHTROPE_SCREENSHOT=docs/app.png $(BIN)/python -m pytest -q tests/test_browser.py

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
