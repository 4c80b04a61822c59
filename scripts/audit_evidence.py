"""Split the metrics stage's evidence into one CSV per metric, and recount them.

results/<scope>/audit/evidence/<metric_id>.csv lists, per level, the pseudonymous keys (or
response ids) in the metric's denominator with an `in_numerator` flag (`value` for means).
recount.csv compares numerator and denominator recounted from those rows with metrics.csv.
"""

import sys
from pathlib import Path

from lib.preamble import begin, loaded

begin(snakemake)

import pandas as pd

from lib import evidence as audit_evidence
from lib.claims import index_metrics
from lib.registry import load_registry, metric_key
from schemas.metrics import check, evidence_schema, metrics_schema

loaded()

# a broken register or table stops with its message (lib.errors), no traceback
registry = load_registry(snakemake.input.registry)
tables = [check(pd.read_parquet(p), evidence_schema(registry), p) for p in snakemake.input.evidence]
metrics = pd.read_csv(snakemake.input.metrics, keep_default_na=False, na_values=[""])
check(metrics, metrics_schema(registry, table=True), snakemake.input.metrics)
frames = [audit_evidence.normalise_evidence(t) for t in tables]
evidence = pd.concat([f for f in frames if len(f)], ignore_index=True)
published = index_metrics(metrics)
outputs = {Path(p).stem: p for p in snakemake.output.per_metric}

recounts = []
for metric_id, metric in registry.items():
    rows = audit_evidence.metric_evidence(evidence, metric_id, audit_evidence.evidence_columns(metric["evidence"]))
    rows.to_csv(outputs[metric_id], index=False, lineterminator="\n")
    if rows.empty:
        print(f"{metric_id}: no evidence rows in the metrics stage's output", file=sys.stderr)
        continue
    for rec in audit_evidence.recount(rows).to_dict("records"):
        key = metric_key(metric_id, rec["level"])
        row = published.get(key, {})
        comparable = metric["unit"] in ("count", "share") and "numerator" in row
        agrees = (
            comparable
            and float(row["numerator"]) == rec["numerator"]
            and (metric["unit"] == "count" or float(row["denominator"]) == rec["denominator"])
        )
        recounts.append(
            {
                "metric_key": key,
                "evidence_numerator": rec["numerator"],
                "evidence_denominator": rec["denominator"],
                "metrics_numerator": row.get("numerator"),
                "metrics_denominator": row.get("denominator"),
                "agrees": agrees if comparable else pd.NA,
            }
        )

table = pd.DataFrame(
    recounts,
    columns=[
        "metric_key",
        "evidence_numerator",
        "evidence_denominator",
        "metrics_numerator",
        "metrics_denominator",
        "agrees",
    ],
)
table.sort_values("metric_key").to_csv(snakemake.output.recount, index=False, lineterminator="\n")
disagree = table[table["agrees"] == False]  # noqa: E712 (NA stays out)
print(f"{len(table)} metric keys recounted, {len(disagree)} disagree", file=sys.stderr)
for key in disagree["metric_key"]:
    print(f"  recount differs: {key}", file=sys.stderr)
