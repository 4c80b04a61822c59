#!/usr/bin/env bash
# Stop the one-node SLURM cluster started by scripts/ci/slurm-up.sh: exactly the daemons
# whose pids it recorded in $SLURM_CI_DIR/pids, nothing else (a pid is only signalled if
# the process still has the recorded daemon's name, so a recycled pid is never hit).
# Safe to call whatever happened before (nothing recorded = nothing to do); always exits 0,
# so it can run from a trap.
#
# Environment: SLURM_CI_DIR (default /tmp/impact-story-slurm), as for slurm-up.sh.
set -uo pipefail

CI_DIR=${SLURM_CI_DIR:-/tmp/impact-story-slurm}
PID_DIR="$CI_DIR/pids"

say() { printf 'slurm-down: %s\n' "$*" >&2; }

# recorded NAME: print the recorded pid of NAME if that process is alive and is NAME
recorded() {
    local f="$PID_DIR/$1.pid" pid
    [[ -s $f ]] || return 1
    pid=$(<"$f")
    [[ $pid =~ ^[0-9]+$ ]] && [[ -r /proc/$pid/comm ]] && [[ $(</proc/"$pid"/comm) == "$1" ]] || return 1
    printf '%s\n' "$pid"
}

# Jobs left over from an interrupted run live in our cluster only: cancel them while
# our controller is still up, so no job step outlives the daemons.
if recorded slurmctld >/dev/null && command -v scancel >/dev/null; then
    jobs=$(squeue -h -o %i 2>/dev/null || true)
    if [[ -n $jobs ]]; then
        say "cancelling leftover jobs: $(echo "$jobs" | tr '\n' ' ')"
        # shellcheck disable=SC2086
        scancel $jobs || true
        for _ in $(seq 30); do [[ -z $(squeue -h -o %i 2>/dev/null) ]] && break; sleep 1; done
    fi
fi

# Stop in reverse start order: compute daemon, controller, then munge.
for daemon in slurmd slurmctld munged; do
    if ! pid=$(recorded "$daemon"); then
        [[ -e $PID_DIR/$daemon.pid ]] && say "$daemon: recorded pid not running, nothing to stop"
        rm -f "$PID_DIR/$daemon.pid"
        continue
    fi
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 100); do [[ -d /proc/$pid ]] || break; sleep 0.1; done
    if [[ -d /proc/$pid ]] && [[ $(</proc/"$pid"/comm) == "$daemon" ]]; then
        say "$daemon (pid $pid) ignored SIGTERM for 10 s: SIGKILL"
        kill -KILL "$pid" 2>/dev/null || true
    fi
    say "stopped $daemon (pid $pid)"
    rm -f "$PID_DIR/$daemon.pid"
done
exit 0
