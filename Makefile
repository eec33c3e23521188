# lasercare: the two commands of the README are `make run` and `make test`.
# Everything a fresh machine needs is installed here (a virtual environment in .venv, pinned by
# requirements/constraints.txt), so CI on a clean clone runs exactly what a developer runs.

SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
ON ?=

.PHONY: run test setup lint typecheck pytest vignettes bench clean help

help:
	@echo "make run     set up, then print the plan of the demo intake (the web app replaces this later)"
	@echo "make test    set up, then run every check: lint, types, the test suite, the clinical vignettes"
	@echo "make bench   print the engine's throughput and cold-start figures"
	@echo "make clean   remove the virtual environment and caches"

$(STAMP): pyproject.toml requirements/constraints.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "lasercare needs Python 3.11 or newer; set PYTHON=/path/to/python3.11")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c requirements/constraints.txt -e '.[dev]'
	@touch $(STAMP)

setup: $(STAMP)
	@# Bytecode is compiled up front: a cold `lasercare plan` should not compile its own modules.
	@$(BIN)/python -m compileall -q src

run: setup
	$(BIN)/lasercare demo $(if $(ON),--on $(ON))

lint: setup
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

typecheck: setup
	$(BIN)/mypy
	$(BIN)/mypy --strict tests bench

pytest: setup
	$(BIN)/pytest -n auto -p no:cacheprovider tests

vignettes: setup
	@if [ -f ../shared/tools/check_vignettes.py ]; then \
		$(BIN)/python ../shared/tools/check_vignettes.py $(BIN)/lasercare ../shared/vignettes/vignettes.json; \
	else echo "../shared is absent: the vignettes ran inside the test suite (tests/engine/test_vignettes.py)"; fi

test: lint typecheck pytest vignettes

bench: setup
	$(BIN)/python bench/plan_throughput.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis build src/*.egg-info
