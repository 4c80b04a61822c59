"""Trace one published claim through the workflow: `make trace CLAIM=<id>`.

Prints claim -> audit result -> metric definition (registry) -> the jobs that computed
it, each with its rule, script and status, as Snakemake recorded them (lib.lineage: the
workflow's detailed summary, not a reading of config.yaml or of the rule files) -> the
files they read with sha256 (raw files checked against raw/SHA256SUMS; the salt is never
hashed) -> evidence file -> where the figure appears in the report (variables file and
rendered text). Reads only the checkout, results/<scope>/ of the scope's last run (`--scope`,
default config.yaml's `scope`; `make trace CLAIM=<id> SCOPE=<scope>`) and Snakemake's
records; changes nothing.
"""

from __future__ import annotations

import argparse
import html
import os
import re
import sys
from pathlib import Path

import pandas as pd
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from lib.checksums import parse_sha256sums, sha256_file  # noqa: E402
from lib.lineage import Job, snakemake_lineage, upstream  # noqa: E402

TARGETS = ("all", "audit")  # the DAG of `make run` and `make audit`
# paths under results/<scope>/ (common.smk `results()`)
CLAIMS_TABLE = "audit/claims.csv"  # written by the audit from the metrics table
METRICS_TABLE = "metrics/metrics.csv"
STAGE_TABLE = "metrics/{stage}.csv"  # a metric stage's table (METRIC_STAGE_FILES)
CODE = (".py", ".smk")


def claim_chain(by_output: dict[str, Job], metric: dict | None, results: str) -> tuple[list[Job], list[str]]:
    """The jobs from the claims table back to the raw files of the metric's stage, and the
    files they read that no job writes. The metrics table is followed only into the
    stage of the claim's metric; for a claim that is no metric, the audit's job alone.
    ``results`` is the scope's output directory (results/<scope>)."""
    claims_job = by_output.get(f"{results}/{CLAIMS_TABLE}")
    if claims_job is None:
        raise SystemExit(f"Snakemake's DAG has no job writing {results}/{CLAIMS_TABLE}: is audit.smk included?")
    jobs, leaves = [claims_job], {p for p in claims_job.inputs or () if p not in by_output}
    table = by_output.get(f"{results}/{METRICS_TABLE}")
    if metric is not None and table is not None:
        jobs.append(table)
        leaves |= {p for p in table.inputs or () if p not in by_output}
        stage_file = f"{results}/" + STAGE_TABLE.format(stage=metric["stage"])
        stage_jobs, stage_leaves = upstream(by_output, [p for p in table.inputs or () if p == stage_file])
        jobs += [j for j in stage_jobs if all(j is not k for k in jobs)]
        leaves |= set(stage_leaves)
    return jobs, sorted(leaves)


def report_mentions(root: Path, results: Path, claim: dict, key: str) -> list[str]:
    lines = []
    metric_id, _, level = key.partition(":")
    for variables in sorted(results.rglob("_variables.yml")) if metric_id else []:
        flat = pd.json_normalize(yaml.safe_load(variables.read_text(encoding="utf-8")) or {}, sep=".")
        for name in flat.columns:
            parts = name.split(".")
            if metric_id in parts and (not level or level in parts):
                lines.append(f"{variables.relative_to(root)}: {name} = {flat[name].iloc[0]}")
    rendered = results / "report/impact_story.html"
    if rendered.exists():
        page = re.sub(r"<(style|script)\b.*?</\1>", " ", rendered.read_text(encoding="utf-8"), flags=re.S | re.I)
        text = re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))
        number = str(claim["value"]) if not isinstance(claim["value"], list) else ""
        needle = f"{int(claim['value']):,}" if number.isdigit() else number
        for sentence in re.split(r"(?<=[.!?])\s+", text):
            if needle and re.search(rf"(?<![\d,]){re.escape(needle)}(?![\d,])", sentence):
                lines.append(f"{rendered.relative_to(root)}: \u201c{sentence.strip()[:240]}\u201d")
    return lines or ["(not found in the rendered report or its variables: run `make run` first)"]


