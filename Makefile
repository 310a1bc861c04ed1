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
.PHONY: help env kernel run test eval lab bench bench-scale lint docs-figure clean

help: ## list the targets
	@grep -E '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'
	@echo "  variables: CORPUS=<folder of .txt> (default seeds)  OUT=<folder> (default reports)"

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

run: $(STAMP) ## run the four notebooks on CORPUS into OUT (default: seeds -> reports)
	$(BIN)/python -m helpers.pipeline --corpus "$(CORPUS)" --out "$(OUT)"

test: $(STAMP) ## run the test suite (unit tests, notebooks through the runner, JupyterLab)
	$(BIN)/python -m pytest

# make eval: stages 01-03 on an annotated corpus, then precision/recall/F1 per field and every
# miss and false alarm by field and cause. Default: the seeds and the development set.
EVAL_OUT ?= reports/eval
eval: $(STAMP) ## score extraction against gold (CORPUS=... GOLD=... for any annotated corpus)
ifeq ($(origin CORPUS),command line)
	$(BIN)/python -m helpers.evaluate --corpus "$(CORPUS)" --gold "$(GOLD)" --out "$(EVAL_OUT)/custom" --errors "$(EVAL_OUT)/custom/errors.csv"
else
	$(BIN)/python -m helpers.evaluate --name seeds --corpus seeds --gold data/gold --out "$(EVAL_OUT)/seeds" --errors "$(EVAL_OUT)/seeds/errors.csv"
	$(BIN)/python -m helpers.evaluate --name devset --corpus data/devset/corpus --gold data/devset/gold --out "$(EVAL_OUT)/devset" --errors "$(EVAL_OUT)/devset/errors.csv"
endif

lint: $(STAMP) ## ruff over the package and tests
	$(BIN)/ruff check src tests

lab: $(STAMP) ## open JupyterLab on the notebooks
	JUPYTER_PATH="$(CURDIR)/$(VENV)/share/jupyter" $(BIN)/jupyter lab --notebook-dir=notebooks $(if $(filter 0,$(shell id -u)),--allow-root)

bench: $(STAMP) ## tokens per second of each stage on the seeds repeated to BENCH_MB megabytes
	$(BIN)/python -m helpers.bench --corpus seeds --megabytes $(BENCH_MB)

# make bench-scale N=10000: N generated articles (kept in reports/bench-scale), the pipeline
# run fresh and then unchanged; seconds, words per second and peak RSS per stage and in all.
N ?= 1000
ENGINE ?= local
STAGES ?=
bench-scale: $(STAMP) ## the whole pipeline on N generated articles (N=10000 ENGINE=local|dask STAGES="01 02 03")
	$(BIN)/python -m helpers.bench --scale $(N) --engine $(ENGINE) $(foreach s,$(STAGES),--only $(s))

docs-figure: ## copy the headline chart from OUT into docs/ for the README
	@test -f "$(OUT)/figures/delegations_by_session.png" || $(MAKE) run
	cp "$(OUT)/figures/delegations_by_session.png" docs/delegations_by_session.png

clean: ## remove generated output (reports/) — keeps .venv
	rm -rf reports .pytest_cache .ruff_cache
