"""metrics_participation: clean participants -> results/metrics/participation.csv (+ evidence)."""

import sys
from pathlib import Path

sys.stderr = open(snakemake.log[0], "w", encoding="utf-8")  # noqa: SIM115
sys.path.insert(0, str(Path(snakemake.input.lib_io).resolve().parent.parent))

from lib import io as lib_io
from lib.errors import input_file
from lib.participation import compute
from lib.registry import load_registry

people = lib_io.read_parquet(snakemake.input.participants)
editions = list(snakemake.params.editions)
found = sorted(set(people["edition"]) - set(editions))
if found:
    raise SystemExit(f"clean participants hold editions outside the scope: {found}")

with input_file(snakemake.input.registry, "fix the entry (see the field list at the top of the file)"):
    registry = load_registry(snakemake.input.registry)
rows = compute(people, registry, editions)
metrics = rows.frame()
lib_io.write_csv(metrics, snakemake.output.metrics)
rows.write_evidence(snakemake.output.evidence)  # in row groups: the text of one at a time
print(f"{len(metrics)} participation metric rows from {len(people)} participants", file=sys.stderr)
