"""Benchmark the workflow (``make bench``): default data and scaled portfolios.

Runs in a temporary copy of the repository (never in this checkout's results/):

1. default data: cold full run, no-op rerun, rerun after touching one edition's export
   (jobs rerun, and whether only that edition's chain and the aggregates reran);
2. per portfolio size (``--sizes EDITIONSxPARTICIPANTSxRESPONSES,...``): generator in
   scale mode, full run (wall, per-stage job seconds, peak RSS of the process tree, jobs),
   the pyarrow parse floor of the same CSVs and the ratio, and the metrics checked against
   the generator's ground truth (``scope_bench``).

Prints a table and writes ``--out`` (default results/bench/bench.json). Exit status 1 if a
run fails or a portfolio's metrics differ from the ground truth.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))

from bench import measure, report  # noqa: E402

# Three sizes for the growth table, the largest the portfolio (200 editions,
# 1,000,000 participants, 100,000 responses: ~2.5 min with its generation on 2 cores).
DEFAULT_SIZES = "10x50000x5000,40x200000x20000,200x1000000x100000"
TOUCH = ("2020-EN2", "raw/lms/2020-EN2/grades.csv")
# the per-batch jobs (staging and cleaning of a batch run as one job, stage_clean_lms; the
# evaluation exports of every batch are staged in one scope-wide job since issue 16, which
# an LMS export does not feed)
PER_EDITION_RULES = {"stage_clean_lms"}


def snakemake_cmd(cores: int, targets=(), configfile: Path | None = None) -> list[str]:
    exe = Path(sys.executable).with_name("snakemake")
    base = [str(exe)] if exe.exists() else [sys.executable, "-m", "snakemake"]
    extra = ["--configfile", str(configfile)] if configfile else []
    return [*base, *targets, "--cores", str(cores), "--quiet", "rules", *extra]


def run(cmd: list[str], cwd: Path, what: str) -> measure.RunResult:
    res = measure.run_tracked(cmd, cwd)
    if res.returncode != 0:
        sys.stderr.write(res.output[-4000:])
        raise SystemExit(f"bench: {what} failed (exit {res.returncode}) in {cwd}")
    return res


def bench_default(work: Path, cores: int) -> dict:
    copy = work / "default"
    measure.copy_repo(ROOT, copy)
    # the touched export is no longer the shipped synthetic data (raw/SHA256SUMS), so the
    # demo salt must be allowed explicitly (lib.pseudonym), for every run alike
    overlay = copy / "bench-overlay.yaml"
    overlay.write_text("privacy:\n  allow_demo_salt: true\n", encoding="utf-8")
    cmd = snakemake_cmd(cores, (), overlay)
    cold = run(cmd, copy, "default cold run")
    cold_jobs = measure.job_times(copy, cold.start)
    noop = run(cmd, copy, "default no-op rerun")
    noop_jobs = measure.job_times(copy, noop.start)
    edition, path = TOUCH
    # Snakemake skips an input whose mtime changed but whose checksum did not, so "touch"
    # = append an empty line (the readers skip it): new content, same data.
    time.sleep(1.0)
    with open(copy / path, "ab") as fh:
        fh.write(b"\n")
    touched = run(cmd, copy, "default rerun after touch")
    jobs = measure.job_times(copy, touched.start)
    others = [j for j in jobs if j["rule"] in PER_EDITION_RULES and not all(edition in o for o in j["outputs"])]
    own = [j for j in jobs if j["rule"] == "stage_clean_lms" and all(edition in o for o in j["outputs"])]
    return {
        "cold": {"wall_s": round(cold.wall_s, 3), "cpu_s": round(cold.cpu_s, 2), "peak_rss_mb": round(cold.peak_rss_mb, 1),
                 "jobs": len(cold_jobs), "stages": measure.stage_summary(cold_jobs)},
        "noop": {"wall_s": round(noop.wall_s, 3), "cpu_s": round(noop.cpu_s, 2), "jobs": len(noop_jobs)},
        "touch": {"file": path, "wall_s": round(touched.wall_s, 3), "cpu_s": round(touched.cpu_s, 2), "jobs": len(jobs),
                  "rules": sorted(j["rule"] for j in jobs),
                  "only_that_edition_and_aggregates": bool(own) and not others},
    }  # fmt: skip


def bench_portfolio(work: Path, cores: int, editions: int, participants: int, responses: int) -> dict:
    import yaml

    copy = work / f"p{editions}x{participants}"
    measure.copy_repo(ROOT, copy)
    data, truth_file = copy / "bench-raw", copy / "bench-truth.json"
    t0 = time.perf_counter()
    subprocess.run([sys.executable, str(ROOT / "scripts" / "datagen" / "generate.py"), "--scale", str(editions),
                    "--participants", str(participants), "--responses", str(responses),
                    "--out", str(data), "--truth", str(truth_file)], check=True)  # fmt: skip
    gen_s = time.perf_counter() - t0
    overlay = yaml.safe_load((data / "config_overlay.yaml").read_text("utf-8"))
    config = yaml.safe_load((copy / "config.yaml").read_text("utf-8"))
    cmd = snakemake_cmd(cores, (), data / "config_overlay.yaml")  # every output of `rule all`
    res = run(cmd, copy, f"portfolio run {editions} editions")
    jobs = measure.job_times(copy, res.start)
    floor = measure.parse_floor(measure.csv_dialects(data, overlay, config["sites"], config["moodle_exports"]))
    truth = json.loads(truth_file.read_text("utf-8"))["scope_bench"]
    check = measure.compare_truth(copy / "results" / str(overlay["scope"]) / "metrics" / "metrics.csv", truth)
    return {
        "editions": editions, "participants": participants, "responses": responses,
        "generate_s": round(gen_s, 1), "wall_s": round(res.wall_s, 3),
        "peak_rss_mb": round(res.peak_rss_mb, 1), "jobs": len(jobs),
        "stages": measure.stage_summary(jobs),
        "slowest_jobs": [{k: j[k] for k in ("rule", "seconds")} | {"output": j["outputs"][0]}
                         for j in sorted(jobs, key=lambda j: -j["seconds"])[:5]],
        "floor": floor, "ratio_to_floor": round(res.wall_s / floor["seconds"], 2) if floor["seconds"] else None,
        "truth_check": check,
    }  # fmt: skip


def machine() -> dict:
    import importlib.metadata as md

    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem_kb = next(int(x.split()[1]) for x in Path("/proc/meminfo").read_text().splitlines()
                      if x.startswith("MemTotal"))  # fmt: skip
    except (OSError, StopIteration):
        mem_kb = 0
    pkgs = ["snakemake", "pandas", "pandera", "pyarrow", "matplotlib", "seaborn", "geopandas"]
    # Snakemake imports every installed executor plugin at start; the SLURM plugin runs
    # `scontrol show config` then, which waits MessageTimeout when SLURM's client is
    # installed but no controller answers. It lives in .venv-slurm, not in the benchmarked
    # environment: say whether this one has it (and what importing it costs).
    plugin_s = "absent"
    if importlib.util.find_spec("snakemake_executor_plugin_slurm"):
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-c", "import snakemake_executor_plugin_slurm"], capture_output=True)
        plugin_s = round(time.perf_counter() - t0, 2)
    return {"cpus": os.cpu_count(), "cpu_model": cpu, "mem_gb": round(mem_kb / 2**20, 1),
            "python": platform.python_version(), "platform": platform.platform(),
            "packages": {p: md.version(p) for p in pkgs}, "slurm_plugin_import_s": plugin_s,
            "load_before": [round(x, 2) for x in os.getloadavg()]}  # fmt: skip


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default=DEFAULT_SIZES,
                    help="portfolios EDITIONSxPARTICIPANTSxRESPONSES, comma-separated ('' = none); "
                         "the issue's full portfolio is 200x1000000x100000")  # fmt: skip
    ap.add_argument("--no-default", action="store_true", help="skip the default-data runs")
    ap.add_argument("--cores", type=int, default=2)
    ap.add_argument("--out", type=Path, default=ROOT / "results" / "bench" / "bench.json")
    ap.add_argument("--workdir", type=Path, help="where the temporary copies go (kept)")
    args = ap.parse_args(argv)
    sizes = [tuple(int(x) for x in s.split("x")) for s in args.sizes.split(",") if s.strip()]
    work = args.workdir or Path(tempfile.mkdtemp(prefix="impact-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    result: dict = {"machine": machine(), "cores": args.cores}
    try:
        if not args.no_default:
            result["default"] = bench_default(work, args.cores)
        result["portfolios"] = [bench_portfolio(work, args.cores, *s) for s in sizes]
    finally:
        if args.workdir is None:
            shutil.rmtree(work, ignore_errors=True)
    result["machine"]["load_after"] = [round(x, 2) for x in os.getloadavg()]
    result["targets"] = report.targets(result)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(report.table(result))
    print(f"\nwritten: {args.out}")
    return 0 if all(p["truth_check"]["ok"] for p in result["portfolios"]) else 1


if __name__ == "__main__":
    sys.exit(main())
