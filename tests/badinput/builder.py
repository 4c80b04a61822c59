"""Build a workspace for one corpus case, apply its mutation, run its Snakemake target.

A *fresh* workspace holds the workflow (Snakefile, config.yaml, workflow/, scripts/,
schemas/, resources/) and a copy of raw/ (2 MB; copies keep the files' times, so Snakemake
sees only the mutated file as new). A *base* workspace is a copy of a finished full run
(results/<scope>/ and Snakemake's metadata included), for cases whose target needs the clean LMS
tables; Snakemake then reruns only what depends on the mutated file. When such a case
must stop, the outputs downstream of the survey chain are removed first, so that nothing
left over from the base run can pass for a result of the broken data.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from conftest import RESULTS

from .cases import Case

ROOT = Path(__file__).resolve().parents[2]
SNAKEMAKE = str(Path(sys.executable).with_name("snakemake"))
WORKFLOW_PARTS = ("Snakefile", "config.yaml", "workflow", "scripts", "schemas", "resources", "raw")
IGNORE = shutil.ignore_patterns("__pycache__", "*.pyc")
DOWNSTREAM = tuple(f"{RESULTS}/{d}" for d in ("metrics", "figures", "tables", "report"))
CASE_CONFIG = "case_config.yaml"  # the case's nested config keys, written into the workspace


@dataclass
class Outcome:
    case: Case
    workspace: Path
    facts: dict
    returncode: int
    output: str  # Snakemake's stdout + stderr, then every rule log of the run

    def path(self, rel: str) -> Path:
        return self.workspace / rel

    def says(self, template: str) -> bool:
        return template.format(**self.facts) in self.output


def fresh_workspace(dest: Path) -> Path:
    dest.mkdir(parents=True, exist_ok=True)
    for part in WORKFLOW_PARTS:
        src = ROOT / part
        if src.is_dir():
            shutil.copytree(src, dest / part, ignore=IGNORE, symlinks=True)
        else:
            shutil.copy2(src, dest / part)
    return dest


def base_workspace(dest: Path, full_run: Path, *, prune: bool) -> Path:
    shutil.copytree(
        full_run,
        dest,
        symlinks=True,
        ignore=shutil.ignore_patterns(".git", ".venv", "__pycache__", ".pytest_cache", "locks", "incomplete"),
    )
    shutil.rmtree(dest / "logs", ignore_errors=True)
    if prune:
        for rel in DOWNSTREAM:
            shutil.rmtree(dest / rel, ignore_errors=True)
    return dest


def snakemake(workspace: Path, *args: str, timeout: int = 900) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "IMPACT_STORY_SALT_FILE"}
    return subprocess.run(
        [SNAKEMAKE, "--cores", "1", "--quiet", "--show-failed-logs", *args],
        cwd=workspace,
        capture_output=True,
        text=True,
        env=env,
        timeout=timeout,
    )


def rule_logs(workspace: Path) -> str:
    logs = sorted((workspace / "logs").rglob("*.log")) if (workspace / "logs").is_dir() else []
    return "\n".join(f"==> {p.relative_to(workspace)}\n{p.read_text(errors='replace')}" for p in logs)


def run_case(case: Case, dest: Path, full_run: Path | None = None) -> Outcome:
    """Make the workspace at ``dest``, mutate, build ``case.target``; return what happened."""
    if case.base:
        if full_run is None:
            raise ValueError(f"case {case.id} needs the results of a full run")
        ws = base_workspace(dest, full_run, prune=case.expect == "stop")
    else:
        ws = fresh_workspace(dest)
    facts = case.mutate(ws)
    config = [f"{k}={v}" for k, v in case.config.items() if not isinstance(v, dict)]
    nested = {k: v for k, v in case.config.items() if isinstance(v, dict)}
    # the corpus alters the shipped synthetic data: the demo salt needs the explicit opt-in
    # (config.yaml, privacy), unless the case sets privacy itself
    nested["privacy"] = {"allow_demo_salt": True, **nested.get("privacy", {})}
    args = [case.target, *(["--config", *config] if config else [])]
    # nested keys (e.g. one edition's setting) need a config file
    (ws / CASE_CONFIG).write_text(json.dumps(nested), encoding="utf-8")
    args += ["--configfile", CASE_CONFIG]
    done = snakemake(ws, *args)
    output = done.stdout + "\n" + done.stderr + "\n" + rule_logs(ws)
    return Outcome(case, ws, facts, done.returncode, output)


class Corpus:
    """Runs each case once per test session (several test files assert on one outcome)."""

    def __init__(self, root: Path):
        self.root = root
        self.outcomes: dict[str, Outcome] = {}

    def outcome(self, case: Case, full_run: Path | None = None) -> Outcome:
        if case.id not in self.outcomes:
            self.outcomes[case.id] = run_case(case, self.root / case.id, full_run)
        return self.outcomes[case.id]


_CORPUS: Corpus | None = None


def corpus(tmp_path_factory) -> Corpus:
    """The session's corpus runner (workspaces under pytest's temporary directory)."""
    global _CORPUS
    if _CORPUS is None:
        _CORPUS = Corpus(tmp_path_factory.mktemp("badinput"))
    return _CORPUS
