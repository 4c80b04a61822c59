# impact-story-workflow: one entry point for analysts and CI.
#
#   make run              # create .venv if needed, run the whole workflow (scope 2020)
#   make run SCOPE=2021   # same chain over the 2021 editions
#   make test             # unit + end-to-end tests
#   make data             # regenerate the synthetic default data under raw/
#   make lint             # ruff, snakefmt --check, snakemake --lint
#   make lock             # re-pin requirements.lock from requirements.in (needs uv)
#   make report-bundle    # Snakemake's self-contained report (rule graph, code, runtimes)
#   make test-slurm       # whole workflow through SLURM vs a local run, byte for byte
#   make bench            # benchmark: default data + portfolios -> results/bench/bench.json (docs/benchmarks.md)
#   make audit            # verify raw/ checksums, rerun, compare every published claim
#   make trace CLAIM=A01  # claim -> metric -> rule/script -> inputs (sha256) -> evidence -> report
#   make clean            # remove results/, private/staging/, logs/ and Snakemake's state
#
# Variables: PYTHON (interpreter used to create .venv, default python3.11), CORES
# (default 2), SCOPE (a key of `scopes` in config.yaml), SNAKEMAKE_ARGS (extra options,
# e.g. SNAKEMAKE_ARGS="--workflow-profile profiles/slurm").

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
STAMP := $(VENV)/.installed-from-lock

.PHONY: venv run test data lint lock clean report-bundle audit trace test-slurm bench

# The virtualenv is (re)installed whenever requirements.lock changes (stamp file).
venv: $(STAMP)

$(STAMP): requirements.lock
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements.lock
	@touch $@

run: venv
	$(BIN)/snakemake --cores $(CORES) --show-failed-logs $(SNAKEMAKE_ARGS) $(CONFIG_ARGS)

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

report-bundle: venv
	$(BIN)/snakemake --cores $(CORES) --report results/workflow-report.zip $(CONFIG_ARGS)

# The checksum gate runs alone first (forced), so nothing is built from changed inputs.
audit: venv
	$(BIN)/snakemake --cores $(CORES) --show-failed-logs $(CONFIG_ARGS) --forcerun audit_checksums results/audit/raw_checksums.csv
	$(BIN)/snakemake --cores $(CORES) --show-failed-logs $(SNAKEMAKE_ARGS) $(CONFIG_ARGS) audit

CLAIM ?=
trace: venv
	@test -n "$(CLAIM)" || { echo "usage: make trace CLAIM=<claim id, see published/claims.yaml>" >&2; exit 2; }
	$(BIN)/python scripts/trace.py $(CLAIM)

# Needs a running cluster: scripts/ci/slurm-up.sh (and scripts/ci/slurm-down.sh after).
test-slurm: venv
	scripts/ci/test_slurm.sh $(SNAKEMAKE_ARGS) $(CONFIG_ARGS)

# Not a test: prints measured figures. Full portfolio: make bench BENCH_ARGS="--sizes 200x1000000x100000"
BENCH_ARGS ?=
bench: venv
	$(BIN)/python scripts/bench/bench.py --cores $(CORES) $(BENCH_ARGS)

clean:
	rm -rf results private/staging logs .snakemake
