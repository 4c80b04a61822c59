"""Trace one published claim through the workflow: `make trace CLAIM=<id>`.

Prints claim -> audit result -> metric definition (registry) -> rules and scripts that
compute it -> raw input files with sha256 (checked against raw/SHA256SUMS) -> evidence
file -> where the figure appears in the report (variables file and rendered text).
Reads only files of the checkout and results/<scope>/ of the scope's last run (`--scope`,
default config.yaml's `scope`; `make trace CLAIM=<id> SCOPE=<scope>`); changes nothing.
"""

from __future__ import annotations

import argparse
import html
import re
import sys
from pathlib import Path

import pandas as pd
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from lib import audit  # noqa: E402

LMS_SOURCES = ["participants", "completion", "grades", "certificates"]


def stage_inputs(config: dict, stage: str, scope_id: str) -> list[str]:
    """Raw files a registry stage reads, from config.yaml (scope editions, paths, forms)."""
    scope = config["scopes"][scope_id]
    files = []
    for edition in scope["editions"]:
        overrides = config["editions"][edition].get("files") or {}
        sources = LMS_SOURCES if stage == "participation" else ["evaluation"] if stage == "reaction" else []
        for s in sources:
            if s == "certificates":  # one mod_customcert report per certificate activity
                mapping = config["editions"][edition].get("certificates") or config["paths"][s]
                files += [v.format(edition=edition) for _, v in sorted(mapping.items())]
            else:
                files.append(overrides.get(s, config["paths"][s].format(edition=edition)))
    if stage == "application" and scope.get("followup_survey"):
        survey = config["followup_surveys"][scope["followup_survey"]]
        files += [survey["export"], survey["form"]]
    if stage in ("reaction",):
        files += [config["evaluation"]["form"]]
    return files


def report_mentions(root: Path, results: Path, claim: dict, key: str) -> list[str]:
    lines = []
    level = key.split(":", 1)[1] if ":" in key else ""
    for variables in sorted(results.rglob("_variables.yml")):
        flat = pd.json_normalize(yaml.safe_load(variables.read_text(encoding="utf-8")) or {}, sep=".")
        for name in flat.columns:
            if key.split(":")[0] in name or (level and name.endswith(level)):
                lines.append(f"{variables.relative_to(root)}: {name} = {flat[name].iloc[0]}")
    rendered = results / "report/impact_story.html"
    if rendered.exists():
        text = html.unescape(re.sub(r"<[^>]+>", " ", rendered.read_text(encoding="utf-8")))
        text = re.sub(r"\s+", " ", text)
        number = str(claim["value"]) if not isinstance(claim["value"], list) else ""
        needle = f"{int(claim['value']):,}" if number.isdigit() else number
        for sentence in re.split(r"(?<=[.!?])\s+", text):
            if needle and re.search(rf"(?<![\d,]){re.escape(needle)}(?![\d,])", sentence):
                lines.append(f"{rendered.relative_to(root)}: \u201c{sentence.strip()[:240]}\u201d")
    return lines or ["(not found in the rendered report or its variables: run `make report` first)"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("claim", help="claim id from published/claims.yaml, e.g. P05")
    parser.add_argument("--root", default=".", help="repository root (default: current directory)")
    parser.add_argument("--scope", help="scope whose results/<scope>/ to read (default: config.yaml's `scope`)")
    args = parser.parse_args(argv)
    root = Path(args.root)
    claims = {c["id"]: c for c in yaml.safe_load((root / "published/claims.yaml").read_text("utf-8"))["claims"]}
    if args.claim not in claims:
        print(f"unknown claim {args.claim!r}; known: {', '.join(claims)}", file=sys.stderr)
        return 2
    claim = claims[args.claim]
    config = yaml.safe_load((root / "config.yaml").read_text("utf-8"))
    scope_id = str(args.scope or config["scope"])
    if scope_id not in config["scopes"]:
        print(f"unknown scope {scope_id!r}; known: {', '.join(sorted(config['scopes']))}", file=sys.stderr)
        return 2
    results_dir = root / "results" / scope_id
    registry = {m["id"]: m for m in yaml.safe_load((root / "resources/metric_registry.yaml").read_text())["metrics"]}

    print(f"CLAIM {claim['id']} ({claim['section']}): {claim['paraphrase']}")
    print(
        f"  published: {claim['published']!r}  [{claim['unit']}, rounding {claim['rounding']}, check {claim['check']}]"
    )
    audited = results_dir / "audit/claims.csv"
    if audited.exists():
        row = pd.read_csv(audited, dtype=str, keep_default_na=False).set_index("claim_id").loc[claim["id"]]
        print(f"  audit: {row['status']}: recomputed {row['recomputed_value']!r} ({row['recomputed_exact']})")
        if row["note"]:
            print(f"  note: {row['note']}")
    key = str(claim.get("metric", ""))
    metric = registry.get(key.split(":")[0])
    if metric is None:
        source = claim.get("source", "config.yaml")
        print(f"\nSOURCE (not a metric of the exports): {source} {claim.get('field', '')}")
        inputs = (
            sorted(str(p.relative_to(root)) for p in (root / source).glob("*.yaml"))
            if source.endswith("/")
            else [source if claim["check"].startswith("interview") else "config.yaml"]
        )
    else:
        print(f"\nMETRIC {key} (resources/metric_registry.yaml, stage {metric['stage']}, unit {metric['unit']})")
        for name in ("definition", "numerator", "denominator", "rounding", "interval"):
            if metric.get(name):
                print(f"  {name}: {' '.join(str(metric[name]).split())}")
        rules = [
            r
            for f in sorted((root / "workflow/rules").glob("*.smk"))
            for r in audit.parse_rules(f.read_text("utf-8"), str(f.relative_to(root)))
        ]
        print("\nRULES")
        chain = audit.rules_for_stage(rules, metric["stage"]) + [r for r in rules if r["name"] == "audit_claims"]
        for rule in {r["name"]: r for r in chain}.values():
            print(f"  {rule['name']} ({rule['file']}) script {rule['script'] or '-'}")
        inputs = stage_inputs(config, metric["stage"], scope_id)
    sums_file = root / "raw/SHA256SUMS"
    sums = audit.parse_sha256sums(sums_file.read_text("utf-8")) if sums_file.exists() else {}
    print("\nINPUTS (sha256; 'listed' = as in raw/SHA256SUMS)")
    for path in inputs:
        file = root / path
        actual = audit.sha256_file(file) if file.is_file() else "MISSING"
        listed = sums.get(path.removeprefix("raw/"), "-")
        flag = "" if listed in ("-", actual) else "  <-- differs from SHA256SUMS"
        print(f"  {path}  {actual}  listed={'yes' if listed == actual else listed}{flag}")
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
