#!/usr/bin/env bash
# Run the whole workflow twice on a copy of this repository, once locally (the default
# profile) and once through SLURM (profiles/slurm, snakemake-executor-plugin-slurm),
# and check that every file under results/ is byte-identical between the two runs.
# Needs a running cluster: scripts/ci/slurm-up.sh (and slurm-down.sh afterwards).
#
#   scripts/ci/test_slurm.sh                                  # default data, all targets
#   scripts/ci/test_slurm.sh --configfile /tmp/bench/config_overlay.yaml [TARGET ...]
#
# Arguments are passed to both snakemake runs. Both runs use the same directory (the
# local run's results/ are moved aside before the SLURM run), so outputs that mention
# their own path cannot differ for that reason. The repository itself is never touched.
#
# Environment:
#   SLURM_TEST_JOBS      concurrent SLURM jobs                       (default 2)
#   SLURM_TEST_CORES     cores of the local run                      (default 2)
#   SLURM_TEST_TIMEOUT   seconds allowed for each run                (default 1800)
#   SLURM_TEST_EXCLUDE   extended regex of results/ paths not compared
#                        (default ^results/[^/]+/provenance/ : run records, they hold
#                        timings; outputs are under results/<scope>/)
#   SLURM_TEST_KEEP      1 = keep the work directory even on success (default 0)
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BIN=${VENV_BIN:-$REPO/.venv-slurm/bin}
JOBS=${SLURM_TEST_JOBS:-2}
CORES=${SLURM_TEST_CORES:-2}
TIMEOUT=${SLURM_TEST_TIMEOUT:-1800}
EXCLUDE=${SLURM_TEST_EXCLUDE:-^results/[^/]+/provenance/}

say() { printf 'test-slurm: %s\n' "$*" >&2; }
die() { say "FAILED: $*"; exit 1; }

[[ -x $BIN/snakemake ]] || die "$BIN/snakemake not found (make venv-slurm)"
BIN=$(cd "$BIN" && pwd)   # absolute: the runs below happen in another directory
[[ -n $(sinfo -h -o %P 2>/dev/null) ]] ||
    die "no SLURM cluster answers (sinfo): bring it up with scripts/ci/slurm-up.sh"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/impact-story-test-slurm.XXXXXX")
RUN="$WORK/repo"
status=1
finish() {
    if [[ $status -eq 0 && ${SLURM_TEST_KEEP:-0} != 1 ]]; then
        rm -rf "$WORK"
    else
        say "work directory kept for inspection: $WORK"
    fi
}
trap finish EXIT

# The jobs run `python -m snakemake` on the node with this interpreter; PATH also
# reaches them (sbatch exports the environment).
export PATH="$BIN:$PATH"

# --- a copy of the working tree, without state or outputs ------------------------------
mkdir -p "$RUN"
tar -C "$REPO" --exclude=./.git --exclude=./.venv --exclude=./.venv-slurm --exclude=./results --exclude=./logs \
    --exclude=./.snakemake --exclude=./.pytest_cache --exclude=./.ruff_cache \
    --exclude=__pycache__ -cf - . | tar -C "$RUN" -xf -

# run NAME ARGS...: run snakemake in $RUN, log to $WORK/NAME.log, wall seconds in $WALL
run() {
    local name=$1 t0 t1 rc=0
    shift
    say "$name run: snakemake $*"
    t0=$(date +%s.%N)
    (cd "$RUN" && timeout -k 60 "$TIMEOUT" "$BIN/snakemake" "$@") >"$WORK/$name.log" 2>&1 || rc=$?
    t1=$(date +%s.%N)
    WALL=$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.1f", b - a}')
    if [[ $rc -ne 0 ]]; then
        tail -n 40 "$WORK/$name.log" >&2
        die "$name run exited with $rc after ${WALL} s (log: $WORK/$name.log)"
    fi
}

# steps LOG: the number of Snakemake jobs the run executed ("N of N steps (100%) done")
steps() {
    { grep -oE '^[0-9]+ of [0-9]+ steps \(100%\) done' "$1" || true; } | tail -n 1 | cut -d' ' -f1
}

manifest() { # manifest DIR: "sha256  results/<path>" of every compared file under DIR
    local f
    (cd "$1" && find . -type f -printf 'results/%P\n' | LC_ALL=C sort |
        { grep -Ev -- "$EXCLUDE" || true; } |
        while IFS= read -r f; do
            printf '%s  %s\n' "$(sha256sum <"${f#results/}" | cut -d' ' -f1)" "$f"
        done)
}

# --- 1. local ------------------------------------------------------------------------
run local --cores "$CORES" "$@"
local_wall=$WALL
local_steps=$(steps "$WORK/local.log")
[[ -d $RUN/results ]] || die "the local run wrote no results/"
mv "$RUN/results" "$WORK/results-local"
rm -rf "$RUN/logs" "$RUN/.snakemake"

# --- 2. SLURM ------------------------------------------------------------------------
run slurm --workflow-profile profiles/slurm --jobs "$JOBS" \
    --slurm-init-seconds-before-status-checks 1 --latency-wait 5 "$@"
slurm_wall=$WALL
slurm_steps=$(steps "$WORK/slurm.log")
submitted=$(grep -c 'has been submitted with SLURM jobid' "$WORK/slurm.log" || true)
[[ $submitted -gt 0 ]] || die "no job was submitted to SLURM (log: $WORK/slurm.log)"

# --- 3. compare ----------------------------------------------------------------------
[[ -d $RUN/results ]] || die "the SLURM run wrote no results/"
manifest "$WORK/results-local" >"$WORK/local.sha256"
manifest "$RUN/results" >"$WORK/slurm.sha256"
n_files=$(wc -l <"$WORK/local.sha256")
[[ $n_files -gt 0 ]] || die "no file to compare under results/"

cat >&2 <<EOF
== test-slurm summary ($(hostname -s), $(nproc) CPUs)
   local run:  ${local_wall} s, ${local_steps:-?} Snakemake jobs (--cores $CORES)
   SLURM run:  ${slurm_wall} s, ${slurm_steps:-?} Snakemake jobs in ${submitted} SLURM jobs (--jobs $JOBS)
   compared:   ${n_files} files under results/ (not compared: paths matching ${EXCLUDE})
EOF
if ! diff -u "$WORK/local.sha256" "$WORK/slurm.sha256" >"$WORK/manifest.diff"; then
    say "files that differ, or exist in one run only (- local, + SLURM):"
    grep -E '^[-+][0-9a-f]' "$WORK/manifest.diff" | sed -E 's/^([-+])[0-9a-f]+  /\1 /' >&2
    die "SLURM outputs are not identical to the local run's"
fi
say "OK: every compared file is byte-identical"
status=0
