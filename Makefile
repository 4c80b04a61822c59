# impact-story-workflow: one entry point for analysts and CI.
#
#   make run              # create .venv if needed, run the whole workflow (scope 2020)
#   make run SCOPE=2021   # same chain over the 2021 editions (outputs under results/<scope>/,
#                         # so the scopes sit side by side; the end says where the report is)
#   make run-slurm        # the same through SLURM (profiles/slurm; environment .venv-slurm)
#   make test             # unit + end-to-end tests
#   make data             # regenerate the synthetic default data under raw/
#   make lint             # ruff, snakefmt --check, snakemake --lint
#   make lock             # re-pin requirements.lock from requirements.in (needs uv)
#   make report-bundle    # Snakemake's self-contained report (rule graph, code, runtimes),
#                         # results/<scope>/workflow-report.zip
#   make test-slurm       # whole workflow through SLURM vs a local run, byte for byte
#                         # (its own environment .venv-slurm: make venv-slurm)
#   make bench            # benchmark: default data + portfolios -> results/bench/bench.json (docs/benchmarks.md)
#   make audit            # verify raw/ checksums, rerun, compare every published claim
#   make trace CLAIM=A01  # claim -> metric -> rule/script -> inputs (sha256) -> evidence -> report
#                         # (of results/<scope>/: SCOPE= as for make run)
#   make page-check       # HTML pages at 1280 and 390 px in headless Chromium: nothing wider
#                         # than the screen, every image with alt text (screenshots in results/<scope>/page_check)
#   make clean            # remove results/, private/staging/, logs/ and Snakemake's state
#
# Variables: PYTHON (interpreter used to create .venv, default python3.11), CORES
# (default 2), SCOPE (a key of `scopes` in config.yaml), SNAKEMAKE_ARGS (extra options,
# e.g. SNAKEMAKE_ARGS="--dry-run").

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := run

PYTHON ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin
CORES ?= 2
SCOPE ?=
SNAKEMAKE_ARGS ?=
CONFIG_ARGS := $(if $(SCOPE),--config scope=$(SCOPE),)
# the scope a target works on (SCOPE, else config.yaml's `scope`) and its output directory;
# expanded when a recipe runs, after the venv exists
SCOPE_ID = $(or $(SCOPE),$(shell $(BIN)/python -c 'import yaml; print(yaml.safe_load(open("config.yaml"))["scope"])'))
RESULTS = results/$(SCOPE_ID)
STAMP := $(VENV)/.installed-from-lock
# SLURM runs use their own environment: the workflow's lock + the SLURM executor plugin
# (requirements-slurm.in says why it is not in .venv).
VENV_SLURM ?= .venv-slurm
STAMP_SLURM := $(VENV_SLURM)/.installed-from-lock

.PHONY: venv venv-slurm run run-slurm test data lint lock clean report-bundle audit trace test-slurm bench page-check

# The virtualenv is rebuilt from scratch whenever its lock changes (stamp file), so it
# holds exactly the locked packages (pip install alone never removes a package).
venv: $(STAMP)

$(STAMP): requirements.lock
	$(PYTHON) -m venv --clear $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements.lock
	@touch $@

venv-slurm: $(STAMP_SLURM)

$(STAMP_SLURM): requirements-slurm.lock
	$(PYTHON) -m venv --clear $(VENV_SLURM)
	$(VENV_SLURM)/bin/python -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements-slurm.lock
	@touch $@

run: venv
	$(BIN)/snakemake --cores $(CORES) --show-failed-logs $(SNAKEMAKE_ARGS) $(CONFIG_ARGS)
	@if [ -f $(RESULTS)/report/impact_story.html ]; then \
	    echo "The Impact Story ($(SCOPE_ID)): $(RESULTS)/report/impact_story.html and $(RESULTS)/report/impact_story.pdf"; \
	    echo "Technical annex: $(RESULTS)/report/technical_annex.html and .pdf; all outputs: $(RESULTS)/"; fi

# The whole workflow through SLURM (profiles/slurm), from the SLURM environment.
run-slurm: venv-slurm
	$(VENV_SLURM)/bin/snakemake --workflow-profile profiles/slurm --show-failed-logs $(SNAKEMAKE_ARGS) $(CONFIG_ARGS)

test: venv
	$(BIN)/pytest -q

data: venv
	$(BIN)/python scripts/datagen/generate.py --out raw --truth tests/data/ground_truth.json

lint: venv
	$(BIN)/ruff check .
	$(BIN)/snakefmt --check Snakefile workflow
	$(BIN)/snakemake --lint

lock:
	uv pip compile requirements.in --python-version 3.11 --generate-hashes -o requirements.lock
	uv pip compile requirements-slurm.in -c requirements.lock --python-version 3.11 --generate-hashes -o requirements-slurm.lock

report-bundle: venv
	$(BIN)/snakemake --cores $(CORES) --report $(RESULTS)/workflow-report.zip $(CONFIG_ARGS)

# The checksum gate runs alone first (forced), so nothing is built from changed inputs.
audit: venv
	$(BIN)/snakemake --cores $(CORES) --show-failed-logs $(CONFIG_ARGS) --forcerun audit_checksums audit_checksums
	$(BIN)/snakemake --cores $(CORES) --show-failed-logs $(SNAKEMAKE_ARGS) $(CONFIG_ARGS) audit

CLAIM ?=
trace: venv
	@test -n "$(CLAIM)" || { echo "usage: make trace CLAIM=<claim id, see published/claims.yaml>" >&2; exit 2; }
	$(BIN)/python scripts/trace.py $(CLAIM) --scope $(SCOPE_ID)

# Needs a running cluster: scripts/ci/slurm-up.sh (and scripts/ci/slurm-down.sh after).
test-slurm: venv-slurm
	VENV_BIN=$(abspath $(VENV_SLURM))/bin scripts/ci/test_slurm.sh $(SNAKEMAKE_ARGS) $(CONFIG_ARGS)

# Not a test: prints measured figures (default data + 10, 40 and 200 editions, ~6 min).
# Other sizes: make bench BENCH_ARGS="--sizes 20x100000x10000"
BENCH_ARGS ?=
bench: venv
	$(BIN)/python scripts/bench/bench.py --cores $(CORES) $(BENCH_ARGS)

# Needs Debian's chromium (.ci/run installs it) and the pages: the Impact Story (make run),
# the technical annex when the workflow writes one, and claims.html (make audit).
# PAGES= checks other files.
PAGES ?=
page-check: venv
	$(BIN)/python scripts/ci/page_check.py --scope $(SCOPE_ID) $(PAGES)

clean:
	rm -rf results private/staging logs .snakemake
