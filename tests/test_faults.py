"""Issue 7, faults: a run killed with SIGKILL part-way and rerun gives the bytes of a clean
run; a second run started in the same directory while one is running is refused with
Snakemake's lock message (which names `--unlock`).

What an analyst does after a kill (docs/errors.md): `snakemake --unlock`, then
`snakemake --cores 2 --rerun-incomplete`. A plain rerun refuses to start (the killed
run's lock is still there, or Snakemake names the half-written files and asks for
`--rerun-incomplete`); that refusal is asserted too.
"""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest
from conftest import SNAKEMAKE, copy_repo, results_dir, run_snakemake

pytestmark = pytest.mark.e2e
LOCK_MESSAGE = "Directory cannot be locked"


def digests(results: Path) -> dict[str, str]:
    return {
        p.relative_to(results).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(results.rglob("*"))
        if p.is_file()
    }


def start(workdir: Path) -> subprocess.Popen:
    """Start a full run in its own process group (so the test can kill it and its jobs)."""
    env = {k: v for k, v in os.environ.items() if k != "IMPACT_STORY_SALT_FILE"}
    return subprocess.Popen(
        [SNAKEMAKE, "--cores", "2", "--quiet"],
        cwd=workdir,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
        start_new_session=True,
    )


def wait_for(condition, proc: subprocess.Popen, timeout: float = 300) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if proc.poll() is not None:
            pytest.fail("the run ended before the moment the test waits for")
        if time.monotonic() > deadline:
            pytest.fail("timed out waiting for the run")
        time.sleep(0.2)


def kill(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=60)


def test_killed_run_then_rerun_equals_a_clean_run(workflow_run, tmp_path):
    work = copy_repo(tmp_path / "repo")
    proc = start(work)
    try:
        # first jobs finished: the clean table of at least one edition is there, the run goes on
        wait_for(lambda: any((results_dir(work) / "clean/editions").glob("*/participants.parquet")), proc)
    finally:
        kill(proc)
    assert proc.returncode == -signal.SIGKILL
    assert not (results_dir(work) / "report/impact_story.html").exists(), "the run was not killed part-way"

    # a plain rerun refuses to start: the killed run's lock, or its half-written files
    refused = run_snakemake(work)
    text = refused.stderr + refused.stdout
    assert refused.returncode != 0
    assert "--unlock" in text or "--rerun-incomplete" in text, text[-3000:]

    unlocked = run_snakemake(work, "--unlock")
    assert unlocked.returncode == 0, unlocked.stderr[-3000:]
    rerun = run_snakemake(work, "--rerun-incomplete")
    assert rerun.returncode == 0, rerun.stdout[-2000:] + rerun.stderr[-4000:]

    clean, after_kill = digests(results_dir(workflow_run)), digests(results_dir(work))
    assert sorted(after_kill) == sorted(clean)
    differ = [rel for rel in clean if clean[rel] != after_kill[rel]]
    assert not differ, f"files differ from the clean run: {differ}"


def test_second_concurrent_run_is_refused_with_the_lock_message(tmp_path):
    work = copy_repo(tmp_path / "repo")
    first = start(work)
    try:
        wait_for(lambda: any((work / ".snakemake/locks").glob("*")), first)
        # Snakemake builds the DAG before it takes the lock, so a plain second run may stop
        # earlier on the first run's in-progress outputs (IncompleteFilesException). With
        # --rerun-incomplete it gets past that check and must be refused by the lock,
        # without touching the first run's files.
        second = run_snakemake(work, "--rerun-incomplete")
        still_running = first.poll() is None
    finally:
        kill(first)
    assert still_running, "the first run ended before the second started: nothing was tested"
    text = second.stdout + second.stderr
    assert second.returncode != 0
    assert LOCK_MESSAGE in text and "--unlock" in text, text[-3000:]
    assert not (results_dir(work) / "report/impact_story.html").exists()