def print_inputs(root: Path, paths: list[str], withheld: set[str]) -> None:
    sums_file = root / "raw/SHA256SUMS"
    sums = parse_sha256sums(sums_file.read_text("utf-8")) if sums_file.exists() else {}
    data = [p for p in paths if not p.endswith(CODE)]
    code = [p for p in paths if p.endswith(CODE)]
    print("\nINPUTS (files no job writes, sha256; 'listed' = as in raw/SHA256SUMS)")
    for path in data:
        file = root / path
        if path in withheld:
            print(f"  {path}  (the pseudonymisation salt: neither its content nor its checksum is shown)")
            continue
        actual = sha256_file(file) if file.is_file() else "MISSING"
        if not path.startswith("raw/"):
            print(f"  {path}  {actual}")
            continue
        listed = sums.get(path.removeprefix("raw/"), "-")
        flag = "" if listed in ("-", actual) else "  <-- differs from SHA256SUMS"
        print(f"  {path}  {actual}  listed={'yes' if listed == actual else listed}{flag}")
    if code:
        print("\nCODE (helper modules the jobs declare, sha256)")
        for path in code:
            file = root / path
            print(f"  {path}  {sha256_file(file) if file.is_file() else 'MISSING'}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("claim", help="claim id from published/claims.yaml, e.g. P05")
    parser.add_argument("--root", default=".", help="repository root (default: current directory)")
    parser.add_argument("--scope", help="a key of `scopes` in config.yaml (default: its `scope`)")
    args = parser.parse_args(argv)
    root = Path(args.root).resolve()
    config = yaml.safe_load((root / "config.yaml").read_text("utf-8"))
    scope_id = str(args.scope or config["scope"])
    if scope_id not in config["scopes"]:
        print(f"unknown scope {scope_id!r}; known: {', '.join(sorted(config['scopes']))}", file=sys.stderr)
        return 2
    results_rel = f"results/{scope_id}"
    results_dir = root / results_rel
    claims = {c["id"]: c for c in yaml.safe_load((root / "published/claims.yaml").read_text("utf-8"))["claims"]}
    if args.claim not in claims:
        print(f"unknown claim {args.claim!r}; known: {', '.join(claims)}", file=sys.stderr)
        return 2
    claim = claims[args.claim]
    registry = {m["id"]: m for m in yaml.safe_load((root / "resources/metric_registry.yaml").read_text())["metrics"]}

    print(f"CLAIM {claim['id']} ({claim['section']}): {claim['paraphrase']}")
    print(
        f"  published: {claim['published']!r}  [{claim['unit']}, rounding {claim['rounding']}, check {claim['check']}]"
    )
    audited = results_dir / CLAIMS_TABLE
    if audited.exists():
        row = pd.read_csv(audited, dtype=str, keep_default_na=False).set_index("claim_id").loc[claim["id"]]
        print(f"  audit: {row['status']}: recomputed {row['recomputed_value']!r} ({row['recomputed_exact']})")
        if row["note"]:
            print(f"  note: {row['note']}")
    key = str(claim.get("metric", ""))
    metric = registry.get(key.split(":")[0])
    if metric is None:
        source = claim.get("source", "config.yaml")
        print(f"\nSOURCE (not a metric of the exports): {source} {claim.get('field', '')}".rstrip())
    else:
        print(f"\nMETRIC {key} (resources/metric_registry.yaml, stage {metric['stage']}, unit {metric['unit']})")
        for name in ("definition", "numerator", "denominator", "rounding", "interval"):
            if metric.get(name):
                print(f"  {name}: {' '.join(str(metric[name]).split())}")

    by_output, globals_ = snakemake_lineage(root, TARGETS, {"scope": scope_id})
    jobs, leaves = claim_chain(by_output, metric, results_rel)
    print("\nJOBS (from Snakemake: rule, script, status of the last run, outputs <- inputs other jobs wrote)")
    for job in jobs:
        status = "" if job.status == "ok" else f"  [{job.status}: rerun the workflow]"
        print(f"  {job.rule} ({job.rule_file}) script {job.script or '-'}{status}")
        print(f"    writes {', '.join(job.outputs)}")
        made = [p for p in job.inputs or () if p in by_output]
        if made:
            print(f"    reads  {', '.join(made)}")
        if job.inputs is None:
            print("    (no record: not built yet)")
    if metric is None:
        # a claim on the configuration or the interview notes: its own source files
        source = claim.get("source", "config.yaml")
        leaves = (
            sorted(p for p in leaves if p.startswith(source))
            if source.endswith("/")
            else [source if claim["check"].startswith("interview") else "config.yaml"]
        )
    salt = globals_.get("SALT_FILE")  # common.smk: the salt is an input, never hashed here
    withheld = {Path(salt).as_posix(), Path(os.path.relpath(Path(salt).resolve(), root)).as_posix()} if salt else set()
    print_inputs(root, leaves, withheld)
    if metric is not None:
        evidence = results_dir / f"audit/evidence/{metric['id']}.csv"
        print(f"\nEVIDENCE {evidence.relative_to(root)} (keys: {metric['evidence']})")
        if evidence.exists():
            rows = pd.read_csv(evidence, dtype={"level": str}, keep_default_na=False)
            level = key.split(":", 1)[1] if ":" in key else ""
            rows = rows[rows["level"] == level] if level and "level" in rows else rows
            k = int(rows["in_numerator"].astype(str).str.lower().eq("true").sum()) if "in_numerator" in rows else 0
            print(f"  {len(rows)} rows in the denominator, {k} in the numerator")
        else:
            print("  (not written yet: run `make audit`)")
    print("\nREPORT")
    for line in report_mentions(root, results_dir, claim, key):
        print(f"  {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
