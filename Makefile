# Two commands: `make run` and `make test`. Each creates .venv if missing and installs what it needs.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test lint setup clean clean-cache screenshot

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml requirements/constraints.txt
	$(BIN)/python -m pip install --quiet -c requirements/constraints.txt -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

run: $(STAMP)
	$(BIN)/commonwealth report --out out

test: $(STAMP)
	$(BIN)/ruff check src tests $(wildcard benchmarks)
	@$(BIN)/python -m pytest -q; rc=$$?; \
	  if [ $$rc -eq 5 ]; then echo 'make test: pytest ran no tests' >&2; exit 1; fi; exit $$rc

lint: $(STAMP)
	$(BIN)/ruff check src tests $(wildcard benchmarks)

screenshot: $(STAMP)
	COMMONWEALTH_UPDATE_SCREENSHOT=1 $(BIN)/python -m pytest -q tests/test_report_browser.py

clean: clean-cache
	rm -rf $(VENV) out .pytest_cache

# Numba's compiled kernels (and bytecode): needed after editing a compiled helper another module calls.
clean-cache:
	find src tests benchmarks -name __pycache__ -type d -prune -exec rm -rf {} +
