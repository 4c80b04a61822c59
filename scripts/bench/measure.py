"""Measurement helpers of the benchmark (``scripts/bench/bench.py``).

- :func:`copy_repo`: a clean working copy (tracked + untracked, not ignored; no results)
- :func:`run_tracked`: run a command, wall time and peak RSS of its whole process tree
- :func:`job_times`: the jobs a Snakemake run executed, from ``.snakemake/metadata``
- :func:`parse_floor`: time to merely parse a set of CSVs with pyarrow
- :func:`compare_truth`: metrics.csv against the generator's ground truth
"""

from __future__ import annotations

import base64
import json
import math
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

SKIP_DIRS = {".git", ".venv", ".venv-slurm", "results", "private", "logs", ".snakemake", "__pycache__", ".pytest_cache", ".ruff_cache"}

# rule name -> stage of the layered workflow (docs/architecture.md)
STAGE_PREFIXES = [
    ("stage_", "stage"),
    ("clean_", "clean"),
    ("combine_", "clean"),
    ("metrics_", "metrics"),
    ("box1_", "metrics"),
    ("figure_", "figures"),
    ("figures_", "figures"),
    ("box2_", "figures"),
    ("report", "report"),
    ("cleaning_log", "clean"),
    ("audit", "audit"),
    ("provenance", "audit"),
]


def stage_of(rule: str) -> str:
    for prefix, stage in STAGE_PREFIXES:
        if rule.startswith(prefix):
            return stage
    return "other"


def _listed_files(root: Path) -> list[Path]:
    """Files of the checkout as a fresh clone (plus untracked work) would have them."""
    try:
        out = subprocess.run(
            ["git", "ls-files", "-z", "-c", "-o", "--exclude-standard"],
            cwd=root,
            capture_output=True,
            check=True,
        ).stdout
        names = sorted({n for n in out.decode("utf-8").split("\0") if n})
        return [Path(n) for n in names]
    except (OSError, subprocess.CalledProcessError):
        return sorted(p.relative_to(root) for p in root.rglob("*") if p.is_file())


