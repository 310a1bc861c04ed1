# tallybook — two commands on a fresh machine: `make run`, then `make test`.
# Needs only Python 3.11 and make; everything else is installed into .venv from requirements.lock.

PYTHON  ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.tallybook-installed
CORPUS  ?= seeds
OUT     ?= reports
BENCH_MB ?= 5

.DEFAULT_GOAL := help
.PHONY: help env kernel run test test-browser eval fuzz lab bench bench-04 bench-scale lint docs-figure clean

help: ## list the targets
	@grep -E '^[a-zA-Z0-9_-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'
	@echo "  variables: CORPUS=<folder of articles> (default seeds)  OUT=<folder> (default reports)"
	@echo "             P=\"name=value ...\" notebook parameters for run; PORT=, TOKEN= for lab"

$(STAMP): requirements.lock pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] >= (3, 11), "tallybook needs Python 3.11+"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	$(BIN)/python -m helpers.kernel
	@touch $(STAMP)

env: $(STAMP) ## create .venv from the pinned requirements and register the python3 kernel

kernel: $(STAMP) ## (re)register the python3 Jupyter kernel for .venv
	$(BIN)/python -m helpers.kernel

# P="name=value name=value": notebook parameters (each notebook gets those it declares),
# e.g. make run P="term=Covid subject_country=KHM"; values are JSON or text, no spaces.
run: $(STAMP) ## run the notebooks on CORPUS into OUT (default: seeds -> reports); P="term=Covid" REDO=1
	$(BIN)/python -m helpers.pipeline --corpus "$(CORPUS)" --out "$(OUT)"$(foreach p,$(P), --set '$(p)')$(if $(REDO), --redo)

test: $(STAMP) ## run the test suite (unit tests, notebooks through the runner, JupyterLab)
	$(BIN)/python -m pytest

# make eval: stages 01-03 on an annotated corpus, then precision/recall/F1 per field and every
# miss and false alarm by field and cause. Default: the seeds, the development set and the
# second annotated set (data/heldout).
EVAL_OUT ?= reports/eval
eval: $(STAMP) ## score extraction against gold (CORPUS=... GOLD=... for any annotated corpus)
ifeq ($(origin CORPUS),command line)
	$(BIN)/python -m helpers.evaluate --corpus "$(CORPUS)" --gold "$(GOLD)" --out "$(EVAL_OUT)/custom" --errors "$(EVAL_OUT)/custom/errors.csv"
else
	$(BIN)/python -m helpers.evaluate --name seeds --corpus seeds --gold data/gold --out "$(EVAL_OUT)/seeds" --errors "$(EVAL_OUT)/seeds/errors.csv"
	$(BIN)/python -m helpers.evaluate --name devset --corpus data/devset/corpus --gold data/devset/gold --out "$(EVAL_OUT)/devset" --errors "$(EVAL_OUT)/devset/errors.csv"
	$(BIN)/python -m helpers.evaluate --name heldout --corpus data/heldout/corpus --gold data/heldout/gold --out "$(EVAL_OUT)/heldout" --errors "$(EVAL_OUT)/heldout/errors.csv"
	@$(BIN)/python -m helpers.evaluate --summary "$(EVAL_OUT)/seeds" "$(EVAL_OUT)/devset" "$(EVAL_OUT)/heldout"
endif

fuzz: $(STAMP) ## property-based fuzzing of stages 01-03: 10,000 generated articles
	HYPOTHESIS_PROFILE=fuzz $(BIN)/python -m pytest -q tests/test_fuzz.py

lint: $(STAMP) ## ruff over the package and tests
	$(BIN)/ruff check src tests

# PORT=8888 TOKEN=secret fix the port and the access token (default: JupyterLab picks both).
lab: $(STAMP) ## open JupyterLab on the notebooks (PORT=... TOKEN=... optional)
	$(BIN)/python -m helpers.kernel lab --root notebooks$(if $(PORT), --port $(PORT))$(if $(TOKEN), --token '$(TOKEN)')

test-browser: $(STAMP) ## headless Chromium opens an executed notebook in JupyterLab (needs chromium)
	$(BIN)/python -m pytest -m browser tests/test_browser.py

bench: $(STAMP) ## tokens per second of each stage on the seeds repeated to BENCH_MB megabytes
	$(BIN)/python -m helpers.bench --corpus seeds --megabytes $(BENCH_MB)

N ?= 10000
# make bench-04 N=10000: synthetic run tables for N articles (fixed seed), then notebook 04 on
# them as the runner does, then notebook 05; prints seconds and peak memory of each as JSON,
# fails beyond 30 s (04) or 1 GB (either kernel) up to 10,000 articles, bounds growing linearly
# to 90 s and 2 GB at 100,000.
bench-04: $(STAMP) ## time and peak memory of notebooks 04 and 05 on synthetic tables of N articles
	$(BIN)/python -m helpers.bench04 --articles $(N)

# make bench-scale N=10000: N generated articles (kept in reports/bench-scale), the pipeline
# run fresh, then unchanged, then with 1% of the articles changed or added (RUNS= picks the
# re-runs: "unchanged,1pct", "1pct" or "none"); seconds, words per second and peak memory
# (PSS, all processes) per notebook and end to end.
ENGINE ?= local
STAGES ?=
RUNS ?= unchanged,1pct
bench-scale: $(STAMP) ## the whole pipeline on N generated articles (N=10000 ENGINE=local|dask STAGES="01 02 03" RUNS=none)
	$(BIN)/python -m helpers.bench --scale $(N) --engine $(ENGINE) --runs "$(RUNS)" $(foreach s,$(STAGES),--only $(s))

docs-figure: ## copy the headline chart from OUT into docs/ for the README
	@test -f "$(OUT)/figures/delegations_by_event.png" || $(MAKE) run
	cp "$(OUT)/figures/delegations_by_event.png" docs/delegations_by_event.png

clean: ## remove generated output (reports/) — keeps .venv
	rm -rf reports .pytest_cache .ruff_cache
