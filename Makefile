# formlang — developer tasks. Every target that needs Python installs .venv first (once).

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := test

VENV := .venv
PY := $(VENV)/bin/python
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
LIBRARY := library/
DEMO_PORT ?= 8000

.PHONY: all install test demo bench lint clean distclean

all: test

install: $(STAMP)

# Re-installs only when pyproject.toml changes (or the venv is new).
$(STAMP): pyproject.toml
	@if [ ! -x "$(PY)" ]; then echo "==> creating $(VENV) with python3"; python3 -m venv "$(VENV)"; fi
	@echo "==> installing formlang (editable) with dev extras into $(VENV)"
	$(PY) -m pip install --disable-pip-version-check -e '.[dev]'
	@touch "$@"

lint: install
	$(BIN)/ruff check formlang tests benchmarks
	$(BIN)/mypy

test: install
	$(BIN)/ruff check formlang tests benchmarks
	$(BIN)/mypy
	$(BIN)/pytest -q
	$(BIN)/formlang check $(LIBRARY)
	$(BIN)/formlang fmt --check $(LIBRARY)
	$(BIN)/formlang test $(LIBRARY) tests/cases/valid

demo: install
	@echo "==> formlang check $(LIBRARY)   (parse, resolve and type-check every .form file in the library)"
	$(BIN)/formlang check $(LIBRARY)
	@echo "==> formlang fmt --check $(LIBRARY)   (are all library files formatted canonically?)"
	$(BIN)/formlang fmt --check $(LIBRARY)
	@echo "==> formlang test $(LIBRARY)   (run the scenario tests written inside the forms)"
	$(BIN)/formlang test $(LIBRARY)
	@echo "==> formlang build $(LIBRARY)forms --format schema --out build/"
	$(BIN)/formlang build $(LIBRARY)forms --format schema --out build
	@echo "==> formlang build $(LIBRARY)forms --format html --out build/"
	$(BIN)/formlang build $(LIBRARY)forms --format html --out build
	@echo "==> formlang build $(LIBRARY)forms --format pdf --out build/   (the blank print forms)"
	$(BIN)/formlang build $(LIBRARY)forms --format pdf --out build
	@echo "==> demo built: the library checks, is formatted, passes its tests; schemas, HTML pages and PDFs are in build/."
	@echo "==> formlang serve $(LIBRARY) --db sqlite:///build/demo.db   (the form service; Ctrl-C stops it)"
	$(BIN)/formlang serve $(LIBRARY) --host 127.0.0.1 --port $(DEMO_PORT) --db sqlite:///build/demo.db --token demo-token

bench: install
	@found=0; \
	for script in benchmarks/*.py; do \
	  [ -e "$$script" ] || continue; \
	  found=1; \
	  echo "==> $(PY) $$script"; \
	  $(PY) "$$script"; \
	done; \
	if [ "$$found" = 0 ]; then echo "no benchmarks/*.py scripts yet"; fi

clean:
	rm -rf build dist .pytest_cache .mypy_cache .ruff_cache .hypothesis benchmarks/out
	rm -rf ./*.egg-info
	find . -path ./$(VENV) -prune -o -type d -name __pycache__ -prune -exec rm -rf {} +

distclean: clean
	rm -rf $(VENV)
