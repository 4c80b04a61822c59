"""Two runs from clean, in two temporary copies of the repository, give byte-identical
files everywhere in results/<scope>/ (figures, Parquet, CSV, HTML, PDF, and the RO-Crate,
whose one date is pinned to the commit's); the run's RO-Crate lists every raw input with its
sha256 and reads back with `rocrate`.

Slow (two full workflow runs): marked e2e. Skipped until raw/ holds the default data
with its raw/SHA256SUMS (`make data`).
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import RESULTS, results_dir
from rocrate.rocrate import ROCrate

REPO = Path(__file__).resolve().parents[1]
SNAKEMAKE = str(Path(sys.executable).parent / "snakemake")
SKIP = {".git", ".venv", ".venv-slurm", ".snakemake", "results", "private", "logs", ".pytest_cache", ".ruff_cache", "__pycache__"}

pytestmark = pytest.mark.e2e


def _copy(dst: Path) -> Path:
    shutil.copytree(REPO, dst, ignore=lambda _d, names: [n for n in names if n in SKIP])
    return dst


def _run(ws: Path) -> None:
    proc = subprocess.run([SNAKEMAKE, "--cores", "2", "--show-failed-logs", "all", "audit"],
                          cwd=ws, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr[-6000:]


def _digests(ws: Path) -> dict[str, str]:
    results = results_dir(ws)
    return {
        p.relative_to(results).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(results.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory):
    if not (REPO / "raw/SHA256SUMS").exists():
        pytest.skip("raw/SHA256SUMS missing: generate the default data first (make data)")
    first, second = (_copy(tmp_path_factory.mktemp(name) / "repo") for name in ("run1", "run2"))
    _run(first)
    _run(second)
    return first, second


def test_two_clean_runs_are_byte_identical(two_runs):
    first, second = (_digests(ws) for ws in two_runs)
    assert first, "the run wrote nothing under results/"
    kinds = {Path(p).suffix for p in first}
    assert {".csv", ".parquet", ".html"} <= kinds
    assert "provenance/ro-crate-metadata.json" in first
    assert sorted(first) == sorted(second), "the two runs wrote different sets of files"
    differing = sorted(p for p in first if first[p] != second[p])
    assert differing == [], f"files differ between two clean runs: {differing}"


def test_crate_lists_every_raw_input_with_its_sha256(two_runs):
    ws = two_runs[0]
    crate = json.loads((results_dir(ws) / "provenance/ro-crate-metadata.json").read_text(encoding="utf-8"))
    by_id = {e["@id"]: e for e in crate["@graph"]}
    action = next(e for e in crate["@graph"] if e.get("@type") == "CreateAction")
    objects = {o["@id"] for o in action["object"]}
    raw_files = [p for p in sorted((ws / "raw").rglob("*")) if p.is_file()]
    assert raw_files
    for path in raw_files:
        rel = path.relative_to(ws).as_posix()
        assert rel in objects, f"{rel} is not an object of the run"
        assert by_id[rel]["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
        assert by_id[rel]["contentSize"] == str(path.stat().st_size)
    results = {r["@id"] for r in action["result"]}
    assert f"{RESULTS}/audit/claims.csv" in results and f"{RESULTS}/report/impact_story.html" in results
    assert all(r.startswith(f"{RESULTS}/") for r in results)  # this scope's outputs only
    assert not any(r.startswith(f"{RESULTS}/provenance/") for r in results)
    # every file the run wrote before the crate is a result (the crate waits for rule all)
    written = {p.relative_to(ws).as_posix() for p in results_dir(ws).rglob("*") if p.is_file()}
    assert written - results == {f"{RESULTS}/provenance/ro-crate-metadata.json", f"{RESULTS}/audit/verdict.tsv"}
    read_back = ROCrate(results_dir(ws) / "provenance")
    assert read_back.mainEntity.id == "Snakefile"
    assert {e.id for e in read_back.data_entities} >= objects | results