def copy_repo(root: Path, dest: Path) -> int:
    """Copy the workflow's files to ``dest`` (no results/, logs/, .snakemake/, .venv/)."""
    n = 0
    for rel in _listed_files(root):
        if rel.parts[0] in SKIP_DIRS or "__pycache__" in rel.parts:
            continue
        src = root / rel
        if not src.is_file():  # tracked but deleted in the working tree
            continue
        (dest / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(src, dest / rel)
        n += 1
    return n


@dataclass
class RunResult:
    returncode: int
    wall_s: float
    peak_rss_mb: float
    start: float
    output: str
    # CPU seconds (user + system) of the command and every process it waited for (the
    # jobs): a measure that the load of other processes on the machine barely changes
    cpu_s: float = 0.0


def _tree_rss(proc) -> int:
    import psutil

    total = 0
    try:
        procs = [proc, *proc.children(recursive=True)]
    except psutil.Error:
        return 0
    for p in procs:
        try:
            total += p.memory_info().rss
        except psutil.Error:
            pass
    return total


def run_tracked(cmd: list[str], cwd: Path, interval: float = 0.05) -> RunResult:
    """Run ``cmd``; wall time and the peak of the summed RSS of the process and its children.

    The sum counts pages shared between processes more than once: an upper bound.
    """
    import resource

    import psutil

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.time()
    t0 = time.perf_counter()
    popen = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    proc = psutil.Process(popen.pid)
    peak = 0
    chunks: list[bytes] = []
    import threading

    reader = threading.Thread(target=lambda: chunks.append(popen.stdout.read()), daemon=True)
    reader.start()
    while popen.poll() is None:
        peak = max(peak, _tree_rss(proc))
        time.sleep(interval)
    wall = time.perf_counter() - t0
    reader.join()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return RunResult(popen.returncode, wall, peak / 2**20, start, b"".join(chunks).decode("utf-8", "replace"), cpu)


def job_times(workdir: Path, since: float) -> list[dict]:
    """Jobs that started at or after ``since`` (epoch s): rule, stage, seconds, outputs."""
    jobs: dict[tuple, dict] = {}
    for f in (workdir / ".snakemake" / "metadata").glob("*"):
        try:
            meta = json.loads(f.read_text(encoding="utf-8"))
            output = base64.b64decode(f.name.replace("@", "/")).decode("utf-8")
        except (ValueError, OSError):
            continue
        st, et = meta.get("starttime"), meta.get("endtime")
        if st is None or et is None or st < since:
            continue
        key = (meta.get("rule"), meta.get("job_hash"))
        job = jobs.setdefault(key, {"rule": meta.get("rule"), "stage": stage_of(meta.get("rule") or ""),
                                    "start": st, "seconds": round(et - st, 3), "outputs": []})  # fmt: skip
        job["outputs"].append(output)
    out = sorted(jobs.values(), key=lambda j: (j["start"], j["rule"]))
    for j in out:
        j["outputs"].sort()
    return out


def stage_summary(jobs: list[dict]) -> dict:
    """Per stage: jobs and summed job seconds (CPU-bound jobs: roughly CPU seconds)."""
    out: dict[str, dict] = {}
    for j in jobs:
        s = out.setdefault(j["stage"], {"jobs": 0, "job_seconds": 0.0})
        s["jobs"] += 1
        s["job_seconds"] = round(s["job_seconds"] + j["seconds"], 3)
    return dict(sorted(out.items()))


def csv_dialects(raw: Path, overlay: dict, sites: dict, exports: dict) -> list[tuple[Path, str]]:
    """(path, delimiter) of every CSV export of a generated portfolio: Moodle LMS exports
    with their export type's delimiter (config `moodle_exports`), evaluation exports with
    the site's."""
    files = []
    for ed, spec in overlay["editions"].items():
        for source in ("participants", "completion", "grades"):
            files.append((Path(overlay["paths"][source].format(edition=ed)), exports[source].get("delimiter", ",")))
        for path in sorted(spec["certificates"].values()):  # one report per certificate activity
            files.append((Path(path), exports["certificates"].get("delimiter", ",")))
        # the Moodle feedback download: ',' on every site
        files.append((Path(overlay["paths"]["evaluation"].format(edition=ed)), ","))
    files.append((Path(overlay["followup_surveys"]["bench"]["export"]), ";"))  # the Kobo export
    return files


def parse_floor(files: list[tuple[Path, str]], repeats: int = 3) -> dict:
    """Best-of-``repeats`` time to parse ``files`` with pyarrow (multi-threaded, types inferred)."""
    from pyarrow import csv as pacsv

    best = math.inf
    rows = 0
    for _ in range(repeats):
        t0 = time.perf_counter()
        rows = 0
        for path, delim in files:
            table = pacsv.read_csv(path, parse_options=pacsv.ParseOptions(delimiter=delim, newlines_in_values=True))
            rows += table.num_rows
        best = min(best, time.perf_counter() - t0)
    return {"seconds": round(best, 3), "files": len(files), "rows": rows,
            "bytes": sum(p.stat().st_size for p, _ in files)}  # fmt: skip


def compare_truth(metrics_csv: Path, truth: dict, rel_tol: float = 1e-9) -> dict:
    """Every ground-truth key against metrics.csv: value, numerator, denominator."""
    import pandas as pd

    from lib.registry import metric_key  # scripts/ is on sys.path (bench.py, tests)

    numeric = {c: [""] for c in ("value", "numerator", "denominator")}
    df = pd.read_csv(metrics_csv, dtype={"metric_id": str, "level": str}, keep_default_na=False, na_values=numeric)
    computed = {metric_key(r.metric_id, r.level): r for r in df.itertuples(index=False)}
    problems = []
    for key, want in sorted(truth.items()):
        if key not in computed:
            problems.append(f"{key}: not computed")
            continue
        for field in ("value", "numerator", "denominator"):
            if want.get(field) is None:
                continue
            got = getattr(computed[key], field)
            if not math.isclose(float(got), float(want[field]), rel_tol=rel_tol, abs_tol=1e-12):
                problems.append(f"{key}.{field}: workflow {got} != truth {want[field]}")
    return {"checked": len(truth), "mismatches": len(problems), "ok": not problems, "problems": problems[:20]}
