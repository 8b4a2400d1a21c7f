# Two commands do everything:  `make book`  and  `make test`.  Both set up .venv themselves.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
OFFLINE := book/_static/offline
ASSETS := $(OFFLINE)/.installed
MATHJAX := mathjax@3.2.2
# BokehJS (the Explore figures) is not fetched from npm: it is copied from the pinned bokeh
# wheel in .venv (requirements.txt), so the page's BokehJS always matches the Python side.
BOKEH := bokeh@$(shell grep -m1 '^bokeh==' requirements.txt | cut -d= -f3)
# One BLAS thread everywhere: two were 10-25x slower on the 2-core build machines.
export OPENBLAS_NUM_THREADS := 1
export OMP_NUM_THREADS := 1
export MKL_NUM_THREADS := 1
export PYDEVD_DISABLE_FILE_VALIDATION := 1

.PHONY: help env assets book test lint unit nbval sitecheck lab bench chromium clean

help:
	@echo "make book       build the HTML book in _build/html (executes every notebook)"
	@echo "make test       all of: lint, unit, nbval, book, sitecheck, appcheck"
	@echo "make lint       ruff on the package, tests and notebooks"
	@echo "make unit       the package's unit tests (tests/, without the browser checks)"
	@echo "make nbval      execute every chapter notebook and check it runs clean"
	@echo "make sitecheck  headless Chromium on the built book (needs make book first)"
	@echo "make appcheck   headless Chromium on make app for two chapters"
	@echo "make lab        JupyterLab on book/ with live widgets (as root too)"
	@echo "make app        CHAPTER=part1/jl_maxnorm [PORT=8866]: that chapter's Explore widgets,"
	@echo "                live (Voila, a kernel per page) at http://127.0.0.1:PORT/"
	@echo "make bench      run benchmarks/ and print ratios"
	@echo "make reproduce  FIG=1|2|3 SCALE=small|paper [SCHEDULER=tcp://host:8786]: Part II"
	@echo "                figures with Dask, to _build/reproduce/"
	@echo "make ap-scale   recompute book/data/ap_scale.json (Part II, AP at n <= 1024; slow)"
	@echo "make clean      remove _build, .cache and the installed JavaScript"

$(STAMP): requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m pip check
	touch $@

env: $(STAMP)

# MathJax 3 is served from the built site; it comes from the npm registry at an exact pin and
# is never committed (BokehJS is copied from the bokeh wheel, below). The stamp holds the pins, so only a
# change of pin (not any edit of this file) installs them again.
ASSET_PINS := $(MATHJAX) $(BOKEH)
ifneq ($(shell cat $(ASSETS) 2>/dev/null),$(ASSET_PINS))
.PHONY: $(ASSETS)
endif
$(ASSETS): | $(STAMP)
	rm -rf .cache/npm $(OFFLINE)
	mkdir -p .cache/npm $(OFFLINE)/mathjax
	npm install --prefix .cache/npm --no-audit --no-fund --silent --ignore-scripts $(MATHJAX)
	mkdir -p $(OFFLINE)/mathjax/output/chtml/fonts $(OFFLINE)/mathjax/input/tex
	cp .cache/npm/node_modules/mathjax/es5/tex-chtml.js $(OFFLINE)/mathjax/
	cp -r .cache/npm/node_modules/mathjax/es5/output/chtml/fonts/woff-v2 $(OFFLINE)/mathjax/output/chtml/fonts/
	cp -r .cache/npm/node_modules/mathjax/es5/input/tex/extensions $(OFFLINE)/mathjax/input/tex/
	cp .cache/npm/node_modules/mathjax/LICENSE $(OFFLINE)/mathjax/
	$(BIN)/python -m lowrank_nb.book.explorer --install-js $(OFFLINE)/bokeh
	echo "$(ASSET_PINS)" > $@

assets: $(ASSETS)

book: env assets
	LOWRANK_NB_PRECOMPUTE=1 $(BIN)/jupyter-book build . -W -n --keep-going --all
	@echo "The book is at $(CURDIR)/_build/html/index.html"

lint: env
	$(BIN)/ruff check .

unit: env
	$(BIN)/python -m pytest tests -q -p no:cacheprovider --ignore=tests/site --ignore=tests/app

nbval: env
	$(BIN)/python -m pytest book -q -p no:cacheprovider --nbval-lax --nbval-current-env \
		--nbval-cell-timeout=300 --nbval-sanitize-with tests/nbval_sanitize.cfg \
		-n 2 --dist loadfile

chromium:
	@command -v chromium >/dev/null || { apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

sitecheck: env chromium
	$(BIN)/python -m pytest tests/site -q -p no:cacheprovider

test: env assets chromium
	$(MAKE) lint
	$(MAKE) unit
	$(MAKE) nbval
	$(MAKE) book
	$(MAKE) sitecheck
	$(MAKE) appcheck

# Containers run as root, where JupyterLab refuses to start without --allow-root.
LAB_PORT ?= 8888
lab: env
	$(BIN)/jupyter lab --ip=127.0.0.1 --port=$(LAB_PORT) --no-browser \
		$(if $(filter 0,$(shell id -u)),--allow-root,) --ServerApp.root_dir=$(CURDIR) \
		--LabApp.default_url=/lab/tree/book/intro.md

bench: env
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf _build .cache $(OFFLINE)

# --- Live use: make app CHAPTER=part1/jl_maxnorm [PORT=8866]
# The chapter's earlier code runs silently, then its Explore section is served by Voila on
# 127.0.0.1 with a live kernel (every slider move recomputes); the app goes to _build/app/.
CHAPTER ?=
PORT ?= 8866
.PHONY: app appcheck
app: env
	@test -n "$(CHAPTER)" || { echo "usage: make app CHAPTER=part1/jl_maxnorm [PORT=8866]"; exit 2; }
	$(BIN)/python -m lowrank_nb.book.app $(CHAPTER) --out _build/app --serve --port $(PORT)

appcheck: env chromium
	$(BIN)/python -m pytest tests/app -q -p no:cacheprovider

# --- Part II §7 figures with Dask: make reproduce FIG=1|2|3 SCALE=small|paper [SCHEDULER=tcp://host:8786]
# Data and plot go to _build/reproduce/; finished points are cached in .cache/sweep/ (resumable).
FIG ?= 1
SCALE ?= small
SCHEDULER ?=
.PHONY: reproduce ap-scale
ap-scale: env
	$(BIN)/python -m lowrank_nb.book.sweep --ap-scale book/data/ap_scale.json

reproduce: env
	$(BIN)/python -m lowrank_nb.book.sweep --fig $(FIG) --scale $(SCALE) --out _build/reproduce \
		$(if $(SCHEDULER),--scheduler $(SCHEDULER),)
