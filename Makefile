# lasercare: the two commands of the README are `make run` and `make test`.
# Everything a fresh machine needs is installed here (a virtual environment in .venv, pinned by
# requirements/constraints.txt), so CI on a clean clone runs exactly what a developer runs.

SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
ON ?=

POSTGRES_URL ?= postgres://postgres@127.0.0.1:5432/lasercare

# `make messages` regenerates the catalogue of patient-facing text (src/lasercare/locale) after a wording change.
.PHONY: messages translations-fill run test setup lint typecheck pytest pytest-sqlite pytest-postgres postgres browser pdf vignettes bench clean help

help:
	@echo "make run     set up, create the demo practice and serve the web app on http://127.0.0.1:8000"
	@echo "make test    set up, then run every check: lint, types, the suite on SQLite and on PostgreSQL, the vignettes"
	@echo "make bench   print the engine's throughput and cold-start figures and the medicine recognition figures (bench/web_load.py, bench/calendar_load.py, bench/booking_race.py and bench/durability.py: the web app's)"
	@echo "make messages  regenerate the catalogue of patient-facing text after changing its wording"
	@echo "make translations-fill PARTS=folder  fill the Spanish catalogue from translators' out-*.json parts"
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

# The browser tests drive Debian's chromium (Playwright's own browser download does not work offline) and
# inject axe-core from the npm registry.
browser: node_modules/.installed
	@command -v chromium >/dev/null || { \
		echo "Installing Debian's chromium for the browser tests"; \
		tools/apt_install.sh chromium; }
	@command -v chromium >/dev/null || { echo "chromium is missing and could not be installed" >&2; exit 1; }

# The PDF handout: WeasyPrint lays out text with Debian's Pango in the DejaVu fonts, and the tests render a page to
# PNG with poppler's pdftoppm. Installed from Debian when missing, as chromium is for the browser tests.
PDF_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core poppler-utils

pdf:
	@missing=$$(for package in $(PDF_PACKAGES); do \
		dpkg-query -W -f='$${Status}' $$package 2>/dev/null | grep -q 'ok installed' || echo $$package; done); \
	if [ -n "$$missing" ]; then \
		echo "Installing Debian's" $$missing "for the PDF handout"; \
		tools/apt_install.sh $$missing; fi
	@for package in $(PDF_PACKAGES); do \
		dpkg-query -W -f='$${Status}' $$package 2>/dev/null | grep -q 'ok installed' || \
		{ echo "$$package is missing and could not be installed" >&2; exit 1; }; done

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

# The suite runs on PostgreSQL too: start this machine's server if it is down, and stop loudly if it cannot be.
postgres:
	@pg_isready -q -h 127.0.0.1 -p 5432 || { \
		echo "PostgreSQL is not answering on 127.0.0.1:5432: starting it"; \
		pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql) main start; \
		for i in 1 2 3 4 5 6 7 8 9 10; do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done; }
	@pg_isready -q -h 127.0.0.1 -p 5432 || { echo "PostgreSQL could not be started on 127.0.0.1:5432" >&2; exit 1; }

run: setup pdf
	$(BIN)/lasercare serve --demo

lint: setup
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

typecheck: setup
	$(BIN)/mypy
	$(BIN)/mypy --strict tests bench

pytest: pytest-sqlite pytest-postgres

pytest-sqlite: setup browser pdf
	$(BIN)/pytest -n auto -p no:cacheprovider tests

pytest-postgres: setup browser pdf postgres
	DATABASE_URL=$(POSTGRES_URL) $(BIN)/pytest -n auto -p no:cacheprovider tests

vignettes: setup
	@if [ -f ../shared/tools/check_vignettes.py ]; then \
		$(BIN)/python ../shared/tools/check_vignettes.py $(BIN)/lasercare ../shared/vignettes/vignettes.json \
			../shared/vignettes/vignettes-next.json; \
	else echo "../shared is absent: the vignettes ran inside the test suite (tests/engine/test_vignettes.py)"; fi

test: lint typecheck pytest vignettes

messages: setup
	$(BIN)/python -m lasercare.site.translations

bench: setup
	$(BIN)/python bench/plan_throughput.py
	$(BIN)/python bench/medicine_recognition.py

clean:
	rm -rf $(VENV) node_modules .pytest_cache .mypy_cache .ruff_cache .hypothesis build src/*.egg-info

# Fill a translated catalogue from translators' parts (tools/fill_translations.py): PARTS is the folder holding
# out-*.json. Re-runnable: run it after `make messages` and whenever more parts arrive.
LANGUAGE ?= es
translations-fill: setup
	@test -n "$(PARTS)" || { echo "usage: make translations-fill PARTS=/path/to/folder [LANGUAGE=es]" >&2; exit 2; }
	$(BIN)/python tools/fill_translations.py --language $(LANGUAGE) $(PARTS)
	@# The project's own translations of strings added after the translators' parts were cut.
	@if [ -d tools/translations/$(LANGUAGE) ]; then \
		$(BIN)/python tools/fill_translations.py --language $(LANGUAGE) tools/translations/$(LANGUAGE); fi
