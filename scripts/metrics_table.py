"""metrics_table: stage metric files -> results/<scope>/metrics/metrics.csv + definitions.csv.

metrics.csv: metric_id, level, value, numerator, denominator, unit, ci_low, ci_high, rank
(shares as fractions), then stage, label and definition from the registry; rows in
registry order, then level. Each stage file is checked against schemas/metrics.py (every
metric a registry metric of that stage, with its unit, one row per metric and level), and
every registry metric of the scope's stages (params.stages: those whose rules run, e.g.
no application stage for a scope without a follow-up survey) must have been computed.
"""

import sys

from lib.preamble import begin, loaded

begin(snakemake)

import pandas as pd

from lib import io as lib_io
from lib.registry import METRIC_COLUMNS, load_registry, registry_frame, uncomputed
from schemas.metrics import check, metrics_schema

loaded()

registry = load_registry(snakemake.input.registry)  # a RegisterError stops with its message
stages = list(snakemake.params.stages)
frames = []
for path, stage in zip(snakemake.input.stages, stages, strict=True):
    df = pd.read_csv(
        path,
        dtype={"metric_id": "string", "level": "string", "unit": "string"},
        keep_default_na=False,
        na_values={c: [""] for c in ("value", "numerator", "denominator", "ci_low", "ci_high", "rank")},
    )
    check(df.assign(stage=stage, label="", definition=""), metrics_schema(registry, table=True), path)
    frames.append(df[METRIC_COLUMNS])
metrics = pd.concat(frames, ignore_index=True)
missing = uncomputed(registry, stages, metrics["metric_id"])
if missing:
    raise SystemExit(
        f"{snakemake.input.registry}: metric(s) of the stages {', '.join(stages)} defined but not computed by "
        f"their stage: {', '.join(missing)}; add the function that computes each (docs/architecture.md, "
        "Adding a metric) or remove the entry"
    )

definitions = registry_frame(registry)
info = definitions.set_index("metric_id")[["stage", "label", "definition"]]
metrics = metrics.join(info, on="metric_id")
metrics["_o"] = metrics["metric_id"].map({m: e["order"] for m, e in registry.items()})
metrics = metrics.sort_values(["_o", "level"], kind="stable").drop(columns="_o")
check(metrics, metrics_schema(registry, table=True), snakemake.output.metrics)  # MetricsTableError: a message
lib_io.write_csv(metrics, snakemake.output.metrics)
lib_io.write_csv(definitions, snakemake.output.definitions)
print(f"{len(metrics)} metric rows from {len(frames)} stage files", file=sys.stderr)
