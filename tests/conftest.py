"""Shared pytest fixtures.

Import paths: ``pyproject.toml`` puts the repository root (``schemas``) and ``scripts/``
(``lib``) on ``sys.path``.

End-to-end fixtures (session-scoped, so the full workflow runs once per test session and
every e2e test file can reuse it):

``workflow_run`` (alias ``e2e_run``)
    Path of a temporary copy of the repository (everything but .git, .venv, results,
    private, logs and caches) after ``snakemake --cores 2`` ran the whole workflow there on the
    default data in ``raw/`` (scope from config.yaml, i.e. 2020). Tests read
    ``results_dir(<path>) / ...`` (``<path>/results/2020/...``); the checkout's own results/
    are never touched. Skips when
    ``raw/lms`` does not exist yet (run ``make data``); fails with the tail of
    Snakemake's output when the run fails.

``run_snakemake(workdir, *args)``
    Helper (plain function) to run Snakemake in a copy; returns the CompletedProcess.
``copy_repo(dest)``
    Helper to make such a copy.

Where a run writes (results/<scope>/, logs/<scope>/; the scope is config.yaml's ``scope``
unless the run passes ``--config scope=...``): ``results_dir(workdir, scope=DEFAULT_SCOPE)``
and ``logs_dir(...)`` give the directories of a run in ``workdir``; ``RESULTS``
(``"results/2020"``) is the same, relative, for Snakemake targets and paths in messages.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
SNAKEMAKE = str(Path(sys.executable).with_name("snakemake"))
DEFAULT_SCOPE = str(yaml.safe_load((ROOT / "config.yaml").read_text(encoding="utf-8"))["scope"])
RESULTS = f"results/{DEFAULT_SCOPE}"  # the default scope's outputs, relative to a workdir


def results_dir(workdir: Path, scope: str = DEFAULT_SCOPE) -> Path:
    """The outputs of a run of ``scope`` in ``workdir``: ``<workdir>/results/<scope>``."""
    return Path(workdir) / "results" / str(scope)


def logs_dir(workdir: Path, scope: str = DEFAULT_SCOPE) -> Path:
    """The job logs of a run of ``scope`` in ``workdir``: ``<workdir>/logs/<scope>``."""
    return Path(workdir) / "logs" / str(scope)


IGNORE = shutil.ignore_patterns(
    ".git", ".venv", ".venv-slurm", "results", "private", "logs", ".snakemake", "__pycache__", ".pytest_cache", ".ruff_cache"
)


def copy_repo(dest: Path) -> Path:
    """Copy the repository (sources, config, resources, raw data) to ``dest``."""
    shutil.copytree(ROOT, dest, ignore=IGNORE)
    return dest


def run_snakemake(workdir: Path, *args: str) -> subprocess.CompletedProcess:
    """Run ``snakemake --cores 2 <args>`` in ``workdir`` (salt from config, not the environment)."""
    env = {k: v for k, v in os.environ.items() if k != "IMPACT_STORY_SALT_FILE"}
    return subprocess.run(
        [SNAKEMAKE, "--cores", "2", "--show-failed-logs", *args],
        cwd=workdir,
        capture_output=True,
        text=True,
        env=env,
    )


@pytest.fixture(scope="session")
def workflow_run(tmp_path_factory) -> Path:
    """A full workflow run on the default data in a temporary copy (see module docstring)."""
    if not (ROOT / "raw" / "lms").is_dir():
        pytest.skip("raw/lms missing: generate the default data first (make data)")
    workdir = copy_repo(tmp_path_factory.mktemp("workflow_run") / "repo")
    done = run_snakemake(workdir)
    assert done.returncode == 0, "snakemake failed:\n" + done.stdout[-3000:] + done.stderr[-6000:]
    return workdir


@pytest.fixture(scope="session")
def e2e_run(workflow_run) -> Path:
    """Alias of ``workflow_run``."""
    return workflow_run
