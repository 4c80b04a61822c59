"""`make trace` (scripts/trace.py, lib.lineage): rule, script and inputs come from
Snakemake's records, on a small hand-made workflow and on a hand-made summary table."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import pytest

from lib.lineage import SUMMARY_COLUMNS, parse_summary, upstream

REPO = Path(__file__).resolve().parents[1]
SNAKEMAKE = str(Path(sys.executable).parent / "snakemake")

# --------------------------------------------------------------------------- lineage


def _summary(rows: list[tuple[str, str, str, str]]) -> str:
    """rows of (output, rule, inputs, status) -> the detailed summary's TSV."""
    lines = ["\t".join(SUMMARY_COLUMNS)]
    lines += ["\t".join([out, "Sun Nov 29 11:00:00 2026", rule, f"logs/{rule}.log", inputs, "-", status,
                         "no update"]) for out, rule, inputs, status in rows]
    return "\n".join(lines) + "\n"


SUMMARY = _summary([
    ("m.csv", "table", "p.csv,r.csv,registry.yaml", "ok"),
    ("p.csv", "participation", "raw/a.csv,salt.txt,lib/x.py,raw/a.csv", "ok"),
    ("p_evidence.parquet", "participation", "raw/a.csv,salt.txt,lib/x.py,raw/a.csv", "updated input files"),
    ("r.csv", "reaction", "raw/e.csv", "ok"),
    ("never.csv", "later", "-", "missing"),
])


def test_parse_summary_groups_outputs_of_one_job():
    by_output = parse_summary(SUMMARY)
    job = by_output["p.csv"]
    assert by_output["p_evidence.parquet"] is job
    assert job.outputs == ["p.csv", "p_evidence.parquet"]
    assert job.inputs == ["raw/a.csv", "salt.txt", "lib/x.py"]  # duplicates dropped
    assert job.status == "updated input files"  # any output out of date flags the job
    assert by_output["never.csv"].inputs is None
    with pytest.raises(ValueError, match="detailed summary"):
        parse_summary("output_file\tdate\trule\n")


def test_upstream_walks_to_the_files_no_job_writes():
    by_output = parse_summary(SUMMARY)
    jobs, leaves = upstream(by_output, ["m.csv"])
    assert [j.rule for j in jobs] == ["table", "participation", "reaction"]
    assert leaves == ["lib/x.py", "raw/a.csv", "raw/e.csv", "registry.yaml", "salt.txt"]
    jobs, leaves = upstream(by_output, ["p.csv"])
    assert [j.rule for j in jobs] == ["participation"] and "raw/e.csv" not in leaves


# --------------------------------------------------------------------------- make trace

SNAKEFILE = '''SALT_FILE = "resources/salt.txt"


rule all:
    input:
        "results/s/metrics/metrics.csv",


rule audit:
    input:
        "results/s/audit/claims.csv",


rule metrics_participation:
    input:
        raw="raw/lms/a.csv",
        salt=SALT_FILE,
        lib_helper="scripts/lib/helper.py",
    output:
        metrics="results/s/metrics/participation.csv",
    script:
        "scripts/concat.py"


rule metrics_reaction:
    input:
        raw="raw/evaluation/e.csv",
    output:
        metrics="results/s/metrics/reaction.csv",
    script:
        "scripts/concat.py"


rule metrics_table:
    input:
        stages=["results/s/metrics/participation.csv", "results/s/metrics/reaction.csv"],
        registry="resources/metric_registry.yaml",
    output:
        metrics="results/s/metrics/metrics.csv",
    script:
        "scripts/concat.py"


rule audit_claims:
    input:
        metrics="results/s/metrics/metrics.csv",
        claims="published/claims.yaml",
    output:
        csv="results/s/audit/claims.csv",
    script:
        "scripts/audit_claims.py"
'''
FILES = {
    "config.yaml": "scope: s\nscopes:\n  s: {}\n",  # trace reads the scope (results/<scope>/)
    "scripts/concat.py": "from pathlib import Path\n"
    "Path(snakemake.output[0]).write_text(''.join(Path(p).read_text() for p in snakemake.input))\n",
    "scripts/audit_claims.py": "from pathlib import Path\n"
    "Path(snakemake.output[0]).write_text('claim_id,status,recomputed_value,recomputed_exact,note\\n'\n"
    "                                     'P01,reproduced,12,12,\\n')\n",
    "scripts/lib/helper.py": "HELP = 1\n",
    "raw/lms/a.csv": "participant\nx\n",
    "raw/evaluation/e.csv": "response\ny\n",
    "resources/salt.txt": "not-a-real-salt\n",
    "resources/metric_registry.yaml": "metrics:\n  - {id: participants_total, stage: participation, unit: count,\n"
    "     evidence: participant_key, definition: People enrolled.}\n",
    "published/claims.yaml": "claims:\n  - {id: P01, section: Participation, paraphrase: Twelve people took part.,\n"
    "     published: twelve, value: 12, unit: participants, rounding: integer, check: equal,\n"
    "     metric: participants_total}\n",
}


def _sha(ws: Path, rel: str) -> str:
    return hashlib.sha256((ws / rel).read_bytes()).hexdigest()


def _trace(ws: Path, claim: str = "P01") -> str:
    proc = subprocess.run([sys.executable, str(REPO / "scripts/trace.py"), claim, "--root", str(ws)],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return proc.stdout


@pytest.fixture
def workspace(tmp_path):
    (tmp_path / "Snakefile").write_text(SNAKEFILE)
    for rel, text in FILES.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text)
    raw = ["evaluation/e.csv", "lms/a.csv"]
    (tmp_path / "raw/SHA256SUMS").write_text("".join(f"{_sha(tmp_path, 'raw/' + r)}  {r}\n" for r in raw))
    proc = subprocess.run([SNAKEMAKE, "--cores", "1", "all", "audit"], cwd=tmp_path, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return tmp_path


def test_trace_takes_jobs_scripts_and_inputs_from_snakemake(workspace):
    out = _trace(workspace)
    jobs = [line.split()[0] for line in out.split("JOBS")[1].split("INPUTS")[0].splitlines()[1:]
            if line.startswith("  ") and not line.startswith("    ")]
    # the claims table, the metrics table, then only the chain of the metric's stage
    assert jobs == ["audit_claims", "metrics_table", "metrics_participation"]
    assert "metrics_participation (Snakefile:14) script scripts/concat.py" in out
    assert "audit_claims (Snakefile:44) script scripts/audit_claims.py" in out
    assert f"raw/lms/a.csv  {_sha(workspace, 'raw/lms/a.csv')}  listed=yes" in out
    assert "raw/evaluation/e.csv" not in out  # another stage's raw file
    assert f"resources/metric_registry.yaml  {_sha(workspace, 'resources/metric_registry.yaml')}" in out
    assert f"scripts/lib/helper.py  {_sha(workspace, 'scripts/lib/helper.py')}" in out
    assert "resources/salt.txt  (the pseudonymisation salt" in out
    assert _sha(workspace, "resources/salt.txt") not in out
    assert "rerun the workflow" not in out
    assert "EVIDENCE results/s/audit/evidence/participants_total.csv" in out


def test_trace_flags_a_changed_raw_file_and_the_stale_job(workspace):
    (workspace / "raw/lms/a.csv").write_text("participant\nz\n")
    out = _trace(workspace)
    assert "raw/lms/a.csv" in out and "<-- differs from SHA256SUMS" in out
    assert "metrics_participation (Snakefile:14) script scripts/concat.py  [updated input files" in out
