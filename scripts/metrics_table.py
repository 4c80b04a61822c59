"""metrics_table: stage metric files -> results/<scope>/metrics/metrics.csv + definitions.csv.

metrics.csv: metric_id, level, value, numerator, denominator, unit, ci_low, ci_high, rank
(shares as fractions), then stage, label and definition from the registry; rows in
registry order, then level. Every metric_id must be in the registry; a metric may come
from one stage file only.
"""

import sys

from lib.preamble import begin

begin(snakemake)

import pandas as pd

from lib import io as lib_io
from lib.registry import METRIC_COLUMNS, load_registry, registry_frame

registry = load_registry(snakemake.input.registry)
frames = []
for path in snakemake.input.stages:
    df = pd.read_csv(
        path,
        dtype={"metric_id": "string", "level": "string", "unit": "string"},
        keep_default_na=False,
        na_values={c: [""] for c in ("value", "numerator", "denominator", "ci_low", "ci_high", "rank")},
    )
    missing = [c for c in METRIC_COLUMNS if c not in df.columns]
    if missing:
        raise SystemExit(f"{path}: missing metric columns {missing}")
    unknown = sorted(set(df["metric_id"]) - set(registry))
    if unknown:
        raise SystemExit(f"{path}: metric ids not in the registry: {unknown}")
    frames.append(df[METRIC_COLUMNS].assign(_file=path))
metrics = pd.concat(frames, ignore_index=True)
twice = metrics.groupby("metric_id")["_file"].nunique()
if (twice > 1).any():
    raise SystemExit(f"metrics computed by more than one stage file: {list(twice[twice > 1].index)}")
dup = metrics.duplicated(["metric_id", "level"])
if dup.any():
    raise SystemExit(f"duplicate metric rows: {metrics.loc[dup, ['metric_id', 'level']].values.tolist()}")

definitions = registry_frame(registry)
info = definitions.set_index("metric_id")[["stage", "label", "definition"]]
metrics = metrics.drop(columns="_file").join(info, on="metric_id")
metrics["_o"] = metrics["metric_id"].map({m: e["order"] for m, e in registry.items()})
metrics = metrics.sort_values(["_o", "level"], kind="stable").drop(columns="_o")
lib_io.write_csv(metrics, snakemake.output.metrics)
lib_io.write_csv(definitions, snakemake.output.definitions)
print(f"{len(metrics)} metric rows from {len(frames)} stage files", file=sys.stderr)
